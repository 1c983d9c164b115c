//! An object has at most one owner reference with `controller: true`
//! (what keeps two ReplicaSets from fighting over one Pod).

use serde_json::Value;

use super::InvariantViolation;

pub(super) fn check(key: &str, object: Option<&Value>, violations: &mut Vec<InvariantViolation>) {
    let controllers = object
        .and_then(|object| object.pointer("/metadata/ownerReferences"))
        .and_then(Value::as_array)
        .map(|references| {
            references
                .iter()
                .filter(|reference| reference.get("controller") == Some(&Value::Bool(true)))
                .count()
        })
        .unwrap_or(0);
    if controllers > 1 {
        violations.push(InvariantViolation {
            invariant: "at most one controller owner",
            key: key.to_string(),
            detail: format!("{controllers} controller owner references"),
        });
    }
}
