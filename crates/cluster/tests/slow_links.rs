#![cfg(not(target_arch = "wasm32"))]
//! Links whose round trip is slower than a heartbeat interval (100 ms) still
//! carry replication: a partitioned member catches up once healed, and a
//! cluster that is slow from the start keeps every member's store identical.

mod common;

use cluster::Cluster;
use cluster::ClusterConfig;
use cluster::FaultAction;
use cluster::MemberId;
use common::*;

/// One-way latency ranges (ms) whose round trips are 0.8 to 6 heartbeats long.
const SLOW_LINKS_MS: [(u64, u64); 3] = [(40, 80), (100, 150), (200, 300)];

/// How long a healed member may take to catch up, in virtual ms.
const CATCH_UP_BOUND_MS: u64 = 5_000;

fn set_every_link_latency(cluster: &mut Cluster, latency_ms_min: u64, latency_ms_max: u64) {
    let members = cluster.member_ids();
    for from in &members {
        for to in members.iter().filter(|to| *to != from) {
            let action = FaultAction::SetLinkLatency { from: *from, to: *to, latency_ms_min, latency_ms_max };
            cluster.apply_action(action).unwrap();
        }
    }
}

fn store_hashes(cluster: &Cluster) -> Vec<u64> {
    cluster.member_ids().iter().map(|id| cluster.store(*id).map(|store| store.content_hash()).unwrap_or(0)).collect()
}

/// Advances in 100 ms steps until every store is identical and holds `key = value`;
/// returns how long that took.
fn time_until_identical(cluster: &mut Cluster, key: &str, value: &str, bound_ms: u64) -> Option<u64> {
    let started_ms = cluster.now_ms();
    while cluster.now_ms() - started_ms <= bound_ms {
        let hashes = store_hashes(cluster);
        let everyone_has_it = cluster.member_ids().iter().all(|id| local_value(cluster, *id, key).as_deref() == Some(value));
        if everyone_has_it && hashes.windows(2).all(|pair| pair[0] == pair[1]) {
            return Some(cluster.now_ms() - started_ms);
        }
        cluster.advance(100);
    }
    None
}

/// Partitions one follower away, writes five values of `key` through the leader, heals.
fn partition_write_and_heal(cluster: &mut Cluster, key: &str) -> MemberId {
    let lonely = followers(cluster)[0];
    let majority: Vec<MemberId> = cluster.member_ids().into_iter().filter(|id| *id != lonely).collect();
    cluster.apply_action(FaultAction::Partition { groups: vec![majority, vec![lonely]] }).unwrap();
    for round in 0..5 {
        let reply = cluster.request(leader(cluster), put(key, &format!("v{round}")), ETCDCTL_TIMEOUT_MS);
        assert!(reply.is_ok(), "write {round} with slow links: {reply:?}");
    }
    assert_eq!(local_value(cluster, lonely, key), None);
    cluster.apply_action(FaultAction::Heal).unwrap();
    lonely
}

#[test]
fn a_healed_member_catches_up_even_when_a_round_trip_is_slower_than_a_heartbeat() {
    for (seed, (latency_ms_min, latency_ms_max)) in (40..).zip(SLOW_LINKS_MS) {
        let mut cluster = running_cluster(3, seed);
        set_every_link_latency(&mut cluster, latency_ms_min, latency_ms_max);
        cluster.advance(2_000);
        let lonely = partition_write_and_heal(&mut cluster, "/k");
        let caught_up = time_until_identical(&mut cluster, "/k", "v4", CATCH_UP_BOUND_MS);
        assert!(
            caught_up.is_some(),
            "with {latency_ms_min}-{latency_ms_max} ms links member {lonely} did not catch up within {CATCH_UP_BOUND_MS} ms: {:?}",
            cluster.member_ids().iter().map(|id| cluster.member_status(*id)).collect::<Vec<_>>()
        );
        assert_no_violations(&cluster);
    }
}

#[test]
fn a_cluster_slow_from_the_start_replicates_every_write_to_every_member() {
    for (seed, (latency_ms_min, latency_ms_max)) in (50..).zip(SLOW_LINKS_MS) {
        let config = ClusterConfig { seed, latency_ms_min, latency_ms_max, ..ClusterConfig::default() };
        let mut cluster = running_cluster_with(config);
        for round in 0..5 {
            let reply = cluster.request(leader(&cluster), put("/k", &format!("v{round}")), ETCDCTL_TIMEOUT_MS);
            assert!(reply.is_ok(), "write {round} with {latency_ms_min}-{latency_ms_max} ms links: {reply:?}");
        }
        let caught_up = time_until_identical(&mut cluster, "/k", "v4", CATCH_UP_BOUND_MS);
        assert!(caught_up.is_some(), "with {latency_ms_min}-{latency_ms_max} ms links the stores never matched");
        let lonely = partition_write_and_heal(&mut cluster, "/after-heal");
        let caught_up = time_until_identical(&mut cluster, "/after-heal", "v4", CATCH_UP_BOUND_MS);
        assert!(caught_up.is_some(), "with {latency_ms_min}-{latency_ms_max} ms links member {lonely} did not catch up");
        assert_no_violations(&cluster);
    }
}
