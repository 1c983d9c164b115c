//! What the console needs from an etcd cluster: the calls etcdctl 3.4 makes, as one trait.
//!
//! The console never talks to a member itself. It turns a command line into calls on an
//! [`EtcdctlBackend`] and prints the answers exactly as etcdctl would. Two implementations:
//! [`crate::SingleMemberBackend`] (one `mvcc::Store`, fixed ids, used by the golden tests) and the
//! cluster adapter (the simulated multi-member cluster, written against this trait).
//!
//! # Worked example: what `etcdctl --endpoints=127.0.0.1:22379 get --consistency=s /a` calls
//!
//! ```text
//! backend.range(&["127.0.0.1:22379"], RangeRequest { key: b"/a", .. }, Consistency::Serializable)
//!   -> Ok(Served { cluster_id, member_id, raft_term, response: RangeResponse { header: { revision: 3 }, kvs, .. } })
//!   -> printed as "/a\n<value>\n"
//!   -> Err(RpcError { code: DeadlineExceeded, description: "context deadline exceeded" })
//!   -> printed as the client's zap warn line + "Error: context deadline exceeded", exit 1
//! ```
//!
//! # Rules every implementation must follow
//! - **Endpoints** are the strings the user typed (`127.0.0.1:2379` or `http://127.0.0.1:2379`);
//!   match them with [`endpoint_host_port`]. An endpoint that names no member answers like a
//!   closed port: `RpcError::unreachable()` for calls through the client balancer,
//!   `RpcError::status_unreachable()` for `status`.
//! - **KV calls** (`range`, `put`, `delete_range`, `txn`, `compact`, `watch`, `member_*`,
//!   `move_leader`) get the whole endpoint list, like clientv3's balancer: use the first endpoint
//!   whose member is up (3.4's balancer fails over to the next on a transport error).
//! - **Errors carry etcd's gRPC code and text** (`RpcError`): an `mvcc::MvccError` becomes
//!   [`RpcError::from_mvcc`]; a request that cannot finish before etcdctl's `--command-timeout`
//!   (no leader, partition) is [`RpcError::deadline_exceeded`]; the console prints them.
//! - **Headers**: every answer is [`Served`]: the answering member's cluster id, member id and
//!   raft term, plus the mvcc response (whose `header.revision` is the store revision).
//! - **No state change on error**: a call that returns `Err` must not have written anything
//!   (except a write that really did commit later, which is etcd's behaviour too).
//! - **Calls are synchronous**: the console waits for each answer, like etcdctl. A cluster
//!   adapter runs its simulation (advancing virtual time) until the request is answered or the
//!   command timeout given by [`EtcdctlBackend::set_command_timeout_nanoseconds`] has passed,
//!   then returns. Watches are the exception: `watch` returns at once and `poll_watch` drains.
//! - Deterministic: the same calls in the same simulation state give the same answers.

use mvcc::{
    CompactionRequest, CompactionResponse, DeleteRangeRequest, DeleteRangeResponse, PutRequest,
    PutResponse, RangeRequest, RangeResponse, TxnRequest, TxnResponse, WatchRequest, WatchResponse,
};

/// etcd's read consistency (`get --consistency=l|s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    /// ReadIndex through the leader: fails without a quorum (the default).
    Linearizable,
    /// Served from the member's own applied state: may be stale, works without a leader.
    Serializable,
}

/// An answer plus the header fields the member layer adds (etcd's `ResponseHeader`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served<T> {
    pub cluster_id: u64,
    pub member_id: u64,
    pub raft_term: u64,
    pub response: T,
}

/// gRPC status codes etcd uses (the names are printed in the client's warn line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpcCode {
    Unknown,
    InvalidArgument,
    DeadlineExceeded,
    NotFound,
    AlreadyExists,
    PermissionDenied,
    ResourceExhausted,
    FailedPrecondition,
    OutOfRange,
    Unavailable,
}

impl RpcCode {
    pub fn name(self) -> &'static str {
        match self {
            RpcCode::Unknown => "Unknown",
            RpcCode::InvalidArgument => "InvalidArgument",
            RpcCode::DeadlineExceeded => "DeadlineExceeded",
            RpcCode::NotFound => "NotFound",
            RpcCode::AlreadyExists => "AlreadyExists",
            RpcCode::PermissionDenied => "PermissionDenied",
            RpcCode::ResourceExhausted => "ResourceExhausted",
            RpcCode::FailedPrecondition => "FailedPrecondition",
            RpcCode::OutOfRange => "OutOfRange",
            RpcCode::Unavailable => "Unavailable",
        }
    }
}

/// A failed call as the gRPC client sees it: a code and a description.
///
/// `description` is what the server (or the client's transport) said, e.g.
/// `etcdserver: mvcc: required revision has been compacted`, `context deadline exceeded`,
/// `latest balancer error: all SubConns are in TransientFailure`, `etcdserver: request timed out`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcError {
    pub code: RpcCode,
    pub description: String,
}

impl RpcError {
    pub fn new(code: RpcCode, description: impl Into<String>) -> RpcError {
        RpcError {
            code,
            description: description.into(),
        }
    }

    /// The gRPC code etcd's server gives each store error (`rpctypes/error.go`).
    pub fn from_mvcc(error: &mvcc::MvccError) -> RpcError {
        use mvcc::MvccError as E;
        let code = match error {
            E::Compacted | E::FutureRevision => RpcCode::OutOfRange,
            E::EmptyKey | E::RequestTooLarge | E::DuplicateKey | E::TooManyOperations => {
                RpcCode::InvalidArgument
            }
            E::LeaseNotFound => RpcCode::NotFound,
            E::LeaseExists => RpcCode::FailedPrecondition,
            E::LeaseTtlTooLarge => RpcCode::OutOfRange,
        };
        RpcError::new(code, error.to_string())
    }

    /// The command timeout ran out while the request waited (no leader, lost quorum, partition).
    pub fn deadline_exceeded() -> RpcError {
        RpcError::new(RpcCode::DeadlineExceeded, "context deadline exceeded")
    }

    /// No member listens on the endpoint: the balancer never connects.
    pub fn unreachable() -> RpcError {
        RpcError::new(
            RpcCode::DeadlineExceeded,
            "latest balancer error: all SubConns are in TransientFailure",
        )
    }

    /// `endpoint status` dials each endpoint directly; a closed port gives this description.
    pub fn status_unreachable(endpoint: &str) -> RpcError {
        let host_port = endpoint_host_port(endpoint);
        RpcError::new(
            RpcCode::DeadlineExceeded,
            format!(
                "latest balancer error: connection error: desc = \"transport: Error while dialing dial tcp {host_port}: connect: connection refused\""
            ),
        )
    }

    /// What etcdctl prints after `Error: `: clientv3 turns known etcd errors into their text,
    /// a deadline into Go's `context deadline exceeded`, and leaves other codes as the raw gRPC error.
    pub fn client_text(&self) -> String {
        match self.code {
            RpcCode::DeadlineExceeded => "context deadline exceeded".to_string(),
            RpcCode::Unknown => format!("rpc error: code = Unknown desc = {}", self.description),
            _ => self.description.clone(),
        }
    }

    /// The text of the client's warn log line (`"error":"rpc error: code = ... desc = ..."`).
    pub fn grpc_text(&self) -> String {
        format!(
            "rpc error: code = {} desc = {}",
            self.code.name(),
            self.description
        )
    }
}

/// One member as `member list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: u64,
    /// Empty for a member that was added but has not started yet (printed as `unstarted`).
    pub name: String,
    pub peer_urls: Vec<String>,
    pub client_urls: Vec<String>,
    pub is_learner: bool,
}

/// `endpoint status` of one member (etcd's `StatusResponse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointStatus {
    /// The member's store revision (`header.revision` of the status answer).
    pub header_revision: i64,
    /// `3.4.23` for fidelity with the reference transcripts.
    pub version: String,
    pub db_size_bytes: i64,
    pub db_size_in_use_bytes: i64,
    /// 0 when the member knows no leader.
    pub leader: u64,
    pub raft_index: u64,
    /// The term of the last applied entry (frozen on an isolated member, as in etcd).
    pub raft_term: u64,
    pub raft_applied_index: u64,
    pub is_learner: bool,
    /// e.g. `etcdserver: no leader` while the member has no leader.
    pub errors: Vec<String>,
}

/// The result of `endpoint health` on one endpoint: a linearizable get of a missing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    /// How long the check took in (virtual) nanoseconds; printed like Go's `time.Duration`.
    pub took_nanoseconds: u64,
    /// `None` = healthy.
    pub error: Option<RpcError>,
}

/// `endpoint hashkv`: the hash of the member's KV history up to a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashKv {
    pub hash: u32,
    pub compact_revision: i64,
}

/// `LeaseTimeToLive`: `remaining_seconds` is -1 (and `granted_ttl_seconds` 0) for a lease that
/// does not exist (expired or revoked), which etcdctl prints as `already expired`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseTimeToLive {
    /// The store revision when the answer was made (`revision` in `-w json`).
    pub header_revision: i64,
    pub id: i64,
    pub granted_ttl_seconds: i64,
    /// Whole seconds left, rounded down (etcd truncates the remaining duration).
    pub remaining_seconds: i64,
    /// The attached keys, sorted.
    pub keys: Vec<Vec<u8>>,
}

/// `LeaseKeepAlive`'s answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseKeepAlive {
    /// The store revision when the answer was made (`revision` in `-w json`).
    pub header_revision: i64,
    pub id: i64,
    /// The granted TTL the expiry was reset to.
    pub ttl_seconds: i64,
}

/// A running watch, as the backend numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WatchHandle(pub u64);

/// What `poll_watch` returns: responses, or the server ending the watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchPoll {
    Responses(Vec<Served<WatchResponse>>),
    /// The server cancelled the watch with this reason (e.g. `etcdserver: no leader`); etcdctl exits 5.
    Canceled(String),
}

/// The calls etcdctl 3.4 makes. See the module docs for the rules each method must follow.
pub trait EtcdctlBackend {
    /// The endpoints etcdctl uses without `--endpoints` (etcdctl's default is `127.0.0.1:2379`).
    fn default_endpoints(&self) -> Vec<String> {
        vec!["127.0.0.1:2379".to_string()]
    }

    /// Virtual time in milliseconds since the simulation's epoch, for the `ts` field of log lines.
    fn now_milliseconds(&self) -> u64;

    /// Called by the console before each etcdctl command with its `--command-timeout`
    /// (default 5 s) in nanoseconds. A request that cannot be answered within it must fail with
    /// [`RpcError::deadline_exceeded`]; a write that the server gives up on first (its 7 s
    /// request timeout, when the client waits longer) fails with
    /// `RpcError::new(Unavailable, "etcdserver: request timed out")` or, as etcd 3.4 does after
    /// the client's deadline passed, `RpcError::new(Unknown, "context deadline exceeded")`.
    fn set_command_timeout_nanoseconds(&mut self, _timeout_nanoseconds: u64) {}

    /// `Range`. Linearizable reads must fail with `deadline_exceeded` without a quorum;
    /// serializable reads answer from the member's applied state.
    fn range(
        &mut self,
        endpoints: &[String],
        request: RangeRequest,
        consistency: Consistency,
    ) -> Result<Served<RangeResponse>, RpcError>;

    /// `Put` through Raft (one log entry).
    fn put(
        &mut self,
        endpoints: &[String],
        request: PutRequest,
    ) -> Result<Served<PutResponse>, RpcError>;

    /// `DeleteRange` through Raft.
    fn delete_range(
        &mut self,
        endpoints: &[String],
        request: DeleteRangeRequest,
    ) -> Result<Served<DeleteRangeResponse>, RpcError>;

    /// `Txn` through Raft (a read-only txn may be served like a linearizable range).
    fn txn(
        &mut self,
        endpoints: &[String],
        request: TxnRequest,
    ) -> Result<Served<TxnResponse>, RpcError>;

    /// `Compact` through Raft; `physical` waits for the compaction to finish (same answer here).
    fn compact(
        &mut self,
        endpoints: &[String],
        request: CompactionRequest,
    ) -> Result<Served<CompactionResponse>, RpcError>;

    /// Starts a watch (etcdctl uses `WithRequireLeader`: on a member without a leader the watch
    /// must be cancelled at once, reported by the first `poll_watch` as `Canceled("etcdserver: no leader")`).
    /// A start revision below the compaction revision is not an error here: the first poll returns
    /// a response with `canceled: true` and `compact_revision` set, as etcd does.
    fn watch(
        &mut self,
        endpoints: &[String],
        request: WatchRequest,
    ) -> Result<WatchHandle, RpcError>;

    /// Drains this watch's responses produced since the last poll, in order, exactly as
    /// `mvcc::Store::take_watch_responses` produced them for this watch id (the `created`
    /// notification, the replay, one response per later write, a compaction cancel), each with
    /// the header of the member serving the watch. The console drops `created` and the cancel
    /// that answers its own `cancel_watch`, as clientv3 does. Never blocks.
    fn poll_watch(&mut self, handle: WatchHandle) -> WatchPoll;

    /// Stops a watch (Ctrl-C / timeout) and forgets its queued responses. Unknown handles are ignored.
    fn cancel_watch(&mut self, handle: WatchHandle);

    /// `MemberList`. In 3.4 it is served locally by the member, so it works without a quorum.
    fn member_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<Member>>, RpcError>;

    /// `MemberAdd`: returns the new member (id chosen by the cluster, name empty) and the new list.
    fn member_add(
        &mut self,
        endpoints: &[String],
        peer_urls: Vec<String>,
        is_learner: bool,
    ) -> Result<Served<(Member, Vec<Member>)>, RpcError>;

    /// `MemberRemove`: unknown id -> `RpcError::new(NotFound, "etcdserver: member not found")`.
    fn member_remove(
        &mut self,
        endpoints: &[String],
        member_id: u64,
    ) -> Result<Served<Vec<Member>>, RpcError>;

    /// `MoveLeader`, sent to ONE endpoint that must be the leader's (the console checks that with
    /// `status` first, as etcdctl does). Returns when the transfer is done.
    fn move_leader(
        &mut self,
        endpoint: &str,
        target_member_id: u64,
    ) -> Result<Served<()>, RpcError>;

    /// `Status` of the member behind one endpoint (answers even without a leader).
    fn status(&mut self, endpoint: &str) -> Result<Served<EndpointStatus>, RpcError>;

    /// `endpoint health` of one endpoint: a linearizable get of the key `health` must succeed
    /// (a "no leader" or timeout is unhealthy). `took_nanoseconds` is the virtual time it took.
    fn health(&mut self, endpoint: &str) -> HealthCheck;

    /// `AlarmList`: in etcd 3.4 it goes through Raft (one log entry); the playground raises no
    /// alarms, so the list is empty.
    fn alarm_list(&mut self, endpoints: &[String]) -> Result<Served<()>, RpcError>;

    /// `LeaseGrant` through Raft. The server picks the id (etcd: the member id's low 16 bits,
    /// then a time-based counter; sign bit cleared) and raises the TTL to the minimum (2 s with
    /// a 1 s election timeout). Expiry is the member layer's: it revokes the lease when due.
    fn lease_grant(
        &mut self,
        endpoints: &[String],
        ttl_seconds: i64,
    ) -> Result<Served<mvcc::LeaseGrantResponse>, RpcError>;

    /// `LeaseRevoke` through Raft: deletes the attached keys in one revision.
    /// Unknown id: `RpcError::from_mvcc(&MvccError::LeaseNotFound)`.
    fn lease_revoke(
        &mut self,
        endpoints: &[String],
        id: i64,
    ) -> Result<Served<mvcc::LeaseRevokeResponse>, RpcError>;

    /// `LeaseTimeToLive` (with the keys). An unknown lease is not an error (see [`LeaseTimeToLive`]).
    fn lease_time_to_live(
        &mut self,
        endpoints: &[String],
        id: i64,
    ) -> Result<Served<LeaseTimeToLive>, RpcError>;

    /// `LeaseLeases`: the ids of the live leases, ascending.
    fn lease_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<i64>>, RpcError>;

    /// One `LeaseKeepAlive` round (etcdctl `lease keep-alive --once`): the leader resets the
    /// lease's expiry to its granted TTL. An unknown or expired lease:
    /// `RpcError::from_mvcc(&MvccError::LeaseNotFound)` (clientv3 turns a TTL <= 0 answer into it).
    /// Backends without leases answer that no lease exists.
    fn lease_keep_alive_once(
        &mut self,
        endpoints: &[String],
        _id: i64,
    ) -> Result<Served<LeaseKeepAlive>, RpcError> {
        let _ = endpoints;
        Err(RpcError::from_mvcc(&mvcc::MvccError::LeaseNotFound))
    }

    /// `HashKV` at `revision` (0 = current) of the member behind one endpoint.
    fn hash_kv(&mut self, endpoint: &str, revision: i64) -> Result<Served<HashKv>, RpcError>;
}

/// `http://127.0.0.1:2379` -> `127.0.0.1:2379`; `127.0.0.1:2379` stays as it is.
pub fn endpoint_host_port(endpoint: &str) -> &str {
    endpoint
        .strip_prefix("http://")
        .or_else(|| endpoint.strip_prefix("https://"))
        .unwrap_or(endpoint)
}
