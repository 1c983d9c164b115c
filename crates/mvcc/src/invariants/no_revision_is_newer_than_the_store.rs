//! No stored revision is above the store revision, and the store revision never falls below
//! 1 or below the compaction revision.

use super::{violation, InvariantViolation};
use crate::store::Store;

const NAME: &str = "no revision is newer than the store";

pub(super) fn check(store: &Store) -> Result<(), InvariantViolation> {
    if store.current_revision < 1 || store.compact_main_revision > store.current_revision {
        return violation(
            NAME,
            format!(
                "store revision {} with compaction revision {}",
                store.current_revision, store.compact_main_revision
            ),
        );
    }
    for (key, key_index) in &store.index {
        for entry in &key_index.entries {
            if entry.main > store.current_revision || entry.main < 2 || entry.sub < 0 {
                return violation(
                    NAME,
                    format!(
                        "key {:?} has revision {:?} in a store at {}",
                        String::from_utf8_lossy(key),
                        entry.revision(),
                        store.current_revision
                    ),
                );
            }
        }
    }
    Ok(())
}
