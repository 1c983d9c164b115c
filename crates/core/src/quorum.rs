//! Quorum size and failure tolerance for 1 to 7 etcd members.
//!
//! etcd commits an entry when a majority of voting members has persisted it.
//! The table the etcd FAQ prints, and which [`quorum_table`] computes:
//!
//! | members | quorum | failures tolerated |
//! |--------:|-------:|-------------------:|
//! | 1 | 1 | 0 |
//! | 2 | 2 | 0 |
//! | 3 | 2 | 1 |
//! | 4 | 3 | 1 |
//! | 5 | 3 | 2 |
//! | 6 | 4 | 2 |
//! | 7 | 4 | 3 |
//!
//! An even size never helps: going from 3 to 4 members raises the quorum
//! from 2 to 3 while the tolerance stays at 1, so there is one more machine
//! that can fail and nothing gained. [`QuorumRow::even_size_note`] says so for
//! each even row.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The number of voting members of a cluster: 1 to 7, as in the playground.
///
/// etcd itself allows more, but recommends at most 7 ("a larger cluster
/// gives better fault tolerance but worse write performance").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MemberCount(u8);

impl MemberCount {
    /// The smallest cluster the playground runs.
    pub const MIN: MemberCount = MemberCount(1);
    /// The largest cluster the playground runs.
    pub const MAX: MemberCount = MemberCount(7);

    /// A member count, or an error saying the allowed range.
    pub fn new(members: u8) -> Result<MemberCount, MemberCountError> {
        if (Self::MIN.0..=Self::MAX.0).contains(&members) {
            Ok(MemberCount(members))
        } else {
            Err(MemberCountError { requested: members })
        }
    }

    /// The count as a number.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Every count the playground supports, smallest first.
    pub fn all() -> impl Iterator<Item = MemberCount> {
        (Self::MIN.0..=Self::MAX.0).map(MemberCount)
    }
}

impl fmt::Display for MemberCount {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// A member count outside 1..=7.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberCountError {
    /// What was asked for.
    pub requested: u8,
}

impl fmt::Display for MemberCountError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a cluster has {} to {} members, not {}",
            MemberCount::MIN,
            MemberCount::MAX,
            self.requested
        )
    }
}

impl std::error::Error for MemberCountError {}

/// One row of the quorum table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumRow {
    /// Voting members in the cluster.
    pub members: MemberCount,
    /// Members that must agree before a write commits (a majority).
    pub quorum_size: u8,
    /// Members that can fail while the cluster still commits writes.
    pub failures_tolerated: u8,
}

impl QuorumRow {
    /// For an even size, why it is no better than the odd size below it;
    /// `None` for odd sizes.
    pub fn even_size_note(&self) -> Option<String> {
        let members = self.members.get();
        if members % 2 == 1 {
            return None;
        }
        let smaller = quorum_row(MemberCount(members - 1));
        Some(format!(
            "no better than {}: still tolerates {} failure{}, but {} members must now agree instead of {}",
            smaller.members,
            self.failures_tolerated,
            if self.failures_tolerated == 1 { "" } else { "s" },
            self.quorum_size,
            smaller.quorum_size,
        ))
    }
}

/// Quorum size and failure tolerance for one cluster size.
pub fn quorum_row(members: MemberCount) -> QuorumRow {
    let quorum_size = members.get() / 2 + 1;
    QuorumRow { members, quorum_size, failures_tolerated: members.get() - quorum_size }
}

/// The whole table, 1 to 7 members.
pub fn quorum_table() -> Vec<QuorumRow> {
    MemberCount::all().map(quorum_row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(members: u8) -> QuorumRow {
        quorum_row(MemberCount::new(members).expect("1..=7 is valid"))
    }

    #[test]
    fn the_table_matches_the_etcd_faq() {
        let computed: Vec<(u8, u8, u8)> = quorum_table()
            .iter()
            .map(|row| (row.members.get(), row.quorum_size, row.failures_tolerated))
            .collect();
        // Copied from etcd's FAQ ("What is failure tolerance?").
        let faq = vec![(1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2), (6, 4, 2), (7, 4, 3)];
        assert_eq!(computed, faq);
    }

    #[test]
    fn a_quorum_is_always_a_strict_majority_so_two_quorums_overlap() {
        for members in MemberCount::all() {
            let row = quorum_row(members);
            assert!(2 * row.quorum_size > members.get(), "{row:?}");
            assert!(2 * (row.quorum_size - 1) <= members.get(), "quorum is not minimal: {row:?}");
        }
    }

    #[test]
    fn an_even_size_tolerates_no_more_failures_than_the_odd_size_below_it() {
        for members in [2, 4, 6] {
            assert_eq!(row(members).failures_tolerated, row(members - 1).failures_tolerated);
            assert_eq!(row(members).quorum_size, row(members - 1).quorum_size + 1);
        }
    }

    #[test]
    fn only_even_sizes_carry_a_note_and_it_names_the_smaller_size() {
        assert_eq!(row(3).even_size_note(), None);
        assert_eq!(
            row(4).even_size_note().as_deref(),
            Some("no better than 3: still tolerates 1 failure, but 3 members must now agree instead of 2")
        );
        assert_eq!(
            row(2).even_size_note().as_deref(),
            Some("no better than 1: still tolerates 0 failures, but 2 members must now agree instead of 1")
        );
    }

    #[test]
    fn member_counts_outside_one_to_seven_are_rejected_with_the_range() {
        assert!(MemberCount::new(0).is_err());
        let error = MemberCount::new(8).expect_err("8 is too many");
        assert_eq!(error.to_string(), "a cluster has 1 to 7 members, not 8");
    }
}
