//! How objects become etcd values and back.
//!
//! Worked example: a Deployment read back at `mod_revision` 8 is stored as
//! JSON without `metadata.resourceVersion` (kube-apiserver's
//! `PrepareObjectForStorage` clears it, so the bytes in etcd never carry one);
//! decoding sets `resourceVersion: "8"` from the key's mod_revision.
//!
//! Real clusters store protobuf (`k8s\x00` + a `runtime.Unknown`); the
//! playground stores JSON so the key tree is readable, and says so in the UI.

pub mod base64;
pub mod encryption;

use serde_json::Value;

/// Serialize for etcd: JSON without resourceVersion and selfLink.
pub fn encode_for_storage(object: &Value) -> Vec<u8> {
    let mut stored = object.clone();
    if let Some(metadata) = stored.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("resourceVersion");
        metadata.remove("selfLink");
    }
    // A Value always serializes.
    serde_json::to_vec(&stored).unwrap_or_default()
}

/// Parse stored JSON and set `metadata.resourceVersion` to the key's mod_revision.
pub fn decode_from_storage(bytes: &[u8], mod_revision: i64) -> Option<Value> {
    let mut object: Value = serde_json::from_slice(bytes).ok()?;
    // Only objects are Kubernetes objects (a hand-written etcd value may be anything).
    if !object.is_object() || !object.get("metadata").is_some_and(Value::is_object) {
        return None;
    }
    set_resource_version(&mut object, mod_revision);
    Some(object)
}

/// Set `metadata.resourceVersion`.
pub fn set_resource_version(object: &mut Value, revision: i64) {
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.insert(
            "resourceVersion".to_string(),
            Value::String(revision.to_string()),
        );
    }
}
