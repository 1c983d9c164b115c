//! With an encrypting provider, every Secret in etcd starts with `k8s:enc:`.

use super::{InvariantContext, InvariantViolation};

pub(super) fn check(
    key: &str,
    kv: &mvcc::KeyValue,
    context: &InvariantContext,
    violations: &mut Vec<InvariantViolation>,
) {
    if context.secrets_encrypted
        && key.starts_with("/registry/secrets/")
        && !kv.value.starts_with(b"k8s:enc:")
    {
        violations.push(InvariantViolation {
            invariant: "secrets are ciphertext at rest",
            key: key.to_string(),
            detail: "stored in plaintext".to_string(),
        });
    }
}
