//! Client requests as the cluster sees them (etcdctl-like: one member, a timeout).

use serde::Deserialize;
use serde::Serialize;

use etcd_member::ClientError;
use etcd_member::ClientOp;
use etcd_member::ClientReply;
use etcd_member::MemberId;

/// Identifies one submitted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClientRequestId(pub u64);

/// A request sent to one member, answered or failed within `timeout_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRequest {
    pub member: MemberId,
    pub op: ClientOp,
    /// etcdctl's `--command-timeout` (5 s by default).
    pub timeout_ms: u64,
}

/// The answer to a [`ClientRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientResponse {
    pub id: ClientRequestId,
    pub member: MemberId,
    pub submitted_ms: u64,
    pub completed_ms: u64,
    pub result: Result<ClientReply, ClientError>,
}

pub(crate) struct PendingRequest {
    pub(crate) member: MemberId,
    pub(crate) submitted_ms: u64,
    pub(crate) deadline_ms: u64,
}
