//! A member's commit index never goes backwards while it runs (a restart may
//! start lower: the commit index is re-learned, as in etcd).

use super::Invariant;
use super::Observation;
use super::PerIncarnation;

#[derive(Default)]
pub struct MonotonicCommit {
    last: PerIncarnation<u64>,
}

impl Invariant for MonotonicCommit {
    fn name(&self) -> &'static str {
        "monotonic commit"
    }

    fn check(&mut self, observation: &Observation<'_>) -> Vec<String> {
        let mut violations = Vec::new();
        for member in &observation.members {
            let commit = member.status.commit_index;
            let previous = self.last.insert((member.id, member.incarnation), commit);
            if let Some(previous) = previous {
                if commit < previous {
                    violations.push(format!("{} commit index went from {previous} back to {commit}", member.id));
                }
            }
        }
        violations
    }
}
