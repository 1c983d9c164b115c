//! Raft safety invariants, one per file, checked after every step.
//!
//! Each check reads an [`Observation`] (what the cluster saw this step plus
//! what it remembers) and returns the violations it finds. A violation is a
//! bug in the system under test (or in the simulation), never a user error.

mod election_safety;
mod leader_completeness;
mod log_matching;
mod monotonic_commit;
mod monotonic_revision;
mod state_machine_safety;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::Serialize;

use etcd_member::DurableState;
use etcd_member::MemberId;
use etcd_member::MemberStatus;

pub use election_safety::ElectionSafety;
pub use leader_completeness::LeaderCompleteness;
pub use log_matching::LogMatching;
pub use monotonic_commit::MonotonicCommit;
pub use monotonic_revision::MonotonicRevision;
pub use state_machine_safety::StateMachineSafety;

/// A broken invariant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvariantViolation {
    pub invariant: String,
    pub at_ms: u64,
    pub detail: String,
}

/// One running member as the invariants see it.
pub struct ObservedMember<'a> {
    pub id: MemberId,
    /// Increases at every restart (monotonic checks restart with it).
    pub incarnation: u64,
    pub status: &'a MemberStatus,
    pub durable: &'a DurableState,
    /// Hash of the member's MVCC store (computed only when needed).
    pub store_hash: &'a dyn Fn() -> u64,
}

/// An entry applied somewhere this step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObservedApply {
    pub member: MemberId,
    pub index: u64,
    pub term: u64,
    pub revision: i64,
}

/// What the invariants look at after one step.
pub struct Observation<'a> {
    pub now_ms: u64,
    pub members: Vec<ObservedMember<'a>>,
    pub applies: &'a [ObservedApply],
}

/// An invariant with memory across steps.
pub trait Invariant {
    fn name(&self) -> &'static str;
    fn check(&mut self, observation: &Observation<'_>) -> Vec<String>;
}

/// All invariants of the cluster.
pub struct InvariantSet {
    checks: Vec<Box<dyn Invariant>>,
}

impl Default for InvariantSet {
    fn default() -> InvariantSet {
        InvariantSet {
            checks: vec![
                Box::new(ElectionSafety::default()),
                Box::new(LogMatching::default()),
                Box::new(LeaderCompleteness::default()),
                Box::new(StateMachineSafety::default()),
                Box::new(MonotonicCommit::default()),
                Box::new(MonotonicRevision::default()),
            ],
        }
    }
}

impl InvariantSet {
    pub fn check(&mut self, observation: &Observation<'_>) -> Vec<InvariantViolation> {
        let mut violations = Vec::new();
        for check in &mut self.checks {
            for detail in check.check(observation) {
                violations.push(InvariantViolation {
                    invariant: check.name().to_string(),
                    at_ms: observation.now_ms,
                    detail,
                });
            }
        }
        violations
    }
}

/// Per-(member, incarnation) memory used by the monotonic checks.
pub(crate) type PerIncarnation<T> = BTreeMap<(MemberId, u64), T>;
