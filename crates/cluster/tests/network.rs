#![cfg(not(target_arch = "wasm32"))]
//! Single messages in flight can be held, released and dropped.

mod common;

use cluster::ClusterError;
use cluster::FaultAction;
use cluster::MessageId;
use cluster::TraceEvent;
use common::*;

/// Steps until some message is on the wire (heartbeats go out every 100 ms).
fn first_message_in_flight(cluster: &mut cluster::Cluster) -> MessageId {
    for _ in 0..1_000 {
        if let Some(message) = cluster.view().messages.first() {
            return message.id;
        }
        cluster.step();
    }
    panic!("no message was sent");
}

#[test]
fn a_held_message_is_delivered_only_after_it_is_released() {
    let mut cluster = running_cluster(3, 31);
    let message = first_message_in_flight(&mut cluster);
    cluster.apply_action(FaultAction::HoldMessage { message }).unwrap();
    cluster.take_trace();
    cluster.advance(1_000);
    assert!(cluster.view().messages.iter().any(|in_flight| in_flight.id == message && in_flight.held));
    let delivered = |records: &[cluster::TraceRecord]| {
        records.iter().any(|record| matches!(record.event, TraceEvent::MessageDelivered { id, .. } | TraceEvent::MessageDropped { id, .. } if id == message))
    };
    assert!(!delivered(&cluster.take_trace()));
    cluster.apply_action(FaultAction::ReleaseMessage { message }).unwrap();
    cluster.step();
    assert!(delivered(&cluster.take_trace()));
    assert_no_violations(&cluster);
}

#[test]
fn a_dropped_message_never_arrives() {
    let mut cluster = running_cluster(3, 32);
    let message = first_message_in_flight(&mut cluster);
    cluster.apply_action(FaultAction::DropMessage { message }).unwrap();
    assert!(cluster.view().messages.iter().all(|in_flight| in_flight.id != message));
    assert_eq!(cluster.apply_action(FaultAction::ReleaseMessage { message }), Err(ClusterError::UnknownMessage(message)));
    cluster.advance(1_000);
    assert!(!cluster.take_trace().iter().any(|record| matches!(record.event, TraceEvent::MessageDelivered { id, .. } if id == message)));
}

#[test]
fn an_unknown_message_cannot_be_held() {
    let mut cluster = running_cluster(3, 33);
    assert_eq!(cluster.apply_action(FaultAction::HoldMessage { message: MessageId(u64::MAX) }), Err(ClusterError::UnknownMessage(MessageId(u64::MAX))));
}

#[test]
fn with_a_one_way_cut_the_follower_stops_hearing_the_leader_and_campaigns() {
    let mut cluster = running_cluster(3, 34);
    let leader = leader(&cluster);
    let follower = followers(&cluster)[0];
    cluster.apply_action(FaultAction::CutLink { from: leader, to: follower, both_directions: false }).unwrap();
    cluster.take_trace();
    cluster.advance(6_000);
    let trace = cluster.take_trace();
    let cut_dropped = trace.iter().any(|record| matches!(&record.event, TraceEvent::MessageDropped { from, to, reason, .. } if *from == leader && *to == follower && reason == "link cut"));
    let other_way_delivered = trace.iter().any(|record| matches!(&record.event, TraceEvent::MessageDelivered { from, to, .. } if *from == follower && *to == leader));
    assert!(cut_dropped);
    assert!(other_way_delivered);
}
