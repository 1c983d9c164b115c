//! Small helpers so the lesson tests read as stories.
#![allow(dead_code)]

use cluster::ClientOp;
use cluster::Cluster;
use cluster::ClusterConfig;
use cluster::MemberId;
use cluster::ReadConsistency;
use cluster::Role;

/// etcdctl's default `--command-timeout`.
pub const ETCDCTL_TIMEOUT_MS: u64 = 5_000;

pub fn put(key: &str, value: &str) -> ClientOp {
    ClientOp::Put(mvcc::PutRequest { key: key.as_bytes().to_vec(), value: value.as_bytes().to_vec(), ..Default::default() })
}

pub fn get(key: &str, consistency: ReadConsistency) -> ClientOp {
    ClientOp::Range { request: mvcc::RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() }, consistency }
}

/// A cluster of `member_count` with etcd's timings, run until it has a leader.
pub fn running_cluster(member_count: u64, seed: u64) -> Cluster {
    running_cluster_with(ClusterConfig { seed, member_count, ..ClusterConfig::default() })
}

pub fn running_cluster_with(config: ClusterConfig) -> Cluster {
    let mut cluster = Cluster::new(config);
    for _ in 0..20 {
        if cluster.view().leader.is_some() {
            return cluster;
        }
        cluster.advance(500);
    }
    panic!("no leader elected within 10 s");
}

pub fn leader(cluster: &Cluster) -> MemberId {
    cluster.view().leader.expect("the cluster has a leader")
}

pub fn followers(cluster: &Cluster) -> Vec<MemberId> {
    let leader = leader(cluster);
    cluster.member_ids().into_iter().filter(|id| *id != leader).collect()
}

pub fn role_of(cluster: &Cluster, member: MemberId) -> Option<Role> {
    cluster.member_status(member).map(|status| status.role)
}

/// The value a member's own store holds for `key` (a serializable read).
pub fn local_value(cluster: &Cluster, member: MemberId, key: &str) -> Option<String> {
    let store = cluster.store(member)?;
    let range = store.range(&mvcc::RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() }).ok()?;
    range.kvs.first().map(|kv| String::from_utf8_lossy(&kv.value).into_owned())
}

pub fn assert_no_violations(cluster: &Cluster) {
    assert!(cluster.violations().is_empty(), "invariant violations: {:?}", cluster.violations());
}
