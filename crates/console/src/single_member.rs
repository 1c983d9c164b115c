//! [`SingleMemberBackend`]: etcd as one member over one `mvcc::Store`, with the ids of the
//! reference capture, so that transcripts of the single-member etcd replay unchanged.
//!
//! Example:
//! ```
//! use console::{Console, SingleMemberBackend};
//! let mut backend = SingleMemberBackend::new();
//! let mut console = Console::new();
//! let output = console.run("etcdctl put /a 1", "", &mut backend);
//! assert_eq!(output.stdout, "OK\n");
//! let output = console.run("etcdctl get /a -w json", "", &mut backend);
//! assert!(output.stdout.contains("\"revision\":2"));
//! ```
//!
//! The member is always the leader with a fixed term, so nothing here can time out. Raft indexes
//! are counted the way etcd counts entries: 4 after start (the bootstrap conf change, the leader's
//! empty entry, the member attributes and the cluster version), then one per write request that
//! reaches Raft (puts, deletes, txns that write, compactions; a request rejected by the gRPC-layer
//! checks — empty key, duplicate key in a txn — never reaches Raft).

use std::collections::BTreeMap;

use mvcc::{
    CompactionRequest, CompactionResponse, DeleteRangeRequest, DeleteRangeResponse, MvccError,
    PutRequest, PutResponse, RangeRequest, RangeResponse, RequestOp, Store, TxnRequest,
    TxnResponse, WatchId, WatchRequest,
};

use crate::backend::*;

/// The cluster id of the reference single-member capture (`00-versions-and-server.txt`).
pub const REFERENCE_CLUSTER_ID: u64 = 9398978003613807876;
/// The member id of the reference capture (`2c8a0f1de5204ca0`).
pub const REFERENCE_MEMBER_ID: u64 = 3209394305527467168;
/// The raft term of the reference capture (the member elected itself once after start).
pub const REFERENCE_RAFT_TERM: u64 = 2;
/// Bootstrap entries before the first client write (see the module docs).
const BOOTSTRAP_RAFT_ENTRIES: u64 = 4;
/// etcdctl's default `--command-timeout`.
const DEFAULT_COMMAND_TIMEOUT_NANOSECONDS: u64 = 5_000_000_000;
/// A request to a member on the same machine takes about this long (the reference capture's
/// health checks took 0.7–0.9 ms); a shorter `--command-timeout` always runs out first.
const ROUND_TRIP_NANOSECONDS: u64 = 700_000;
/// An empty bbolt file of etcd 3.4 is 20 kB; the store's bytes are added to it.
const EMPTY_DATABASE_BYTES: i64 = 20480;

/// One etcd member over one store; always healthy, always the leader.
#[derive(Debug, Clone)]
pub struct SingleMemberBackend {
    cluster_id: u64,
    member_id: u64,
    raft_term: u64,
    store: Store,
    members: Vec<Member>,
    raft_index: u64,
    /// Watch responses drained from the store, per watch, waiting for `poll_watch`.
    watch_queues: BTreeMap<WatchId, Vec<mvcc::WatchResponse>>,
    virtual_time_milliseconds: u64,
    next_member_number: u64,
    /// Lease id -> (granted TTL in seconds, expiry in virtual milliseconds).
    lease_deadlines: BTreeMap<i64, (i64, u64)>,
    /// Ids a test wants the next grants to get (a real server draws them; see `with_lease_ids`).
    planned_lease_ids: std::collections::VecDeque<i64>,
    lease_counter: u64,
    /// etcdctl's `--command-timeout` for the current command.
    command_timeout_nanoseconds: u64,
}

impl Default for SingleMemberBackend {
    fn default() -> Self {
        SingleMemberBackend::new()
    }
}

impl SingleMemberBackend {
    pub fn new() -> SingleMemberBackend {
        SingleMemberBackend::with_store(Store::new())
    }

    pub fn with_store(store: Store) -> SingleMemberBackend {
        SingleMemberBackend {
            cluster_id: REFERENCE_CLUSTER_ID,
            member_id: REFERENCE_MEMBER_ID,
            raft_term: REFERENCE_RAFT_TERM,
            store,
            members: vec![Member {
                id: REFERENCE_MEMBER_ID,
                name: "default".to_string(),
                peer_urls: vec!["http://127.0.0.1:2380".to_string()],
                client_urls: vec!["http://127.0.0.1:2379".to_string()],
                is_learner: false,
            }],
            raft_index: BOOTSTRAP_RAFT_ENTRIES,
            watch_queues: BTreeMap::new(),
            virtual_time_milliseconds: 0,
            next_member_number: 1,
            lease_deadlines: BTreeMap::new(),
            planned_lease_ids: std::collections::VecDeque::new(),
            lease_counter: 0,
            command_timeout_nanoseconds: DEFAULT_COMMAND_TIMEOUT_NANOSECONDS,
        }
    }

    /// A fresh member with other ids (another capture's, e.g. `15-k8s-style-storage-ops.txt`).
    pub fn with_identity(cluster_id: u64, member_id: u64, raft_term: u64) -> SingleMemberBackend {
        let mut backend = SingleMemberBackend::new();
        backend.cluster_id = cluster_id;
        backend.member_id = member_id;
        backend.raft_term = raft_term;
        if let Some(own) = backend.members.first_mut() {
            own.id = member_id;
        }
        backend
    }

    /// The store, for tests and the UI's key tree.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The next lease grants get these ids, in order (to replay a capture whose later commands
    /// name the ids the real server drew).
    pub fn with_lease_ids(mut self, ids: &[i64]) -> SingleMemberBackend {
        self.planned_lease_ids.extend(ids.iter().copied());
        self
    }

    /// Moves the virtual clock: leases whose TTL ran out are revoked (their keys deleted), as
    /// etcd's lessor does, and log lines get later timestamps.
    pub fn advance_milliseconds(&mut self, milliseconds: u64) {
        self.virtual_time_milliseconds =
            self.virtual_time_milliseconds.saturating_add(milliseconds);
        let now = self.virtual_time_milliseconds;
        let expired: Vec<i64> = self
            .lease_deadlines
            .iter()
            .filter(|(_, (_, expiry))| *expiry <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            self.lease_deadlines.remove(&id);
            if self
                .store
                .lease_revoke(mvcc::LeaseRevokeRequest { id })
                .is_ok()
            {
                self.raft_index += 1;
            }
            self.collect_watch_responses();
        }
    }

    fn next_lease_id(&mut self) -> i64 {
        if let Some(id) = self.planned_lease_ids.pop_front() {
            return id;
        }
        // etcd's idutil.Generator: member id's low 16 bits, then milliseconds << 8, plus a counter.
        self.lease_counter += 1;
        let milliseconds =
            crate::etcdctl::LOG_EPOCH_UNIX_MILLISECONDS + self.virtual_time_milliseconds;
        let suffix = ((milliseconds << 8) & 0xffff_ffff_ffff).wrapping_add(self.lease_counter);
        let id = ((self.member_id & 0xffff) << 48) | (suffix & 0xffff_ffff_ffff);
        (id & (i64::MAX as u64)) as i64
    }

    fn served<T>(&self, response: T) -> Served<T> {
        Served {
            cluster_id: self.cluster_id,
            member_id: self.member_id,
            raft_term: self.raft_term,
            response,
        }
    }

    /// Whether a call through these endpoints gets an answer: only this member's client URL
    /// answers (anything else is a closed port), and only if the client waits long enough.
    fn reach(&self, endpoints: &[String]) -> Result<(), RpcError> {
        if !endpoints
            .iter()
            .any(|endpoint| self.is_own_endpoint(endpoint))
        {
            return Err(RpcError::unreachable());
        }
        if self.command_timeout_nanoseconds < ROUND_TRIP_NANOSECONDS {
            return Err(RpcError::deadline_exceeded());
        }
        Ok(())
    }

    fn is_own_endpoint(&self, endpoint: &str) -> bool {
        let wanted = endpoint_host_port(endpoint);
        self.members
            .first()
            .map(|own| {
                own.client_urls
                    .iter()
                    .any(|url| endpoint_host_port(url) == wanted)
            })
            .unwrap_or(false)
    }

    fn collect_watch_responses(&mut self) {
        for response in self.store.take_watch_responses() {
            if let Some(queue) = self.watch_queues.get_mut(&response.watch_id) {
                queue.push(response);
            }
        }
    }

    fn write<T>(
        &mut self,
        endpoints: &[String],
        write: impl FnOnce(&mut Store) -> Result<T, MvccError>,
    ) -> Result<Served<T>, RpcError> {
        self.reach(endpoints)?;
        let result = write(&mut self.store);
        match &result {
            // Rejected before Raft by the gRPC layer (etcd's v3rpc checks): no entry.
            Err(
                MvccError::EmptyKey
                | MvccError::DuplicateKey
                | MvccError::TooManyOperations
                | MvccError::RequestTooLarge,
            ) => {}
            _ => self.raft_index += 1,
        }
        self.collect_watch_responses();
        result
            .map(|response| self.served(response))
            .map_err(|error| RpcError::from_mvcc(&error))
    }

    fn database_bytes(&self) -> i64 {
        let bookkeeping = i64::try_from(self.store.bookkeeping_bytes()).unwrap_or(i64::MAX);
        EMPTY_DATABASE_BYTES.saturating_add(bookkeeping)
    }
}

fn txn_is_read_only(request: &TxnRequest) -> bool {
    request
        .success
        .iter()
        .chain(request.failure.iter())
        .all(|op| match op {
            RequestOp::Range(_) => true,
            RequestOp::Txn(inner) => txn_is_read_only(inner),
            RequestOp::Put(_) | RequestOp::DeleteRange(_) => false,
        })
}

impl EtcdctlBackend for SingleMemberBackend {
    fn now_milliseconds(&self) -> u64 {
        self.virtual_time_milliseconds
    }

    fn set_command_timeout_nanoseconds(&mut self, timeout_nanoseconds: u64) {
        self.command_timeout_nanoseconds = timeout_nanoseconds;
    }

    fn range(
        &mut self,
        endpoints: &[String],
        request: RangeRequest,
        _consistency: Consistency,
    ) -> Result<Served<RangeResponse>, RpcError> {
        self.reach(endpoints)?;
        self.store
            .range(&request)
            .map(|response| self.served(response))
            .map_err(|error| RpcError::from_mvcc(&error))
    }

    fn put(
        &mut self,
        endpoints: &[String],
        request: PutRequest,
    ) -> Result<Served<PutResponse>, RpcError> {
        self.write(endpoints, |store| store.put(request))
    }

    fn delete_range(
        &mut self,
        endpoints: &[String],
        request: DeleteRangeRequest,
    ) -> Result<Served<DeleteRangeResponse>, RpcError> {
        self.write(endpoints, |store| store.delete_range(request))
    }

    fn txn(
        &mut self,
        endpoints: &[String],
        request: TxnRequest,
    ) -> Result<Served<TxnResponse>, RpcError> {
        if txn_is_read_only(&request) {
            // etcd serves a read-only txn with a ReadIndex: no log entry.
            self.reach(endpoints)?;
            let result = self.store.txn(request);
            self.collect_watch_responses();
            return result
                .map(|response| self.served(response))
                .map_err(|error| RpcError::from_mvcc(&error));
        }
        self.write(endpoints, |store| store.txn(request))
    }

    fn compact(
        &mut self,
        endpoints: &[String],
        request: CompactionRequest,
    ) -> Result<Served<CompactionResponse>, RpcError> {
        self.write(endpoints, |store| store.compact(request))
    }

    fn watch(
        &mut self,
        endpoints: &[String],
        request: WatchRequest,
    ) -> Result<WatchHandle, RpcError> {
        self.reach(endpoints)?;
        self.collect_watch_responses();
        let id = self.store.watch(request);
        self.watch_queues.insert(id, Vec::new());
        self.collect_watch_responses();
        u64::try_from(id.0)
            .map(WatchHandle)
            .map_err(|_| RpcError::new(RpcCode::Unknown, "watch id out of range"))
    }

    fn poll_watch(&mut self, handle: WatchHandle) -> WatchPoll {
        self.collect_watch_responses();
        let id = WatchId(i64::try_from(handle.0).unwrap_or(-1));
        let responses = self
            .watch_queues
            .get_mut(&id)
            .map(std::mem::take)
            .unwrap_or_default();
        WatchPoll::Responses(
            responses
                .into_iter()
                .map(|response| self.served(response))
                .collect(),
        )
    }

    fn cancel_watch(&mut self, handle: WatchHandle) {
        let id = WatchId(i64::try_from(handle.0).unwrap_or(-1));
        self.store.cancel_watch(id);
        self.collect_watch_responses();
        self.watch_queues.remove(&id);
    }

    fn member_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<Member>>, RpcError> {
        self.reach(endpoints)?;
        Ok(self.served(self.members.clone()))
    }

    fn member_add(
        &mut self,
        endpoints: &[String],
        peer_urls: Vec<String>,
        is_learner: bool,
    ) -> Result<Served<(Member, Vec<Member>)>, RpcError> {
        self.reach(endpoints)?;
        let taken = self
            .members
            .iter()
            .any(|member| member.peer_urls.iter().any(|url| peer_urls.contains(url)));
        if taken {
            return Err(RpcError::new(
                RpcCode::FailedPrecondition,
                "etcdserver: Peer URLs already exists",
            ));
        }
        // A fixed, recognisable id sequence: the single member has no randomness to draw from.
        let id = self
            .member_id
            .wrapping_add(self.next_member_number.wrapping_mul(0x1000_0000_0001));
        self.next_member_number += 1;
        let member = Member {
            id,
            name: String::new(),
            peer_urls,
            client_urls: Vec::new(),
            is_learner,
        };
        self.members.push(member.clone());
        self.raft_index += 1;
        Ok(self.served((member, self.members.clone())))
    }

    fn member_remove(
        &mut self,
        endpoints: &[String],
        member_id: u64,
    ) -> Result<Served<Vec<Member>>, RpcError> {
        self.reach(endpoints)?;
        let Some(position) = self
            .members
            .iter()
            .position(|member| member.id == member_id)
        else {
            return Err(RpcError::new(
                RpcCode::NotFound,
                "etcdserver: member not found",
            ));
        };
        if position == 0 {
            // Removing the only voting member would leave no cluster; etcd refuses with this text.
            return Err(RpcError::new(
                RpcCode::FailedPrecondition,
                "etcdserver: re-configuration failed due to not enough started members",
            ));
        }
        self.members.remove(position);
        self.raft_index += 1;
        Ok(self.served(self.members.clone()))
    }

    fn move_leader(
        &mut self,
        endpoint: &str,
        target_member_id: u64,
    ) -> Result<Served<()>, RpcError> {
        if !self.is_own_endpoint(endpoint) {
            return Err(RpcError::unreachable());
        }
        if target_member_id == self.member_id {
            return Ok(self.served(()));
        }
        if self
            .members
            .iter()
            .any(|member| member.id == target_member_id)
        {
            // An added member never starts here, so it can never catch up.
            return Err(RpcError::new(
                RpcCode::DeadlineExceeded,
                "etcdserver: request timed out, leader transfer took too long",
            ));
        }
        Err(RpcError::new(
            RpcCode::FailedPrecondition,
            "etcdserver: bad leader transferee",
        ))
    }

    fn status(&mut self, endpoint: &str) -> Result<Served<EndpointStatus>, RpcError> {
        if !self.is_own_endpoint(endpoint) {
            return Err(RpcError::status_unreachable(endpoint));
        }
        let size = self.database_bytes();
        let status = EndpointStatus {
            header_revision: self.store.revision(),
            version: "3.4.23".to_string(),
            db_size_bytes: size,
            db_size_in_use_bytes: size,
            leader: self.member_id,
            raft_index: self.raft_index,
            raft_term: self.raft_term,
            raft_applied_index: self.raft_index,
            is_learner: false,
            errors: Vec::new(),
        };
        Ok(self.served(status))
    }

    fn health(&mut self, endpoint: &str) -> HealthCheck {
        if !self.is_own_endpoint(endpoint) {
            return HealthCheck {
                took_nanoseconds: 5_000_000_000,
                error: Some(RpcError::unreachable()),
            };
        }
        // A linearizable get on the one member: about a millisecond on a real machine.
        HealthCheck {
            took_nanoseconds: 918_310,
            error: None,
        }
    }

    fn alarm_list(&mut self, endpoints: &[String]) -> Result<Served<()>, RpcError> {
        self.reach(endpoints)?;
        self.raft_index += 1;
        Ok(self.served(()))
    }

    fn lease_grant(
        &mut self,
        endpoints: &[String],
        ttl_seconds: i64,
    ) -> Result<Served<mvcc::LeaseGrantResponse>, RpcError> {
        /// etcd's minimum TTL: ceil(1.5 x election timeout of 1 s).
        const MINIMUM_TTL_SECONDS: i64 = 2;
        let id = self.next_lease_id();
        let ttl_seconds = ttl_seconds.max(MINIMUM_TTL_SECONDS);
        let served = self.write(endpoints, |store| {
            store.lease_grant(mvcc::LeaseGrantRequest { id, ttl_seconds })
        })?;
        let expiry = self.virtual_time_milliseconds.saturating_add(
            u64::try_from(served.response.ttl_seconds)
                .unwrap_or(0)
                .saturating_mul(1000),
        );
        self.lease_deadlines
            .insert(served.response.id, (served.response.ttl_seconds, expiry));
        Ok(served)
    }

    fn lease_revoke(
        &mut self,
        endpoints: &[String],
        id: i64,
    ) -> Result<Served<mvcc::LeaseRevokeResponse>, RpcError> {
        let served = self.write(endpoints, |store| {
            store.lease_revoke(mvcc::LeaseRevokeRequest { id })
        })?;
        self.lease_deadlines.remove(&id);
        Ok(served)
    }

    fn lease_time_to_live(
        &mut self,
        endpoints: &[String],
        id: i64,
    ) -> Result<Served<LeaseTimeToLive>, RpcError> {
        self.reach(endpoints)?;
        let header_revision = self.store.revision();
        let now = self.virtual_time_milliseconds;
        let answer = match (
            self.store.leases().into_iter().find(|lease| lease.id == id),
            self.lease_deadlines.get(&id),
        ) {
            (Some(lease), Some((granted, expiry))) => LeaseTimeToLive {
                header_revision,
                id,
                granted_ttl_seconds: *granted,
                remaining_seconds: i64::try_from(expiry.saturating_sub(now) / 1000)
                    .unwrap_or(i64::MAX),
                keys: lease.keys,
            },
            _ => LeaseTimeToLive {
                header_revision,
                id,
                granted_ttl_seconds: 0,
                remaining_seconds: -1,
                keys: Vec::new(),
            },
        };
        Ok(self.served(answer))
    }

    fn lease_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<i64>>, RpcError> {
        self.reach(endpoints)?;
        Ok(self.served(self.store.leases().iter().map(|lease| lease.id).collect()))
    }

    fn lease_keep_alive_once(
        &mut self,
        endpoints: &[String],
        id: i64,
    ) -> Result<Served<LeaseKeepAlive>, RpcError> {
        self.reach(endpoints)?;
        let now = self.virtual_time_milliseconds;
        let Some((granted, expiry)) = self.lease_deadlines.get_mut(&id) else {
            return Err(RpcError::from_mvcc(&MvccError::LeaseNotFound));
        };
        *expiry = now.saturating_add(u64::try_from(*granted).unwrap_or(0).saturating_mul(1000));
        let ttl_seconds = *granted;
        Ok(self.served(LeaseKeepAlive {
            header_revision: self.store.revision(),
            id,
            ttl_seconds,
        }))
    }

    fn hash_kv(&mut self, endpoint: &str, revision: i64) -> Result<Served<HashKv>, RpcError> {
        if !self.is_own_endpoint(endpoint) {
            return Err(RpcError::unreachable());
        }
        if revision > self.store.revision() {
            return Err(RpcError::from_mvcc(&MvccError::FutureRevision));
        }
        let full = self.store.content_hash();
        // Fold the 64-bit history hash into etcd's 32-bit field.
        let hash = (full as u32) ^ ((full >> 32) as u32);
        Ok(self.served(HashKv {
            hash,
            compact_revision: self.store.compact_revision(),
        }))
    }
}
