//! After a compaction at N, a key keeps at most one revision below N (the one a read at N
//! returns, never a tombstone), and no generation that ended at or before N survives.

use super::{violation, InvariantViolation};
use crate::store::Store;

const NAME: &str = "compaction leaves one old revision per key";

pub(super) fn check(store: &Store) -> Result<(), InvariantViolation> {
    let compacted_at = store.compact_main_revision;
    if compacted_at < 0 {
        return Ok(());
    }
    for (key, key_index) in &store.index {
        let name = String::from_utf8_lossy(key);
        let old = key_index
            .entries
            .iter()
            .filter(|entry| entry.main < compacted_at)
            .count();
        if old > 1 {
            return violation(
                NAME,
                format!("key {name:?}: {old} revisions below {compacted_at}"),
            );
        }
        if let Some(tombstone) = key_index.entries.iter().find(|entry| entry.is_tombstone()) {
            if tombstone.main <= compacted_at {
                return violation(
                    NAME,
                    format!(
                        "key {name:?}: a generation ended at {} <= {compacted_at}",
                        tombstone.main
                    ),
                );
            }
        }
    }
    Ok(())
}
