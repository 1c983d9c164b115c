//! Leader completeness (Raft §5.4): a leader's log holds every entry committed
//! in earlier terms.
//!
//! An entry is known committed once some member applied it. When a member is
//! seen leading a new term, every known committed entry above its snapshot must
//! be in its log with the same term.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use etcd_member::MemberId;
use etcd_member::Role;

use super::Invariant;
use super::Observation;

#[derive(Default)]
pub struct LeaderCompleteness {
    committed_terms: BTreeMap<u64, u64>,
    checked_leaderships: BTreeSet<(MemberId, u64)>,
}

impl Invariant for LeaderCompleteness {
    fn name(&self) -> &'static str {
        "leader completeness"
    }

    fn check(&mut self, observation: &Observation<'_>) -> Vec<String> {
        for apply in observation.applies {
            self.committed_terms.entry(apply.index).or_insert(apply.term);
        }
        let mut violations = Vec::new();
        for member in &observation.members {
            if member.status.role != Role::Leader || !self.checked_leaderships.insert((member.id, member.status.term)) {
                continue;
            }
            let purged = member.durable.last_purged_index();
            for (index, term) in self.committed_terms.range(purged + 1..) {
                match member.durable.entry_at(*index) {
                    Some((leader_term, _)) if leader_term == *term => {}
                    Some((leader_term, _)) => violations.push(format!(
                        "leader {} of term {} has term {leader_term} at committed index {index} (committed in term {term})",
                        member.id, member.status.term
                    )),
                    None => violations.push(format!(
                        "leader {} of term {} lacks committed index {index}",
                        member.id, member.status.term
                    )),
                }
            }
        }
        violations
    }
}
