//! Watches (etcd's `mvcc/watchable_store.go` and the v3rpc watch stream), sans-IO: creating a
//! watch and every write queue [`WatchResponse`]s, which the caller drains with
//! [`Store::take_watch_responses`].
//!
//! Example: a store at revision 5 with a watch on prefix `/a/` from revision 3 queues
//! 1. `created: true`, header revision 5;
//! 2. one response with every event of revisions 3..=5 under `/a/` (header revision 5: the
//!    replay), at most 1,000 revisions per response as in etcd;
//!
//! and then one response per later write that touches `/a/`, holding all of that write's events
//! (header revision = the write's revision). A watch from below the compaction revision gets
//! `created`, then `canceled: true` with `compact_revision` set, and is removed.

use std::collections::BTreeMap;

use crate::store::{index_range, Store, WriteBatch};
use crate::types::*;

/// etcd's `watchBatchMaxRevs`: a replay response holds at most this many revisions.
const REPLAY_BATCH_MAX_REVISIONS: usize = 1000;

#[derive(Debug, Clone)]
pub(crate) struct Watcher {
    key: Vec<u8>,
    range_end: Vec<u8>,
    prev_kv: bool,
    /// Events below this revision were already delivered (or precede the requested start).
    min_revision: i64,
}

impl Watcher {
    fn matches(&self, key: &[u8]) -> bool {
        if self.range_end.is_empty() {
            key == self.key.as_slice()
        } else if self.range_end == [0] {
            key >= self.key.as_slice()
        } else {
            self.key.as_slice() <= key && key < self.range_end.as_slice()
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Watches {
    next_id: i64,
    watchers: BTreeMap<WatchId, Watcher>,
    pending: Vec<WatchResponse>,
}

impl Watches {
    pub(crate) fn is_empty(&self) -> bool {
        self.watchers.is_empty()
    }
}

fn response(watch_id: WatchId, revision: i64, events: Vec<Event>) -> WatchResponse {
    WatchResponse {
        watch_id,
        header: ResponseHeader { revision },
        events,
        compact_revision: 0,
        canceled: false,
        created: false,
    }
}

impl Store {
    /// Starts a watch; replays history from `start_revision` (inclusive) at once.
    pub fn watch(&mut self, request: WatchRequest) -> WatchId {
        let id = WatchId(self.watches.next_id);
        self.watches.next_id += 1;
        let current = self.current_revision;
        let start = if request.start_revision == 0 {
            current + 1
        } else {
            request.start_revision
        };
        self.watches.pending.push(WatchResponse {
            created: true,
            ..response(id, current, Vec::new())
        });
        if start <= current {
            if start < self.compact_main_revision {
                self.watches.pending.push(WatchResponse {
                    compact_revision: self.compact_main_revision,
                    canceled: true,
                    // etcd sends this response with a zero header revision.
                    ..response(id, 0, Vec::new())
                });
                return id;
            }
            self.replay(id, &request, start);
        }
        let watcher = Watcher {
            key: request.key,
            range_end: request.range_end,
            prev_kv: request.prev_kv,
            min_revision: start.max(current + 1),
        };
        self.watches.watchers.insert(id, watcher);
        id
    }

    /// Stops a watch. Like etcd, a cancelled watch answers once more with `canceled: true`.
    pub fn cancel_watch(&mut self, id: WatchId) -> bool {
        if self.watches.watchers.remove(&id).is_none() {
            return false;
        }
        self.watches.pending.push(WatchResponse {
            canceled: true,
            ..response(id, self.current_revision, Vec::new())
        });
        true
    }

    /// Drains the watch responses queued since the last call, in the order they happened.
    pub fn take_watch_responses(&mut self) -> Vec<WatchResponse> {
        std::mem::take(&mut self.watches.pending)
    }

    /// The number of active watches.
    pub fn watch_count(&self) -> usize {
        self.watches.watchers.len()
    }

    fn replay(&mut self, id: WatchId, request: &WatchRequest, start: i64) {
        // (revision, key, is tombstone), collected per key, then put in revision order.
        let mut found: Vec<(Revision, &[u8], bool)> = Vec::new();
        for (key, key_index) in index_range(&self.index, &request.key, &request.range_end) {
            let first = key_index
                .entries
                .partition_point(|entry| entry.main < start);
            for entry in &key_index.entries[first..] {
                found.push((entry.revision(), key, entry.is_tombstone()));
            }
        }
        playground_core::sort::sort_by_key(&mut found, |found| found.0);
        let mut batches: Vec<Vec<Event>> = Vec::new();
        let mut current_batch: Vec<Event> = Vec::new();
        let mut revisions_in_batch = 0usize;
        let mut last_main = i64::MIN;
        for (revision, key, tombstone) in &found {
            if revision.main != last_main {
                if revisions_in_batch == REPLAY_BATCH_MAX_REVISIONS {
                    batches.push(std::mem::take(&mut current_batch));
                    revisions_in_batch = 0;
                }
                revisions_in_batch += 1;
                last_main = revision.main;
            }
            current_batch.push(self.event(key, *revision, *tombstone, request.prev_kv));
        }
        if !current_batch.is_empty() {
            batches.push(current_batch);
        }
        let current = self.current_revision;
        for events in batches {
            self.watches.pending.push(response(id, current, events));
        }
    }

    /// The event for one stored revision. `prev_kv` is read at `revision - 1`, as etcd's watch
    /// stream does, and is absent for a create or when that revision is compacted.
    fn event(&self, key: &[u8], revision: Revision, tombstone: bool, with_prev_kv: bool) -> Event {
        let (kind, kv) = if tombstone {
            (
                EventType::Delete,
                KeyValue {
                    key: key.to_vec(),
                    mod_revision: revision.main,
                    ..KeyValue::default()
                },
            )
        } else {
            let kv = match self.entry_of_revision(key, revision) {
                Some(entry) => crate::key_index::key_value(key, entry, false),
                None => {
                    debug_assert!(false, "an event's revision is not in the key index");
                    KeyValue {
                        key: key.to_vec(),
                        mod_revision: revision.main,
                        ..KeyValue::default()
                    }
                }
            };
            (EventType::Put, kv)
        };
        let is_create = kind == EventType::Put && kv.create_revision == kv.mod_revision;
        let prev_kv = if with_prev_kv && !is_create {
            self.key_value_at(key, revision.main - 1)
        } else {
            None
        };
        Event { kind, kv, prev_kv }
    }

    pub(crate) fn notify_watches(&mut self, batch: &WriteBatch) {
        let mut responses = Vec::new();
        for (id, watcher) in &self.watches.watchers {
            if batch.main < watcher.min_revision {
                continue;
            }
            let mut events = Vec::new();
            for change in &batch.changes {
                if watcher.matches(&change.key) {
                    events.push(self.event(
                        &change.key,
                        change.revision,
                        change.kind == EventType::Delete,
                        watcher.prev_kv,
                    ));
                }
            }
            if !events.is_empty() {
                responses.push(response(*id, batch.main, events));
            }
        }
        self.watches.pending.extend(responses);
    }
}
