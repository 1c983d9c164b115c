#![cfg(not(target_arch = "wasm32"))]
//! The same seed and actions give the same trace; the fixed scenario's hash is
//! the one recorded in tests/determinism.hash (the browser test checks it too).

mod common;

use cluster::scenario::determinism_scenario;
use cluster::Cluster;
use cluster::ClusterConfig;
use cluster::FaultAction;
use cluster::MemberId;
use common::*;

const EXPECTED_HASH: &str = include_str!("determinism.hash");

fn story(seed: u64) -> Cluster {
    let mut cluster = Cluster::new(ClusterConfig { seed, member_count: 5, duplication_probability: 0.05, ..ClusterConfig::default() });
    cluster.advance(2_000);
    let _ = cluster.request(MemberId(3), put("/k", "1"), ETCDCTL_TIMEOUT_MS);
    cluster.apply_action(FaultAction::Partition { groups: vec![vec![MemberId(1), MemberId(2)]] }).unwrap();
    cluster.advance(3_000);
    cluster.apply_action(FaultAction::Heal).unwrap();
    cluster.advance(2_000);
    cluster
}

#[test]
fn the_same_seed_and_actions_give_the_same_trace_twice() {
    let first = story(5);
    let second = story(5);
    assert_eq!(first.trace_hash(), second.trace_hash());
    assert_eq!(first.trace_len(), second.trace_len());
    assert!(first.trace_len() > 100);
}

#[test]
fn a_different_seed_gives_a_different_trace() {
    assert_ne!(story(5).trace_hash(), story(6).trace_hash());
}

#[test]
fn the_fixed_scenario_matches_the_recorded_hash() {
    let cluster = determinism_scenario();
    let actual = format!("{:016x}", cluster.trace_hash());
    assert_eq!(actual, EXPECTED_HASH.trim(), "if the change is intended, write {actual} into tests/determinism.hash");
}
