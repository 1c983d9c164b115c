//! The history of one key, modelled on etcd's `mvcc/key_index.go`.
//!
//! A key's life is a list of generations. A generation starts with the put that creates the
//! key and ends with the tombstone that deletes it; after the last tombstone an empty
//! generation is open. Unlike etcd, which keeps values in a separate revision-keyed backend, each
//! revision here carries its value, version, creation revision and lease inline, in one vector
//! per key: the index *is* the history, a read at any revision is one map lookup plus an
//! interpolation search (usually one probe), and a key with a single revision costs one allocation
//! besides its key and value. Beside the vector, the index keeps the main revisions of its oldest
//! and newest entry, so that a past read guesses where its entry is before touching the vector.
//!
//! ```text
//! put(2.0) put(3.0) tombstone(4.0) put(5.0)   on key "k":
//!   entries:     2.0 v1   3.0 v2   4.0 tombstone   5.0 v1      bounds: 2 .. 5
//!   generations: {2.0, 3.0, 4.0(t)} {5.0}
//!   read at 3:   guess (3 - 2) * 3 / (5 - 2) = index 1: 3.0 <= 3 < 4.0, so 3.0 v2
//! compact(4): the generation ended by 4.0 is gone:  {5.0}       bounds: 5 .. 5
//! ```

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::types::{KeyValue, Revision};

/// One stored revision of a key. A tombstone has version 0 (as its etcd event kv has), no
/// creation revision, no value and no lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub(crate) main: i64,
    pub(crate) sub: i64,
    /// 1 for the put that creates a generation, +1 for every later put of it; 0 = tombstone.
    pub(crate) version: i64,
    /// The main revision of the put that created this generation (kept when compaction removes that put).
    pub(crate) created: i64,
    pub(crate) lease: i64,
    /// Shared, so copying the store for a Raft snapshot copies no value bytes.
    pub(crate) value: Arc<[u8]>,
}

impl Entry {
    pub(crate) fn is_tombstone(&self) -> bool {
        self.version == 0
    }

    pub(crate) fn revision(&self) -> Revision {
        Revision {
            main: self.main,
            sub: self.sub,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "StoredKeyIndex", into = "StoredKeyIndex")]
pub(crate) struct KeyIndex {
    /// Every stored revision, ascending. Generations end at tombstones. Only the methods below
    /// change it, so that the two bounds stay true.
    pub(crate) entries: Vec<Entry>,
    /// The main revisions of the oldest and the newest entry (0 when there is none). They sit in
    /// the map's node, which the key lookup has just read: a past read computes its first guess
    /// from them and goes straight to the entry it needs, instead of first waiting for the
    /// vector's oldest and newest cache lines (which a past range over many keys mostly finds
    /// cold). Cost: 16 bytes per key.
    first_main: i64,
    last_main: i64,
}

/// What a snapshot stores of a key: its entries only; the bounds are derived on restore.
#[derive(Serialize, Deserialize)]
struct StoredKeyIndex {
    entries: Vec<Entry>,
}

impl From<StoredKeyIndex> for KeyIndex {
    fn from(stored: StoredKeyIndex) -> KeyIndex {
        let mut index = KeyIndex {
            entries: stored.entries,
            first_main: 0,
            last_main: 0,
        };
        index.update_bounds();
        index
    }
}

impl From<KeyIndex> for StoredKeyIndex {
    fn from(index: KeyIndex) -> StoredKeyIndex {
        StoredKeyIndex {
            entries: index.entries,
        }
    }
}

/// Grows by half the length (at least 1) instead of doubling from 4: a key with one revision
/// then costs one slot, not four.
fn push_compact<T>(vector: &mut Vec<T>, item: T) {
    if vector.len() == vector.capacity() {
        vector.reserve_exact((vector.len() / 2).max(1));
    }
    vector.push(item);
}

impl KeyIndex {
    /// True when no revision is stored (a fresh index, or one whose history was compacted away).
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (oldest, newest) main revision, as cached; 0 for a key without entries.
    pub(crate) fn revision_bounds(&self) -> (i64, i64) {
        (self.first_main, self.last_main)
    }

    /// Bounds after a push of `main`, without reading the (possibly cold) oldest entry.
    fn appended(&mut self, main: i64) {
        if self.entries.len() == 1 {
            self.first_main = main;
        }
        self.last_main = main;
    }

    fn update_bounds(&mut self) {
        self.first_main = self.entries.first().map_or(0, |entry| entry.main);
        self.last_main = self.entries.last().map_or(0, |entry| entry.main);
    }

    /// The newest entry, if the key exists now.
    pub(crate) fn latest(&self) -> Option<&Entry> {
        self.entries.last().filter(|entry| !entry.is_tombstone())
    }

    pub(crate) fn put(&mut self, revision: Revision, value: Arc<[u8]>, lease: i64) {
        let (version, created) = match self.latest() {
            Some(previous) => (previous.version + 1, previous.created),
            None => (1, revision.main),
        };
        push_compact(
            &mut self.entries,
            Entry {
                main: revision.main,
                sub: revision.sub,
                version,
                created,
                lease,
                value,
            },
        );
        self.appended(revision.main);
    }

    /// Ends the open generation. The caller only tombstones a key that is alive.
    pub(crate) fn tombstone(&mut self, revision: Revision) {
        debug_assert!(
            self.latest().is_some(),
            "tombstone of a key that is not alive"
        );
        push_compact(
            &mut self.entries,
            Entry {
                main: revision.main,
                sub: revision.sub,
                version: 0,
                created: 0,
                lease: 0,
                value: Arc::default(),
            },
        );
        self.appended(revision.main);
    }

    /// The entry visible at main revision `at`, if the key existed then (etcd's
    /// `findGeneration` + `walk`): the newest entry at or before `at`, unless it is a tombstone.
    pub(crate) fn at(&self, at: i64) -> Option<&Entry> {
        let index = if self.last_main <= at {
            // The common case, a read at the current revision (or a key without entries).
            self.entries.len().checked_sub(1)?
        } else {
            self.last_at_or_before(at)?
        };
        Some(&self.entries[index]).filter(|entry| !entry.is_tombstone())
    }

    /// If the key is deleted at main revision `at` (its newest entry at or before `at` is a
    /// tombstone): that tombstone, and the put before it when the index still holds it.
    /// `None` when the key is alive at `at`, or has no entry at or before it (never written,
    /// or compacted away: compaction drops a generation whose tombstone is at or below the
    /// compaction revision, tombstone included, as etcd does).
    pub(crate) fn tombstone_at(&self, at: i64) -> Option<(&Entry, Option<&Entry>)> {
        let index = self.last_at_or_before(at)?;
        let tombstone = &self.entries[index];
        if !tombstone.is_tombstone() {
            return None;
        }
        let previous = index
            .checked_sub(1)
            .map(|before| &self.entries[before])
            .filter(|entry| !entry.is_tombstone());
        Some((tombstone, previous))
    }

    /// Index of the newest entry whose main revision is <= `at`. Interpolation first: a key's
    /// revisions are usually spread evenly enough that one guess lands on the answer, which
    /// touches one or two cache lines where a binary search over a long history touches seven.
    fn last_at_or_before(&self, at: i64) -> Option<usize> {
        let entries = &self.entries;
        if entries.is_empty() || self.first_main > at {
            return None;
        }
        let last_index = entries.len() - 1;
        if self.last_main <= at {
            return Some(last_index);
        }
        // Invariant: low_main = entries[low].main <= at < entries[high].main = high_main.
        let (mut low, mut high) = (0usize, last_index);
        let (mut low_main, mut high_main) = (self.first_main, self.last_main);
        for _round in 0..4 {
            if high - low <= 1 {
                return Some(low);
            }
            let span = (high_main - low_main) as u128;
            let offset = (at - low_main) as u128 * (high - low) as u128 / span.max(1);
            let guess = (low + offset as usize).clamp(low, high - 1);
            let guess_main = entries[guess].main;
            if guess_main <= at {
                let next_main = entries[guess + 1].main;
                if next_main > at {
                    return Some(guess);
                }
                (low, low_main) = (guess + 1, next_main);
            } else {
                (high, high_main) = (guess, guess_main);
            }
        }
        let count = entries[low..high].partition_point(|entry| entry.main <= at);
        Some(low + count - 1)
    }

    /// The entry with exactly this revision.
    pub(crate) fn find(&self, revision: Revision) -> Option<&Entry> {
        self.entries
            .binary_search_by(|entry| entry.revision().cmp(&revision))
            .ok()
            .map(|index| &self.entries[index])
    }

    /// Drops the history that a compaction at main revision `at` makes unreachable, exactly as
    /// etcd's `keyIndex.compact`: in the first generation that is alive at `at` (or created after
    /// it), keep the newest revision <= `at` and everything newer; drop all older generations, and
    /// that generation too if only its tombstone would be left. Returns true when nothing is left.
    pub(crate) fn compact(&mut self, at: i64) -> bool {
        // Start of the generation being looked at, and of the one after it.
        let mut start = 0;
        // Each step moves past one tombstone; without one left we are in the open generation.
        while let Some(offset) = self.entries[start..].iter().position(Entry::is_tombstone) {
            let tombstone = start + offset;
            if self.entries[tombstone].main > at {
                break; // alive at `at`
            }
            start = tombstone + 1;
        }
        let generation_end = self.entries[start..]
            .iter()
            .position(Entry::is_tombstone)
            .map(|index| start + index + 1);
        let within = &self.entries[start..generation_end.unwrap_or(self.entries.len())];
        let keep_from = match within.partition_point(|entry| entry.main <= at) {
            0 => start,
            count => start + count - 1,
        };
        // Only the tombstone left of a closed generation: it goes too.
        let keep_from = match generation_end {
            Some(end) if end - keep_from == 1 => end,
            _ => keep_from,
        };
        if keep_from > 0 {
            self.entries.drain(..keep_from);
            self.entries.shrink_to_fit();
            self.update_bounds();
        }
        self.entries.is_empty()
    }

    /// etcd-style text of the generations, oldest first: `{2.0, 3.0, 4.0(t)} {5.0}`, with
    /// `{empty}` for the open generation after a delete.
    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        let mut current = Vec::new();
        for entry in &self.entries {
            if entry.is_tombstone() {
                current.push(format!("{}.{}(t)", entry.main, entry.sub));
                parts.push(format!("{{{}}}", current.join(", ")));
                current.clear();
            } else {
                current.push(format!("{}.{}", entry.main, entry.sub));
            }
        }
        if current.is_empty() {
            parts.push("{empty}".to_string());
        } else {
            parts.push(format!("{{{}}}", current.join(", ")));
        }
        parts.join(" ")
    }

    pub(crate) fn stored_revisions(&self) -> usize {
        self.entries.len()
    }
}

/// The key as a read returns it (`keys_only` leaves the value empty).
pub(crate) fn key_value(key: &[u8], entry: &Entry, keys_only: bool) -> KeyValue {
    KeyValue {
        key: key.to_vec(),
        value: if keys_only {
            Vec::new()
        } else {
            entry.value.to_vec()
        },
        create_revision: entry.created,
        mod_revision: entry.main,
        version: entry.version,
        lease: entry.lease,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key history with uneven gaps (and tombstones), to check the interpolation search
    /// against a plain binary search at every revision.
    fn history(gaps: &[i64]) -> KeyIndex {
        let mut index = KeyIndex::default();
        let mut main = 2;
        for (step, gap) in gaps.iter().cycle().take(300).enumerate() {
            main += gap;
            if step % 37 == 36 {
                index.tombstone(Revision::new(main, 0));
            } else {
                index.put(Revision::new(main, 0), Arc::default(), 0);
                if step % 11 == 0 {
                    index.put(Revision::new(main, 1), Arc::default(), 0);
                }
            }
        }
        index
    }

    #[test]
    fn the_interpolation_search_finds_the_same_revision_as_a_binary_search() {
        for gaps in [&[1][..], &[1, 1, 1, 500], &[3, 1, 40, 2, 2, 9000, 1], &[7]] {
            let full = history(gaps);
            let last = full.entries.last().map_or(0, |entry| entry.main);
            // Compacted copies too: their history starts later than the key was created, and
            // its first entry may be a put kept from an older generation.
            let mut indexes = vec![full.clone()];
            for compact_at in [last / 3, last / 2, last - 1] {
                let mut compacted = full.clone();
                compacted.compact(compact_at);
                indexes.push(compacted);
            }
            for index in &indexes {
                for at in 0..=last + 2 {
                    let expected = index
                        .entries
                        .partition_point(|entry| entry.main <= at)
                        .checked_sub(1);
                    assert_eq!(
                        index.last_at_or_before(at),
                        expected,
                        "gaps {gaps:?} at {at}, history {}",
                        index.describe()
                    );
                }
            }
        }
    }

    #[test]
    fn a_key_is_a_tombstone_exactly_where_it_has_entries_but_no_visible_one() {
        let full = history(&[1, 3, 2]);
        let last = full.entries.last().map_or(0, |entry| entry.main);
        for compact_at in [0, last / 4, last / 2, last] {
            let mut index = full.clone();
            index.compact(compact_at);
            for at in compact_at..=last + 1 {
                let has_entry = index.entries.first().is_some_and(|entry| entry.main <= at);
                let deleted = index.tombstone_at(at);
                assert_eq!(
                    deleted.is_some(),
                    has_entry && index.at(at).is_none(),
                    "compacted at {compact_at}, read at {at}: {}",
                    index.describe()
                );
                if let Some((tombstone, previous)) = deleted {
                    assert!(tombstone.is_tombstone() && tombstone.main <= at);
                    let previous = previous.expect("compaction keeps the put before a tombstone");
                    // The put before it is what a read just before the delete sees.
                    assert_eq!(index.at(tombstone.main - 1), Some(previous));
                }
            }
        }
    }

    /// `{2.0, 3.0, 4.0(t)} {6.0, 7.1, 9.0(t)} {12.0}`: two closed generations with a gap
    /// between them, and an open one.
    fn two_generations_and_an_open_one() -> KeyIndex {
        let mut index = KeyIndex::default();
        index.put(Revision::new(2, 0), Arc::from(&b"a"[..]), 0);
        index.put(Revision::new(3, 0), Arc::from(&b"b"[..]), 0);
        index.tombstone(Revision::new(4, 0));
        index.put(Revision::new(6, 0), Arc::from(&b"c"[..]), 0);
        index.put(Revision::new(7, 1), Arc::from(&b"d"[..]), 0);
        index.tombstone(Revision::new(9, 0));
        index.put(Revision::new(12, 0), Arc::from(&b"e"[..]), 0);
        index
    }

    /// What a read at `at` sees: (mod revision, version, create revision, value), or None.
    fn visible(index: &KeyIndex, at: i64) -> Option<(i64, i64, i64, Vec<u8>)> {
        index.at(at).map(|entry| {
            (
                entry.main,
                entry.version,
                entry.created,
                entry.value.to_vec(),
            )
        })
    }

    #[test]
    fn a_read_finds_the_newest_revision_at_or_before_it_and_nothing_across_a_tombstone() {
        let index = two_generations_and_an_open_one();
        assert_eq!(
            index.describe(),
            "{2.0, 3.0, 4.0(t)} {6.0, 7.1, 9.0(t)} {12.0}"
        );
        // Before the first revision: no entry at all.
        assert_eq!(index.last_at_or_before(1), None);
        assert_eq!(visible(&index, 1), None);
        // Exactly at the first revision, and between two puts of one generation.
        assert_eq!(visible(&index, 2), Some((2, 1, 2, b"a".to_vec())));
        assert_eq!(visible(&index, 3), Some((3, 2, 2, b"b".to_vec())));
        // Exactly at a tombstone, and between generations: the tombstone is the newest entry,
        // so the key does not exist.
        assert_eq!(index.last_at_or_before(4), Some(2));
        assert_eq!(index.last_at_or_before(5), Some(2));
        assert_eq!(visible(&index, 4), None);
        assert_eq!(visible(&index, 5), None);
        // The second generation starts over: version 1, created at 6; a sub revision is found
        // by its main revision.
        assert_eq!(visible(&index, 6), Some((6, 1, 6, b"c".to_vec())));
        assert_eq!(visible(&index, 7), Some((7, 2, 6, b"d".to_vec())));
        assert_eq!(visible(&index, 8), Some((7, 2, 6, b"d".to_vec())));
        assert_eq!(visible(&index, 9), None);
        assert_eq!(visible(&index, 11), None);
        // The open generation, at and long after its put.
        assert_eq!(visible(&index, 12), Some((12, 1, 12, b"e".to_vec())));
        assert_eq!(visible(&index, i64::MAX), Some((12, 1, 12, b"e".to_vec())));
    }

    #[test]
    fn after_compaction_a_read_sees_what_it_saw_before_at_and_after_the_compaction_point() {
        // compact(5): the first generation ended (4.0) before 5 and goes entirely.
        let mut index = two_generations_and_an_open_one();
        assert!(!index.compact(5));
        assert_eq!(index.describe(), "{6.0, 7.1, 9.0(t)} {12.0}");
        assert_eq!(index.last_at_or_before(5), None);
        assert_eq!(visible(&index, 5), None);
        assert_eq!(visible(&index, 6), Some((6, 1, 6, b"c".to_vec())));
        assert_eq!(visible(&index, 10), None);

        // compact(8): 7.1 is the newest revision <= 8 and stays, keeping version 2 and
        // create revision 6 although the put at 6 is gone.
        let mut index = two_generations_and_an_open_one();
        assert!(!index.compact(8));
        assert_eq!(index.describe(), "{7.1, 9.0(t)} {12.0}");
        assert_eq!(visible(&index, 8), Some((7, 2, 6, b"d".to_vec())));
        assert_eq!(visible(&index, 9), None);

        // compact(9), exactly at a tombstone: only the tombstone would be left of its
        // generation, so it goes too; the key does not exist at 9 either way.
        let mut index = two_generations_and_an_open_one();
        assert!(!index.compact(9));
        assert_eq!(index.describe(), "{12.0}");
        assert_eq!(visible(&index, 9), None);
        assert_eq!(visible(&index, 11), None);
        assert_eq!(visible(&index, 12), Some((12, 1, 12, b"e".to_vec())));
    }

    #[test]
    fn compaction_keeps_the_revision_a_read_at_the_compaction_point_sees() {
        let index = history(&[1, 2, 3]);
        let last = index.entries.last().map_or(0, |entry| entry.main);
        for at in (0..=last).step_by(7) {
            let mut compacted = index.clone();
            let visible = index.at(at).cloned();
            compacted.compact(at);
            assert_eq!(
                compacted.at(at).cloned(),
                visible,
                "read at the compaction point {at}"
            );
            assert_eq!(compacted.at(last), index.at(last), "newest revision");
            assert!(
                compacted
                    .entries
                    .iter()
                    .filter(|entry| entry.main < at)
                    .count()
                    <= 1
            );
        }
    }
}
