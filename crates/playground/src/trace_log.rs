//! The recent history of the cluster's trace, shared by the playground (for
//! the UI's event log) and the apiserver's etcd client (to find the Raft
//! entry that carried a write).
//!
//! The cluster keeps trace records until someone takes them; the log takes
//! them after every step of the playground and keeps the newest
//! [`TRACE_LOG_CAPACITY`], so a page left running for hours stays bounded.

use std::collections::VecDeque;

use cluster::{Cluster, TraceEvent, TraceRecord};

/// Records kept for the event log.
pub const TRACE_LOG_CAPACITY: usize = 4_000;

/// The newest trace records, oldest first.
#[derive(Debug, Default)]
pub struct TraceLog {
    records: VecDeque<TraceRecord>,
}

impl TraceLog {
    /// Moves the cluster's new records into the log, dropping the oldest beyond capacity.
    pub fn drain_from(&mut self, cluster: &mut Cluster) {
        self.records.extend(cluster.take_trace());
        let excess = self.records.len().saturating_sub(TRACE_LOG_CAPACITY);
        self.records.drain(..excess);
    }

    /// The records, oldest first.
    pub fn records(&self) -> impl DoubleEndedIterator<Item = &TraceRecord> + ExactSizeIterator {
        self.records.iter()
    }

    /// The Raft log index of the entry that produced store revision `revision`
    /// (the first member to apply it), if it is still in the log.
    pub fn raft_index_of_revision(&self, revision: i64) -> Option<u64> {
        self.records.iter().rev().find_map(|record| match record.event {
            TraceEvent::Applied { index, revision: applied, .. } if applied == revision => Some(index),
            _ => None,
        })
    }
}
