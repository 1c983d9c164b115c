//! Malformed YAML/JSON, unknown kinds, wrong apiVersion and invalid fields get
//! Kubernetes-style errors, and nothing reaches etcd.

use crate::support::{cluster, create_text};

struct Case {
    story: &'static str,
    manifest: String,
    code: u16,
    reason: &'static str,
    message: &'static str,
    causes: &'static [(&'static str, &'static str)],
}

fn deployment_with(replace: &[(&str, &str)]) -> String {
    let mut text = crate::support::NGINX_DEPLOYMENT.to_string();
    for (from, to) in replace {
        assert!(text.contains(from), "fixture contains {from}");
        text = text.replace(from, to);
    }
    text
}

#[test]
fn bad_manifests_get_kubernetes_errors_and_nothing_is_written() {
    let cases = vec![
        Case {
            story: "malformed YAML",
            manifest: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n".into(),
            code: 400,
            reason: "BadRequest",
            message: "error converting YAML to JSON: yaml: line 5: did not find expected ',' or ']'",
            causes: &[],
        },
        Case {
            story: "malformed JSON",
            manifest: "{\"apiVersion\": \"v1\", \"kind\": \"Pod\"".into(),
            code: 400,
            reason: "BadRequest",
            message: "couldn't get version/kind; json parse error: unexpected end of JSON input",
            causes: &[],
        },
        Case {
            story: "unknown kind",
            manifest: "apiVersion: v1\nkind: Frobnicator\nmetadata:\n  name: x\n".into(),
            code: 404,
            reason: "NotFound",
            message: "no matches for kind \"Frobnicator\" in version \"v1\"",
            causes: &[],
        },
        Case {
            story: "a Deployment in the core group",
            manifest: deployment_with(&[("apps/v1", "v1")]),
            code: 404,
            reason: "NotFound",
            message: "no matches for kind \"Deployment\" in version \"v1\"",
            causes: &[],
        },
        Case {
            story: "no kind at all",
            manifest: "apiVersion: v1\nmetadata:\n  name: x\n".into(),
            code: 400,
            reason: "BadRequest",
            message: "Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}'",
            causes: &[],
        },
        Case {
            story: "replicas as a string",
            manifest: deployment_with(&[("replicas: 1", "replicas: three")]),
            code: 400,
            reason: "BadRequest",
            message: "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
            causes: &[],
        },
        Case {
            story: "an upper-case name",
            manifest: deployment_with(&[("name: nginx\n  labels", "name: Nginx_1\n  labels")]),
            code: 422,
            reason: "Invalid",
            message: "Deployment.apps \"Nginx_1\" is invalid: metadata.name: Invalid value: \"Nginx_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            causes: &[("FieldValueInvalid", "metadata.name")],
        },
        Case {
            story: "a selector that does not match the template, and no image",
            manifest: deployment_with(&[("      labels:\n        app: nginx", "      labels:\n        app: web"), ("        image: nginx:1.27\n", "")]),
            code: 422,
            reason: "Invalid",
            message: "Deployment.apps \"nginx\" is invalid: [spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`, spec.template.spec.containers[0].image: Required value]",
            causes: &[("FieldValueInvalid", "spec.template.metadata.labels"), ("FieldValueRequired", "spec.template.spec.containers[0].image")],
        },
        Case {
            story: "a pod without containers",
            manifest: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n".into(),
            code: 422,
            reason: "Invalid",
            message: "Pod \"p\" is invalid: spec.containers: Required value",
            causes: &[("FieldValueRequired", "spec.containers")],
        },
        Case {
            story: "a service whose name starts with a digit and whose port is 0",
            manifest: "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  ports:\n  - port: 0\n".into(),
            code: 422,
            reason: "Invalid",
            message: "Service \"1web\" is invalid: [metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'), spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive]",
            causes: &[("FieldValueInvalid", "metadata.name"), ("FieldValueInvalid", "spec.ports[0].port")],
        },
        Case {
            story: "a config map key with a space",
            manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  bad key: v\n".into(),
            code: 422,
            reason: "Invalid",
            message: "ConfigMap \"c\" is invalid: data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            causes: &[("FieldValueInvalid", "data[bad key]")],
        },
        Case {
            story: "no name",
            manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n".into(),
            code: 422,
            reason: "Invalid",
            message: "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required",
            causes: &[("FieldValueRequired", "metadata.name")],
        },
    ];
    let (mut api, etcd) = cluster();
    let keys_before = etcd.raw_keys("");
    assert_eq!(keys_before.len(), 4, "the four system namespaces");
    for case in cases {
        let response = create_text(&mut api, &case.manifest);
        let status = response
            .status()
            .cloned()
            .unwrap_or_else(|| panic!("{}: expected an error", case.story));
        assert_eq!(
            (status.code, status.reason.as_str()),
            (case.code, case.reason),
            "{}",
            case.story
        );
        assert_eq!(status.message, case.message, "{}", case.story);
        let causes: Vec<(String, String)> = status
            .details
            .iter()
            .flat_map(|details| details.causes.iter())
            .map(|cause| (cause.reason.clone(), cause.field.clone()))
            .collect();
        let expected: Vec<(String, String)> = case
            .causes
            .iter()
            .map(|(reason, field)| (reason.to_string(), field.to_string()))
            .collect();
        assert_eq!(causes, expected, "{}", case.story);
        assert_eq!(etcd.revision(), 5, "{}: nothing written", case.story);
    }
    assert_eq!(etcd.raw_keys(""), keys_before);
}

#[test]
fn an_immutable_selector_cannot_change_on_update() {
    let (mut api, etcd) = cluster();
    let created = create_text(&mut api, crate::support::NGINX_DEPLOYMENT)
        .object()
        .cloned()
        .unwrap_or_default();
    let mut changed = created;
    changed["spec"]["selector"]["matchLabels"]["app"] = serde_json::json!("web");
    changed["spec"]["template"]["metadata"]["labels"]["app"] = serde_json::json!("web");
    let response = crate::support::update_object(&mut api, changed);
    assert_eq!(response.status_code, 422);
    assert_eq!(
        response.status().map(|status| status.message.as_str()),
        Some("Deployment.apps \"nginx\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable")
    );
    assert_eq!(etcd.revision(), 6);
}
