//! `kubectl apply -f` with several documents: created, configured, unchanged.

use apiserver::client::{apply, ApplyOutcome};

use crate::support::{cluster, NGINX_DEPLOYMENT};

#[test]
fn applying_twice_creates_then_reports_unchanged_and_a_change_is_configured() {
    let (mut api, etcd) = cluster();
    let manifest = format!("{NGINX_DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  selector:\n    app: nginx\n  ports:\n  - port: 80\n");
    let lines = |results: Vec<apiserver::client::ApplyResult>| {
        results
            .into_iter()
            .map(|result| (result.outcome, result.kubectl_line))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        lines(apply(&mut api, &manifest, "nginx.yaml")),
        vec![
            (
                ApplyOutcome::Created,
                "deployment.apps/nginx created".to_string()
            ),
            (ApplyOutcome::Created, "service/nginx created".to_string()),
        ]
    );
    assert_eq!(
        etcd.raw_keys("/registry/services/"),
        vec!["/registry/services/specs/default/nginx".to_string()]
    );
    let revision = etcd.revision();
    assert_eq!(
        lines(apply(&mut api, &manifest, "nginx.yaml")),
        vec![
            (
                ApplyOutcome::Unchanged,
                "deployment.apps/nginx unchanged".to_string()
            ),
            (
                ApplyOutcome::Unchanged,
                "service/nginx unchanged".to_string()
            ),
        ]
    );
    assert_eq!(
        etcd.revision(),
        revision,
        "unchanged objects are not rewritten"
    );
    let scaled = manifest.replace("replicas: 1", "replicas: 3");
    assert_eq!(
        lines(apply(&mut api, &scaled, "nginx.yaml"))[0],
        (
            ApplyOutcome::Configured,
            "deployment.apps/nginx configured".to_string()
        )
    );
    let broken = lines(apply(&mut api, "kind: [", "broken.yaml"));
    assert_eq!(broken[0].0, ApplyOutcome::Failed);
    assert!(broken[0].1.starts_with("Error from server (BadRequest): error when creating \"broken.yaml\": error converting YAML to JSON: yaml: line"), "{}", broken[0].1);
}

#[test]
fn hand_written_garbage_in_etcd_gives_errors_not_panics() {
    use apiserver::controllers::ControllerManager;
    use apiserver::{ApiRequest, Etcd, Resource};
    let (mut api, etcd) = cluster();
    let mut handle = etcd.clone();
    for (key, value) in [
        ("/registry/pods/default/junk", b"[1]".to_vec()),
        (
            "/registry/deployments/default/odd",
            br#"{"metadata":{"name":"odd"},"spec":"x"}"#.to_vec(),
        ),
    ] {
        let put = mvcc::RequestOp::Put(mvcc::PutRequest {
            key: key.as_bytes().to_vec(),
            value,
            lease: 0,
            prev_kv: false,
        });
        assert!(handle
            .txn(mvcc::TxnRequest {
                compare: vec![],
                success: vec![put],
                failure: vec![]
            })
            .is_ok());
    }
    let pods = api.handle(ApiRequest::List {
        resource: Resource::Pod,
        namespace: None,
    });
    assert_eq!(pods.status_code, 500);
    assert_eq!(pods.status().map(|status| status.message.as_str()), Some("Internal error occurred: the value of /registry/pods/default/junk is not a Kubernetes object"));
    let mut manager = ControllerManager::new(&["node-1"]);
    for _ in 0..5 {
        manager.step(&mut api);
    }
}
