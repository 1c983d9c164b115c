#![cfg(not(target_arch = "wasm32"))]
//! The lessons of the playground, as tests. Each one tells what a real etcd
//! cluster does (see shared/reference/etcd-semantics.md, section 3).

mod common;

use cluster::ClientError;
use cluster::ClientReply;
use cluster::ClusterConfig;
use cluster::FaultAction;
use cluster::MemberId;
use cluster::ReadConsistency;
use cluster::Role;
use cluster::TraceEvent;
use common::*;

#[test]
fn three_members_tolerate_one_crash_and_keep_committing() {
    let mut cluster = running_cluster(3, 1);
    let old_leader = leader(&cluster);
    cluster.apply_action(FaultAction::Crash { member: old_leader }).unwrap();
    cluster.advance(4_000);
    let survivor = cluster.member_ids().into_iter().find(|id| *id != old_leader).unwrap();
    let reply = cluster.request(survivor, put("/registry/pods/default/a", "1"), ETCDCTL_TIMEOUT_MS);
    assert!(matches!(reply, Ok(ClientReply::Put(_))), "{reply:?}");
    assert_ne!(leader(&cluster), old_leader);
    assert_no_violations(&cluster);
}

#[test]
fn four_members_also_tolerate_only_one_crash() {
    let mut cluster = running_cluster(4, 2);
    let mut down = followers(&cluster);
    cluster.apply_action(FaultAction::Crash { member: down[0] }).unwrap();
    let with_one_down = cluster.request(leader(&cluster), put("/k", "1"), ETCDCTL_TIMEOUT_MS);
    assert!(with_one_down.is_ok(), "{with_one_down:?}");
    cluster.apply_action(FaultAction::Crash { member: down.remove(1) }).unwrap();
    let with_two_down = cluster.request(leader(&cluster), put("/k", "2"), ETCDCTL_TIMEOUT_MS);
    assert_eq!(with_two_down, Err(ClientError::DeadlineExceeded));
    assert_eq!(ClientError::DeadlineExceeded.to_string(), "context deadline exceeded");
    assert_no_violations(&cluster);
}

#[test]
fn five_members_tolerate_two_crashes_but_not_three() {
    let mut cluster = running_cluster(5, 3);
    let down = followers(&cluster);
    cluster.apply_action(FaultAction::Crash { member: down[0] }).unwrap();
    cluster.apply_action(FaultAction::Crash { member: down[1] }).unwrap();
    assert!(cluster.request(leader(&cluster), put("/k", "1"), ETCDCTL_TIMEOUT_MS).is_ok());
    cluster.apply_action(FaultAction::Crash { member: down[2] }).unwrap();
    assert_eq!(cluster.request(leader(&cluster), put("/k", "2"), ETCDCTL_TIMEOUT_MS), Err(ClientError::DeadlineExceeded));
    assert_no_violations(&cluster);
}

#[test]
fn with_two_members_one_crash_stops_all_writes() {
    let mut cluster = running_cluster(2, 4);
    let follower = followers(&cluster)[0];
    cluster.apply_action(FaultAction::Crash { member: follower }).unwrap();
    assert_eq!(cluster.request(leader(&cluster), put("/k", "1"), ETCDCTL_TIMEOUT_MS), Err(ClientError::DeadlineExceeded));
    assert_no_violations(&cluster);
}

#[test]
fn a_minority_cannot_commit_its_linearizable_reads_fail_and_its_serializable_reads_are_stale() {
    let mut cluster = running_cluster(3, 5);
    let key = "/registry/configmaps/default/colour";
    assert!(cluster.request(leader(&cluster), put(key, "blue"), ETCDCTL_TIMEOUT_MS).is_ok());
    cluster.advance(500);
    let lonely = followers(&cluster)[0];
    let majority: Vec<MemberId> = cluster.member_ids().into_iter().filter(|id| *id != lonely).collect();
    cluster.apply_action(FaultAction::Partition { groups: vec![majority.clone(), vec![lonely]] }).unwrap();
    assert!(cluster.request(majority[0], put(key, "green"), ETCDCTL_TIMEOUT_MS).is_ok());

    let write = cluster.request(lonely, put(key, "red"), ETCDCTL_TIMEOUT_MS);
    assert_eq!(write, Err(ClientError::DeadlineExceeded));
    let linearizable = cluster.request(lonely, get(key, ReadConsistency::Linearizable), ETCDCTL_TIMEOUT_MS);
    assert_eq!(linearizable, Err(ClientError::DeadlineExceeded));
    let serializable = cluster.request(lonely, get(key, ReadConsistency::Serializable), ETCDCTL_TIMEOUT_MS);
    match serializable {
        Ok(ClientReply::Range(range)) => assert_eq!(range.kvs[0].value, b"blue".to_vec()),
        other => panic!("a serializable read on the minority answers from its own store: {other:?}"),
    }
    assert_no_violations(&cluster);
}

#[test]
fn after_healing_the_minority_catches_up_to_identical_stores() {
    let mut cluster = running_cluster(3, 6);
    let lonely = followers(&cluster)[0];
    let majority: Vec<MemberId> = cluster.member_ids().into_iter().filter(|id| *id != lonely).collect();
    cluster.apply_action(FaultAction::Partition { groups: vec![majority.clone(), vec![lonely]] }).unwrap();
    for round in 0..5 {
        assert!(cluster.request(majority[0], put("/k", &format!("v{round}")), ETCDCTL_TIMEOUT_MS).is_ok());
    }
    assert_eq!(local_value(&cluster, lonely, "/k"), None);
    cluster.apply_action(FaultAction::Heal).unwrap();
    cluster.advance(3_000);
    assert_eq!(local_value(&cluster, lonely, "/k").as_deref(), Some("v4"));
    let hashes: Vec<u64> = cluster.member_ids().iter().map(|id| cluster.store(*id).unwrap().content_hash()).collect();
    assert!(hashes.windows(2).all(|pair| pair[0] == pair[1]), "stores differ: {hashes:?}");
    assert_no_violations(&cluster);
}

#[test]
fn a_leader_cut_off_from_everyone_steps_down_and_the_majority_elects_a_new_one() {
    let mut cluster = running_cluster(3, 7);
    let old_leader = leader(&cluster);
    let old_term = cluster.member_status(old_leader).unwrap().term;
    let others = followers(&cluster);
    cluster.apply_action(FaultAction::Partition { groups: vec![vec![old_leader], others.clone()] }).unwrap();
    cluster.advance(6_000);
    let new_leader = cluster.member_status(others[0]).unwrap().leader.expect("the majority has a leader");
    assert!(others.contains(&new_leader));
    assert!(cluster.member_status(new_leader).unwrap().term > old_term);
    assert_ne!(role_of(&cluster, old_leader), Some(Role::Leader), "the isolated leader stepped down");
    assert_no_violations(&cluster);
}

#[test]
fn a_restarted_member_catches_up_by_log() {
    let mut cluster = running_cluster(3, 8);
    let sleeper = followers(&cluster)[0];
    cluster.apply_action(FaultAction::Crash { member: sleeper }).unwrap();
    for round in 0..5 {
        assert!(cluster.request(leader(&cluster), put("/k", &format!("v{round}")), ETCDCTL_TIMEOUT_MS).is_ok());
    }
    cluster.take_trace();
    cluster.apply_action(FaultAction::Restart { member: sleeper }).unwrap();
    cluster.advance(3_000);
    assert_eq!(local_value(&cluster, sleeper, "/k").as_deref(), Some("v4"));
    let snapshots = cluster.take_trace().iter().filter(|record| matches!(&record.event, TraceEvent::MessageDelivered { kind, to, .. } if kind == "InstallSnapshot" && *to == sleeper)).count();
    assert_eq!(snapshots, 0, "a short gap is filled from the leader's log");
    assert_no_violations(&cluster);
}

#[test]
fn a_member_far_behind_catches_up_by_snapshot() {
    let config = ClusterConfig { seed: 9, snapshot_every_entries: 20, log_entries_kept_after_snapshot: 5, ..ClusterConfig::default() };
    let mut cluster = running_cluster_with(config);
    let sleeper = followers(&cluster)[0];
    cluster.apply_action(FaultAction::Crash { member: sleeper }).unwrap();
    for round in 0..60 {
        assert!(cluster.request(leader(&cluster), put("/k", &format!("v{round}")), ETCDCTL_TIMEOUT_MS).is_ok());
    }
    cluster.take_trace();
    cluster.apply_action(FaultAction::Restart { member: sleeper }).unwrap();
    cluster.advance(3_000);
    assert_eq!(local_value(&cluster, sleeper, "/k").as_deref(), Some("v59"));
    let snapshots = cluster.take_trace().iter().filter(|record| matches!(&record.event, TraceEvent::MessageDelivered { kind, to, .. } if kind == "InstallSnapshot" && *to == sleeper)).count();
    assert!(snapshots >= 1, "the leader no longer has the entries: it sends its snapshot");
    assert_no_violations(&cluster);
}

#[test]
fn a_follower_forwards_a_write_to_the_leader() {
    let mut cluster = running_cluster(3, 10);
    let follower = followers(&cluster)[0];
    let leader = leader(&cluster);
    cluster.take_trace();
    assert!(cluster.request(follower, put("/k", "1"), ETCDCTL_TIMEOUT_MS).is_ok());
    let forwarded = cluster.take_trace().iter().any(|record| matches!(&record.event, TraceEvent::MessageSent { kind, from, to, .. } if kind == "ForwardProposal" && *from == follower && *to == leader));
    assert!(forwarded);
}

#[test]
fn a_request_to_a_crashed_member_fails_with_context_deadline_exceeded() {
    let mut cluster = running_cluster(3, 11);
    let follower = followers(&cluster)[0];
    cluster.apply_action(FaultAction::Crash { member: follower }).unwrap();
    let started_ms = cluster.now_ms();
    let reply = cluster.request(follower, get("/k", ReadConsistency::Serializable), ETCDCTL_TIMEOUT_MS);
    assert_eq!(reply, Err(ClientError::DeadlineExceeded));
    assert_eq!(cluster.now_ms() - started_ms, ETCDCTL_TIMEOUT_MS);
}

#[test]
fn with_pre_vote_an_isolated_member_does_not_inflate_its_term() {
    let mut cluster = running_cluster(3, 12);
    let lonely = followers(&cluster)[0];
    let term_before = cluster.member_status(lonely).unwrap().term;
    let others: Vec<MemberId> = cluster.member_ids().into_iter().filter(|id| *id != lonely).collect();
    cluster.apply_action(FaultAction::Partition { groups: vec![others, vec![lonely]] }).unwrap();
    cluster.advance(10_000);
    assert_eq!(cluster.member_status(lonely).unwrap().term, term_before);
}

#[test]
fn without_pre_vote_an_isolated_member_inflates_its_term_like_etcd_3_4() {
    let config = ClusterConfig { seed: 12, pre_vote: false, ..ClusterConfig::default() };
    let mut cluster = running_cluster_with(config);
    let lonely = followers(&cluster)[0];
    let term_before = cluster.member_status(lonely).unwrap().term;
    let others: Vec<MemberId> = cluster.member_ids().into_iter().filter(|id| *id != lonely).collect();
    cluster.apply_action(FaultAction::Partition { groups: vec![others, vec![lonely]] }).unwrap();
    cluster.advance(10_000);
    assert!(cluster.member_status(lonely).unwrap().term >= term_before + 4);
}

#[test]
fn a_member_without_a_leader_refuses_a_watch_with_no_leader() {
    let mut cluster = running_cluster(3, 13);
    let watch = mvcc::WatchRequest { key: b"/k".to_vec(), ..Default::default() };
    let follower = followers(&cluster)[0];
    assert!(cluster.watch(follower, watch.clone()).is_ok());
    let leader = leader(&cluster);
    cluster.apply_action(FaultAction::Crash { member: leader }).unwrap();
    for member in cluster.member_ids().into_iter().filter(|id| *id != leader && *id != follower) {
        cluster.apply_action(FaultAction::Crash { member }).unwrap();
    }
    cluster.advance(5_000);
    let refused = cluster.watch(follower, watch);
    assert_eq!(refused, Err(ClientError::NoLeader));
    assert_eq!(ClientError::NoLeader.to_string(), "etcdserver: no leader");
}

#[test]
fn watches_are_served_from_the_members_own_store() {
    let mut cluster = running_cluster(3, 14);
    let follower = followers(&cluster)[0];
    let watch = mvcc::WatchRequest { key: b"/k".to_vec(), ..Default::default() };
    let id = cluster.watch(follower, watch).unwrap();
    assert!(cluster.request(leader(&cluster), put("/k", "1"), ETCDCTL_TIMEOUT_MS).is_ok());
    cluster.advance(500);
    let responses = cluster.take_watch_responses(follower);
    let events: Vec<_> = responses.iter().filter(|response| response.watch_id == id).flat_map(|response| response.events.clone()).collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kv.value, b"1".to_vec());
}
