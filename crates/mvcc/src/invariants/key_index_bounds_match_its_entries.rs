//! Every key index's cached revision bounds are its oldest and newest entry's main revisions:
//! past reads start their search from them, so a stale bound would silently misread history.

use super::{violation, InvariantViolation};
use crate::store::Store;

pub(super) fn check(store: &Store) -> Result<(), InvariantViolation> {
    for (key, key_index) in &store.index {
        let entries = &key_index.entries;
        let expected = (
            entries.first().map_or(0, |entry| entry.main),
            entries.last().map_or(0, |entry| entry.main),
        );
        if key_index.revision_bounds() != expected {
            return violation(
                "key index bounds match its entries",
                format!(
                    "key {:?}: bounds {:?}, entries span {:?}",
                    String::from_utf8_lossy(key),
                    key_index.revision_bounds(),
                    expected
                ),
            );
        }
    }
    Ok(())
}
