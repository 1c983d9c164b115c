//! Invariants of what the apiserver keeps in etcd, one per file, checked over
//! a snapshot of key-values (so the cluster can run them on any member's store
//! after every step, and tests run them after every controller round).
//!
//! Worked example: `check_all(&kvs, &InvariantContext { secrets_encrypted: true })`
//! returns an empty list for a healthy store; a Deployment stored under
//! `/registry/pods/...`, a stored `resourceVersion`, a plaintext Secret or a
//! Pod with two controller owners each give one [`InvariantViolation`].

mod one_controller_owner;
mod secrets_are_ciphertext;
mod stored_objects_match_their_keys;
mod stored_values_carry_no_resource_version;

use serde::{Deserialize, Serialize};

/// What the invariants need to know about the apiserver's configuration.
#[derive(Debug, Clone, Copy, Default)]
pub struct InvariantContext {
    /// Secrets are written with an encrypting provider (and were since the start).
    pub secrets_encrypted: bool,
}

/// A broken invariant: which one, on which key, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvariantViolation {
    pub invariant: &'static str,
    pub key: String,
    pub detail: String,
}

/// Run every invariant over the key-values under `/registry/`.
pub fn check_all(kvs: &[mvcc::KeyValue], context: &InvariantContext) -> Vec<InvariantViolation> {
    let mut violations = Vec::new();
    for kv in kvs.iter().filter(|kv| kv.key.starts_with(b"/registry/")) {
        let key = String::from_utf8_lossy(&kv.key).into_owned();
        let object = if kv.value.starts_with(b"k8s:enc:") {
            None
        } else {
            serde_json::from_slice::<serde_json::Value>(&kv.value).ok()
        };
        stored_objects_match_their_keys::check(&key, kv, object.as_ref(), &mut violations);
        stored_values_carry_no_resource_version::check(&key, object.as_ref(), &mut violations);
        secrets_are_ciphertext::check(&key, kv, context, &mut violations);
        one_controller_owner::check(&key, object.as_ref(), &mut violations);
    }
    violations
}
