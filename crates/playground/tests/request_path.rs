//! Following one API call down: apiserver → etcd Txn → Raft entry → each
//! member's commit and apply → revision → watch events.

use cluster::{FaultAction, MemberId};
use playground::{Playground, PlaygroundConfig, UserAction};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n";

fn create_trace_id(playground: &Playground) -> apiserver::TraceId {
    playground
        .apiserver()
        .traces()
        .find(|trace| trace.summary == "create Deployment web")
        .map(|trace| trace.id)
        .expect("the create call is traced")
}

#[test]
fn creating_a_deployment_is_one_raft_entry_committed_and_applied_by_every_member_at_its_revision() {
    let mut playground = Playground::new(PlaygroundConfig { seed: 4, member_count: 3 });
    playground.advance(3_000);
    playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("apply");
    playground.advance(1_000);

    let path = playground.request_path(create_trace_id(&playground)).expect("the call is still kept");
    assert_eq!(path.trace.status_code, 201);
    let write = path.trace.write_call().expect("a create writes through a Txn");
    assert!(write.description.contains("/registry/deployments/default/web"), "{}", write.description);
    let index = path.raft_index.expect("the write travelled in a Raft entry");
    assert_eq!(path.raft_index, write.raft_index);
    assert!(path.raft_term.is_some_and(|term| term >= 1));

    let key = playground.registry_keys(None).into_iter().find(|entry| entry.key == "/registry/deployments/default/web").expect("the key");
    assert_eq!(path.trace.revision, Some(key.create_revision), "the call's revision is the key's create_revision");

    assert_eq!(path.members.len(), 3);
    for member in &path.members {
        let committed = member.committed_at_ms.unwrap_or_else(|| panic!("{} committed entry {index}", member.member));
        let applied = member.applied_at_ms.unwrap_or_else(|| panic!("{} applied entry {index}", member.member));
        assert!(committed <= applied, "{}: committed at {committed} ms, applied at {applied} ms", member.member);
    }
    // The deployment controller's informer watches deployments: it hears of the write.
    assert!(
        path.trace.watch_events.iter().any(|event| event.key == key.key && event.revision == key.create_revision),
        "{:?}",
        path.trace.watch_events
    );
}

#[test]
fn a_crashed_member_never_commits_the_entry_while_the_majority_does() {
    let mut playground = Playground::new(PlaygroundConfig { seed: 4, member_count: 3 });
    playground.advance(3_000);
    let leader = playground.view().cluster.leader.expect("a leader after 3 s");
    let follower = [MemberId(1), MemberId(2), MemberId(3)].into_iter().find(|member| *member != leader).expect("a follower");
    playground.apply(UserAction::Fault { fault: FaultAction::Crash { member: follower } }).expect("crash");
    playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("apply");
    playground.advance(1_000);

    let path = playground.request_path(create_trace_id(&playground)).expect("the call is kept");
    assert!(path.raft_index.is_some());
    for member in &path.members {
        if member.member == follower {
            assert_eq!((member.committed_at_ms, member.applied_at_ms), (None, None), "the crashed {follower} saw nothing");
        } else {
            assert!(member.applied_at_ms.is_some(), "{} of the majority applied it", member.member);
        }
    }
}

#[test]
fn a_read_has_no_raft_entry() {
    let mut playground = Playground::new(PlaygroundConfig { seed: 4, member_count: 3 });
    playground.advance(3_000);
    playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("apply");
    playground.advance(1_000);
    let read = playground.apiserver().traces().find(|trace| trace.summary.starts_with("get ") || trace.summary.starts_with("list ")).map(|trace| trace.id);
    let path = playground.request_path(read.expect("controllers read through the apiserver")).expect("kept");
    assert_eq!(path.raft_index, None);
    assert!(path.members.iter().all(|member| member.committed_at_ms.is_none()));
}
