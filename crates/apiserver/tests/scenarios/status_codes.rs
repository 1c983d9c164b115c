//! Table test: every status code the apiserver answers, with the exact body.

use apiserver::{ApiRequest, RequestBody, Resource};
use serde_json::json;

use crate::support::{cluster, create_text, get, update_object, NGINX_DEPLOYMENT};

struct Row {
    name: &'static str,
    request: ApiRequest,
    expected_code: u16,
    expected_body: &'static str,
}

#[test]
fn every_status_code_comes_with_the_exact_kubernetes_body() {
    let (mut api, etcd) = cluster();
    let created = create_text(&mut api, NGINX_DEPLOYMENT);
    assert_eq!(created.status_code, 201);
    assert_eq!(created.resource_version(), Some("6"));
    let mut stale = created.object().cloned().unwrap_or_default();
    stale["spec"]["replicas"] = json!(2);
    assert_eq!(update_object(&mut api, stale.clone()).status_code, 200);
    stale["spec"]["replicas"] = json!(3);

    let rows = vec![
        Row {
            name: "get of a missing object",
            request: ApiRequest::Get {
                resource: Resource::Deployment,
                namespace: Some("default".into()),
                name: "web".into(),
            },
            expected_code: 404,
            expected_body: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"web\" not found","reason":"NotFound","details":{"name":"web","group":"apps","kind":"deployments"},"code":404}"#,
        },
        Row {
            name: "core resources have no group",
            request: ApiRequest::Delete {
                resource: Resource::Pod,
                namespace: Some("default".into()),
                name: "ghost".into(),
            },
            expected_code: 404,
            expected_body: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"ghost\" not found","reason":"NotFound","details":{"name":"ghost","kind":"pods"},"code":404}"#,
        },
        Row {
            name: "create of an existing name",
            request: ApiRequest::Create {
                namespace: None,
                body: RequestBody::Text(NGINX_DEPLOYMENT.into()),
            },
            expected_code: 409,
            expected_body: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"nginx\" already exists","reason":"AlreadyExists","details":{"name":"nginx","group":"apps","kind":"deployments"},"code":409}"#,
        },
        Row {
            name: "update with a stale resourceVersion",
            request: ApiRequest::Update {
                namespace: None,
                body: RequestBody::Object(stale),
            },
            expected_code: 409,
            expected_body: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on deployments.apps \"nginx\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"nginx","group":"apps","kind":"deployments"},"code":409}"#,
        },
        Row {
            name: "create in a namespace that does not exist",
            request: ApiRequest::Create {
                namespace: Some("shop".into()),
                body: RequestBody::Object(
                    json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}),
                ),
            },
            expected_code: 404,
            expected_body: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \"shop\" not found","reason":"NotFound","details":{"name":"shop","kind":"namespaces"},"code":404}"#,
        },
        Row {
            name: "invalid replicas",
            request: ApiRequest::Create {
                namespace: None,
                body: RequestBody::Text(
                    NGINX_DEPLOYMENT
                        .replace("name: nginx\n  labels", "name: web\n  labels")
                        .replace("replicas: 1", "replicas: -1"),
                ),
            },
            expected_code: 422,
            expected_body: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0","reason":"Invalid","details":{"name":"web","group":"apps","kind":"Deployment","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"}]},"code":422}"#,
        },
        Row {
            name: "malformed JSON",
            request: ApiRequest::Create {
                namespace: None,
                body: RequestBody::Text("{\"kind\": \"Pod\",}".into()),
            },
            expected_code: 400,
            expected_body: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"couldn't get version/kind; json parse error: trailing comma at line 1 column 16","reason":"BadRequest","code":400}"#,
        },
        Row {
            name: "watch from a compacted resourceVersion",
            request: ApiRequest::Watch {
                resource: Resource::Deployment,
                namespace: None,
                resource_version: Some("3".into()),
            },
            expected_code: 410,
            expected_body: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 3 (6)","reason":"Expired","code":410}"#,
        },
        Row {
            name: "deleting the default namespace",
            request: ApiRequest::Delete {
                resource: Resource::Namespace,
                namespace: None,
                name: "default".into(),
            },
            expected_code: 403,
            expected_body: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \"default\" is forbidden: this namespace may not be deleted","reason":"Forbidden","details":{"name":"default","kind":"namespaces"},"code":403}"#,
        },
    ];
    // Compact at the update's revision so that the watch row sees history below 7 gone.
    etcd_compact(&etcd, 7);
    for row in rows {
        let before = etcd.revision();
        let response = api.handle(row.request);
        assert_eq!(response.status_code, row.expected_code, "{}", row.name);
        assert_eq!(response.body_json(), row.expected_body, "{}", row.name);
        assert_eq!(
            etcd.revision(),
            before,
            "{}: an error writes nothing",
            row.name
        );
    }
    assert_eq!(
        get(&mut api, Resource::Deployment, "default", "nginx").resource_version(),
        Some("7")
    );
}

fn etcd_compact(etcd: &apiserver::InMemoryEtcd, revision: i64) {
    use apiserver::Etcd;
    let mut handle = etcd.clone();
    assert!(handle
        .compact(mvcc::CompactionRequest {
            revision,
            physical: false
        })
        .is_ok());
}

#[test]
fn successful_calls_answer_200_or_201_with_resource_versions_from_etcd() {
    let (mut api, etcd) = cluster();
    let created = create_text(&mut api, NGINX_DEPLOYMENT);
    assert_eq!(
        (created.status_code, created.resource_version()),
        (201, Some("6"))
    );
    assert_eq!(
        etcd.raw_keys("/registry/deployments/"),
        vec!["/registry/deployments/default/nginx".to_string()]
    );
    let fetched = get(&mut api, Resource::Deployment, "default", "nginx");
    assert_eq!(
        (fetched.status_code, fetched.resource_version()),
        (200, Some("6"))
    );
    // An unrelated write moves the store, so the list RV (header revision) is above the item's.
    assert_eq!(
        create_text(
            &mut api,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
        )
        .status_code,
        201
    );
    let list = api.handle(ApiRequest::List {
        resource: Resource::Deployment,
        namespace: None,
    });
    assert_eq!(list.status_code, 200);
    assert_eq!(list.resource_version(), Some("7"));
    assert_eq!(
        list.object()
            .and_then(|list| list.pointer("/items/0/metadata/resourceVersion")),
        Some(&json!("6"))
    );
    let deleted = api.handle(ApiRequest::Delete {
        resource: Resource::Deployment,
        namespace: Some("default".into()),
        name: "nginx".into(),
    });
    assert_eq!(deleted.status_code, 200);
    assert_eq!(etcd.revision(), 8);
    assert!(etcd.raw_keys("/registry/deployments/").is_empty());
}

#[test]
fn stored_values_carry_no_resource_version_and_defaults_are_applied() {
    let (mut api, etcd) = cluster();
    let created = create_text(&mut api, NGINX_DEPLOYMENT);
    let object = created.object().cloned().unwrap_or_default();
    assert_eq!(object["metadata"]["generation"], json!(1));
    assert_eq!(
        object["metadata"]["creationTimestamp"],
        json!("2026-01-01T00:00:00Z")
    );
    assert_eq!(object["metadata"]["namespace"], json!("default"));
    assert_eq!(object["spec"]["strategy"]["type"], json!("RollingUpdate"));
    assert_eq!(
        object["spec"]["template"]["spec"]["restartPolicy"],
        json!("Always")
    );
    let raw = etcd
        .raw_get("/registry/deployments/default/nginx")
        .unwrap_or_default();
    let stored: serde_json::Value = serde_json::from_slice(&raw).unwrap_or_default();
    assert_eq!(stored["metadata"].get("resourceVersion"), None);
    assert_eq!(stored["metadata"]["uid"], object["metadata"]["uid"]);
}

#[test]
fn a_main_update_keeps_the_status_and_a_status_update_keeps_the_spec_and_generation() {
    let (mut api, _etcd) = cluster();
    let created = create_text(&mut api, NGINX_DEPLOYMENT)
        .object()
        .cloned()
        .unwrap_or_default();
    let mut with_status = created.clone();
    with_status["status"] = json!({"replicas": 1});
    with_status["spec"]["replicas"] = json!(5);
    let status_update = api.handle(ApiRequest::UpdateStatus {
        namespace: None,
        body: RequestBody::Object(with_status),
    });
    let after_status = status_update.object().cloned().unwrap_or_default();
    assert_eq!(
        (
            after_status["status"].clone(),
            after_status["spec"]["replicas"].clone(),
            after_status["metadata"]["generation"].clone()
        ),
        (json!({"replicas": 1}), json!(1), json!(1))
    );

    let mut spec_change = after_status.clone();
    spec_change["spec"]["replicas"] = json!(2);
    spec_change["status"] = json!({"replicas": 99});
    let after_update = update_object(&mut api, spec_change)
        .object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            after_update["status"].clone(),
            after_update["spec"]["replicas"].clone(),
            after_update["metadata"]["generation"].clone()
        ),
        (json!({"replicas": 1}), json!(2), json!(2))
    );
}
