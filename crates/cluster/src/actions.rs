//! What a user (or a scenario) can do to the cluster, and what can go wrong.

use serde::Deserialize;
use serde::Serialize;

use crate::network::MessageId;
use etcd_member::MemberId;

/// One user action. Serde-tagged so a share link can carry a list of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum FaultAction {
    /// Kill the member: its volatile state is lost, its disk (vote, log, snapshot) kept.
    Crash { member: MemberId },
    /// Start a crashed member again from its disk.
    Restart { member: MemberId },
    /// Cut every link between members of different groups. Members named in
    /// no group form one more group together.
    Partition { groups: Vec<Vec<MemberId>> },
    /// Restore every cut link.
    Heal,
    /// Cut `from → to` (and `to → from` when `both_directions`).
    CutLink { from: MemberId, to: MemberId, both_directions: bool },
    /// Restore `from → to` (and `to → from` when `both_directions`).
    RestoreLink { from: MemberId, to: MemberId, both_directions: bool },
    /// Latency range of `from → to`, in ms.
    SetLinkLatency { from: MemberId, to: MemberId, latency_ms_min: u64, latency_ms_max: u64 },
    /// Loss probability of `from → to` (0.0 to 1.0).
    SetLinkLoss { from: MemberId, to: MemberId, loss_probability: f64 },
    /// Keep a message in flight until released.
    HoldMessage { message: MessageId },
    /// Deliver a held message at the next step.
    ReleaseMessage { message: MessageId },
    /// Lose a message in flight.
    DropMessage { message: MessageId },
    /// Start a new empty member and add it to the cluster (learner, then voter).
    AddMember { member: MemberId },
    /// Remove a member from the voters; it is stopped once the change commits.
    RemoveMember { member: MemberId },
    /// The leader hands leadership to this running voter (etcd's `move-leader`).
    TransferLeader { to: MemberId },
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ClusterError {
    #[error("member {0} does not exist")]
    UnknownMember(MemberId),
    #[error("member {0} is already running")]
    AlreadyRunning(MemberId),
    #[error("member {0} is not running")]
    NotRunning(MemberId),
    #[error("member {0} already exists")]
    MemberExists(MemberId),
    #[error("a cluster holds 1 to 7 members (etcd recommends at most seven)")]
    TooManyMembers,
    #[error("message {0:?} is not in flight")]
    UnknownMessage(MessageId),
    #[error("a member cannot link to itself")]
    SelfLink,
    #[error("etcdserver: no leader")]
    NoLeader,
    #[error("member {0} is not a voter")]
    NotAVoter(MemberId),
    #[error("member {member} failed to start: {reason}")]
    StartFailed { member: MemberId, reason: String },
}
