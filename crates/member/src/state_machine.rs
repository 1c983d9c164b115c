//! The volatile half of a member: the MVCC store as openraft's state machine.
//!
//! Each applied entry is one `mvcc::Store::apply`; blank and membership
//! entries only move `last_applied`. Snapshots are `Store::snapshot()` values
//! (no byte encoding: the simulated network carries values), saved to the
//! member's [`DurableState`] like etcd's snap files.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use futures::Stream;
use futures::TryStreamExt;
use openraft::alias::LogIdOf;
use openraft::alias::SnapshotMetaOf;
use openraft::alias::SnapshotOf;
use openraft::alias::StoredMembershipOf;
use openraft::storage::EntryResponder;
use openraft::storage::RaftSnapshotBuilder;
use openraft::storage::RaftStateMachine;
use openraft::EntryPayload;
use openraft::OptionalSend;

use crate::log_store::DurableState;
use crate::log_store::StoredSnapshot;
use crate::types::Applied;
use crate::types::TypeConfig;

/// A snapshot's data: the whole MVCC history, shared (snapshots are immutable).
#[derive(Debug, Clone)]
pub struct SnapshotPayload {
    pub store: Rc<mvcc::StoreSnapshot>,
}

/// One apply, reported to the owner for the trace and the invariants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedEntry {
    pub index: u64,
    pub term: u64,
    /// Store revision after this entry.
    pub revision: i64,
}

pub(crate) struct MachineInner {
    pub(crate) store: mvcc::Store,
    pub(crate) last_applied: Option<LogIdOf<TypeConfig>>,
    pub(crate) membership: StoredMembershipOf<TypeConfig>,
    pub(crate) applied_outbox: Vec<AppliedEntry>,
    pub(crate) snapshot_installs: u64,
}

/// openraft's handle on the state machine (clones share it).
#[derive(Clone)]
pub(crate) struct StateMachine {
    pub(crate) inner: Rc<RefCell<MachineInner>>,
    durable: DurableState,
}

impl StateMachine {
    /// A state machine as it is after a (re)start: the durable snapshot if any,
    /// else an empty store. openraft re-applies the committed log on top.
    pub(crate) fn recover(durable: DurableState) -> StateMachine {
        let snapshot = durable.inner.borrow().snapshot.clone();
        let inner = match snapshot {
            Some(stored) => MachineInner {
                store: mvcc::Store::restore((*stored.payload.store).clone()),
                last_applied: stored.meta.last_log_id,
                membership: stored.meta.last_membership.clone(),
                applied_outbox: Vec::new(),
                snapshot_installs: 0,
            },
            None => MachineInner {
                store: mvcc::Store::new(),
                last_applied: None,
                membership: StoredMembershipOf::<TypeConfig>::default(),
                applied_outbox: Vec::new(),
                snapshot_installs: 0,
            },
        };
        StateMachine { inner: Rc::new(RefCell::new(inner)), durable }
    }
}

impl RaftSnapshotBuilder<TypeConfig> for StateMachine {
    type SnapshotData = SnapshotPayload;

    async fn build_snapshot(&mut self) -> Result<SnapshotOf<TypeConfig, SnapshotPayload>, io::Error> {
        let (meta, payload) = {
            let inner = self.inner.borrow();
            let meta = SnapshotMetaOf::<TypeConfig> {
                last_log_id: inner.last_applied,
                last_membership: inner.membership.clone(),
            };
            (meta, SnapshotPayload { store: Rc::new(inner.store.snapshot()) })
        };
        self.durable.inner.borrow_mut().snapshot = Some(StoredSnapshot { meta: meta.clone(), payload: payload.clone() });
        Ok(SnapshotOf::<TypeConfig, SnapshotPayload> { meta, snapshot: payload })
    }
}

impl RaftStateMachine<TypeConfig> for StateMachine {
    type SnapshotData = SnapshotPayload;
    type SnapshotBuilder = Self;

    async fn applied_state(
        &mut self,
    ) -> Result<(Option<LogIdOf<TypeConfig>>, StoredMembershipOf<TypeConfig>), io::Error> {
        let inner = self.inner.borrow();
        Ok((inner.last_applied, inner.membership.clone()))
    }

    async fn apply<Strm>(&mut self, mut entries: Strm) -> Result<(), io::Error>
    where Strm: Stream<Item = Result<EntryResponder<TypeConfig>, io::Error>> + Unpin + OptionalSend {
        while let Some((entry, responder)) = entries.try_next().await? {
            let response = {
                let mut inner = self.inner.borrow_mut();
                inner.last_applied = Some(entry.log_id);
                let result = match entry.payload {
                    EntryPayload::Blank => None,
                    EntryPayload::Normal(command) => Some(inner.store.apply(command.request)),
                    EntryPayload::Membership(membership) => {
                        inner.membership = StoredMembershipOf::<TypeConfig>::new(Some(entry.log_id), membership);
                        None
                    }
                };
                let revision = inner.store.revision();
                inner.applied_outbox.push(AppliedEntry {
                    index: entry.log_id.index,
                    term: entry.log_id.leader_id.term,
                    revision,
                });
                Applied { result, revision }
            };
            if let Some(responder) = responder {
                responder.send(response);
            }
        }
        Ok(())
    }

    async fn get_snapshot_builder(&mut self) -> Self::SnapshotBuilder {
        self.clone()
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMetaOf<TypeConfig>,
        snapshot: SnapshotPayload,
    ) -> Result<(), io::Error> {
        {
            let mut inner = self.inner.borrow_mut();
            inner.store = mvcc::Store::restore((*snapshot.store).clone());
            inner.last_applied = meta.last_log_id;
            inner.membership = meta.last_membership.clone();
            inner.snapshot_installs += 1;
        }
        self.durable.inner.borrow_mut().snapshot = Some(StoredSnapshot { meta: meta.clone(), payload: snapshot });
        Ok(())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<SnapshotOf<TypeConfig, SnapshotPayload>>, io::Error> {
        let stored = self.durable.inner.borrow().snapshot.clone();
        Ok(stored.map(|stored| SnapshotOf::<TypeConfig, SnapshotPayload> { meta: stored.meta, snapshot: stored.payload }))
    }
}
