//! The world: members, network, clients, trace and invariants on one clock.
//!
//! One step = move the clock to the next event (an openraft timer, a message
//! due, a client deadline), fire it, let every task run until all are idle,
//! put what they sent on the wire, then record what changed and check the
//! invariants. Equal-time events run in a fixed order: timers, then messages
//! by (due time, message id), then client deadlines by request id.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::rc::Rc;

use etcd_member::ClientError;
use etcd_member::ClientOp;
use etcd_member::ClientReply;
use etcd_member::DurableState;
use etcd_member::Member;
use etcd_member::MemberId;
use etcd_member::MemberStatus;
use etcd_member::MessageSummary;
use etcd_member::PeerReply;
use etcd_member::PeerRequest;
use etcd_member::Role;
use etcd_member::Transport;
use futures::channel::oneshot;
use sim_runtime::SimInstant;
use sim_runtime::SimRuntime;

use crate::actions::ClusterError;
use crate::actions::FaultAction;
use crate::client::ClientRequest;
use crate::client::ClientRequestId;
use crate::client::ClientResponse;
use crate::client::PendingRequest;
use crate::config::ClusterConfig;
use crate::invariants::InvariantSet;
use crate::invariants::InvariantViolation;
use crate::invariants::Observation;
use crate::invariants::ObservedApply;
use crate::invariants::ObservedMember;
use crate::network::per_million;
use crate::network::InFlight;
use crate::network::LinkState;
use crate::network::MessageId;
use crate::network::Network;
use crate::network::Payload;
use crate::network::SendOutcome;
use crate::trace::Trace;
use crate::trace::TraceEvent;
use crate::trace::TraceRecord;
use crate::view::ClusterView;
use crate::view::LinkView;
use crate::view::MemberView;
use crate::view::MessageView;
use crate::MAX_MEMBERS;

/// Most steps one `advance` or `request` takes (a bound far above any real run:
/// a 5-member cluster makes roughly 100 steps per virtual second when idle).
const MAX_STEPS_PER_CALL: u64 = 100_000_000;
/// Most settle rounds after one event (each round runs tasks and drains their sends).
const MAX_SETTLE_ROUNDS: u32 = 10_000;
/// Longest stretch of output-free timer instants one step runs through.
const MAX_QUIET_STEP_MS: u64 = 1_000;

struct Outgoing {
    from: MemberId,
    to: MemberId,
    request: PeerRequest,
    reply_to: oneshot::Sender<PeerReply>,
}

struct OutgoingReply {
    from: MemberId,
    to: MemberId,
    reply: PeerReply,
    reply_to: Option<oneshot::Sender<PeerReply>>,
}

enum AdminResult {
    Added(MemberId),
    Removed(MemberId),
    Failed(MemberId, String),
}

/// What tasks hand back to the cluster between steps.
#[derive(Default)]
struct Mailboxes {
    outgoing: RefCell<Vec<Outgoing>>,
    replies: RefCell<Vec<OutgoingReply>>,
    client_results: RefCell<Vec<(ClientRequestId, Result<ClientReply, ClientError>)>>,
    admin_results: RefCell<Vec<AdminResult>>,
}

impl Mailboxes {
    fn is_empty(&self) -> bool {
        self.outgoing.borrow().is_empty()
            && self.replies.borrow().is_empty()
            && self.client_results.borrow().is_empty()
            && self.admin_results.borrow().is_empty()
    }
}

struct ClusterTransport {
    mailboxes: Rc<Mailboxes>,
}

impl Transport for ClusterTransport {
    fn send(&self, from: MemberId, to: MemberId, request: PeerRequest) -> oneshot::Receiver<PeerReply> {
        let (reply_to, receiver) = oneshot::channel();
        self.mailboxes.outgoing.borrow_mut().push(Outgoing { from, to, request, reply_to });
        receiver
    }
}

/// (incarnation, applied index, store hash) of one member.
type CachedHash = (u64, u64, u64);

struct MemberSlot {
    durable: DurableState,
    running: Option<Member>,
    incarnation: u64,
    last_status: Option<MemberStatus>,
    /// Whether it was a voter when it last ran (shown while it is down).
    was_voter: bool,
}

/// The simulated etcd cluster (see the crate doc).
pub struct Cluster {
    config: ClusterConfig,
    runtime: SimRuntime,
    now_ms: u64,
    members: BTreeMap<MemberId, MemberSlot>,
    network: Network,
    mailboxes: Rc<Mailboxes>,
    transport: Rc<dyn Transport>,
    pending: BTreeMap<ClientRequestId, PendingRequest>,
    responses: Vec<ClientResponse>,
    next_client_request: u64,
    trace: Trace,
    invariants: InvariantSet,
    violations: Vec<InvariantViolation>,
    committed_writes: u64,
    steps: u64,
    /// Reply channels of lost messages: kept open so the sender waits out its
    /// timeout (a lost packet is silent), released once the sender gave up.
    black_hole: Vec<oneshot::Sender<PeerReply>>,
    /// Store hash per member, valid while (incarnation, applied index) is unchanged.
    hash_cache: Rc<RefCell<BTreeMap<MemberId, CachedHash>>>,
    /// Add/remove-member changes proposed and not yet finished (committed or failed).
    membership_changes_in_flight: u64,
}

fn sanitize(mut config: ClusterConfig) -> ClusterConfig {
    config.member_count = config.member_count.clamp(1, MAX_MEMBERS);
    config.heartbeat_interval_ms = config.heartbeat_interval_ms.max(1);
    config.election_timeout_ms_min = config.election_timeout_ms_min.max(config.heartbeat_interval_ms + 1);
    config.election_timeout_ms_max = config.election_timeout_ms_max.max(config.election_timeout_ms_min + 1);
    config.latency_ms_max = config.latency_ms_max.max(config.latency_ms_min);
    config.request_timeout_ms = config.request_timeout_ms.max(1);
    config.snapshot_every_entries = config.snapshot_every_entries.max(1);
    config
}

impl Cluster {
    /// Starts `member_count` members (clamped to 1..=7) and initializes the
    /// cluster on member 1 only. Out-of-range timings are clamped so that
    /// openraft accepts them (election timeout above the heartbeat, max above min).
    pub fn new(config: ClusterConfig) -> Cluster {
        let config = sanitize(config);
        let runtime = SimRuntime::with_seed(config.seed ^ 0x005e_ed0f_72a1_u64);
        let mailboxes = Rc::new(Mailboxes::default());
        let transport: Rc<dyn Transport> = Rc::new(ClusterTransport { mailboxes: mailboxes.clone() });
        let network = Network::new(
            config.seed,
            config.latency_ms_min,
            config.latency_ms_max,
            config.loss_probability,
            config.duplication_probability,
        );
        let mut cluster = Cluster {
            trace: Trace::new(config.record_trace),
            config,
            runtime,
            now_ms: 0,
            members: BTreeMap::new(),
            network,
            mailboxes,
            transport,
            pending: BTreeMap::new(),
            responses: Vec::new(),
            next_client_request: 1,
            invariants: InvariantSet::default(),
            violations: Vec::new(),
            committed_writes: 0,
            steps: 0,
            black_hole: Vec::new(),
            hash_cache: Rc::new(RefCell::new(BTreeMap::new())),
            membership_changes_in_flight: 0,
        };
        let voters: BTreeSet<MemberId> = (1..=cluster.config.member_count).map(MemberId).collect();
        for member in &voters {
            let slot = MemberSlot { durable: DurableState::new(), running: None, incarnation: 0, last_status: None, was_voter: false };
            cluster.members.insert(*member, slot);
            let started = cluster.start_member(*member);
            assert!(started.is_ok(), "sanitized config must start: {started:?}");
        }
        if let Some(first) = cluster.running_member(MemberId(1)) {
            let group = first.task_group();
            cluster.runtime.spawn_in(group, async move {
                // Initializing an already-initialized member fails harmlessly.
                let _ = first.initialize(voters).await;
            });
        }
        cluster.settle_and_observe();
        cluster
    }

    fn start_member(&mut self, member: MemberId) -> Result<(), ClusterError> {
        let settings = self.config.member_settings();
        let transport = self.transport.clone();
        let Some(slot) = self.members.get_mut(&member) else { return Err(ClusterError::UnknownMember(member)) };
        let started = Member::start(&self.runtime, member, settings, slot.durable.clone(), transport)
            .map_err(|reason| ClusterError::StartFailed { member, reason })?;
        slot.running = Some(started);
        slot.incarnation += 1;
        slot.last_status = None;
        Ok(())
    }

    fn running_member(&self, member: MemberId) -> Option<Member> {
        self.members.get(&member).and_then(|slot| slot.running.clone())
    }

    /// Virtual time since the start, in ms.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Ids of all members (running or crashed), ascending.
    pub fn member_ids(&self) -> Vec<MemberId> {
        self.members.keys().copied().collect()
    }

    /// Invariant violations seen so far (empty in a correct run).
    pub fn violations(&self) -> &[InvariantViolation] {
        &self.violations
    }

    /// Writes acknowledged to clients so far.
    pub fn committed_writes(&self) -> u64 {
        self.committed_writes
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Earliest event the cluster itself schedules: a message due or a client deadline.
    fn next_external_event_ms(&self) -> Option<u64> {
        let delivery = self.network.next_delivery_ms();
        let deadline = self.pending.values().map(|pending| pending.deadline_ms).min();
        [delivery, deadline].into_iter().flatten().min()
    }

    /// When the next event (a message due, a client deadline or a timer) is
    /// scheduled, without running it; `None` when nothing is pending.
    pub fn next_event_ms(&self) -> Option<u64> {
        [self.next_external_event_ms(), self.runtime.next_timer_ms()].into_iter().flatten().min()
    }

    /// Runs to the next event (see the module doc). Returns false if there is none.
    pub fn step(&mut self) -> bool {
        self.step_until(u64::MAX)
    }

    fn step_until(&mut self, limit_ms: u64) -> bool {
        let external = self.next_external_event_ms();
        let timer = self.runtime.next_timer_ms();
        let Some(next_ms) = [external, timer].into_iter().flatten().min() else { return false };
        if next_ms > limit_ms {
            return false;
        }
        self.steps += 1;
        // Timer instants whose tasks send nothing (openraft's ticks) run inside
        // the runtime in one go; it stops at the first instant with output, so
        // every message is stamped with the instant it was sent.
        let horizon_ms = [external, Some(limit_ms), Some(next_ms.saturating_add(MAX_QUIET_STEP_MS))]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(next_ms)
            .max(self.now_ms);
        let mailboxes = self.mailboxes.clone();
        self.runtime.advance_until(SimInstant::from_ms(horizon_ms), || !mailboxes.is_empty());
        self.now_ms = self.runtime.now_ms().max(self.now_ms);
        let now_ms = self.now_ms;
        while let Some(message) = self.network.pop_due(now_ms) {
            self.deliver(message);
        }
        self.expire_client_requests();
        self.settle_and_observe();
        true
    }

    /// Advances virtual time by `duration_ms`, running every event on the way.
    pub fn advance(&mut self, duration_ms: u64) {
        let target_ms = self.now_ms.saturating_add(duration_ms);
        for _ in 0..MAX_STEPS_PER_CALL {
            if !self.step_until(target_ms) {
                break;
            }
        }
        if target_ms > self.now_ms {
            self.runtime.advance_to_ms(target_ms);
            self.now_ms = target_ms;
            self.settle_and_observe();
        }
    }

    fn record(&mut self, event: TraceEvent) {
        let now_ms = self.now_ms;
        self.trace.record(now_ms, event);
    }

    fn deliver(&mut self, message: InFlight) {
        let InFlight { id, from, to, payload, .. } = message;
        let kind = Cow::Borrowed(payload.kind());
        let target = self.running_member(to);
        let drop_reason = match (&target, self.network.link(from, to).state) {
            (None, _) => Some("member down"),
            (Some(_), LinkState::Cut) => Some("link cut"),
            (Some(_), LinkState::Up) => None,
        };
        if let Some(reason) = drop_reason {
            self.record(TraceEvent::MessageDropped { id, from, to, kind, reason: reason.to_string() });
            if target.is_some() {
                self.swallow(payload);
            }
            return;
        }
        self.record(TraceEvent::MessageDelivered { id, from, to, kind });
        let Some(target) = target else { return };
        match payload {
            Payload::Request { request, reply_to } => {
                let mailboxes = self.mailboxes.clone();
                let group = target.task_group();
                self.runtime.spawn_in(group, async move {
                    let reply = target.serve_peer(request).await;
                    mailboxes.replies.borrow_mut().push(OutgoingReply { from: to, to: from, reply, reply_to });
                });
            }
            Payload::Reply { reply, reply_to } => {
                if let Some(reply_to) = reply_to {
                    // The waiting side may have timed out already: then nobody listens.
                    let _ = reply_to.send(reply);
                }
            }
        }
    }

    /// A lost message: its sender must not learn it early.
    fn swallow(&mut self, payload: Payload) {
        if let Some(reply_to) = payload.take_reply_channel() {
            self.black_hole.push(reply_to);
        }
    }

    fn put_on_wire(&mut self, from: MemberId, to: MemberId, payload: Payload) {
        let kind = Cow::Borrowed(payload.kind());
        if !self.members.get(&to).map(|slot| slot.running.is_some()).unwrap_or(false) {
            // Connection refused: the sender learns at once (its channel is dropped).
            self.record(TraceEvent::MessageDropped { id: MessageId(0), from, to, kind, reason: "member down".to_string() });
            return;
        }
        let summary = if self.trace.enabled() { payload.summary() } else { MessageSummary::Empty };
        match self.network.send(self.now_ms, from, to, payload) {
            SendOutcome::Scheduled { id, deliver_ms, duplicate } => {
                self.record(TraceEvent::MessageSent { id, from, to, kind, summary, deliver_ms });
                if let Some((copy, copy_deliver_ms)) = duplicate {
                    self.record(TraceEvent::MessageDuplicated { id, copy, deliver_ms: copy_deliver_ms });
                }
            }
            SendOutcome::Dropped { id, reason, payload } => {
                self.record(TraceEvent::MessageSent { id, from, to, kind: kind.clone(), summary, deliver_ms: self.now_ms });
                self.record(TraceEvent::MessageDropped { id, from, to, kind, reason: reason.to_string() });
                self.swallow(payload);
            }
        }
    }

    /// Runs every runnable task, moves what they produced into the world,
    /// and repeats until quiet; then records changes and checks invariants.
    fn settle_and_observe(&mut self) {
        for _ in 0..MAX_SETTLE_ROUNDS {
            self.runtime.run_ready();
            if self.mailboxes.is_empty() {
                break;
            }
            let outgoing = std::mem::take(&mut *self.mailboxes.outgoing.borrow_mut());
            for Outgoing { from, to, request, reply_to } in outgoing {
                self.put_on_wire(from, to, Payload::Request { request, reply_to: Some(reply_to) });
            }
            let replies = std::mem::take(&mut *self.mailboxes.replies.borrow_mut());
            for OutgoingReply { from, to, reply, reply_to } in replies {
                self.put_on_wire(from, to, Payload::Reply { reply, reply_to });
            }
            let results = std::mem::take(&mut *self.mailboxes.client_results.borrow_mut());
            for (id, result) in results {
                self.complete_client_request(id, result);
            }
            let admin = std::mem::take(&mut *self.mailboxes.admin_results.borrow_mut());
            for result in admin {
                self.complete_admin(result);
            }
        }
        self.observe();
    }

    fn observe(&mut self) {
        self.black_hole.retain(|reply_to| !reply_to.is_canceled());
        if !self.trace.enabled() && !self.config.check_invariants {
            // Nothing reads the bookkeeping: only drain the apply reports.
            for slot in self.members.values() {
                if let Some(member) = &slot.running {
                    member.take_applied();
                }
            }
            return;
        }
        // Only the invariant checks read `applies` and `statuses` (the page runs without them).
        let check_invariants = self.config.check_invariants;
        let mut applies: Vec<ObservedApply> = Vec::new();
        let mut events: Vec<TraceEvent> = Vec::new();
        let mut statuses: BTreeMap<MemberId, MemberStatus> = BTreeMap::new();
        for (id, slot) in &mut self.members {
            let Some(member) = &slot.running else { continue };
            for applied in member.take_applied() {
                if check_invariants {
                    applies.push(ObservedApply {
                        member: *id,
                        index: applied.index,
                        term: applied.term,
                        revision: applied.revision,
                    });
                }
                events.push(TraceEvent::Applied {
                    member: *id,
                    index: applied.index,
                    term: applied.term,
                    revision: applied.revision,
                });
            }
            let status = member.status_without_membership();
            let previous = slot.last_status.as_ref();
            if previous.map(|previous| previous.role) != Some(status.role) {
                events.push(TraceEvent::RoleChanged { member: *id, role: status.role, term: status.term });
            } else if previous.map(|previous| previous.term) != Some(status.term) {
                events.push(TraceEvent::TermChanged { member: *id, term: status.term });
            }
            if previous.map(|previous| previous.leader) != Some(status.leader) {
                events.push(TraceEvent::LeaderChanged { member: *id, leader: status.leader });
            }
            if previous.map(|previous| previous.commit_index).unwrap_or(0) < status.commit_index {
                events.push(TraceEvent::Committed { member: *id, index: status.commit_index });
            }
            if check_invariants {
                statuses.insert(*id, status.clone());
            }
            slot.last_status = Some(status);
        }
        for event in events {
            self.record(event);
        }
        if !check_invariants {
            return;
        }
        let hashers: BTreeMap<MemberId, Box<dyn Fn() -> u64>> = self
            .members
            .iter()
            .filter_map(|(id, slot)| {
                let member = slot.running.clone()?;
                let incarnation = slot.incarnation;
                let applied_index = statuses.get(id)?.applied_index;
                let cache = self.hash_cache.clone();
                let id = *id;
                // The store changes only by applying entries (or installing a
                // snapshot, which moves the applied index too): cache per index.
                let hasher: Box<dyn Fn() -> u64> = Box::new(move || {
                    let cached = cache.borrow().get(&id).copied();
                    match cached {
                        Some((cached_incarnation, cached_index, hash))
                            if cached_incarnation == incarnation && cached_index == applied_index =>
                        {
                            hash
                        }
                        _ => {
                            let hash = member.store().content_hash();
                            cache.borrow_mut().insert(id, (incarnation, applied_index, hash));
                            hash
                        }
                    }
                });
                Some((id, hasher))
            })
            .collect();
        let mut observed = Vec::new();
        for (id, status) in &statuses {
            let (Some(slot), Some(hasher)) = (self.members.get(id), hashers.get(id)) else { continue };
            observed.push(ObservedMember {
                id: *id,
                incarnation: slot.incarnation,
                status,
                durable: &slot.durable,
                store_hash: hasher.as_ref(),
            });
        }
        let observation = Observation { now_ms: self.now_ms, members: observed, applies: &applies };
        let found = self.invariants.check(&observation);
        for violation in found {
            self.trace.record(
                self.now_ms,
                TraceEvent::InvariantViolated { invariant: violation.invariant.clone(), detail: violation.detail.clone() },
            );
            self.violations.push(violation);
        }
    }

    /// A snapshot of everything the UI draws (no simulation work is done).
    pub fn view(&self) -> ClusterView {
        let members: Vec<MemberView> = self
            .members
            .iter()
            .map(|(id, slot)| match &slot.running {
                Some(member) => {
                    let status = member.status();
                    MemberView {
                        id: *id,
                        running: true,
                        role: Some(status.role),
                        term: status.term,
                        voted_for: status.voted_for,
                        leader: status.leader,
                        last_log_index: status.last_log_index,
                        commit_index: status.commit_index,
                        applied_index: status.applied_index,
                        snapshot_index: status.snapshot_index,
                        store_revision: status.store_revision,
                        is_voter: status.voters.contains(id),
                    }
                }
                None => {
                    let vote = slot.durable.vote();
                    MemberView {
                        id: *id,
                        running: false,
                        role: None,
                        term: vote.map(|(term, _)| term).unwrap_or(0),
                        voted_for: vote.filter(|(term, _)| *term > 0).map(|(_, voted_for)| MemberId(voted_for)),
                        leader: None,
                        last_log_index: slot.durable.last_log().map(|(index, _)| index).unwrap_or(0),
                        commit_index: slot.durable.committed_index(),
                        applied_index: 0,
                        snapshot_index: slot.durable.snapshot_index(),
                        store_revision: 0,
                        is_voter: slot.was_voter,
                    }
                }
            })
            .collect();
        let leader = members
            .iter()
            .filter(|member| member.role == Some(Role::Leader))
            .max_by_key(|member| (member.term, member.id))
            .map(|member| member.id);
        let default_link = self.network.default_link();
        let links = self
            .network
            .links()
            .iter()
            .filter(|(_, link)| {
                link.state != default_link.state
                    || link.latency_ms_min != default_link.latency_ms_min
                    || link.latency_ms_max != default_link.latency_ms_max
                    || link.loss_per_million != default_link.loss_per_million
            })
            .map(|((from, to), link)| LinkView {
                from: *from,
                to: *to,
                state: link.state,
                latency_ms_min: link.latency_ms_min,
                latency_ms_max: link.latency_ms_max,
                loss_probability: link.loss_per_million as f64 / 1_000_000.0,
            })
            .collect();
        let messages = self
            .network
            .in_flight
            .values()
            .map(|message| MessageView {
                id: message.id,
                from: message.from,
                to: message.to,
                kind: message.payload.kind().to_string(),
                summary: message.payload.summary().to_string(),
                sent_ms: message.sent_ms,
                deliver_ms: message.deliver_ms,
                held: message.held,
            })
            .collect();
        ClusterView {
            now_ms: self.now_ms,
            members,
            links,
            messages,
            leader,
            pending_client_requests: self.pending.len() as u64,
        }
    }

    /// The member's MVCC store (its `/registry` tree), if it is running.
    pub fn store(&self, member: MemberId) -> Option<&mvcc::Store> {
        let running = self.members.get(&member)?.running.as_ref()?;
        // SAFETY: tasks run only inside `&mut self` methods, so no task can
        // mutate the store while the returned reference (tied to `&self`) lives.
        unsafe { running.store_unguarded() }
    }

    /// Add/remove-member changes still in progress (etcd's MemberAdd and
    /// MemberRemove answer once theirs has finished).
    pub fn membership_changes_in_flight(&self) -> u64 {
        self.membership_changes_in_flight
    }

    /// How many times the member has been started, if it is running now: a
    /// different value means its volatile state (watches, pending requests) is gone.
    pub fn member_incarnation(&self, member: MemberId) -> Option<u64> {
        let slot = self.members.get(&member)?;
        slot.running.as_ref().map(|_| slot.incarnation)
    }

    /// The member's status straight from openraft's metrics, if it is running.
    pub fn member_status(&self, member: MemberId) -> Option<MemberStatus> {
        self.running_member(member).map(|running| running.status())
    }

    /// Registers a watch on the member's own store. Like etcdctl (which sets
    /// `WithRequireLeader`), a member that knows no leader refuses it.
    pub fn watch(&mut self, member: MemberId, request: mvcc::WatchRequest) -> Result<mvcc::WatchId, ClientError> {
        let running = self.running_member(member).ok_or(ClientError::DeadlineExceeded)?;
        if running.status().leader.is_none() {
            return Err(ClientError::NoLeader);
        }
        Ok(running.with_store_mut(|store| store.watch(request)))
    }

    /// Cancels a watch; false if the member is down or the watch unknown.
    pub fn cancel_watch(&mut self, member: MemberId, watch: mvcc::WatchId) -> bool {
        self.running_member(member).map(|running| running.with_store_mut(|store| store.cancel_watch(watch))).unwrap_or(false)
    }

    /// Watch responses the member's store produced since the last call.
    pub fn take_watch_responses(&mut self, member: MemberId) -> Vec<mvcc::WatchResponse> {
        self.running_member(member).map(|running| running.with_store_mut(|store| store.take_watch_responses())).unwrap_or_default()
    }

    /// Sends a client request; its answer appears in [`Cluster::take_client_responses`]
    /// once it completes or its timeout passes.
    pub fn submit(&mut self, request: ClientRequest) -> ClientRequestId {
        let id = ClientRequestId(self.next_client_request);
        self.next_client_request += 1;
        let ClientRequest { member, op, timeout_ms } = request;
        self.record(TraceEvent::ClientRequestSent { id, member, op: op.kind().to_string() });
        self.pending.insert(
            id,
            PendingRequest { member, submitted_ms: self.now_ms, deadline_ms: self.now_ms.saturating_add(timeout_ms) },
        );
        // A request to a crashed member just waits out its timeout, as etcdctl does.
        if let Some(running) = self.running_member(member) {
            let mailboxes = self.mailboxes.clone();
            self.runtime.spawn_in(running.task_group(), async move {
                let result = running.serve_client(op).await;
                mailboxes.client_results.borrow_mut().push((id, result));
            });
        }
        self.settle_and_observe();
        id
    }

    fn complete_client_request(&mut self, id: ClientRequestId, result: Result<ClientReply, ClientError>) {
        // A late answer (after the client gave up) is dropped, as a closed RPC's would be.
        let Some(pending) = self.pending.remove(&id) else { return };
        let outcome = match &result {
            Ok(reply) => format!("ok revision={}", reply.header_revision()),
            Err(error) => error.to_string(),
        };
        if matches!(result, Ok(ClientReply::Put(_) | ClientReply::DeleteRange(_) | ClientReply::Txn(_))) {
            self.committed_writes += 1;
        }
        self.record(TraceEvent::ClientResponded { id, member: pending.member, outcome });
        self.responses.push(ClientResponse {
            id,
            member: pending.member,
            submitted_ms: pending.submitted_ms,
            completed_ms: self.now_ms,
            result,
        });
    }

    fn expire_client_requests(&mut self) {
        let expired: Vec<ClientRequestId> = self
            .pending
            .iter()
            .filter(|(_, pending)| pending.deadline_ms <= self.now_ms)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            self.complete_client_request(id, Err(ClientError::DeadlineExceeded));
        }
    }

    /// Answers that arrived since the last call, in completion order.
    pub fn take_client_responses(&mut self) -> Vec<ClientResponse> {
        std::mem::take(&mut self.responses)
    }

    /// Sends one request and advances virtual time until it is answered or
    /// `timeout_ms` passes (then: "context deadline exceeded").
    pub fn request(&mut self, member: MemberId, op: ClientOp, timeout_ms: u64) -> Result<ClientReply, ClientError> {
        let id = self.submit(ClientRequest { member, op, timeout_ms });
        for _ in 0..MAX_STEPS_PER_CALL {
            if let Some(position) = self.responses.iter().position(|response| response.id == id) {
                return self.responses.remove(position).result;
            }
            if !self.step() {
                break;
            }
        }
        Err(ClientError::DeadlineExceeded)
    }

    /// Trace records since the last call.
    pub fn take_trace(&mut self) -> Vec<TraceRecord> {
        self.trace.take()
    }

    /// Hash of every trace record so far (unaffected by `take_trace`).
    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }

    /// Number of trace records so far.
    pub fn trace_len(&self) -> u64 {
        self.trace.count()
    }

    fn require_member(&self, member: MemberId) -> Result<&MemberSlot, ClusterError> {
        self.members.get(&member).ok_or(ClusterError::UnknownMember(member))
    }

    fn current_leader(&self) -> Option<Member> {
        self.members
            .values()
            .filter_map(|slot| slot.running.as_ref())
            .map(|member| (member.status(), member))
            .filter(|(status, _)| status.role == Role::Leader)
            .max_by_key(|(status, member)| (status.term, member.id()))
            .map(|(_, member)| member.clone())
    }

    /// Applies one user action at the current virtual time.
    pub fn apply_action(&mut self, action: FaultAction) -> Result<(), ClusterError> {
        match action {
            FaultAction::Crash { member } => {
                let slot = self.require_member(member)?;
                let Some(running) = slot.running.clone() else { return Err(ClusterError::NotRunning(member)) };
                let was_voter = running.status().voters.contains(&member);
                if let Some(slot) = self.members.get_mut(&member) {
                    slot.running = None;
                    slot.was_voter = was_voter;
                }
                self.runtime.kill_group(running.task_group());
                self.runtime.enter(|| drop(running));
                self.record(TraceEvent::MemberCrashed { member });
            }
            FaultAction::Restart { member } => {
                if self.require_member(member)?.running.is_some() {
                    return Err(ClusterError::AlreadyRunning(member));
                }
                self.start_member(member)?;
                self.record(TraceEvent::MemberRestarted { member });
            }
            FaultAction::Partition { groups } => {
                let mut group_of: BTreeMap<MemberId, usize> = BTreeMap::new();
                for (position, group) in groups.iter().enumerate() {
                    for member in group {
                        self.require_member(*member)?;
                        group_of.insert(*member, position);
                    }
                }
                let ids = self.member_ids();
                let unlisted_group = groups.len();
                let mut effective: Vec<Vec<MemberId>> = vec![Vec::new(); groups.len() + 1];
                for id in &ids {
                    effective[*group_of.get(id).unwrap_or(&unlisted_group)].push(*id);
                }
                for from in &ids {
                    for to in &ids {
                        if from == to {
                            continue;
                        }
                        let same = group_of.get(from).unwrap_or(&unlisted_group) == group_of.get(to).unwrap_or(&unlisted_group);
                        self.network.set_state(*from, *to, if same { LinkState::Up } else { LinkState::Cut });
                    }
                }
                effective.retain(|group| !group.is_empty());
                self.record(TraceEvent::Partitioned { groups: effective });
            }
            FaultAction::Heal => {
                self.network.restore_all_links();
                self.record(TraceEvent::Healed);
            }
            FaultAction::CutLink { from, to, both_directions } => {
                self.set_link_state(from, to, both_directions, LinkState::Cut)?
            }
            FaultAction::RestoreLink { from, to, both_directions } => {
                self.set_link_state(from, to, both_directions, LinkState::Up)?
            }
            FaultAction::SetLinkLatency { from, to, latency_ms_min, latency_ms_max } => {
                self.check_link(from, to)?;
                let link = self.network.link_mut(from, to);
                link.latency_ms_min = latency_ms_min;
                link.latency_ms_max = latency_ms_max.max(latency_ms_min);
                self.record(TraceEvent::LinkChanged {
                    from,
                    to,
                    state: format!("latency {latency_ms_min}..={latency_ms_max} ms"),
                });
            }
            FaultAction::SetLinkLoss { from, to, loss_probability } => {
                self.check_link(from, to)?;
                let loss_per_million = per_million(loss_probability);
                self.network.link_mut(from, to).loss_per_million = loss_per_million;
                self.record(TraceEvent::LinkChanged { from, to, state: format!("loss {loss_per_million} ppm") });
            }
            FaultAction::HoldMessage { message } => {
                if !self.network.hold(message) {
                    return Err(ClusterError::UnknownMessage(message));
                }
                self.record(TraceEvent::MessageHeld { id: message });
            }
            FaultAction::ReleaseMessage { message } => {
                if !self.network.release(message, self.now_ms) {
                    return Err(ClusterError::UnknownMessage(message));
                }
                self.record(TraceEvent::MessageReleased { id: message });
            }
            FaultAction::DropMessage { message } => {
                let Some(dropped) = self.network.remove(message) else {
                    return Err(ClusterError::UnknownMessage(message));
                };
                let kind = Cow::Borrowed(dropped.payload.kind());
                self.record(TraceEvent::MessageDropped {
                    id: message,
                    from: dropped.from,
                    to: dropped.to,
                    kind,
                    reason: "dropped by user".to_string(),
                });
                self.swallow(dropped.payload);
            }
            FaultAction::AddMember { member } => self.add_member(member)?,
            FaultAction::RemoveMember { member } => self.remove_member(member)?,
            FaultAction::TransferLeader { to } => self.transfer_leader(to)?,
        }
        self.settle_and_observe();
        Ok(())
    }

    fn check_link(&self, from: MemberId, to: MemberId) -> Result<(), ClusterError> {
        self.require_member(from)?;
        self.require_member(to)?;
        if from == to {
            return Err(ClusterError::SelfLink);
        }
        Ok(())
    }

    fn set_link_state(
        &mut self,
        from: MemberId,
        to: MemberId,
        both_directions: bool,
        state: LinkState,
    ) -> Result<(), ClusterError> {
        self.check_link(from, to)?;
        let label = match state {
            LinkState::Up => "up",
            LinkState::Cut => "cut",
        };
        self.network.set_state(from, to, state);
        self.record(TraceEvent::LinkChanged { from, to, state: label.to_string() });
        if both_directions {
            self.network.set_state(to, from, state);
            self.record(TraceEvent::LinkChanged { from: to, to: from, state: label.to_string() });
        }
        Ok(())
    }

    fn add_member(&mut self, member: MemberId) -> Result<(), ClusterError> {
        if self.members.contains_key(&member) {
            return Err(ClusterError::MemberExists(member));
        }
        if member.0 == 0 || member.0 > MAX_MEMBERS || self.members.len() as u64 >= MAX_MEMBERS {
            return Err(ClusterError::TooManyMembers);
        }
        let leader = self.current_leader().ok_or(ClusterError::NoLeader)?;
        let slot = MemberSlot { durable: DurableState::new(), running: None, incarnation: 0, last_status: None, was_voter: false };
        self.members.insert(member, slot);
        if let Err(error) = self.start_member(member) {
            self.members.remove(&member);
            return Err(error);
        }
        let mut voters: BTreeSet<MemberId> = leader.status().voters.into_iter().collect();
        voters.insert(member);
        let mailboxes = self.mailboxes.clone();
        self.runtime.spawn_in(leader.task_group(), async move {
            let outcome = match leader.add_learner(member).await {
                Ok(()) => leader.change_voters(voters).await,
                Err(error) => Err(error),
            };
            let result = match outcome {
                Ok(()) => AdminResult::Added(member),
                Err(error) => AdminResult::Failed(member, error),
            };
            mailboxes.admin_results.borrow_mut().push(result);
        });
        self.membership_changes_in_flight += 1;
        Ok(())
    }

    fn transfer_leader(&mut self, to: MemberId) -> Result<(), ClusterError> {
        let target = self.running_member(to).ok_or(ClusterError::NotRunning(to))?;
        let leader = self.current_leader().ok_or(ClusterError::NoLeader)?;
        if !leader.status().voters.contains(&to) {
            return Err(ClusterError::NotAVoter(to));
        }
        drop(target);
        self.runtime.spawn_in(leader.task_group(), async move {
            // A failure here is openraft shutting down (the leader crashed meanwhile).
            let _ = leader.transfer_leader(to).await;
        });
        Ok(())
    }

    fn remove_member(&mut self, member: MemberId) -> Result<(), ClusterError> {
        self.require_member(member)?;
        let leader = self.current_leader().ok_or(ClusterError::NoLeader)?;
        let voters: BTreeSet<MemberId> = leader.status().voters.into_iter().filter(|voter| *voter != member).collect();
        let mailboxes = self.mailboxes.clone();
        self.runtime.spawn_in(leader.task_group(), async move {
            let result = match leader.change_voters(voters).await {
                Ok(()) => AdminResult::Removed(member),
                Err(error) => AdminResult::Failed(member, error),
            };
            mailboxes.admin_results.borrow_mut().push(result);
        });
        self.membership_changes_in_flight += 1;
        Ok(())
    }

    fn complete_admin(&mut self, result: AdminResult) {
        self.membership_changes_in_flight = self.membership_changes_in_flight.saturating_sub(1);
        match result {
            AdminResult::Added(member) => self.record(TraceEvent::MemberAdded { member }),
            AdminResult::Failed(member, error) => self.record(TraceEvent::MembershipChangeFailed { member, error }),
            AdminResult::Removed(member) => {
                // The member left the voters: stop it and forget it (etcd's
                // removed member shuts itself down).
                if let Some(slot) = self.members.remove(&member) {
                    if let Some(running) = slot.running {
                        self.runtime.kill_group(running.task_group());
                        self.runtime.enter(|| drop(running));
                    }
                }
                self.record(TraceEvent::MemberRemoved { member });
            }
        }
    }
}
