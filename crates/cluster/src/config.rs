//! How a simulated cluster is set up.

use serde::Deserialize;
use serde::Serialize;

/// Everything a run depends on besides the user's timed actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterConfig {
    /// The one seed every random choice derives from.
    pub seed: u64,
    /// Members 1..=member_count are created and initialized together (1 to 7).
    pub member_count: u64,
    pub election_timeout_ms_min: u64,
    pub election_timeout_ms_max: u64,
    pub heartbeat_interval_ms: u64,
    /// One-way latency of each message, drawn uniformly from this range.
    pub latency_ms_min: u64,
    pub latency_ms_max: u64,
    /// Probability that a message is lost (0.0 to 1.0).
    pub loss_probability: f64,
    /// Probability that a message is delivered twice (0.0 to 1.0).
    pub duplication_probability: f64,
    /// Server-side request timeout (etcd ReqTimeout: 5 s + 2 × election timeout).
    pub request_timeout_ms: u64,
    /// Take a Raft snapshot every this many entries (etcd `--snapshot-count`).
    pub snapshot_every_entries: u64,
    /// Entries kept behind a snapshot for slow followers.
    pub log_entries_kept_after_snapshot: u64,
    /// Pre-vote (etcd 3.5+ default) keeps isolated members from inflating terms.
    pub pre_vote: bool,
    /// Check the Raft invariants after every step (benchmarks turn this off).
    pub check_invariants: bool,
    /// Record the trace (and its hash). Benchmarks may turn this off.
    pub record_trace: bool,
}

impl Default for ClusterConfig {
    fn default() -> ClusterConfig {
        ClusterConfig {
            seed: 1,
            member_count: 3,
            election_timeout_ms_min: 1000,
            election_timeout_ms_max: 2000,
            heartbeat_interval_ms: 100,
            latency_ms_min: 1,
            latency_ms_max: 5,
            loss_probability: 0.0,
            duplication_probability: 0.0,
            request_timeout_ms: 7000,
            snapshot_every_entries: 1000,
            log_entries_kept_after_snapshot: 100,
            pre_vote: true,
            check_invariants: true,
            record_trace: true,
        }
    }
}

impl ClusterConfig {
    /// Faster timings for sweeps: elections four times sooner than etcd's,
    /// heartbeats half as far apart (openraft ticks every 13/64 heartbeat).
    pub fn fast(seed: u64, member_count: u64) -> ClusterConfig {
        ClusterConfig {
            seed,
            member_count,
            election_timeout_ms_min: 250,
            election_timeout_ms_max: 500,
            heartbeat_interval_ms: 50,
            latency_ms_min: 1,
            latency_ms_max: 8,
            request_timeout_ms: 1200,
            snapshot_every_entries: 40,
            log_entries_kept_after_snapshot: 10,
            ..ClusterConfig::default()
        }
    }

    pub(crate) fn member_settings(&self) -> etcd_member::MemberSettings {
        etcd_member::MemberSettings {
            election_timeout_ms_min: self.election_timeout_ms_min,
            election_timeout_ms_max: self.election_timeout_ms_max,
            heartbeat_interval_ms: self.heartbeat_interval_ms,
            snapshot_every_entries: self.snapshot_every_entries,
            log_entries_kept_after_snapshot: self.log_entries_kept_after_snapshot,
            pre_vote: self.pre_vote,
            request_timeout_ms: self.request_timeout_ms,
        }
    }
}
