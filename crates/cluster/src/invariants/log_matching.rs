//! Log matching (Raft §5.3): if two logs hold an entry with the same index and
//! term, they are identical in all entries up to that index.
//!
//! Checked incrementally: the first time any log shows entry `(index, term)`,
//! the term of its predecessor is remembered; every other log showing
//! `(index, term)` must have the same predecessor term. By induction on the
//! index this is the whole property, and each entry is looked at about once
//! (a member's log is re-read from where it last changed).
//!
//! Example: logs [1:t1, 2:t1, 3:t2] and [1:t1, 2:t2, 3:t2] both hold (3, t2)
//! with predecessor terms t1 and t2: a violation.

use std::collections::BTreeMap;

use etcd_member::MemberId;

use super::Invariant;
use super::Observation;

#[derive(Default)]
pub struct LogMatching {
    /// (index, term) -> term of the entry before it (0: none or purged).
    predecessor: BTreeMap<(u64, u64), u64>,
    /// Per member and incarnation: the last (index, term) already checked.
    checked: BTreeMap<(MemberId, u64), (u64, u64)>,
}

impl Invariant for LogMatching {
    fn name(&self) -> &'static str {
        "log matching"
    }

    fn check(&mut self, observation: &Observation<'_>) -> Vec<String> {
        let mut violations = Vec::new();
        for member in &observation.members {
            let key = (member.id, member.incarnation);
            let durable = member.durable;
            let Some(last) = durable.last_log() else { continue };
            // Resume after the last checked entry if it is still there unchanged;
            // otherwise (truncated, replaced, purged) re-read the whole log.
            let resume = match self.checked.get(&key) {
                Some((index, term)) if durable.term_at(*index) == Some(*term) => *index + 1,
                _ => 0,
            };
            if resume > last.0 {
                continue;
            }
            let entries = durable.log_terms_from(resume.saturating_sub(1));
            let mut previous: Option<(u64, u64)> = None;
            for (index, term) in entries {
                let predecessor_term = match previous {
                    Some((previous_index, previous_term)) if previous_index + 1 == index => previous_term,
                    _ => 0,
                };
                previous = Some((index, term));
                if index < resume {
                    continue;
                }
                match self.predecessor.get(&(index, term)) {
                    Some(known) if *known != 0 && predecessor_term != 0 && *known != predecessor_term => violations.push(
                        format!(
                            "{} holds ({index}, term {term}) after term {predecessor_term}, another log after term {known}",
                            member.id
                        ),
                    ),
                    Some(0) if predecessor_term != 0 => {
                        self.predecessor.insert((index, term), predecessor_term);
                    }
                    Some(_) => {}
                    None => {
                        self.predecessor.insert((index, term), predecessor_term);
                    }
                }
            }
            self.checked.insert(key, last);
        }
        violations
    }
}
