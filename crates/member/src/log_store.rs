//! The durable half of a member: vote, log, committed index and last snapshot.
//!
//! A [`DurableState`] is shared (`Rc<RefCell>`) between the running member and
//! its owner, so a crash that drops every task of the member leaves it intact
//! and a restart hands it to a fresh member. Writes complete synchronously
//! (a simulated fsync is instantaneous; the network is where time passes).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::io;
use std::ops::RangeBounds;
use std::rc::Rc;

use openraft::alias::EntryOf;
use openraft::alias::LogIdOf;
use openraft::alias::SnapshotMetaOf;
use openraft::alias::VoteOf;
use openraft::entry::RaftEntry;
use openraft::storage::IOFlushed;
use openraft::storage::LogState;
use openraft::storage::RaftLogReader;
use openraft::storage::RaftLogStorage;
use openraft::OptionalSend;

use crate::state_machine::SnapshotPayload;
use crate::types::TypeConfig;

/// A snapshot kept on "disk" (etcd's snap file).
#[derive(Debug, Clone)]
pub struct StoredSnapshot {
    pub meta: SnapshotMetaOf<TypeConfig>,
    pub payload: SnapshotPayload,
}

#[derive(Debug, Default)]
pub(crate) struct DurableInner {
    pub(crate) vote: Option<VoteOf<TypeConfig>>,
    pub(crate) log: BTreeMap<u64, EntryOf<TypeConfig>>,
    pub(crate) last_purged: Option<LogIdOf<TypeConfig>>,
    pub(crate) committed: Option<LogIdOf<TypeConfig>>,
    pub(crate) snapshot: Option<StoredSnapshot>,
}

/// What a member keeps across a crash (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct DurableState {
    pub(crate) inner: Rc<RefCell<DurableInner>>,
}

impl DurableState {
    /// An empty disk: a member that never ran.
    pub fn new() -> DurableState {
        DurableState::default()
    }

    /// `(index, term)` of every entry still in the log, in index order.
    pub fn log_terms(&self) -> Vec<(u64, u64)> {
        self.inner.borrow().log.values().map(|entry| (entry.log_id.index, entry.log_id.leader_id.term)).collect()
    }

    /// `(index, term)` of the entries at `first_index` and after, in index order.
    pub fn log_terms_from(&self, first_index: u64) -> Vec<(u64, u64)> {
        self.inner.borrow().log.range(first_index..).map(|(index, entry)| (*index, entry.log_id.leader_id.term)).collect()
    }

    /// Term of the entry at `index`, if it is in the log.
    pub fn term_at(&self, index: u64) -> Option<u64> {
        self.inner.borrow().log.get(&index).map(|entry| entry.log_id.leader_id.term)
    }

    /// `(index, term)` of the last entry, if any.
    pub fn last_log(&self) -> Option<(u64, u64)> {
        self.inner.borrow().log.values().next_back().map(|entry| (entry.log_id.index, entry.log_id.leader_id.term))
    }

    /// The log entry at `index`, as `(term, command)` (`None` for blank and
    /// membership entries' command), if still in the log.
    pub fn entry_at(&self, index: u64) -> Option<(u64, Option<crate::LogCommand>)> {
        self.inner.borrow().log.get(&index).map(|entry| {
            let command = match &entry.payload {
                openraft::EntryPayload::Normal(command) => Some(command.clone()),
                _ => None,
            };
            (entry.log_id.leader_id.term, command)
        })
    }

    /// Index of the last purged entry (covered by the snapshot), 0 if none.
    pub fn last_purged_index(&self) -> u64 {
        self.inner.borrow().last_purged.as_ref().map(|log_id| log_id.index).unwrap_or(0)
    }

    /// Persisted committed index (0 if none).
    pub fn committed_index(&self) -> u64 {
        self.inner.borrow().committed.as_ref().map(|log_id| log_id.index).unwrap_or(0)
    }

    /// Persisted `(term, voted_for)`.
    pub fn vote(&self) -> Option<(u64, u64)> {
        self.inner.borrow().vote.as_ref().map(|vote| (vote.leader_id.term, vote.leader_id.voted_for))
    }

    /// Index the last snapshot covers (0 if none).
    pub fn snapshot_index(&self) -> u64 {
        self.inner
            .borrow()
            .snapshot
            .as_ref()
            .and_then(|snapshot| snapshot.meta.last_log_id.as_ref().map(|log_id| log_id.index))
            .unwrap_or(0)
    }
}

/// openraft's view of the durable log.
#[derive(Clone)]
pub(crate) struct LogStore {
    pub(crate) durable: DurableState,
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + OptionalSend>(
        &mut self,
        range: RB,
    ) -> Result<Vec<EntryOf<TypeConfig>>, io::Error> {
        let inner = self.durable.inner.borrow();
        Ok(inner.log.range(range).map(|(_, entry)| entry.clone()).collect())
    }

    async fn read_vote(&mut self) -> Result<Option<VoteOf<TypeConfig>>, io::Error> {
        Ok(self.durable.inner.borrow().vote)
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = Self;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, io::Error> {
        let inner = self.durable.inner.borrow();
        let last_purged = inner.last_purged;
        let last = inner.log.values().next_back().map(|entry| entry.log_id()).or(last_purged);
        Ok(LogState { last_purged_log_id: last_purged, last_log_id: last })
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &VoteOf<TypeConfig>) -> Result<(), io::Error> {
        self.durable.inner.borrow_mut().vote = Some(*vote);
        Ok(())
    }

    async fn save_committed(&mut self, committed: Option<LogIdOf<TypeConfig>>) -> Result<(), io::Error> {
        self.durable.inner.borrow_mut().committed = committed;
        Ok(())
    }

    async fn read_committed(&mut self) -> Result<Option<LogIdOf<TypeConfig>>, io::Error> {
        Ok(self.durable.inner.borrow().committed)
    }

    async fn append<I>(&mut self, entries: I, callback: IOFlushed<TypeConfig>) -> Result<(), io::Error>
    where I: IntoIterator<Item = EntryOf<TypeConfig>> + OptionalSend {
        {
            let mut inner = self.durable.inner.borrow_mut();
            for entry in entries {
                inner.log.insert(entry.log_id.index, entry);
            }
        }
        callback.io_completed(Ok(()));
        Ok(())
    }

    async fn truncate_after(&mut self, last_log_id: Option<LogIdOf<TypeConfig>>) -> Result<(), io::Error> {
        let start = last_log_id.map(|log_id| log_id.index + 1).unwrap_or(0);
        let mut inner = self.durable.inner.borrow_mut();
        let _removed = inner.log.split_off(&start);
        Ok(())
    }

    async fn purge(&mut self, log_id: LogIdOf<TypeConfig>) -> Result<(), io::Error> {
        let mut inner = self.durable.inner.borrow_mut();
        let kept = inner.log.split_off(&(log_id.index + 1));
        inner.log = kept;
        inner.last_purged = Some(log_id);
        Ok(())
    }
}
