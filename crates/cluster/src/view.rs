//! A snapshot of the whole cluster for one UI frame: plain data, built in
//! O(members² + messages) without touching the simulation.

use serde::Deserialize;
use serde::Serialize;

use crate::network::LinkState;
use crate::network::MessageId;
use etcd_member::MemberId;
use etcd_member::Role;

/// Everything the UI draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterView {
    pub now_ms: u64,
    pub members: Vec<MemberView>,
    /// Links that differ from the defaults (cut, or own latency/loss), by (from, to).
    pub links: Vec<LinkView>,
    pub messages: Vec<MessageView>,
    /// The leader a majority of running members agree on, if any.
    pub leader: Option<MemberId>,
    pub pending_client_requests: u64,
}

/// One member's state (`running == false`: crashed; only its disk is shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: MemberId,
    pub running: bool,
    pub role: Option<Role>,
    pub term: u64,
    pub voted_for: Option<MemberId>,
    pub leader: Option<MemberId>,
    pub last_log_index: u64,
    pub commit_index: u64,
    pub applied_index: u64,
    pub snapshot_index: u64,
    pub store_revision: i64,
    pub is_voter: bool,
}

/// One direction of a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkView {
    pub from: MemberId,
    pub to: MemberId,
    pub state: LinkState,
    pub latency_ms_min: u64,
    pub latency_ms_max: u64,
    pub loss_probability: f64,
}

/// One message in flight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: MessageId,
    pub from: MemberId,
    pub to: MemberId,
    pub kind: String,
    pub summary: String,
    pub sent_ms: u64,
    pub deliver_ms: u64,
    pub held: bool,
}
