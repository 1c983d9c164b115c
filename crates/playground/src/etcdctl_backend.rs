//! The console's etcdctl talking to the simulated cluster: the
//! [`console::EtcdctlBackend`] calls, each sent to a member and answered in
//! virtual time.
//!
//! Endpoints are the addresses the reference transcripts use: member 1 is
//! `127.0.0.1:2379`, member 2 `127.0.0.1:22379`, member 3 `127.0.0.1:32379`,
//! and so on (member n at port n·10000 + 2379, member 1 at 2379). So
//! `etcdctl --endpoints=127.0.0.1:22379 get /registry --prefix --keys-only`
//! reads through member 2, and `--consistency=s` reads member 2's own store,
//! stale if it is cut off.
//!
//! Leases go through Raft (`LeaseGrant`/`LeaseRevoke` log entries); the
//! lessor's clock (each lease's expiry) lives here, and
//! [`ClusterEtcdctl::revoke_expired_leases`] proposes the revoke once a TTL
//! has run out, as etcd's leader does. `member add` starts the member whose
//! peer port the URL names (`http://127.0.0.1:42380` = member 4; member 1's is 12380) and waits
//! for the configuration change to commit; `member remove` waits until the
//! member is gone; `move-leader` is openraft's leadership transfer.
//! Simplifications: a new leader does not renew the leases' TTLs, and
//! `member add --learner` is refused (the cluster promotes every new member).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use cluster::{ClientError, ClientOp, ClientReply, Cluster, ClusterError, FaultAction, MemberId, ReadConsistency, Role};
use console::backend::{
    endpoint_host_port, Consistency, EndpointStatus, EtcdctlBackend, HashKv, HealthCheck, LeaseKeepAlive, LeaseTimeToLive, Member,
    RpcCode, RpcError, Served, WatchHandle, WatchPoll,
};
use crate::watch_mailbox::WatchMailbox;
use mvcc::{
    CompactionRequest, CompactionResponse, DeleteRangeRequest, DeleteRangeResponse, PutRequest, PutResponse,
    RangeRequest, RangeResponse, TxnRequest, TxnResponse, WatchRequest,
};

/// The client port of a member, as in the reference transcripts.
pub fn client_port(member: MemberId) -> u64 {
    if member.0 <= 1 {
        2379
    } else {
        member.0 * 10_000 + 2379
    }
}

/// `127.0.0.1:<port>` of a member.
pub fn client_endpoint(member: MemberId) -> String {
    format!("127.0.0.1:{}", client_port(member))
}

/// etcd's `--initial-cluster-token` in the reference capture (cluster.sh).
const CLUSTER_TOKEN: &str = "etcd-cluster-1";

/// The member's id as etcd computes it (`membership.NewMember`: SHA-1 over its
/// peer URL and the cluster token, first 8 bytes): member 1 is
/// `8211f1d0f64f3269`, as in the reference transcripts. Added members get the
/// same formula (etcd would also hash the time of the `member add`).
pub fn etcd_member_id(member: MemberId) -> u64 {
    crate::sha1::sha1_u64(format!("{}{CLUSTER_TOKEN}", peer_url(member)).as_bytes())
}

/// The cluster id every member reports: SHA-1 over the initial members' ids
/// (sorted, big-endian), first 8 bytes, as etcd's `RaftCluster.genID`
/// (`ef37ad9dc622a7c4` for three members, as in the reference transcripts).
fn etcd_cluster_id(initial_member_count: u64) -> u64 {
    let mut ids: Vec<u64> = (1..=initial_member_count).map(|member| etcd_member_id(MemberId(member))).collect();
    ids.sort_unstable();
    let bytes: Vec<u8> = ids.iter().flat_map(|id| id.to_be_bytes()).collect();
    crate::sha1::sha1_u64(&bytes)
}

fn not_simulated(what: &str) -> RpcError {
    RpcError::new(RpcCode::Unknown, format!("{what} is not simulated in the playground's cluster yet"))
}

/// etcdctl's view of the cluster.
pub struct ClusterEtcdctl {
    cluster: Rc<RefCell<Cluster>>,
    timeout_ms: u64,
    /// `--command-timeout` shorter than a round trip on one machine (etcdctl's `1ns`): every
    /// call runs out before it is answered, as in the reference transcript 08.
    timeout_below_round_trip: bool,
    watches: BTreeMap<WatchHandle, ConsoleWatch>,
    /// Shared with the apiserver's client, which drains the same stores.
    watch_mailbox: Rc<RefCell<WatchMailbox>>,
    next_handle: u64,
    cluster_id: u64,
    /// Lease id -> (granted TTL in seconds, expiry in virtual ms): the leader's lessor clock.
    lease_deadlines: BTreeMap<i64, (i64, u64)>,
    /// etcd's idutil.Generator counter for lease ids.
    lease_counter: u64,
}

/// etcd's minimum lease TTL: ceil(1.5 × the 1 s election timeout).
const MINIMUM_LEASE_TTL_SECONDS: i64 = 2;
/// A request to a member on the same machine takes about this long (the reference capture's
/// health checks took 0.7–0.9 ms); the console's single-member backend uses the same figure.
const ROUND_TRIP_NANOSECONDS: u64 = 700_000;
/// Bounds every wait loop (each step moves to the next event).
const MAX_WAIT_STEPS: u32 = 1_000_000;

/// Where one `etcdctl watch` stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConsoleWatch {
    /// Served by this member's store (`incarnation` tells a restarted store apart).
    Serving { member: MemberId, id: mvcc::WatchId, incarnation: u64 },
    /// Refused at start (`WithRequireLeader` on a member without a leader): the first poll says so.
    RefusedNoLeader,
    /// Its member crashed: etcdctl keeps waiting silently while the client redials.
    Lost,
}

impl ClusterEtcdctl {
    pub fn new(cluster: Rc<RefCell<Cluster>>, watch_mailbox: Rc<RefCell<WatchMailbox>>) -> ClusterEtcdctl {
        let cluster_id = etcd_cluster_id(cluster.borrow().config().member_count);
        ClusterEtcdctl {
            cluster,
            cluster_id,
            timeout_ms: 5_000,
            timeout_below_round_trip: false,
            watches: BTreeMap::new(),
            watch_mailbox,
            next_handle: 1,
            lease_deadlines: BTreeMap::new(),
            lease_counter: 0,
        }
    }

    fn member_of(&self, endpoint: &str) -> Option<MemberId> {
        let host_port = endpoint_host_port(endpoint);
        self.cluster.borrow().member_ids().into_iter().find(|member| client_endpoint(*member) == host_port)
    }

    fn is_running(&self, member: MemberId) -> bool {
        self.cluster.borrow().member_status(member).is_some()
    }

    /// The first endpoint whose member is up, like clientv3's balancer.
    fn pick(&self, endpoints: &[String]) -> Result<MemberId, RpcError> {
        endpoints
            .iter()
            .filter_map(|endpoint| self.member_of(endpoint))
            .find(|member| self.is_running(*member))
            .ok_or_else(RpcError::unreachable)
    }

    /// Steps the cluster until `done` holds or the command timeout passes; true if it held.
    fn wait_until(&mut self, done: impl Fn(&Cluster) -> bool) -> bool {
        let mut cluster = self.cluster.borrow_mut();
        let deadline_ms = cluster.now_ms().saturating_add(self.timeout_ms);
        for _ in 0..MAX_WAIT_STEPS {
            if done(&cluster) {
                return true;
            }
            if cluster.now_ms() >= deadline_ms || !cluster.step() {
                break;
            }
        }
        done(&cluster)
    }

    /// The member list as etcd keeps it (every configured member, in id order).
    fn members(&self) -> Vec<Member> {
        self.cluster
            .borrow()
            .member_ids()
            .into_iter()
            .map(|id| Member {
                id: etcd_member_id(id),
                name: format!("infra{}", id.0),
                peer_urls: vec![peer_url(id)],
                client_urls: vec![format!("http://{}", client_endpoint(id))],
                is_learner: false,
            })
            .collect()
    }

    /// A member that can answer a lease read: up and knowing a leader (3.4 forwards these to the leader).
    fn pick_with_leader(&self, endpoints: &[String]) -> Result<MemberId, RpcError> {
        let member = self.pick(endpoints)?;
        let has_leader = self.cluster.borrow().member_status(member).is_some_and(|status| status.leader.is_some());
        if has_leader {
            Ok(member)
        } else {
            Err(RpcError::deadline_exceeded())
        }
    }

    /// etcd's idutil.Generator: the member id's low 16 bits, then (unix ms << 8) + a counter; sign bit cleared.
    fn next_lease_id(&mut self, member: MemberId) -> i64 {
        self.lease_counter += 1;
        let unix_ms = console::etcdctl::LOG_EPOCH_UNIX_MILLISECONDS.saturating_add(self.now_milliseconds());
        let suffix = ((unix_ms << 8) & 0xffff_ffff_ffff).wrapping_add(self.lease_counter);
        let id = ((etcd_member_id(member) & 0xffff) << 48) | (suffix & 0xffff_ffff_ffff);
        (id & (i64::MAX as u64)) as i64
    }

    /// The leader's lessor: proposes a `LeaseRevoke` for every lease whose TTL
    /// has run out (it deletes the lease's keys in one revision). Does nothing
    /// without leases or without a leader (etcd's leases do not expire then either).
    pub fn revoke_expired_leases(&mut self) {
        let now_ms = self.now_milliseconds();
        let expired: Vec<i64> =
            self.lease_deadlines.iter().filter(|(_, (_, expiry_ms))| *expiry_ms <= now_ms).map(|(id, _)| *id).collect();
        if expired.is_empty() {
            return;
        }
        let Some(leader) = current_leader(&self.cluster.borrow()) else { return };
        for id in expired {
            let op = ClientOp::LeaseRevoke(mvcc::LeaseRevokeRequest { id });
            let result = self.cluster.borrow_mut().request(leader, op, self.timeout_ms);
            match result {
                Ok(_) | Err(ClientError::Mvcc(mvcc::MvccError::LeaseNotFound)) => {
                    self.lease_deadlines.remove(&id);
                }
                // Retried on a later call (the leader lost its quorum meanwhile).
                Err(_) => {}
            }
        }
    }

    /// Changes whenever the member crashes or restarts (0 while it is down).
    fn incarnation(&self, member: MemberId) -> u64 {
        self.incarnation_in(&self.cluster.borrow(), member)
    }

    fn incarnation_in(&self, cluster: &Cluster, member: MemberId) -> u64 {
        cluster.member_incarnation(member).unwrap_or(0)
    }

    fn served<T>(&self, member: MemberId, response: T) -> Served<T> {
        let raft_term = self.cluster.borrow().member_status(member).map(|status| status.term).unwrap_or(0);
        Served { cluster_id: self.cluster_id, member_id: etcd_member_id(member), raft_term, response }
    }

    fn call(&mut self, endpoints: &[String], op: ClientOp) -> Result<(MemberId, ClientReply), RpcError> {
        let member = self.pick(endpoints)?;
        if self.timeout_below_round_trip {
            return Err(RpcError::deadline_exceeded());
        }
        let result = self.cluster.borrow_mut().request(member, op, self.timeout_ms);
        result.map(|reply| (member, reply)).map_err(|error| rpc_error(&error))
    }
}

/// `http://127.0.0.1:<n·10000 + 2380>`, as the reference transcripts' members advertise (member 1: 12380).
fn peer_url(member: MemberId) -> String {
    format!("http://127.0.0.1:{}", member.0 * 10_000 + 2380)
}

/// The member a peer URL names (`http://127.0.0.1:42380` = member 4), if its port follows the pattern.
fn member_of_peer_url(url: &str) -> Option<MemberId> {
    let port: u64 = url.rsplit(':').next()?.trim_end_matches('/').parse().ok()?;
    let member = port / 10_000;
    (port % 10_000 == 2380 && (1..=7).contains(&member)).then_some(MemberId(member))
}

/// The running leader with the highest term.
fn current_leader(cluster: &Cluster) -> Option<MemberId> {
    cluster
        .member_ids()
        .into_iter()
        .filter_map(|member| cluster.member_status(member).map(|status| (status, member)))
        .filter(|(status, _)| status.role == Role::Leader)
        .max_by_key(|(status, member)| (status.term, *member))
        .map(|(_, member)| member)
}

fn rpc_error(error: &ClientError) -> RpcError {
    match error {
        ClientError::Mvcc(error) => RpcError::from_mvcc(error),
        ClientError::DeadlineExceeded => RpcError::deadline_exceeded(),
        ClientError::RequestTimedOut => RpcError::new(RpcCode::Unavailable, "etcdserver: request timed out"),
        ClientError::NoLeader => RpcError::new(RpcCode::Unavailable, "etcdserver: no leader"),
        ClientError::LeaderChanged => RpcError::new(RpcCode::Unavailable, "etcdserver: leader changed"),
        other => RpcError::new(RpcCode::Unavailable, other.to_string()),
    }
}

fn unexpected(reply: &ClientReply) -> RpcError {
    RpcError::new(RpcCode::Unknown, format!("unexpected reply {reply:?}"))
}

macro_rules! expect_reply {
    ($reply:expr, $variant:ident) => {
        match $reply {
            ClientReply::$variant(response) => Ok(response),
            other => Err(unexpected(&other)),
        }
    };
}

impl EtcdctlBackend for ClusterEtcdctl {
    fn default_endpoints(&self) -> Vec<String> {
        vec![client_endpoint(MemberId(1))]
    }

    fn now_milliseconds(&self) -> u64 {
        self.cluster.borrow().now_ms()
    }

    fn set_command_timeout_nanoseconds(&mut self, timeout_nanoseconds: u64) {
        self.timeout_ms = (timeout_nanoseconds / 1_000_000).max(1);
        self.timeout_below_round_trip = timeout_nanoseconds < ROUND_TRIP_NANOSECONDS;
    }

    fn range(&mut self, endpoints: &[String], request: RangeRequest, consistency: Consistency) -> Result<Served<RangeResponse>, RpcError> {
        let consistency = match consistency {
            Consistency::Linearizable => ReadConsistency::Linearizable,
            Consistency::Serializable => ReadConsistency::Serializable,
        };
        let (member, reply) = self.call(endpoints, ClientOp::Range { request, consistency })?;
        Ok(self.served(member, expect_reply!(reply, Range)?))
    }

    fn put(&mut self, endpoints: &[String], request: PutRequest) -> Result<Served<PutResponse>, RpcError> {
        let (member, reply) = self.call(endpoints, ClientOp::Put(request))?;
        Ok(self.served(member, expect_reply!(reply, Put)?))
    }

    fn delete_range(&mut self, endpoints: &[String], request: DeleteRangeRequest) -> Result<Served<DeleteRangeResponse>, RpcError> {
        let (member, reply) = self.call(endpoints, ClientOp::DeleteRange(request))?;
        Ok(self.served(member, expect_reply!(reply, DeleteRange)?))
    }

    fn txn(&mut self, endpoints: &[String], request: TxnRequest) -> Result<Served<TxnResponse>, RpcError> {
        let (member, reply) = self.call(endpoints, ClientOp::Txn(request))?;
        Ok(self.served(member, expect_reply!(reply, Txn)?))
    }

    fn compact(&mut self, endpoints: &[String], request: CompactionRequest) -> Result<Served<CompactionResponse>, RpcError> {
        let (member, reply) = self.call(endpoints, ClientOp::Compaction(request))?;
        Ok(self.served(member, expect_reply!(reply, Compaction)?))
    }

    fn watch(&mut self, endpoints: &[String], request: WatchRequest) -> Result<WatchHandle, RpcError> {
        let member = self.pick(endpoints)?;
        let handle = WatchHandle(self.next_handle);
        self.next_handle += 1;
        let started = self.cluster.borrow_mut().watch(member, request);
        match started {
            Ok(id) => {
                self.watch_mailbox.borrow_mut().register_console_watch(member, id);
                let incarnation = self.incarnation(member);
                self.watches.insert(handle, ConsoleWatch::Serving { member, id, incarnation });
            }
            Err(ClientError::NoLeader) => {
                self.watches.insert(handle, ConsoleWatch::RefusedNoLeader);
            }
            Err(error) => return Err(rpc_error(&error)),
        }
        Ok(handle)
    }

    fn poll_watch(&mut self, handle: WatchHandle) -> WatchPoll {
        match self.watches.get(&handle).copied() {
            Some(ConsoleWatch::Serving { member, id, incarnation }) => {
                if self.incarnation(member) != incarnation {
                    // The member crashed (and maybe restarted with a fresh store that
                    // numbers watches anew): this watch is gone from it.
                    self.watches.insert(handle, ConsoleWatch::Lost);
                    self.watch_mailbox.borrow_mut().unregister_console_watch(&mut self.cluster.borrow_mut(), member, id);
                    return WatchPoll::Responses(Vec::new());
                }
                let responses = self.watch_mailbox.borrow_mut().take_console(&mut self.cluster.borrow_mut(), member, id);
                WatchPoll::Responses(responses.into_iter().map(|response| self.served(member, response)).collect())
            }
            Some(ConsoleWatch::RefusedNoLeader) => {
                self.watches.insert(handle, ConsoleWatch::Lost);
                WatchPoll::Canceled("etcdserver: no leader".into())
            }
            Some(ConsoleWatch::Lost) | None => WatchPoll::Responses(Vec::new()),
        }
    }

    fn cancel_watch(&mut self, handle: WatchHandle) {
        if let Some(ConsoleWatch::Serving { member, id, incarnation }) = self.watches.remove(&handle) {
            let mut cluster = self.cluster.borrow_mut();
            if self.incarnation_in(&cluster, member) == incarnation {
                cluster.cancel_watch(member, id);
            }
            self.watch_mailbox.borrow_mut().unregister_console_watch(&mut cluster, member, id);
        }
    }

    fn member_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<Member>>, RpcError> {
        let member = self.pick(endpoints)?;
        let members = self.members();
        Ok(self.served(member, members))
    }

    fn member_add(&mut self, endpoints: &[String], peer_urls: Vec<String>, is_learner: bool) -> Result<Served<(Member, Vec<Member>)>, RpcError> {
        let member = self.pick(endpoints)?;
        if is_learner {
            return Err(not_simulated("member add --learner (the cluster promotes every new member)"));
        }
        let existing = self.cluster.borrow().member_ids();
        if peer_urls.iter().any(|url| member_of_peer_url(url).is_some_and(|named| existing.contains(&named))) {
            // etcd: membership.ErrPeerURLexists.
            return Err(RpcError::new(RpcCode::FailedPrecondition, "etcdserver: peerURL exists"));
        }
        let new_member = peer_urls
            .iter()
            .find_map(|url| member_of_peer_url(url))
            .or_else(|| (2..=7).map(MemberId).find(|candidate| !existing.contains(candidate)))
            .ok_or_else(|| not_simulated("an eighth member (a cluster holds 1 to 7)"))?;
        let added = self.cluster.borrow_mut().apply_action(FaultAction::AddMember { member: new_member });
        match added {
            Ok(()) => {}
            Err(ClusterError::NoLeader) => {
                // etcd waits for a leader until the command timeout.
                self.wait_until(|_| false);
                return Err(RpcError::deadline_exceeded());
            }
            Err(error) => return Err(RpcError::new(RpcCode::Unknown, error.to_string())),
        }
        // MemberAdd answers once the configuration change has been applied.
        let settled = self.wait_until(|cluster| cluster.membership_changes_in_flight() == 0);
        let voter = current_leader(&self.cluster.borrow())
            .and_then(|leader| self.cluster.borrow().member_status(leader))
            .is_some_and(|status| status.voters.contains(&new_member));
        if !settled || !voter {
            return Err(RpcError::deadline_exceeded());
        }
        let added = Member {
            id: etcd_member_id(new_member),
            name: String::new(),
            peer_urls: peer_urls.clone(),
            client_urls: Vec::new(),
            is_learner: false,
        };
        let members = self.members();
        Ok(self.served(member, (added, members)))
    }

    fn member_remove(&mut self, endpoints: &[String], member_id: u64) -> Result<Served<Vec<Member>>, RpcError> {
        let member = self.pick(endpoints)?;
        let Some(leaving) = self.cluster.borrow().member_ids().into_iter().find(|id| etcd_member_id(*id) == member_id) else {
            return Err(RpcError::new(RpcCode::NotFound, "etcdserver: member not found"));
        };
        let removing = self.cluster.borrow_mut().apply_action(FaultAction::RemoveMember { member: leaving });
        match removing {
            Ok(()) => {}
            Err(ClusterError::NoLeader) => {
                self.wait_until(|_| false);
                return Err(RpcError::deadline_exceeded());
            }
            Err(error) => return Err(RpcError::new(RpcCode::Unknown, error.to_string())),
        }
        if !self.wait_until(|cluster| cluster.membership_changes_in_flight() == 0 && !cluster.member_ids().contains(&leaving)) {
            return Err(RpcError::deadline_exceeded());
        }
        let members = self.members();
        // A member that removed itself answers with its last term before it stops.
        let answering = if member == leaving { self.pick(endpoints).unwrap_or(member) } else { member };
        Ok(self.served(answering, members))
    }

    fn move_leader(&mut self, endpoint: &str, target_member_id: u64) -> Result<Served<()>, RpcError> {
        let member = self.member_of(endpoint).filter(|member| self.is_running(*member)).ok_or_else(RpcError::unreachable)?;
        let Some(target) = self.cluster.borrow().member_ids().into_iter().find(|id| etcd_member_id(*id) == target_member_id) else {
            return Err(RpcError::new(RpcCode::FailedPrecondition, "etcdserver: bad leader transferee"));
        };
        if current_leader(&self.cluster.borrow()) != Some(member) {
            return Err(RpcError::new(RpcCode::FailedPrecondition, "etcdserver: not leader"));
        }
        if target != member {
            let transfer = self.cluster.borrow_mut().apply_action(FaultAction::TransferLeader { to: target });
            if transfer.is_err() {
                return Err(RpcError::new(RpcCode::FailedPrecondition, "etcdserver: bad leader transferee"));
            }
            if !self.wait_until(|cluster| current_leader(cluster) == Some(target)) {
                return Err(RpcError::new(RpcCode::Unavailable, "etcdserver: leadership transfer timeout"));
            }
        }
        Ok(self.served(member, ()))
    }

    fn status(&mut self, endpoint: &str) -> Result<Served<EndpointStatus>, RpcError> {
        let member = self.member_of(endpoint).ok_or_else(|| RpcError::status_unreachable(endpoint))?;
        let status = self.cluster.borrow().member_status(member).ok_or_else(|| RpcError::status_unreachable(endpoint))?;
        let db_size_bytes = self.cluster.borrow().store(member).map(|store| 20_480 + 4_096 * (store.revision() / 8)).unwrap_or(20_480);
        let result = EndpointStatus {
            header_revision: status.store_revision,
            version: "3.4.23".into(),
            db_size_bytes,
            db_size_in_use_bytes: db_size_bytes,
            leader: status.leader.map(etcd_member_id).unwrap_or(0),
            raft_index: status.last_log_index,
            raft_term: status.term,
            raft_applied_index: status.applied_index,
            is_learner: status.role == Role::Learner,
            errors: if status.leader.is_none() { vec!["etcdserver: no leader".into()] } else { Vec::new() },
        };
        Ok(self.served(member, result))
    }

    fn health(&mut self, endpoint: &str) -> HealthCheck {
        let started_ms = self.now_milliseconds();
        let request = RangeRequest { key: b"health".to_vec(), ..RangeRequest::default() };
        let error = match self.member_of(endpoint) {
            None => Some(RpcError::unreachable()),
            Some(_) => self.range(&[endpoint.to_string()], request, Consistency::Linearizable).err(),
        };
        let took_nanoseconds = self.now_milliseconds().saturating_sub(started_ms).saturating_mul(1_000_000);
        HealthCheck { took_nanoseconds, error }
    }

    fn alarm_list(&mut self, endpoints: &[String]) -> Result<Served<()>, RpcError> {
        let member = self.pick(endpoints)?;
        Ok(self.served(member, ()))
    }

    fn lease_grant(&mut self, endpoints: &[String], ttl_seconds: i64) -> Result<Served<mvcc::LeaseGrantResponse>, RpcError> {
        let member = self.pick(endpoints)?;
        let id = self.next_lease_id(member);
        let ttl_seconds = ttl_seconds.max(MINIMUM_LEASE_TTL_SECONDS);
        let (member, reply) = self.call(endpoints, ClientOp::LeaseGrant(mvcc::LeaseGrantRequest { id, ttl_seconds }))?;
        let response = match reply {
            ClientReply::Other(mvcc::WriteResponse::LeaseGrant(response)) => response,
            other => return Err(unexpected(&other)),
        };
        let expiry_ms = self.now_milliseconds().saturating_add(u64::try_from(response.ttl_seconds).unwrap_or(0).saturating_mul(1_000));
        self.lease_deadlines.insert(response.id, (response.ttl_seconds, expiry_ms));
        Ok(self.served(member, response))
    }

    fn lease_revoke(&mut self, endpoints: &[String], id: i64) -> Result<Served<mvcc::LeaseRevokeResponse>, RpcError> {
        let (member, reply) = self.call(endpoints, ClientOp::LeaseRevoke(mvcc::LeaseRevokeRequest { id }))?;
        let response = match reply {
            ClientReply::Other(mvcc::WriteResponse::LeaseRevoke(response)) => response,
            other => return Err(unexpected(&other)),
        };
        self.lease_deadlines.remove(&id);
        Ok(self.served(member, response))
    }

    fn lease_time_to_live(&mut self, endpoints: &[String], id: i64) -> Result<Served<LeaseTimeToLive>, RpcError> {
        let member = self.pick_with_leader(endpoints)?;
        let now_ms = self.now_milliseconds();
        let (header_revision, lease) = {
            let cluster = self.cluster.borrow();
            let store = cluster.store(member).ok_or_else(RpcError::unreachable)?;
            (store.revision(), store.leases().into_iter().find(|lease| lease.id == id))
        };
        let answer = match (lease, self.lease_deadlines.get(&id)) {
            (Some(lease), Some((granted_ttl_seconds, expiry_ms))) => LeaseTimeToLive {
                header_revision,
                id,
                granted_ttl_seconds: *granted_ttl_seconds,
                remaining_seconds: i64::try_from(expiry_ms.saturating_sub(now_ms) / 1_000).unwrap_or(i64::MAX),
                keys: lease.keys,
            },
            _ => LeaseTimeToLive { header_revision, id, granted_ttl_seconds: 0, remaining_seconds: -1, keys: Vec::new() },
        };
        Ok(self.served(member, answer))
    }

    fn lease_keep_alive_once(&mut self, endpoints: &[String], id: i64) -> Result<Served<LeaseKeepAlive>, RpcError> {
        let member = self.pick_with_leader(endpoints)?;
        let now_ms = self.now_milliseconds();
        let header_revision = self.cluster.borrow().store(member).map(|store| store.revision()).unwrap_or(0);
        let Some((granted_ttl_seconds, expiry_ms)) = self.lease_deadlines.get_mut(&id) else {
            return Err(RpcError::from_mvcc(&mvcc::MvccError::LeaseNotFound));
        };
        *expiry_ms = now_ms.saturating_add(u64::try_from(*granted_ttl_seconds).unwrap_or(0).saturating_mul(1_000));
        let ttl_seconds = *granted_ttl_seconds;
        Ok(self.served(member, LeaseKeepAlive { header_revision, id, ttl_seconds }))
    }

    fn lease_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<i64>>, RpcError> {
        let member = self.pick_with_leader(endpoints)?;
        let ids = self.cluster.borrow().store(member).map(|store| store.leases().iter().map(|lease| lease.id).collect()).unwrap_or_default();
        Ok(self.served(member, ids))
    }

    fn hash_kv(&mut self, endpoint: &str, _revision: i64) -> Result<Served<HashKv>, RpcError> {
        let member = self.member_of(endpoint).ok_or_else(RpcError::unreachable)?;
        let (hash, compact_revision) = {
            let cluster = self.cluster.borrow();
            let store = cluster.store(member).ok_or_else(RpcError::unreachable)?;
            (store.content_hash() as u32, store.compact_revision())
        };
        Ok(self.served(member, HashKv { hash, compact_revision }))
    }
}
