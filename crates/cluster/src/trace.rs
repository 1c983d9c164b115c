//! The trace: every event of a run, as data, and a running hash of it.
//!
//! The hash feeds each record's derived `Hash` into [`TraceHasher`], which
//! mixes one 64-bit word at a time (FxHash's rotate-xor-multiply step). Every
//! integer, length and enum discriminant is widened to 64 bits first, so the
//! hash is the same on x86_64 and wasm32. (It used to be FNV-1a over each
//! record's `Debug` text: formatting and byte-wise hashing cost about 7% of a
//! simulation step.)
//!
//! ```
//! use std::hash::{Hash, Hasher};
//! # use cluster::TraceHasher;
//! let mut first = TraceHasher::new();
//! let mut second = TraceHasher::new();
//! ("put", 7_u64).hash(&mut first);
//! ("put", 8_u64).hash(&mut second);
//! assert_ne!(first.finish(), second.finish());
//! ```

use std::borrow::Cow;
use std::hash::Hash;
use std::hash::Hasher;

use serde::Deserialize;
use serde::Serialize;

use crate::client::ClientRequestId;
use crate::network::MessageId;
use etcd_member::MemberId;
use etcd_member::MessageSummary;
use etcd_member::Role;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TraceEvent {
    /// `kind` is one of the message kinds' static names (borrowed: no allocation per message;
    /// it hashes, prints and serialises like a `String`).
    MessageSent { id: MessageId, from: MemberId, to: MemberId, kind: Cow<'static, str>, summary: MessageSummary, deliver_ms: u64 },
    MessageDuplicated { id: MessageId, copy: MessageId, deliver_ms: u64 },
    MessageDelivered { id: MessageId, from: MemberId, to: MemberId, kind: Cow<'static, str> },
    MessageDropped { id: MessageId, from: MemberId, to: MemberId, kind: Cow<'static, str>, reason: String },
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TraceRecord {
    pub at_ms: u64,
    pub event: TraceEvent,
}

/// The trace hash's state: a word-at-a-time hasher whose result depends only
/// on the values fed, never on the platform's word size or on a random seed.
#[derive(Debug, Clone)]
pub struct TraceHasher {
    hash: u64,
}

/// FxHash's multiplier (an odd constant with well-spread bits).
const MIX_MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;
/// The starting state (FNV's offset basis, kept so an empty trace hashes as before).
const HASH_START: u64 = 0xcbf2_9ce4_8422_2325;

impl TraceHasher {
    pub fn new() -> TraceHasher {
        TraceHasher { hash: HASH_START }
    }

    fn mix(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(MIX_MULTIPLIER);
    }
}

impl Default for TraceHasher {
    fn default() -> TraceHasher {
        TraceHasher::new()
    }
}

impl Hasher for TraceHasher {
    fn finish(&self) -> u64 {
        self.hash
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0_u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0_u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length byte tells "a" from "a\0".
            word[7] = rest.len() as u8;
            self.mix(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.mix(u64::from(value));
    }

    fn write_u16(&mut self, value: u16) {
        self.mix(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.mix(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.mix(value);
    }

    /// Lengths: 32 bits on wasm32, 64 natively; hashed as 64 on both.
    fn write_usize(&mut self, value: usize) {
        self.mix(value as u64);
    }

    /// Enum discriminants: hashed as 64 bits on every platform.
    fn write_isize(&mut self, value: isize) {
        self.mix(value as i64 as u64);
    }
}

pub(crate) struct Trace {
    enabled: bool,
    records: Vec<TraceRecord>,
    hasher: TraceHasher,
    count: u64,
}

impl Trace {
    pub(crate) fn new(enabled: bool) -> Trace {
        Trace { enabled, records: Vec::new(), hasher: TraceHasher::new(), count: 0 }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    pub(crate) fn record(&mut self, at_ms: u64, event: TraceEvent) {
        if !self.enabled {
            return;
        }
        let record = TraceRecord { at_ms, event };
        record.hash(&mut self.hasher);
        self.count += 1;
        self.records.push(record);
    }

    pub(crate) fn take(&mut self) -> Vec<TraceRecord> {
        std::mem::take(&mut self.records)
    }

    pub(crate) fn hash(&self) -> u64 {
        self.hasher.finish()
    }

    pub(crate) fn count(&self) -> u64 {
        self.count
    }
}
