//! Periodic compaction, as kube-apiserver does it (etcd's own auto-compaction is off).
//!
//! Worked example with the default 5-minute interval (k8s `etcd3/compact.go`):
//!
//! ```text
//! t = 5 min : txn If version(compact_rev_key) = 0 Then put(compact_rev_key, "0") Else get
//!             succeeded, header revision 41 -> remember 41, compact nothing (bootstrap round)
//! t = 10 min: txn If version(compact_rev_key) = 1 Then put(compact_rev_key, "41") Else get
//!             succeeded, header revision 57 -> compact(41), remember 57
//! ```
//!
//! So history is 5–10 minutes deep, and even an idle cluster's revision grows by
//! one every round. If another apiserver won the round (the Txn failed), its
//! version is adopted and nothing is compacted.

use mvcc::{
    CompactionRequest, Compare, CompareResult, CompareTarget, PutRequest, RangeRequest, RequestOp,
    TxnRequest,
};

use super::{else_branch_kv, ApiServer};
use crate::trace::{EtcdOperation, EtcdOutcome};

/// The key outside `/registry` that records compaction rounds.
pub const COMPACT_REV_KEY: &str = "compact_rev_key";

pub(super) struct Compactor {
    interval_ms: Option<u64>,
    next_due_ms: u64,
    /// The version of compact_rev_key this apiserver last saw (`compactTime`).
    compact_time: i64,
    /// The revision seen at the previous round: what the next round compacts to.
    revision: i64,
}

impl Compactor {
    pub(super) fn new(interval_ms: Option<u64>, now_ms: u64) -> Compactor {
        Compactor {
            interval_ms,
            next_due_ms: now_ms.saturating_add(interval_ms.unwrap_or(0)),
            compact_time: 0,
            revision: 0,
        }
    }

    pub(super) fn is_due(&self, now_ms: u64) -> bool {
        self.interval_ms.is_some() && now_ms >= self.next_due_ms
    }
}

impl ApiServer {
    /// One compaction round; returns an HTTP-like code for the trace.
    pub(super) fn run_compaction(&mut self) -> u16 {
        let now_ms = self.etcd.now_ms();
        let interval_ms = self.compactor.interval_ms.unwrap_or(0).max(1);
        // One round per due time; a long jump of the clock does not queue rounds.
        self.compactor.next_due_ms = now_ms.saturating_add(interval_ms);
        let compact_time = self.compactor.compact_time;
        let previous_revision = self.compactor.revision;
        let key = COMPACT_REV_KEY.as_bytes().to_vec();
        let request = TxnRequest {
            compare: vec![Compare {
                key: key.clone(),
                range_end: Vec::new(),
                result: CompareResult::Equal,
                target: CompareTarget::Version(compact_time),
            }],
            success: vec![RequestOp::Put(PutRequest {
                key: key.clone(),
                value: previous_revision.to_string().into_bytes(),
                lease: 0,
                prev_kv: false,
            })],
            failure: vec![RequestOp::Range(RangeRequest {
                key,
                ..RangeRequest::default()
            })],
        };
        let description = format!(
            "txn If version({COMPACT_REV_KEY}) = {compact_time} Then put({COMPACT_REV_KEY}, \"{previous_revision}\") Else get({COMPACT_REV_KEY})"
        );
        let response = match self.etcd_txn(description, request) {
            Ok(response) => response,
            Err(_) => return 500,
        };
        let current_revision = response.header.revision;
        if !response.succeeded {
            self.compactor.compact_time = else_branch_kv(&response)
                .map(|kv| kv.version)
                .unwrap_or(compact_time);
            self.compactor.revision = current_revision;
            return 200;
        }
        self.current_revision = Some(current_revision);
        self.compactor.compact_time = compact_time + 1;
        self.compactor.revision = current_revision;
        if previous_revision == 0 {
            // The bootstrap round compacts nothing.
            return 200;
        }
        let result = self.etcd.compact(CompactionRequest {
            revision: previous_revision,
            physical: false,
        });
        let outcome = match &result {
            Ok(response) => EtcdOutcome::Answered {
                header_revision: response.header.revision,
                succeeded: None,
            },
            Err(error) => EtcdOutcome::Failed(error.to_string()),
        };
        self.record(
            EtcdOperation::Compact,
            format!("compaction {previous_revision}"),
            outcome,
            true,
        );
        if result.is_ok() {
            200
        } else {
            500
        }
    }
}
