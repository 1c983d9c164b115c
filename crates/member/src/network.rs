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
use serde::Deserialize;
use serde::Serialize;
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

    /// One-line description for the trace: numbers kept as numbers, turned into
    /// text only when shown (most trace records scroll away unread).
    pub fn summary(&self) -> MessageSummary {
        match self {
            PeerRequest::AppendEntries(request) => MessageSummary::AppendEntries {
                term: request.vote.leader_id.term,
                prev_index: request.prev_log_id.as_ref().map(|log_id| log_id.index).unwrap_or(0),
                entries: request.entries.len() as u64,
                commit_index: request.leader_commit.as_ref().map(|log_id| log_id.index).unwrap_or(0),
            },
            PeerRequest::Vote(request) | PeerRequest::PreVote(request) => MessageSummary::Vote {
                term: request.vote.leader_id.term,
                last_log_index: request.last_log_id.as_ref().map(|log_id| log_id.index).unwrap_or(0),
            },
            PeerRequest::InstallSnapshot { vote, snapshot } => MessageSummary::InstallSnapshot {
                term: vote.leader_id.term,
                last_included_index: snapshot.meta.last_log_id.as_ref().map(|log_id| log_id.index).unwrap_or(0),
            },
            PeerRequest::ForwardWrite(command) => MessageSummary::Text(command.to_string()),
            PeerRequest::ReadIndex => MessageSummary::Empty,
            PeerRequest::TransferLeader(request) => MessageSummary::TransferTo { member: MemberId(*request.to_node_id()) },
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

    /// One-line description for the trace (see [`PeerRequest::summary`]).
    pub fn summary(&self) -> MessageSummary {
        match self {
            PeerReply::AppendEntries(AppendEntriesResponse::Success) => MessageSummary::Success,
            PeerReply::AppendEntries(response) => MessageSummary::Text(format!("{response:?}")),
            PeerReply::Vote(response) | PeerReply::PreVote(response) => {
                MessageSummary::VoteReply { term: response.vote.leader_id.term, granted: response.vote_granted }
            }
            PeerReply::InstallSnapshot(response) => MessageSummary::Term { term: response.vote.leader_id.term },
            PeerReply::Written(Ok(applied)) => MessageSummary::Revision { revision: applied.revision },
            PeerReply::Written(Err(error)) | PeerReply::ReadIndex(Err(error)) => MessageSummary::Text(error.to_string()),
            PeerReply::ReadIndex(Ok(index)) => MessageSummary::ReadIndex { index: *index },
            PeerReply::TransferLeader(Ok(())) => MessageSummary::Empty,
            PeerReply::TransferLeader(Err(error)) => MessageSummary::Text(error.to_string()),
            PeerReply::Refused => MessageSummary::Empty,
        }
    }
}

/// What a message said, for the trace and the UI. Kept as numbers because a
/// busy cluster sends thousands of messages a second and the page shows a few:
/// the text is made by `Display` when one is shown.
///
/// ```
/// # use etcd_member::MessageSummary;
/// let heartbeat = MessageSummary::AppendEntries { term: 2, prev_index: 7, entries: 0, commit_index: 7 };
/// assert_eq!(heartbeat.to_string(), "term=2 prev=7 entries=0 commit=7");
/// assert_eq!(MessageSummary::VoteReply { term: 3, granted: true }.to_string(), "term=3 granted=true");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageSummary {
    AppendEntries { term: u64, prev_index: u64, entries: u64, commit_index: u64 },
    Vote { term: u64, last_log_index: u64 },
    InstallSnapshot { term: u64, last_included_index: u64 },
    TransferTo { member: MemberId },
    /// An AppendEntries reply that accepted everything (the common one).
    Success,
    VoteReply { term: u64, granted: bool },
    Term { term: u64 },
    Revision { revision: i64 },
    ReadIndex { index: u64 },
    /// Rare messages (errors, forwarded proposals, conflicts): their text at once.
    Text(String),
    Empty,
}

impl fmt::Display for MessageSummary {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageSummary::AppendEntries { term, prev_index, entries, commit_index } => {
                write!(formatter, "term={term} prev={prev_index} entries={entries} commit={commit_index}")
            }
            MessageSummary::Vote { term, last_log_index } => write!(formatter, "term={term} last_log={last_log_index}"),
            MessageSummary::InstallSnapshot { term, last_included_index } => {
                write!(formatter, "term={term} last_included={last_included_index}")
            }
            MessageSummary::TransferTo { member } => write!(formatter, "to={member}"),
            MessageSummary::Success => formatter.write_str("Success"),
            MessageSummary::VoteReply { term, granted } => write!(formatter, "term={term} granted={granted}"),
            MessageSummary::Term { term } => write!(formatter, "term={term}"),
            MessageSummary::Revision { revision } => write!(formatter, "revision={revision}"),
            MessageSummary::ReadIndex { index } => write!(formatter, "index={index}"),
            MessageSummary::Text(text) => formatter.write_str(text),
            MessageSummary::Empty => Ok(()),
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
