//! The /registry listing the page shows, kept current by reading only the
//! keys that changed since it was read.
//!
//! A full listing of a member's store (live keys and the tombstones etcd still
//! keeps) copies every key and value; with 10,000 keys that was a few ms of
//! every frame in which the store changed (the controllers write every few
//! hundred virtual ms). [`RegistryListing::refresh`] remembers the store
//! revision it read at and, while the same member (same incarnation) is shown
//! live and nothing was compacted, asks the store which keys changed since
//! (`mvcc::Store::keys_changed_since`, a comparison per key and no copy), reads
//! those keys alone and merges them into the sorted list. Entries are shared
//! (`Rc`), so the new list shares every unchanged entry with the old one,
//! which the page may still be showing. A past revision, another member, a
//! restart or a compaction read everything again, as before.
//!
//! ```
//! use playground::{Playground, PlaygroundConfig, RegistryListing, UserAction};
//!
//! let mut playground = Playground::new(PlaygroundConfig { seed: 7, member_count: 3 });
//! playground.advance(3_000);
//! let mut listing = RegistryListing::default();
//! listing.refresh(&playground, None, 0);
//! let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";
//! playground.apply(UserAction::Apply { manifest: manifest.into() }).unwrap();
//! let read = listing.refresh(&playground, None, 0);
//! assert!(read.keys_read < read.entries);
//! assert!(listing.entries().iter().any(|entry| entry.key == "/registry/configmaps/default/settings"));
//! ```

use std::rc::Rc;

use cluster::MemberId;

use crate::playground::{Playground, RegistryEntry};

/// More changed keys than a quarter of the listing (and more than
/// [`INCREMENTAL_MAX_KEYS_ALWAYS`]): read everything again, one range is then
/// cheaper than as many single-key reads.
const INCREMENTAL_MAX_SHARE: usize = 4;
/// Changed keys that are always read one by one, however short the listing.
const INCREMENTAL_MAX_KEYS_ALWAYS: usize = 64;

/// What a listing was read from; equal means "nothing to read".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ReadFrom {
    /// What the page asked for: a member (`None`: the default one) and a revision (0: live).
    asked: (Option<MemberId>, i64),
    /// The member that answered and how many times it has been started.
    member: Option<(MemberId, u64)>,
    /// Its store revision and compaction revision when read.
    revisions: Option<(i64, i64)>,
}

/// How much one [`RegistryListing::refresh`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListingRead {
    /// Keys read from the store (every key for a full listing; 0 when nothing changed).
    pub keys_read: usize,
    /// Entries in the listing afterwards.
    pub entries: usize,
    /// True if the whole range was read.
    pub full: bool,
}

/// A /registry listing (live keys and tombstones, sorted by key) and what it
/// was read from. See the module docs.
#[derive(Debug, Clone, Default)]
pub struct RegistryListing {
    read_from: Option<ReadFrom>,
    entries: Rc<Vec<Rc<RegistryEntry>>>,
    error: Option<String>,
}

impl RegistryListing {
    /// The entries, sorted by key. The same `Rc` until something changed, so
    /// a view can compare pointers.
    pub fn entries(&self) -> Rc<Vec<Rc<RegistryEntry>>> {
        self.entries.clone()
    }

    /// etcd's reason the asked revision cannot be read (compacted, future), or
    /// that no member runs; the entries are empty then.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Forgets the listing (the run was replaced: its stores are not this one's).
    pub fn clear(&mut self) {
        *self = RegistryListing::default();
    }

    /// Brings the listing up to date with `member`'s store (`None`: the
    /// leader's, or the first running member's) at `revision` (0: live).
    pub fn refresh(&mut self, playground: &Playground, member: Option<MemberId>, revision: i64) -> ListingRead {
        let source = playground.registry_source(member);
        let read_from = ReadFrom {
            asked: (member, revision),
            member: source.map(|(member, incarnation, _)| (member, incarnation)),
            // A past revision's listing changes only with compaction (or while
            // the store has not reached it yet): new writes do not re-read it.
            revisions: source.map(|(_, _, (store_revision, compact_revision))| {
                if revision > 0 {
                    (store_revision.min(revision), compact_revision)
                } else {
                    (store_revision, compact_revision)
                }
            }),
        };
        let previous = self.read_from.replace(read_from);
        if previous == Some(read_from) {
            return ListingRead { keys_read: 0, entries: self.entries.len(), full: false };
        }
        // Live, the same member still running, nothing compacted: only what changed.
        if let (Some(previous), None, 0, Some((answering, _)), Some((store_revision, compact_revision))) =
            (previous, &self.error, revision, read_from.member, read_from.revisions)
        {
            let same_store = previous.asked == read_from.asked && previous.member == read_from.member;
            if let (true, Some((listed_revision, listed_compaction))) = (same_store, previous.revisions) {
                if listed_compaction == compact_revision && listed_revision <= store_revision {
                    let changed = playground.registry_keys_changed_since(answering, listed_revision);
                    if changed.len() <= (self.entries.len() / INCREMENTAL_MAX_SHARE).max(INCREMENTAL_MAX_KEYS_ALWAYS) {
                        return self.merge(playground, answering, &changed);
                    }
                }
            }
        }
        let answering = read_from.member.map(|(member, _)| member);
        match answering.ok_or_else(|| "no member is running".to_string()).and_then(|member| playground.registry_keys_and_tombstones_at(Some(member), revision)) {
            Ok(entries) => {
                self.entries = Rc::new(entries.into_iter().map(Rc::new).collect());
                self.error = None;
            }
            Err(error) => {
                self.entries = Rc::new(Vec::new());
                self.error = Some(error);
            }
        }
        ListingRead { keys_read: self.entries.len(), entries: self.entries.len(), full: true }
    }

    /// Replaces the entries of the `changed` keys (sorted) with what the store
    /// holds for them now: a live entry, a tombstone, or nothing.
    fn merge(&mut self, playground: &Playground, member: MemberId, changed: &[Vec<u8>]) -> ListingRead {
        if changed.is_empty() {
            return ListingRead { keys_read: 0, entries: self.entries.len(), full: false };
        }
        let mut merged = Vec::with_capacity(self.entries.len() + changed.len());
        let mut old = self.entries.iter().peekable();
        for raw_key in changed {
            // The listing names keys as text (as the full read does).
            let key = String::from_utf8_lossy(raw_key);
            while let Some(entry) = old.next_if(|entry| *entry.key < *key) {
                merged.push(entry.clone());
            }
            old.next_if(|entry| *entry.key == *key);
            if let Some(entry) = playground.registry_entry(member, raw_key) {
                merged.push(Rc::new(entry));
            }
        }
        merged.extend(old.cloned());
        self.entries = Rc::new(merged);
        ListingRead { keys_read: changed.len(), entries: self.entries.len(), full: false }
    }
}
