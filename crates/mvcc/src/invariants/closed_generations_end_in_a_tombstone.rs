//! A key's history is a list of generations that each begin with puts and end in a tombstone
//! (the last one may still be open): no key is stored without revisions, no generation is only a
//! tombstone, versions count up by one within a generation (from 1, unless compaction removed
//! the first puts), all puts of a generation share its creation revision, and tombstones carry
//! no data.

use super::{violation, InvariantViolation};
use crate::store::Store;

const NAME: &str = "closed generations end in a tombstone";

pub(super) fn check(store: &Store) -> Result<(), InvariantViolation> {
    for (key, key_index) in &store.index {
        let name = String::from_utf8_lossy(key);
        if key_index.is_empty() {
            return violation(NAME, format!("key {name:?} is stored without any revision"));
        }
        // (version, created) of the previous put in the current generation, if any.
        let mut previous: Option<(i64, i64)> = None;
        for (index, entry) in key_index.entries.iter().enumerate() {
            if entry.is_tombstone() {
                if previous.is_none() {
                    return violation(
                        NAME,
                        format!(
                            "key {name:?}: entry {index} is a tombstone without a put before it"
                        ),
                    );
                }
                if !entry.value.is_empty() || entry.lease != 0 || entry.created != 0 {
                    return violation(
                        NAME,
                        format!("key {name:?}: tombstone {index} carries data"),
                    );
                }
                previous = None;
                continue;
            }
            match previous {
                Some((version, created))
                    if entry.version != version + 1 || entry.created != created =>
                {
                    return violation(
                        NAME,
                        format!(
                            "key {name:?}: entry {index} has version {} after {version}",
                            entry.version
                        ),
                    );
                }
                None if index > 0 && entry.version != 1 => {
                    return violation(
                        NAME,
                        format!(
                            "key {name:?}: a generation starts at version {}",
                            entry.version
                        ),
                    );
                }
                None if entry.version == 1 && entry.created != entry.main => {
                    return violation(
                        NAME,
                        format!(
                            "key {name:?}: the creating put {index} has created {}",
                            entry.created
                        ),
                    );
                }
                _ => {}
            }
            if entry.created > entry.main || entry.version < 1 {
                return violation(
                    NAME,
                    format!(
                        "key {name:?}: entry {index} created at {} with version {}",
                        entry.created, entry.version
                    ),
                );
            }
            previous = Some((entry.version, entry.created));
        }
    }
    Ok(())
}
