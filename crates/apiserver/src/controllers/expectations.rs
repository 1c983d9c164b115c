//! Controller expectations: writes a controller made that its informer has
//! not seen yet. While an owner has unmet expectations its controller skips
//! it, so a slow watch cannot make it create the same Pods twice
//! (kube-controller-manager's `ControllerExpectations`).
//!
//! Worked example: the ReplicaSet controller creates pods `a` and `b` for
//! `default/web-5d8f`; until the pod informer shows both, `is_satisfied`
//! is false for `default/web-5d8f`. After 5 virtual minutes an unmet
//! expectation expires (a lost watch event must not block forever).

use std::collections::{BTreeMap, BTreeSet};

use super::informer::Informer;

/// kube-controller-manager's `ExpectationsTimeout`.
pub const EXPECTATIONS_TIMEOUT_MS: u64 = 5 * 60 * 1000;

#[derive(Default)]
struct Pending {
    creates: BTreeSet<String>,
    deletes: BTreeSet<String>,
    since_ms: u64,
}

/// Pending creates and deletes per owner key.
#[derive(Default)]
pub struct Expectations {
    by_owner: BTreeMap<String, Pending>,
}

impl Expectations {
    pub fn expect_create(&mut self, owner: &str, key: String, now_ms: u64) {
        let pending = self
            .by_owner
            .entry(owner.to_string())
            .or_insert_with(|| Pending {
                since_ms: now_ms,
                ..Pending::default()
            });
        pending.creates.insert(key);
    }

    pub fn expect_delete(&mut self, owner: &str, key: String, now_ms: u64) {
        let pending = self
            .by_owner
            .entry(owner.to_string())
            .or_insert_with(|| Pending {
                since_ms: now_ms,
                ..Pending::default()
            });
        pending.deletes.insert(key);
    }

    /// Whether everything expected for `owner` is visible in `informer`.
    pub fn is_satisfied(&mut self, owner: &str, informer: &Informer, now_ms: u64) -> bool {
        let Some(pending) = self.by_owner.get_mut(owner) else {
            return true;
        };
        pending.creates.retain(|key| informer.get(key).is_none());
        pending.deletes.retain(|key| informer.get(key).is_some());
        let expired = now_ms.saturating_sub(pending.since_ms) >= EXPECTATIONS_TIMEOUT_MS;
        if expired || (pending.creates.is_empty() && pending.deletes.is_empty()) {
            self.by_owner.remove(owner);
            return true;
        }
        false
    }
}
