#![cfg(not(target_arch = "wasm32"))]
//! How long a cluster is without a leader after its leader crashes: like etcd,
//! one randomized election timeout (1–2 s), not a lease followed by a timeout.

mod common;

use cluster::ClusterConfig;
use cluster::FaultAction;
use common::*;

/// Pre-vote, vote and the first AppendEntries, each a round trip of at most 10 ms,
/// plus one openraft tick (13/64 of a heartbeat).
const ELECTION_ROUND_TRIPS_MS: u64 = 3 * 10 + 21;

#[test]
fn after_a_leader_crash_a_new_leader_is_elected_within_the_longest_election_timeout() {
    let longest_election_timeout_ms = ClusterConfig::default().election_timeout_ms_max;
    let mut slowest_ms = 0;
    for seed in 60..70 {
        let mut cluster = running_cluster(3, seed);
        cluster.advance(1_000);
        let old_leader = leader(&cluster);
        cluster.apply_action(FaultAction::Crash { member: old_leader }).unwrap();
        let crashed_ms = cluster.now_ms();
        while cluster.view().leader.is_none_or(|leader| leader == old_leader) && cluster.now_ms() - crashed_ms < 10_000 {
            cluster.step();
        }
        slowest_ms = slowest_ms.max(cluster.now_ms() - crashed_ms);
        assert_no_violations(&cluster);
    }
    assert!(
        slowest_ms <= longest_election_timeout_ms + ELECTION_ROUND_TRIPS_MS,
        "the slowest re-election took {slowest_ms} ms"
    );
}
