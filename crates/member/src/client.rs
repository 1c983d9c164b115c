//! What a client (etcdctl, the apiserver) asks a member, and what it gets back.

use serde::Deserialize;
use serde::Serialize;

/// etcd's `--consistency` for reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ReadConsistency {
    /// ReadIndex through the leader, then read the local store (etcd's default).
    #[default]
    Linearizable,
    /// Read the member's local store as it is (may be stale).
    Serializable,
}

/// One etcd KV request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientOp {
    Range { request: mvcc::RangeRequest, consistency: ReadConsistency },
    Put(mvcc::PutRequest),
    DeleteRange(mvcc::DeleteRangeRequest),
    Txn(mvcc::TxnRequest),
    Compaction(mvcc::CompactionRequest),
    /// etcd's `LeaseGrant`: one log entry; the id is chosen by the member that takes the request.
    LeaseGrant(mvcc::LeaseGrantRequest),
    /// etcd's `LeaseRevoke` (also what the leader proposes when a lease expires).
    LeaseRevoke(mvcc::LeaseRevokeRequest),
}

impl ClientOp {
    /// The write this op proposes to Raft, if it is one.
    // `clone` on every arm: the mvcc request types may or may not be `Copy`.
    #[allow(clippy::clone_on_copy)]
    pub fn write_request(&self) -> Option<mvcc::WriteRequest> {
        match self {
            ClientOp::Range { .. } => None,
            ClientOp::Put(request) => Some(mvcc::WriteRequest::Put(request.clone())),
            ClientOp::DeleteRange(request) => Some(mvcc::WriteRequest::DeleteRange(request.clone())),
            ClientOp::Txn(request) => Some(mvcc::WriteRequest::Txn(request.clone())),
            ClientOp::Compaction(request) => Some(mvcc::WriteRequest::Compaction(request.clone())),
            ClientOp::LeaseGrant(request) => Some(mvcc::WriteRequest::LeaseGrant(request.clone())),
            ClientOp::LeaseRevoke(request) => Some(mvcc::WriteRequest::LeaseRevoke(request.clone())),
        }
    }

    /// Short name for traces ("put", "range", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            ClientOp::Range { consistency: ReadConsistency::Linearizable, .. } => "range",
            ClientOp::Range { consistency: ReadConsistency::Serializable, .. } => "range(serializable)",
            ClientOp::Put(_) => "put",
            ClientOp::DeleteRange(_) => "delete",
            ClientOp::Txn(_) => "txn",
            ClientOp::Compaction(_) => "compaction",
            ClientOp::LeaseGrant(_) => "lease-grant",
            ClientOp::LeaseRevoke(_) => "lease-revoke",
        }
    }
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientReply {
    Range(mvcc::RangeResponse),
    Put(mvcc::PutResponse),
    DeleteRange(mvcc::DeleteRangeResponse),
    Txn(mvcc::TxnResponse),
    Compaction(mvcc::CompactionResponse),
    /// Any other write's answer (lease grant and revoke).
    Other(mvcc::WriteResponse),
}

impl ClientReply {
    pub(crate) fn from_write(response: mvcc::WriteResponse) -> ClientReply {
        match response {
            mvcc::WriteResponse::Put(response) => ClientReply::Put(response),
            mvcc::WriteResponse::DeleteRange(response) => ClientReply::DeleteRange(response),
            mvcc::WriteResponse::Txn(response) => ClientReply::Txn(response),
            mvcc::WriteResponse::Compaction(response) => ClientReply::Compaction(response),
            #[allow(unreachable_patterns)]
            other => ClientReply::Other(other),
        }
    }

    /// The store revision in the response header.
    pub fn header_revision(&self) -> i64 {
        match self {
            ClientReply::Range(response) => response.header.revision,
            ClientReply::Put(response) => response.header.revision,
            ClientReply::DeleteRange(response) => response.header.revision,
            ClientReply::Txn(response) => response.header.revision,
            ClientReply::Compaction(response) => response.header.revision,
            ClientReply::Other(_) => 0,
        }
    }
}

/// Why a request failed, with the text etcd 3.4 / etcdctl prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ClientError {
    /// The client's own timeout (etcdctl `--command-timeout`, 5 s) ran out,
    /// or the member could not be reached at all.
    #[error("context deadline exceeded")]
    DeadlineExceeded,
    /// The server gave up waiting for the proposal to commit (ReqTimeout, 7 s).
    #[error("etcdserver: request timed out")]
    RequestTimedOut,
    /// The member knows no leader (watches with `WithRequireLeader`).
    #[error("etcdserver: no leader")]
    NoLeader,
    /// The proposal was dropped because leadership moved while it was pending:
    /// it may or may not have been committed.
    #[error("etcdserver: leader changed")]
    LeaderChanged,
    /// Internal: a forwarded request reached a member that is not the leader.
    #[error("etcdserver: not leader")]
    NotLeader,
    /// The member is shutting down or crashed while serving the request.
    #[error("etcdserver: server stopped")]
    Stopped,
    /// The store refused the request (compacted revision, empty key, ...).
    #[error(transparent)]
    Mvcc(#[from] mvcc::MvccError),
}
