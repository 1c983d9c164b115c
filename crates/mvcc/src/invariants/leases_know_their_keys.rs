//! A lease lists exactly the alive keys whose newest revision carries it, and every alive
//! key's lease exists (revoking a lease deletes its keys).

use super::{violation, InvariantViolation};
use crate::store::Store;

const NAME: &str = "leases know their keys";

pub(super) fn check(store: &Store) -> Result<(), InvariantViolation> {
    let mut attached = 0usize;
    for (key, key_index) in &store.index {
        let Some(entry) = key_index.latest() else {
            continue;
        };
        let lease = entry.lease;
        if lease == 0 {
            continue;
        }
        attached += 1;
        match store.leases.get(&lease) {
            Some(record) if record.keys.contains(key.as_ref()) => {}
            _ => {
                return violation(
                    NAME,
                    format!(
                        "key {:?} carries lease {lease} that does not list it",
                        String::from_utf8_lossy(key)
                    ),
                );
            }
        }
    }
    let listed: usize = store.leases.values().map(|lease| lease.keys.len()).sum();
    if listed != attached {
        return violation(
            NAME,
            format!("leases list {listed} keys but {attached} alive keys carry a lease"),
        );
    }
    Ok(())
}
