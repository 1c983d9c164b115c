//! Invariants of the store, one per file, checked by the tests after every step
//! (`Store::check_invariants`). A violation is a bug in this crate, never a user error.

mod closed_generations_end_in_a_tombstone;
mod compaction_leaves_one_old_revision_per_key;
mod key_index_bounds_match_its_entries;
mod leases_know_their_keys;
mod no_revision_is_newer_than_the_store;
mod revisions_ascend_within_each_key;

use crate::store::Store;

/// Which invariant failed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invariant `{invariant}` violated: {detail}")]
pub struct InvariantViolation {
    pub invariant: &'static str,
    pub detail: String,
}

pub(crate) fn check_all(store: &Store) -> Result<(), InvariantViolation> {
    revisions_ascend_within_each_key::check(store)?;
    closed_generations_end_in_a_tombstone::check(store)?;
    no_revision_is_newer_than_the_store::check(store)?;
    compaction_leaves_one_old_revision_per_key::check(store)?;
    key_index_bounds_match_its_entries::check(store)?;
    leases_know_their_keys::check(store)?;
    Ok(())
}

impl Store {
    /// Checks every invariant of the store (cost: one pass over the whole history).
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        check_all(self)
    }
}

fn violation(invariant: &'static str, detail: String) -> Result<(), InvariantViolation> {
    Err(InvariantViolation { invariant, detail })
}
