//! Election safety (Raft §5.2): at most one leader per term.
//!
//! Example: member 1 is seen leading term 3; if member 2 is later seen
//! leading term 3 too, that is a violation (two leaders in one term).

use std::collections::BTreeMap;

use etcd_member::MemberId;
use etcd_member::Role;

use super::Invariant;
use super::Observation;

#[derive(Default)]
pub struct ElectionSafety {
    leader_of_term: BTreeMap<u64, MemberId>,
}

impl Invariant for ElectionSafety {
    fn name(&self) -> &'static str {
        "election safety"
    }

    fn check(&mut self, observation: &Observation<'_>) -> Vec<String> {
        let mut violations = Vec::new();
        for member in &observation.members {
            if member.status.role != Role::Leader {
                continue;
            }
            let term = member.status.term;
            match self.leader_of_term.get(&term) {
                Some(known) if *known != member.id => {
                    violations.push(format!("term {term} has two leaders: {known} and {}", member.id))
                }
                Some(_) => {}
                None => {
                    self.leader_of_term.insert(term, member.id);
                }
            }
        }
        violations
    }
}
