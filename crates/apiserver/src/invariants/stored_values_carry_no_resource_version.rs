//! No stored object carries `metadata.resourceVersion`: it is the key's
//! mod_revision, set on the way out (kube-apiserver's `PrepareObjectForStorage`).

use serde_json::Value;

use super::InvariantViolation;

pub(super) fn check(key: &str, object: Option<&Value>, violations: &mut Vec<InvariantViolation>) {
    if let Some(revision) = object.and_then(|object| object.pointer("/metadata/resourceVersion")) {
        violations.push(InvariantViolation {
            invariant: "stored values carry no resourceVersion",
            key: key.to_string(),
            detail: format!("resourceVersion {revision} stored"),
        });
    }
}
