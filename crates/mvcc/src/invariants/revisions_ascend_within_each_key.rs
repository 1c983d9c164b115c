//! Every key's revisions strictly ascend: history is append-only.

use super::{violation, InvariantViolation};
use crate::store::Store;

pub(super) fn check(store: &Store) -> Result<(), InvariantViolation> {
    for (key, key_index) in &store.index {
        for pair in key_index.entries.windows(2) {
            if pair[1].revision() <= pair[0].revision() {
                return violation(
                    "revisions ascend within each key",
                    format!(
                        "key {:?}: {:?} after {:?}",
                        String::from_utf8_lossy(key),
                        pair[1].revision(),
                        pair[0].revision()
                    ),
                );
            }
        }
    }
    Ok(())
}
