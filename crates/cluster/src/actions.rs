//! What a user (or a scenario) can do to the cluster, and what can go wrong.

use serde::de::Error as _;
use serde::Deserialize;
use serde::Deserializer;
use serde::Serialize;

use crate::network::MessageId;
use etcd_member::MemberId;

/// One user action. Serde-tagged so a share link can carry a list of them:
/// `{"action": "cut_link", "from": 1, "to": 2, "both_directions": true}`.
///
/// `Deserialize` is written by hand (see [`FaultActionFields`]) for the page's
/// size; it reads every JSON the derived internally-tagged form wrote, and
/// differs from the derived reader only on JSON the page never writes (a
/// field of another kind with the wrong type is refused instead of ignored).
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// [`FaultAction`]'s JSON read flat: the tag and every field any variant has.
///
/// Why not `#[derive(Deserialize)]` with `#[serde(tag = "action")]`: serde
/// derives an internally tagged enum by buffering the object into its private
/// `Content` tree and running one visitor per variant over it, about 35 KB of
/// wasm for this enum alone. One struct of optional fields plus a `match` reads
/// the same JSON (missing tag, unknown tag and missing field are still errors
/// naming the field) for a fraction of that. Fields a variant does not have are
/// ignored, as before, as long as they have the type the field has elsewhere.
#[derive(Deserialize)]
struct FaultActionFields {
    action: FaultKind,
    member: Option<MemberId>,
    groups: Option<Vec<Vec<MemberId>>>,
    from: Option<MemberId>,
    to: Option<MemberId>,
    both_directions: Option<bool>,
    latency_ms_min: Option<u64>,
    latency_ms_max: Option<u64>,
    loss_probability: Option<f64>,
    message: Option<MessageId>,
}

/// The `action` tag of [`FaultAction`]'s JSON.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum FaultKind {
    Crash,
    Restart,
    Partition,
    Heal,
    CutLink,
    RestoreLink,
    SetLinkLatency,
    SetLinkLoss,
    HoldMessage,
    ReleaseMessage,
    DropMessage,
    AddMember,
    RemoveMember,
    TransferLeader,
}

impl FaultActionFields {
    /// The action the fields describe, or the name of a field it lacks.
    fn into_action(self) -> Result<FaultAction, &'static str> {
        let member = || self.member.ok_or("member");
        let from = || self.from.ok_or("from");
        let to = || self.to.ok_or("to");
        let both_directions = || self.both_directions.ok_or("both_directions");
        let message = || self.message.ok_or("message");
        Ok(match self.action {
            FaultKind::Crash => FaultAction::Crash { member: member()? },
            FaultKind::Restart => FaultAction::Restart { member: member()? },
            FaultKind::Partition => FaultAction::Partition { groups: self.groups.ok_or("groups")? },
            FaultKind::Heal => FaultAction::Heal,
            FaultKind::CutLink => FaultAction::CutLink { from: from()?, to: to()?, both_directions: both_directions()? },
            FaultKind::RestoreLink => FaultAction::RestoreLink { from: from()?, to: to()?, both_directions: both_directions()? },
            FaultKind::SetLinkLatency => FaultAction::SetLinkLatency {
                from: from()?,
                to: to()?,
                latency_ms_min: self.latency_ms_min.ok_or("latency_ms_min")?,
                latency_ms_max: self.latency_ms_max.ok_or("latency_ms_max")?,
            },
            FaultKind::SetLinkLoss => {
                FaultAction::SetLinkLoss { from: from()?, to: to()?, loss_probability: self.loss_probability.ok_or("loss_probability")? }
            }
            FaultKind::HoldMessage => FaultAction::HoldMessage { message: message()? },
            FaultKind::ReleaseMessage => FaultAction::ReleaseMessage { message: message()? },
            FaultKind::DropMessage => FaultAction::DropMessage { message: message()? },
            FaultKind::AddMember => FaultAction::AddMember { member: member()? },
            FaultKind::RemoveMember => FaultAction::RemoveMember { member: member()? },
            FaultKind::TransferLeader => FaultAction::TransferLeader { to: to()? },
        })
    }
}

impl<'de> Deserialize<'de> for FaultAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        FaultActionFields::deserialize(deserializer)?.into_action().map_err(D::Error::missing_field)
    }
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
