//! State machine safety (Raft §5.4.3): members apply the same entry at each
//! index, so members that applied the same index hold identical MVCC stores.
//!
//! Checked two ways: every apply of index `i` must carry the same term and
//! leave the same store revision; and running members whose applied index is
//! equal must have equal store hashes (etcd's `hashkv`).

use std::collections::BTreeMap;

use super::Invariant;
use super::Observation;

#[derive(Default)]
pub struct StateMachineSafety {
    applied: BTreeMap<u64, (u64, i64)>,
}

impl Invariant for StateMachineSafety {
    fn name(&self) -> &'static str {
        "state machine safety"
    }

    fn check(&mut self, observation: &Observation<'_>) -> Vec<String> {
        let mut violations = Vec::new();
        for apply in observation.applies {
            match self.applied.get(&apply.index) {
                Some((term, revision)) if (*term, *revision) != (apply.term, apply.revision) => {
                    violations.push(format!(
                        "{} applied index {} as (term {}, revision {}) but another member applied (term {term}, revision {revision})",
                        apply.member, apply.index, apply.term, apply.revision
                    ))
                }
                Some(_) => {}
                None => {
                    self.applied.insert(apply.index, (apply.term, apply.revision));
                }
            }
        }
        let mut by_applied_index: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for (position, member) in observation.members.iter().enumerate() {
            by_applied_index.entry(member.status.applied_index).or_default().push(position);
        }
        for (index, positions) in by_applied_index {
            if positions.len() < 2 || index == 0 {
                continue;
            }
            let hashes: Vec<(String, u64)> = positions
                .iter()
                .map(|position| {
                    let member = &observation.members[*position];
                    (member.id.to_string(), (member.store_hash)())
                })
                .collect();
            if let Some((first_name, first_hash)) = hashes.first() {
                for (name, hash) in hashes.iter().skip(1) {
                    if hash != first_hash {
                        violations.push(format!(
                            "{first_name} and {name} both applied index {index} but their stores differ ({first_hash:x} vs {hash:x})"
                        ));
                    }
                }
            }
        }
        violations
    }
}
