//! The trace: every event of a run, as data, and a running hash of it.
//!
//! The hash is FNV-1a (64 bit) over each record's `Debug` text plus a newline.
//! Only the project's own types and integers are formatted, so the text (and
//! the hash) is the same on x86_64 and wasm32.

use serde::Deserialize;
use serde::Serialize;

use crate::client::ClientRequestId;
use crate::network::MessageId;
use etcd_member::MemberId;
use etcd_member::Role;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TraceEvent {
    MessageSent { id: MessageId, from: MemberId, to: MemberId, kind: String, summary: String, deliver_ms: u64 },
    MessageDuplicated { id: MessageId, copy: MessageId, deliver_ms: u64 },
    MessageDelivered { id: MessageId, from: MemberId, to: MemberId, kind: String },
    MessageDropped { id: MessageId, from: MemberId, to: MemberId, kind: String, reason: String },
    MessageHeld { id: MessageId },
    MessageReleased { id: MessageId },
    RoleChanged { member: MemberId, role: Role, term: u64 },
    TermChanged { member: MemberId, term: u64 },
    LeaderChanged { member: MemberId, leader: Option<MemberId> },
    Committed { member: MemberId, index: u64 },
    Applied { member: MemberId, index: u64, term: u64, revision: i64 },
    ClientRequestSent { id: ClientRequestId, member: MemberId, op: String },
    ClientResponded { id: ClientRequestId, member: MemberId, outcome: String },
    MemberCrashed { member: MemberId },
    MemberRestarted { member: MemberId },
    MemberAdded { member: MemberId },
    MemberRemoved { member: MemberId },
    MembershipChangeFailed { member: MemberId, error: String },
    LinkChanged { from: MemberId, to: MemberId, state: String },
    Partitioned { groups: Vec<Vec<MemberId>> },
    Healed,
    InvariantViolated { invariant: String, detail: String },
}

/// An event and when it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceRecord {
    pub at_ms: u64,
    pub event: TraceEvent,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub(crate) struct Trace {
    enabled: bool,
    records: Vec<TraceRecord>,
    hash: u64,
    count: u64,
}

struct HashWriter<'a>(&'a mut u64);

impl std::fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        for byte in text.bytes() {
            *self.0 ^= u64::from(byte);
            *self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
        Ok(())
    }
}

impl Trace {
    pub(crate) fn new(enabled: bool) -> Trace {
        Trace { enabled, records: Vec::new(), hash: FNV_OFFSET, count: 0 }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    pub(crate) fn record(&mut self, at_ms: u64, event: TraceEvent) {
        if !self.enabled {
            return;
        }
        let record = TraceRecord { at_ms, event };
        use std::fmt::Write;
        let mut writer = HashWriter(&mut self.hash);
        // Writing into the hasher cannot fail.
        let _ = writeln!(writer, "{record:?}");
        self.count += 1;
        self.records.push(record);
    }

    pub(crate) fn take(&mut self) -> Vec<TraceRecord> {
        std::mem::take(&mut self.records)
    }

    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }

    pub(crate) fn count(&self) -> u64 {
        self.count
    }
}
