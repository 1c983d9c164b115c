//! Every plain value under `/registry/<prefix>/[<namespace>/]<name>` is a JSON
//! object of that prefix's kind, with that name and namespace.
//! Example: `/registry/services/specs/default/web` holds `kind: Service`, `metadata.name: web`.

use serde_json::Value;

use super::InvariantViolation;
use crate::resource::{Resource, REGISTRY_PREFIX};

const NAME: &str = "stored objects match their keys";

pub(super) fn check(
    key: &str,
    kv: &mvcc::KeyValue,
    object: Option<&Value>,
    violations: &mut Vec<InvariantViolation>,
) {
    let Some(rest) = key
        .strip_prefix(REGISTRY_PREFIX)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return;
    };
    let Some(resource) = Resource::ALL
        .into_iter()
        .find(|resource| rest.starts_with(&format!("{}/", resource.storage_prefix())))
    else {
        return;
    };
    if kv.value.starts_with(b"k8s:enc:") {
        return;
    }
    let Some(object) = object.filter(|object| object.is_object()) else {
        violations.push(InvariantViolation {
            invariant: NAME,
            key: key.to_string(),
            detail: "not a JSON object".to_string(),
        });
        return;
    };
    let path = &rest[resource.storage_prefix().len() + 1..];
    let (namespace, name) = match path.split_once('/') {
        Some((namespace, name)) if resource.is_namespaced() => (Some(namespace), name),
        _ => (None, path),
    };
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
    let mut problems = Vec::new();
    if text("/kind") != Some(resource.kind()) || text("/apiVersion") != Some(resource.api_version())
    {
        problems.push(format!(
            "kind {:?} apiVersion {:?}",
            text("/kind"),
            text("/apiVersion")
        ));
    }
    if text("/metadata/name") != Some(name) {
        problems.push(format!("metadata.name {:?}", text("/metadata/name")));
    }
    if text("/metadata/namespace") != namespace {
        problems.push(format!(
            "metadata.namespace {:?}",
            text("/metadata/namespace")
        ));
    }
    if !problems.is_empty() {
        violations.push(InvariantViolation {
            invariant: NAME,
            key: key.to_string(),
            detail: problems.join(", "),
        });
    }
}
