//! A running member: the openraft handle plus the request paths etcd has.
//!
//! - writes: the leader proposes; a follower forwards the proposal to the
//!   leader once (a lost forward is not retried, as in etcd: the client times out);
//! - linearizable reads: ReadIndex through the leader, wait until the local
//!   store has applied that index, read locally;
//! - serializable reads: the local store as it is.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use openraft::errors::ClientWriteError;
use openraft::errors::LinearizableReadError;
use openraft::errors::RaftError;
use openraft::AsyncRuntime;
use openraft::Config;
use openraft::Raft;
use openraft::ReadPolicy;
use openraft::raft::AppendEntriesResponse;
use openraft::ServerState;
use openraft::SnapshotPolicy;
use openraft::async_runtime::WatchReceiver;
use serde::Deserialize;
use serde::Serialize;
use sim_runtime::SimInstant;
use sim_runtime::SimRuntime;
use sim_runtime::TaskGroup;

use crate::client::ClientError;
use crate::client::ClientOp;
use crate::client::ClientReply;
use crate::client::ReadConsistency;
use crate::log_store::DurableState;
use crate::log_store::LogStore;
use crate::network::call;
use crate::network::NetworkFactory;
use crate::network::PeerReply;
use crate::network::PeerRequest;
use crate::network::Transport;
use crate::state_machine::AppliedEntry;
use crate::state_machine::StateMachine;
use crate::types::Applied;
use crate::types::LogCommand;
use crate::types::MemberId;
use crate::types::TypeConfig;

/// Most leader look-ups or forwards one client request makes before giving up
/// (the client's own deadline normally ends it long before).
const MAX_ROUTING_ATTEMPTS: u32 = 64;
/// Most metric changes one wait observes (a bound, never reached in practice).
const MAX_METRIC_WAKEUPS: u32 = 1_000_000;

/// Timing and log-retention knobs of one member (etcd's flags, in ms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSettings {
    pub election_timeout_ms_min: u64,
    pub election_timeout_ms_max: u64,
    pub heartbeat_interval_ms: u64,
    /// Take a snapshot after this many applied entries (etcd `--snapshot-count`).
    pub snapshot_every_entries: u64,
    /// Entries kept behind a snapshot for slow followers (etcd keeps 5000).
    pub log_entries_kept_after_snapshot: u64,
    /// etcd 3.5+ runs pre-vote by default.
    pub pre_vote: bool,
    /// How long a proposal or ReadIndex waits for its leader (etcd ReqTimeout: 7 s).
    pub request_timeout_ms: u64,
}

impl Default for MemberSettings {
    fn default() -> MemberSettings {
        MemberSettings {
            election_timeout_ms_min: 1000,
            election_timeout_ms_max: 2000,
            heartbeat_interval_ms: 100,
            snapshot_every_entries: 1000,
            log_entries_kept_after_snapshot: 100,
            pre_vote: true,
            request_timeout_ms: 7000,
        }
    }
}

/// A member's Raft role as etcd names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    Follower,
    Candidate,
    Leader,
    /// Not (yet) a voter: a member being added, or one never initialized.
    Learner,
    /// Stopping.
    Shutdown,
}

/// A member's Raft state, read from openraft's metrics (plain fields only:
/// formatting the metrics struct reads the wall clock and panics on wasm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberStatus {
    pub role: Role,
    pub term: u64,
    pub voted_for: Option<MemberId>,
    pub leader: Option<MemberId>,
    pub last_log_index: u64,
    pub commit_index: u64,
    pub applied_index: u64,
    pub snapshot_index: u64,
    pub store_revision: i64,
    pub voters: Vec<MemberId>,
    pub learners: Vec<MemberId>,
}

/// One running etcd member (cheap to clone: clones share the member).
#[derive(Clone)]
pub struct Member {
    id: MemberId,
    raft: Raft<TypeConfig, StateMachine>,
    machine: StateMachine,
    durable: DurableState,
    transport: Rc<dyn Transport>,
    settings: MemberSettings,
    runtime: SimRuntime,
    /// When this member last heard from a leader (AppendEntries or snapshot).
    last_leader_contact: Rc<Cell<SimInstant>>,
    /// (term, first seen) of this member's current leadership.
    leader_since: Rc<Cell<Option<(u64, SimInstant)>>>,
}

/// etcd's leader lease: the minimum election timeout (1000 ms by default). A
/// leader that has heard from no quorum for this long refuses writes and shows
/// as follower (CheckQuorum); a follower that heard its leader within this long
/// refuses (pre-)votes. A follower's randomized election timeout is never
/// shorter, so after a leader crash the first pre-vote finds the other
/// followers' leases expired and wins.
pub fn leader_lease_ms(settings: &MemberSettings) -> u64 {
    settings.election_timeout_ms_min
}

/// How long a member waits for a peer's reply to a Raft RPC (AppendEntries,
/// heartbeat, vote) before counting it lost: one minimum election timeout
/// (1000 ms with etcd's defaults), whatever the heartbeat interval.
///
/// The wait must outlast the slowest round trip a user can configure that still
/// lets Raft work (etcd wants round trips well under an election timeout), and
/// a lost message costs its sender this long: the heartbeat stream to that peer
/// pauses, and its replication stream retries after it.
pub fn peer_rpc_timeout_ms(settings: &MemberSettings) -> u64 {
    settings.election_timeout_ms_min.max(settings.heartbeat_interval_ms).max(1)
}

/// How often a member's Raft ticks: half a heartbeat interval (at least 1 ms).
pub fn tick_interval_ms(settings: &MemberSettings) -> u64 {
    (settings.heartbeat_interval_ms / 2).max(1)
}

fn openraft_config(settings: &MemberSettings) -> Result<Config, String> {
    let config = Config {
        cluster_name: "etcd-playground".to_string(),
        election_timeout_min: settings.election_timeout_ms_min,
        election_timeout_max: settings.election_timeout_ms_max,
        heartbeat_interval: settings.heartbeat_interval_ms,
        snapshot_policy: SnapshotPolicy::LogsSinceLast(settings.snapshot_every_entries),
        max_in_snapshot_log_to_keep: settings.log_entries_kept_after_snapshot,
        enable_pre_vote: Some(settings.pre_vote),
        install_snapshot_timeout: settings.request_timeout_ms,
        // openraft times an AppendEntries (replication or heartbeat) out after one heartbeat
        // interval unless told otherwise, so a link whose round trip is slower than a heartbeat
        // could never renew the leader lease nor bring a follower up to date. One election
        // timeout is the longest a reply can take and still matter: by then a follower that
        // heard nothing has campaigned. See `peer_rpc_timeout_ms`.
        append_entries_timeout: Some(peer_rpc_timeout_ms(settings)),
        // etcd's lease (CheckQuorum's "in lease" vote check and the leader's step-down) is its
        // base election timeout, counted inside the randomized election timeout. openraft's
        // default lease is the maximum, and a follower waited for it and then for its election
        // timeout before campaigning: a crashed leader was replaced only after 3-4 s.
        leader_lease: Some(leader_lease_ms(settings)),
        // Purge as soon as a snapshot allows it, so a far-behind member needs InstallSnapshot.
        purge_batch_size: 1,
        // Nothing here reads the leader's per-follower replication and heartbeat maps, and the
        // waiters on the full metrics (`wait_applied`, openraft's own) only care about changes:
        // building the maps and re-sending unchanged metrics on every turn of openraft's loop
        // cost about a tenth of the simulation's time. See vendor/README.md.
        replication_metrics: Some(false),
        resend_unchanged_metrics: Some(false),
        // etcd's raft ticks once per heartbeat interval (its election timeout is a number of
        // ticks); openraft ticks every 13/64 of it (20 ms for 100 ms), and each tick is a turn
        // of the core loop: in a quiet cluster most of the simulation's work. Half a heartbeat
        // keeps heartbeats on time and timers within 50 ms, finer than etcd. See vendor/README.md.
        tick_interval: Some(tick_interval_ms(settings)),
        // The log and the state machine are in memory: their IO completes within the turn that
        // submits it, so the core waits for those notifications in the same turn.
        yield_for_local_io: Some(true),
        ..Config::default()
    };
    config.validate().map_err(|error| error.to_string())
}

impl Member {
    /// Starts (or restarts, from `durable`) member `id` on `runtime`: its tasks
    /// belong to task group `id`, so a crash can drop them all.
    pub fn start(
        runtime: &SimRuntime,
        id: MemberId,
        settings: MemberSettings,
        durable: DurableState,
        transport: Rc<dyn Transport>,
    ) -> Result<Member, String> {
        let config = Arc::new(openraft_config(&settings)?);
        let machine = StateMachine::recover(durable.clone());
        let log_store = LogStore { durable: durable.clone() };
        let network = NetworkFactory { from: id, transport: transport.clone() };
        let state_machine = machine.clone();
        let raft = runtime.enter_group(TaskGroup(id.0), || {
            runtime.block_on_future(Raft::new(id.0, config, network, log_store, state_machine))
        });
        let raft = raft.map_err(|fatal| fatal.to_string())?;
        let leader_since = Rc::new(Cell::new(None));
        // Notes when this member becomes leader of a term, from inside the
        // simulation, so the CheckQuorum view below never depends on when an
        // observer happens to look.
        let watched_raft = raft.clone();
        let watched_since = leader_since.clone();
        let clock = runtime.clone();
        //
        // It wakes on the server metrics (role, vote, leader, membership), which
        // openraft sends only when they change, not on the full metrics, which
        // it re-sends on every turn of its loop: becoming leader of a term
        // always changes the role or the vote, and both channels are updated
        // in the same flush, so it sees the same instants with far fewer polls.
        runtime.spawn_in(TaskGroup(id.0), async move {
            let metrics = watched_raft.metrics();
            let mut server_metrics = watched_raft.server_metrics();
            for _change in 0..u64::MAX {
                let leading_term = {
                    let current = metrics.borrow_watched();
                    (current.state == ServerState::Leader).then_some(current.current_term)
                };
                if let Some(term) = leading_term {
                    if watched_since.get().map(|(since_term, _)| since_term) != Some(term) {
                        watched_since.set(Some((term, clock.now())));
                    }
                }
                if server_metrics.changed().await.is_err() {
                    break;
                }
            }
        });
        Ok(Member {
            id,
            raft,
            machine,
            durable,
            transport,
            settings,
            runtime: runtime.clone(),
            last_leader_contact: Rc::new(Cell::new(runtime.now())),
            leader_since,
        })
    }

    pub fn id(&self) -> MemberId {
        self.id
    }

    /// The task group of this member's tasks (for spawning and crashing).
    pub fn task_group(&self) -> TaskGroup {
        TaskGroup(self.id.0)
    }

    pub fn settings(&self) -> &MemberSettings {
        &self.settings
    }

    pub fn durable(&self) -> &DurableState {
        &self.durable
    }

    /// Makes a brand-new cluster of `voters`. Call on ONE member only: a
    /// member that initializes campaigns at once.
    pub async fn initialize(&self, voters: BTreeSet<MemberId>) -> Result<(), String> {
        let members: BTreeSet<u64> = voters.iter().map(|member| member.0).collect();
        self.raft.initialize(members).await.map_err(|error| error.to_string())
    }

    /// Leader only: adds `new_member` as a learner (it starts receiving the log).
    pub async fn add_learner(&self, new_member: MemberId) -> Result<(), String> {
        self.raft.add_learner(new_member.0, (), false).await.map(|_| ()).map_err(|error| error.to_string())
    }

    /// Leader only: makes `voters` the voting membership (joint consensus inside).
    pub async fn change_voters(&self, voters: BTreeSet<MemberId>) -> Result<(), String> {
        let members: BTreeSet<u64> = voters.iter().map(|member| member.0).collect();
        self.raft.change_membership(members, false).await.map(|_| ()).map_err(|error| error.to_string())
    }

    /// Leader only: hands leadership to `to` (etcd's MoveLeader): the leader
    /// brings `to` up to date and tells it to campaign at once. Ignored by a non-leader.
    pub async fn transfer_leader(&self, to: MemberId) -> Result<(), String> {
        self.raft.trigger().transfer_leader(to.0).await.map_err(|error| error.to_string())
    }

    /// Current Raft state (cheap: reads the latest metrics value).
    pub fn status(&self) -> MemberStatus {
        self.read_status(true)
    }

    /// [`Member::status`] without `voters`/`learners` (left empty): cheaper,
    /// for per-step bookkeeping.
    pub fn status_without_membership(&self) -> MemberStatus {
        self.read_status(false)
    }

    fn read_status(&self, with_membership: bool) -> MemberStatus {
        let metrics_receiver = self.raft.metrics();
        let metrics = metrics_receiver.borrow_watched();
        let now = self.runtime.now();
        let lease = Duration::from_millis(leader_lease_ms(&self.settings));
        let mut leader = metrics.current_leader.map(MemberId);
        let mut role = match metrics.state {
            ServerState::Leader => Role::Leader,
            ServerState::Candidate => Role::Candidate,
            ServerState::Follower => Role::Follower,
            ServerState::Learner => Role::Learner,
            ServerState::Shutdown => Role::Shutdown,
        };
        let membership = metrics.membership_config.membership();
        if role == Role::Leader {
            // etcd's CheckQuorum: a leader that heard from no quorum for an
            // election timeout steps down to follower. openraft keeps the role
            // but stops accepting writes at the same moment (its leader lease),
            // so the member reports what etcd would show.
            let term = metrics.current_term;
            let since = match self.leader_since.get() {
                Some((since_term, since)) if since_term == term => since,
                // The watcher task has not run yet at this instant.
                _ => now,
            };
            let acked = metrics.last_quorum_acked.as_ref().map(|acked| **acked).unwrap_or(since).max(since);
            // At most one distinct voter across the (joint) configs; `voter_ids()` would
            // collect them into a set on every observation.
            let mut voters = membership.get_joint_config().iter().flatten();
            let first_voter = voters.next();
            let alone = voters.all(|voter| Some(voter) == first_voter);
            if !alone && now - acked > lease {
                role = Role::Follower;
                leader = None;
            }
        } else if now - self.last_leader_contact.get() > lease && leader != Some(self.id) {
            // etcd forgets its leader when the election timeout passes without
            // hearing from it (it becomes a (pre-)candidate).
            leader = None;
        }
        let (voters, learners): (Vec<MemberId>, Vec<MemberId>) = if with_membership {
            (membership.voter_ids().map(MemberId).collect(), membership.learner_ids().map(MemberId).collect())
        } else {
            (Vec::new(), Vec::new())
        };
        let machine = self.machine.inner.borrow();
        MemberStatus {
            role,
            term: metrics.current_term,
            // Term 0 is the initial vote for nobody.
            voted_for: (metrics.vote.leader_id.term > 0).then_some(MemberId(metrics.vote.leader_id.voted_for)),
            leader,
            last_log_index: metrics.last_log_index.unwrap_or(0),
            commit_index: metrics.local_committed.as_ref().map(|log_id| log_id.index).unwrap_or(0),
            applied_index: machine.last_applied.as_ref().map(|log_id| log_id.index).unwrap_or(0),
            snapshot_index: metrics.snapshot.as_ref().map(|log_id| log_id.index).unwrap_or(0),
            store_revision: machine.store.revision(),
            voters,
            learners,
        }
    }

    /// The member's MVCC store, borrowed. While the borrow lives no task may
    /// run; callers hold it only between simulation steps.
    pub fn store(&self) -> std::cell::Ref<'_, mvcc::Store> {
        std::cell::Ref::map(self.machine.inner.borrow(), |machine| &machine.store)
    }

    /// The store as a plain reference, valid as long as `self` is borrowed.
    ///
    /// # Safety
    /// The caller must not let any task of this member run (no simulation
    /// step) while the reference lives. The cluster guarantees this by
    /// handing it out only through `&self` while every step takes `&mut self`.
    pub unsafe fn store_unguarded(&self) -> Option<&mvcc::Store> {
        // SAFETY: forwarded to the caller (see above).
        unsafe { self.machine.inner.try_borrow_unguarded().ok().map(|machine| &machine.store) }
    }

    /// Runs `body` on the member's store (watches are registered this way).
    pub fn with_store_mut<T>(&self, body: impl FnOnce(&mut mvcc::Store) -> T) -> T {
        body(&mut self.machine.inner.borrow_mut().store)
    }

    /// Entries applied since the last call, in apply order.
    pub fn take_applied(&self) -> Vec<AppliedEntry> {
        std::mem::take(&mut self.machine.inner.borrow_mut().applied_outbox)
    }

    /// How many snapshots this member installed from a leader since it started.
    pub fn snapshot_installs(&self) -> u64 {
        self.machine.inner.borrow().snapshot_installs
    }

    /// Answers a request from a peer.
    pub async fn serve_peer(&self, request: PeerRequest) -> PeerReply {
        match request {
            PeerRequest::AppendEntries(request) => match self.raft.append_entries(request).await {
                Ok(response) => {
                    if !matches!(response, AppendEntriesResponse::HigherVote(_)) {
                        self.last_leader_contact.set(self.runtime.now());
                    }
                    PeerReply::AppendEntries(response)
                }
                Err(_) => PeerReply::Refused,
            },
            PeerRequest::Vote(request) => self.raft.vote(request).await.map(PeerReply::Vote).unwrap_or(PeerReply::Refused),
            PeerRequest::PreVote(request) => {
                self.raft.pre_vote(request).await.map(PeerReply::PreVote).unwrap_or(PeerReply::Refused)
            }
            PeerRequest::InstallSnapshot { vote, snapshot } => match self.raft.install_full_snapshot(vote, snapshot).await {
                Ok(response) => {
                    self.last_leader_contact.set(self.runtime.now());
                    PeerReply::InstallSnapshot(response)
                }
                Err(_) => PeerReply::Refused,
            },
            PeerRequest::ForwardWrite(command) => PeerReply::Written(self.propose_here(command).await),
            PeerRequest::ReadIndex => PeerReply::ReadIndex(self.read_index_here().await),
            PeerRequest::TransferLeader(request) => {
                self.raft.handle_transfer_leader(request).await.map(PeerReply::TransferLeader).unwrap_or(PeerReply::Refused)
            }
        }
    }

    /// Serves one client request the way etcd does (see the module doc).
    pub async fn serve_client(&self, op: ClientOp) -> Result<ClientReply, ClientError> {
        match op {
            ClientOp::Range { request, consistency: ReadConsistency::Serializable } => self.read_local(&request),
            ClientOp::Range { request, consistency: ReadConsistency::Linearizable } => {
                let read_index = self.obtain_read_index().await?;
                self.wait_applied(read_index).await?;
                self.read_local(&request)
            }
            write => match write.write_request() {
                Some(request) => {
                    let applied = self.write(LogCommand { request }).await?;
                    match applied.result {
                        Some(Ok(response)) => Ok(ClientReply::from_write(response)),
                        Some(Err(error)) => Err(ClientError::Mvcc(error)),
                        None => Err(ClientError::Stopped),
                    }
                }
                None => Err(ClientError::Stopped),
            },
        }
    }

    fn read_local(&self, request: &mvcc::RangeRequest) -> Result<ClientReply, ClientError> {
        self.machine.inner.borrow().store.range(request).map(ClientReply::Range).map_err(ClientError::Mvcc)
    }

    fn current_leader(&self) -> Option<MemberId> {
        self.raft.metrics().borrow_watched().current_leader.map(MemberId)
    }

    fn heartbeat(&self) -> Duration {
        Duration::from_millis(self.settings.heartbeat_interval_ms.max(1))
    }

    fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.settings.request_timeout_ms.max(1))
    }

    async fn propose_here(&self, command: LogCommand) -> Result<Applied, ClientError> {
        match self.raft.client_write(command).await {
            Ok(response) => Ok(response.data),
            Err(RaftError::APIError(ClientWriteError::ForwardToLeader(_))) => Err(ClientError::NotLeader),
            Err(RaftError::APIError(ClientWriteError::LogEntryDiscarded(_))) => Err(ClientError::LeaderChanged),
            Err(_) => Err(ClientError::Stopped),
        }
    }

    async fn read_index_here(&self) -> Result<u64, ClientError> {
        match self.raft.ensure_linearizable(ReadPolicy::ReadIndex).await {
            Ok(read_log_id) => Ok(read_log_id.index()),
            Err(RaftError::APIError(LinearizableReadError::ForwardToLeader(_))) => Err(ClientError::NotLeader),
            Err(RaftError::APIError(_)) => Err(ClientError::RequestTimedOut),
            Err(RaftError::Fatal(_)) => Err(ClientError::Stopped),
        }
    }

    async fn write(&self, command: LogCommand) -> Result<Applied, ClientError> {
        for _attempt in 0..MAX_ROUTING_ATTEMPTS {
            match self.current_leader() {
                Some(leader) if leader == self.id => match self.propose_here(command.clone()).await {
                    Err(ClientError::NotLeader) => {}
                    outcome => return outcome,
                },
                Some(leader) => {
                    let forwarded = PeerRequest::ForwardWrite(command.clone());
                    match call(&self.transport, self.id, leader, forwarded, self.request_timeout()).await {
                        Some(PeerReply::Written(Err(ClientError::NotLeader))) => {}
                        Some(PeerReply::Written(outcome)) => return outcome,
                        // The proposal may or may not have reached the leader:
                        // retrying could apply it twice, so give up as etcd does.
                        _ => return Err(ClientError::RequestTimedOut),
                    }
                }
                None => {}
            }
            SimRuntime::sleep(self.heartbeat()).await;
        }
        Err(ClientError::RequestTimedOut)
    }

    async fn obtain_read_index(&self) -> Result<u64, ClientError> {
        for _attempt in 0..MAX_ROUTING_ATTEMPTS {
            match self.current_leader() {
                Some(leader) if leader == self.id => {
                    if let Ok(index) = self.read_index_here().await {
                        return Ok(index);
                    }
                }
                Some(leader) => {
                    let reply = call(&self.transport, self.id, leader, PeerRequest::ReadIndex, self.request_timeout()).await;
                    if let Some(PeerReply::ReadIndex(Ok(index))) = reply {
                        return Ok(index);
                    }
                }
                None => {}
            }
            // Reads are idempotent: retrying is safe.
            SimRuntime::sleep(self.heartbeat()).await;
        }
        Err(ClientError::RequestTimedOut)
    }

    async fn wait_applied(&self, index: u64) -> Result<(), ClientError> {
        let mut metrics = self.raft.metrics();
        for _wakeup in 0..MAX_METRIC_WAKEUPS {
            let applied = metrics.borrow_watched().last_applied.as_ref().map(|log_id| log_id.index).unwrap_or(0);
            if applied >= index {
                return Ok(());
            }
            if metrics.changed().await.is_err() {
                return Err(ClientError::Stopped);
            }
        }
        Err(ClientError::RequestTimedOut)
    }
}
