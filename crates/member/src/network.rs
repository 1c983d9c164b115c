//! What members say to each other, and the openraft network adapter that says it.
//!
//! Every Raft RPC (and every proposal or ReadIndex a follower forwards to the
//! leader) is one [`PeerRequest`] handed to the owner's [`Transport`], which
//! answers later through a oneshot with a [`PeerReply`]. The owner decides
//! when (latency), whether (loss, cuts, held messages) and how often
//! (duplication) it arrives.
//!
//! A request that is lost costs the sender its full RPC timeout, as a lost
//! TCP exchange would (the owner keeps the reply channel open). That timeout is
//! openraft's soft TTL: 3/4 of one election timeout for AppendEntries and votes
//! ([`crate::peer_rpc_timeout_ms`]), so round trips far slower than a heartbeat work. A request to a
//! member that is down fails at once, like a refused connection (the owner
//! drops the reply channel).

use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use futures::channel::oneshot;
use openraft::alias::SnapshotOf;
use openraft::alias::VoteOf;
use openraft::errors::RPCError;
use openraft::errors::ReplicationClosed;
use openraft::errors::StreamingError;
use openraft::errors::Unreachable;
use openraft::network::RPCOption;
use openraft::network::v2::RaftNetworkV2;
use openraft::raft::AppendEntriesRequest;
use openraft::raft::AppendEntriesResponse;
use openraft::raft::SnapshotResponse;
use openraft::raft::TransferLeaderRequest;
use openraft::raft::TransferLeaderResponse;
use openraft::raft::VoteRequest;
use openraft::raft::VoteResponse;
use openraft::OptionalSend;
use openraft::RaftNetworkFactory;
use openraft::AsyncRuntime;
use openraft::Instant;
use sim_runtime::SimInstant;
use sim_runtime::SimRuntime;

use crate::client::ClientError;
use crate::state_machine::SnapshotPayload;
use crate::types::Applied;
use crate::types::LogCommand;
use crate::types::MemberId;
use crate::types::TypeConfig;

/// A request from one member to another.
#[derive(Debug, Clone)]
pub enum PeerRequest {
    AppendEntries(AppendEntriesRequest<TypeConfig>),
    Vote(VoteRequest<TypeConfig>),
    PreVote(VoteRequest<TypeConfig>),
    InstallSnapshot { vote: VoteOf<TypeConfig>, snapshot: SnapshotOf<TypeConfig, SnapshotPayload> },
    /// A follower forwards a client's write to the leader (etcd's MsgProp).
    ForwardWrite(LogCommand),
    /// A follower asks the leader for a read index (etcd's MsgReadIndex).
    ReadIndex,
    /// The leader hands leadership over (etcd's MsgTimeoutNow after `move-leader`):
    /// the named member campaigns at once, the others stop honouring the old leader's lease.
    TransferLeader(TransferLeaderRequest<TypeConfig>),
}

/// The answer to a [`PeerRequest`].
#[derive(Debug, Clone)]
pub enum PeerReply {
    AppendEntries(AppendEntriesResponse<TypeConfig>),
    Vote(VoteResponse<TypeConfig>),
    PreVote(VoteResponse<TypeConfig>),
    InstallSnapshot(SnapshotResponse<TypeConfig>),
    Written(Result<Applied, ClientError>),
    ReadIndex(Result<u64, ClientError>),
    TransferLeader(TransferLeaderResponse<TypeConfig>),
    /// The receiver's Raft has stopped (it is shutting down).
    Refused,
}

impl PeerRequest {
    /// Short name for traces and the UI ("AppendEntries", "Vote", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            PeerRequest::AppendEntries(request) if request.entries.is_empty() => "Heartbeat",
            PeerRequest::AppendEntries(_) => "AppendEntries",
            PeerRequest::Vote(_) => "RequestVote",
            PeerRequest::PreVote(_) => "PreVote",
            PeerRequest::InstallSnapshot { .. } => "InstallSnapshot",
            PeerRequest::ForwardWrite(_) => "ForwardProposal",
            PeerRequest::ReadIndex => "ReadIndex",
            PeerRequest::TransferLeader(_) => "TimeoutNow",
        }
    }

    /// One-line description for the trace.
    pub fn summary(&self) -> String {
        match self {
            PeerRequest::AppendEntries(request) => format!(
                "term={} prev={} entries={} commit={}",
                request.vote.leader_id.term,
                request.prev_log_id.as_ref().map(|log_id| log_id.index).unwrap_or(0),
                request.entries.len(),
                request.leader_commit.as_ref().map(|log_id| log_id.index).unwrap_or(0)
            ),
            PeerRequest::Vote(request) | PeerRequest::PreVote(request) => format!(
                "term={} last_log={}",
                request.vote.leader_id.term,
                request.last_log_id.as_ref().map(|log_id| log_id.index).unwrap_or(0)
            ),
            PeerRequest::InstallSnapshot { vote, snapshot } => format!(
                "term={} last_included={}",
                vote.leader_id.term,
                snapshot.meta.last_log_id.as_ref().map(|log_id| log_id.index).unwrap_or(0)
            ),
            PeerRequest::ForwardWrite(command) => command.to_string(),
            PeerRequest::ReadIndex => String::new(),
            PeerRequest::TransferLeader(request) => format!("to=member-{}", request.to_node_id()),
        }
    }
}

impl PeerReply {
    /// Short name for traces and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            PeerReply::AppendEntries(_) => "AppendEntriesReply",
            PeerReply::Vote(_) => "RequestVoteReply",
            PeerReply::PreVote(_) => "PreVoteReply",
            PeerReply::InstallSnapshot(_) => "InstallSnapshotReply",
            PeerReply::Written(_) => "ProposalReply",
            PeerReply::ReadIndex(_) => "ReadIndexReply",
            PeerReply::TransferLeader(_) => "TimeoutNowReply",
            PeerReply::Refused => "Refused",
        }
    }

    /// One-line description for the trace.
    pub fn summary(&self) -> String {
        match self {
            PeerReply::AppendEntries(response) => format!("{response:?}"),
            PeerReply::Vote(response) | PeerReply::PreVote(response) => {
                format!("term={} granted={}", response.vote.leader_id.term, response.vote_granted)
            }
            PeerReply::InstallSnapshot(response) => format!("term={}", response.vote.leader_id.term),
            PeerReply::Written(Ok(applied)) => format!("revision={}", applied.revision),
            PeerReply::Written(Err(error)) | PeerReply::ReadIndex(Err(error)) => error.to_string(),
            PeerReply::ReadIndex(Ok(index)) => format!("index={index}"),
            PeerReply::TransferLeader(Ok(())) => String::new(),
            PeerReply::TransferLeader(Err(error)) => error.to_string(),
            PeerReply::Refused => String::new(),
        }
    }
}

/// The owner's network: carries one request and, later, its reply.
pub trait Transport {
    /// Sends `request` from `from` to `to`. The reply arrives on the returned
    /// receiver. Dropping the sender means "connection refused" (the caller
    /// gives up at once); a lost message keeps the sender until the caller
    /// times out.
    fn send(&self, from: MemberId, to: MemberId, request: PeerRequest) -> oneshot::Receiver<PeerReply>;
}

/// Sends `request` and waits for the reply until `timeout` has passed.
/// `None` means no reply: refused at once, or lost and timed out.
pub(crate) async fn call(
    transport: &Rc<dyn Transport>,
    from: MemberId,
    to: MemberId,
    request: PeerRequest,
    timeout: Duration,
) -> Option<PeerReply> {
    let deadline = SimInstant::now() + timeout;
    let receiver = transport.send(from, to, request);
    match SimRuntime::timeout_at(deadline, receiver).await {
        Ok(Ok(reply)) => Some(reply),
        Ok(Err(_refused)) => None,
        Err(_elapsed) => None,
    }
}

#[derive(Debug)]
struct LostExchange {
    from: MemberId,
    to: MemberId,
    kind: &'static str,
}

impl fmt::Display for LostExchange {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} from {} to {} got no reply in time", self.kind, self.from, self.to)
    }
}

impl std::error::Error for LostExchange {}

/// Hands openraft a client per target member.
pub(crate) struct NetworkFactory {
    pub(crate) from: MemberId,
    pub(crate) transport: Rc<dyn Transport>,
}

impl RaftNetworkFactory<TypeConfig> for NetworkFactory {
    type Network = NetworkClient;

    async fn new_client(&mut self, target: u64, _node: &()) -> NetworkClient {
        NetworkClient { from: self.from, to: MemberId(target), transport: self.transport.clone() }
    }
}

/// openraft's connection to one peer.
pub(crate) struct NetworkClient {
    from: MemberId,
    to: MemberId,
    transport: Rc<dyn Transport>,
}

impl NetworkClient {
    async fn exchange(&self, request: PeerRequest, timeout: Duration) -> Result<PeerReply, Unreachable<TypeConfig>> {
        let kind = request.kind();
        match call(&self.transport, self.from, self.to, request, timeout).await {
            Some(PeerReply::Refused) | None => {
                Err(Unreachable::new(&LostExchange { from: self.from, to: self.to, kind }))
            }
            Some(reply) => Ok(reply),
        }
    }
}

fn mismatched(kind: &'static str) -> Unreachable<TypeConfig> {
    Unreachable::from_string(format!("unexpected reply to {kind}"))
}

impl RaftNetworkV2<TypeConfig> for NetworkClient {
    type SnapshotData = SnapshotPayload;

    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse<TypeConfig>, RPCError<TypeConfig>> {
        match self.exchange(PeerRequest::AppendEntries(rpc), option.soft_ttl()).await? {
            PeerReply::AppendEntries(response) => Ok(response),
            _ => Err(RPCError::Unreachable(mismatched("AppendEntries"))),
        }
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<VoteResponse<TypeConfig>, RPCError<TypeConfig>> {
        match self.exchange(PeerRequest::Vote(rpc), option.soft_ttl()).await? {
            PeerReply::Vote(response) => Ok(response),
            _ => Err(RPCError::Unreachable(mismatched("RequestVote"))),
        }
    }

    async fn pre_vote(
        &mut self,
        rpc: VoteRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<VoteResponse<TypeConfig>, RPCError<TypeConfig>> {
        match self.exchange(PeerRequest::PreVote(rpc), option.soft_ttl()).await? {
            PeerReply::PreVote(response) => Ok(response),
            _ => Err(RPCError::Unreachable(mismatched("PreVote"))),
        }
    }

    async fn transfer_leader(
        &mut self,
        request: TransferLeaderRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<TransferLeaderResponse<TypeConfig>, RPCError<TypeConfig>> {
        match self.exchange(PeerRequest::TransferLeader(request), option.soft_ttl()).await? {
            PeerReply::TransferLeader(response) => Ok(response),
            _ => Err(RPCError::Unreachable(mismatched("TimeoutNow"))),
        }
    }

    async fn full_snapshot(
        &mut self,
        vote: VoteOf<TypeConfig>,
        snapshot: SnapshotOf<TypeConfig, SnapshotPayload>,
        _cancel: impl std::future::Future<Output = ReplicationClosed> + OptionalSend + 'static,
        option: RPCOption,
    ) -> Result<SnapshotResponse<TypeConfig>, StreamingError<TypeConfig>> {
        match self.exchange(PeerRequest::InstallSnapshot { vote, snapshot }, option.soft_ttl()).await {
            Ok(PeerReply::InstallSnapshot(response)) => Ok(response),
            Ok(_) => Err(StreamingError::Unreachable(mismatched("InstallSnapshot"))),
            Err(unreachable) => Err(StreamingError::Unreachable(unreachable)),
        }
    }
}
