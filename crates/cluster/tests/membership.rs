#![cfg(not(target_arch = "wasm32"))]
//! Growing and shrinking the cluster through Raft membership changes.

mod common;

use cluster::ClusterError;
use cluster::FaultAction;
use cluster::MemberId;
use cluster::TraceEvent;
use common::*;

#[test]
fn growing_three_members_to_five_lets_the_cluster_survive_two_crashes() {
    let mut cluster = running_cluster(3, 21);
    cluster.apply_action(FaultAction::AddMember { member: MemberId(4) }).unwrap();
    cluster.advance(3_000);
    cluster.apply_action(FaultAction::AddMember { member: MemberId(5) }).unwrap();
    cluster.advance(3_000);
    let added = cluster.take_trace().iter().filter(|record| matches!(record.event, TraceEvent::MemberAdded { .. })).count();
    assert_eq!(added, 2);
    let status = cluster.member_status(leader(&cluster)).unwrap();
    assert_eq!(status.voters, vec![MemberId(1), MemberId(2), MemberId(3), MemberId(4), MemberId(5)]);
    let down = followers(&cluster);
    cluster.apply_action(FaultAction::Crash { member: down[0] }).unwrap();
    cluster.apply_action(FaultAction::Crash { member: down[1] }).unwrap();
    assert!(cluster.request(leader(&cluster), put("/k", "1"), ETCDCTL_TIMEOUT_MS).is_ok());
    assert_no_violations(&cluster);
}

#[test]
fn removing_a_member_stops_it_and_shrinks_the_voters() {
    let mut cluster = running_cluster(3, 22);
    let leaving = followers(&cluster)[0];
    cluster.apply_action(FaultAction::RemoveMember { member: leaving }).unwrap();
    cluster.advance(3_000);
    assert!(!cluster.member_ids().contains(&leaving));
    assert_eq!(cluster.member_status(leader(&cluster)).unwrap().voters.len(), 2);
    assert!(cluster.request(leader(&cluster), put("/k", "1"), ETCDCTL_TIMEOUT_MS).is_ok());
    assert_no_violations(&cluster);
}

#[test]
fn adding_an_eighth_member_is_refused() {
    let mut cluster = running_cluster(7, 23);
    assert_eq!(cluster.apply_action(FaultAction::AddMember { member: MemberId(8) }), Err(ClusterError::TooManyMembers));
}
