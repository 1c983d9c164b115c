//! A member's store revision never goes backwards while it runs (after a
//! restart it is rebuilt from the snapshot and the log, so it may start lower).

use super::Invariant;
use super::Observation;
use super::PerIncarnation;

#[derive(Default)]
pub struct MonotonicRevision {
    last: PerIncarnation<i64>,
}

impl Invariant for MonotonicRevision {
    fn name(&self) -> &'static str {
        "monotonic revision"
    }

    fn check(&mut self, observation: &Observation<'_>) -> Vec<String> {
        let mut violations = Vec::new();
        for member in &observation.members {
            let revision = member.status.store_revision;
            let previous = self.last.insert((member.id, member.incarnation), revision);
            if let Some(previous) = previous {
                if revision < previous {
                    violations.push(format!("{} store revision went from {previous} back to {revision}", member.id));
                }
            }
        }
        violations
    }
}
