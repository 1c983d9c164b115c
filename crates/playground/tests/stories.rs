//! The playground as a user drives it: whole runs through the cluster, the
//! apiserver and the controllers.

use cluster::{FaultAction, MemberId};
use playground::{Playground, PlaygroundConfig, PlaygroundError, UserAction};

mod support;
use support::DEPLOYMENT;

fn started(seed: u64, member_count: u8) -> Playground {
    let mut playground = Playground::new(PlaygroundConfig { seed, member_count });
    playground.advance(3_000);
    assert!(playground.view().cluster.leader.is_some(), "seed {seed}: no leader after 3 s");
    playground
}

fn keys(playground: &Playground) -> Vec<String> {
    playground.registry_keys(None).into_iter().map(|entry| entry.key).collect()
}

#[test]
fn the_apiserver_writes_the_system_namespaces_once_a_leader_exists() {
    let playground = started(1, 3);
    let keys = keys(&playground);
    for namespace in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        assert!(keys.contains(&format!("/registry/namespaces/{namespace}")), "{namespace} missing from {keys:?}");
    }
}

#[test]
fn a_deployment_becomes_a_replicaset_and_pods_under_registry() {
    let mut playground = started(2, 3);
    let outcome = playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("apply is accepted");
    assert_eq!(outcome.status_code, Some(201), "{outcome:?}");
    assert_eq!(outcome.message, "deployment.apps/web created");
    playground.advance(5_000);

    let keys = keys(&playground);
    assert!(keys.contains(&"/registry/deployments/default/web".to_string()), "{keys:?}");
    let replicasets: Vec<_> = keys.iter().filter(|key| key.starts_with("/registry/replicasets/default/web-")).collect();
    let pods: Vec<_> = keys.iter().filter(|key| key.starts_with("/registry/pods/default/web-")).collect();
    assert_eq!(replicasets.len(), 1, "{keys:?}");
    assert_eq!(pods.len(), 2, "{keys:?}");
}

#[test]
fn applying_the_same_manifest_again_changes_nothing_and_a_changed_one_is_configured() {
    let mut playground = started(3, 3);
    playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("first apply");
    let revision = playground.store_revisions(None).expect("a leader").0;
    let second = playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("second apply");
    assert_eq!((second.status_code, second.message.as_str()), (Some(200), "deployment.apps/web unchanged"));

    let scaled = DEPLOYMENT.replace("replicas: 2", "replicas: 3");
    let third = playground.apply(UserAction::Apply { manifest: scaled }).expect("third apply");
    assert_eq!((third.status_code, third.message.as_str()), (Some(200), "deployment.apps/web configured"));
    assert!(playground.store_revisions(None).expect("a leader").0 > revision);
}

#[test]
fn the_apiserver_fails_over_when_its_etcd_member_crashes() {
    let mut playground = started(4, 3);
    // The client starts at the first member; crash it.
    playground
        .apply(UserAction::Fault { fault: FaultAction::Crash { member: MemberId(1) } })
        .expect("member 1 can crash");
    playground.advance(5_000);
    let outcome = playground
        .apply(UserAction::Apply { manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after-crash\n".into() })
        .expect("apply is accepted");
    assert_eq!(outcome.status_code, Some(201), "{outcome:?}");
    assert!(keys(&playground).contains(&"/registry/configmaps/default/after-crash".to_string()));
}

#[test]
fn a_replayed_scenario_reaches_the_same_state_and_trace() {
    let mut original = started(5, 3);
    original.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("apply");
    original.advance(1_000);
    original.apply(UserAction::Fault { fault: FaultAction::Crash { member: MemberId(2) } }).expect("crash");
    original.advance(2_000);

    let replayed = Playground::replay(&original.scenario()).expect("the scenario replays");
    assert_eq!(replayed.now_ms(), original.now_ms());
    assert_eq!(replayed.trace_hash(), original.trace_hash());
    assert_eq!(replayed.view(), original.view());
    assert_eq!(keys(&replayed), keys(&original));
}

#[test]
fn a_rejected_action_is_reported_and_not_recorded() {
    let mut playground = started(6, 3);
    let error = playground
        .apply(UserAction::Fault { fault: FaultAction::Crash { member: MemberId(9) } })
        .expect_err("member 9 does not exist");
    assert!(matches!(error, PlaygroundError::Cluster(_)), "{error:?}");
    let error = playground
        .apply(UserAction::Delete { resource: "widgets".into(), namespace: None, name: "x".into() })
        .expect_err("widgets are unknown");
    assert_eq!(error.to_string(), "error: the server doesn't have a resource type \"widgets\"");
    assert!(playground.scenario().actions.is_empty());
}

#[test]
fn a_cluster_of_eight_is_refused_with_the_allowed_range() {
    let error = Playground::try_new(PlaygroundConfig { seed: 1, member_count: 8 }).err().expect("8 is too many");
    assert_eq!(error.to_string(), "a cluster has 1 to 7 members, not 8");
}

fn race(retry_on_conflict: bool) -> playground::RaceSetup {
    playground::RaceSetup {
        namespace: "default".into(),
        name: "web".into(),
        replicas_a: 4,
        replicas_b: 5,
        retry_on_conflict,
    }
}

#[test]
fn two_clients_race_the_first_write_wins_and_the_second_gets_409_then_retries() {
    let mut playground = started(7, 3);
    playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("apply");
    playground.apply(UserAction::Race { setup: race(true) }).expect("the race runs");
    let report = playground.last_race().expect("a report").clone();

    let summary: Vec<(playground::RaceClient, &str, u16)> =
        report.steps.iter().map(|step| (step.client, step.verb, step.status_code)).collect();
    use playground::RaceClient::{A, B};
    assert_eq!(summary, vec![(A, "GET", 200), (B, "GET", 200), (A, "PUT", 200), (B, "PUT", 409), (B, "GET", 200), (B, "PUT", 200)]);
    // Both read the same version; B's first PUT carried it and lost.
    assert_eq!(report.steps[0].resource_version_received, report.steps[1].resource_version_received);
    assert_eq!(report.steps[3].resource_version_sent, report.steps[1].resource_version_received);
    // B's re-read sees A's write.
    assert_eq!(report.steps[4].resource_version_received, report.steps[2].resource_version_received);
    let conflict = report.steps[3].status_body.as_deref().expect("a Status body");
    assert!(conflict.contains("\"reason\":\"Conflict\""), "{conflict}");
    assert!(conflict.contains("the object has been modified; please apply your changes to the latest version and try again"), "{conflict}");
    // A's write was a Txn guarded by the mod_revision it read.
    let rv = report.steps[0].resource_version_received.clone().expect("an rv");
    assert!(report.steps[2].etcd_calls.iter().any(|call| call.starts_with("txn") && call.contains(&rv)), "{:?}", report.steps[2].etcd_calls);
    assert_eq!((report.winner, report.loser_final_status), (Some(A), Some(200)));
}

#[test]
fn a_client_that_gives_up_on_conflict_leaves_the_first_write_in_place() {
    let mut playground = started(8, 3);
    playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("apply");
    playground.apply(UserAction::Race { setup: race(false) }).expect("the race runs");
    let report = playground.last_race().expect("a report");
    assert_eq!(report.steps.len(), 4);
    assert_eq!(report.loser_final_status, Some(409));
}

fn console(playground: &mut Playground, line: &str) -> playground::CommandOutput {
    let outcome = playground
        .apply(UserAction::Console { line: line.into(), stdin: String::new() })
        .expect("console lines are always accepted");
    outcome.console.expect("console output")
}

#[test]
fn etcdctl_lists_the_registry_keys_the_apiserver_wrote() {
    let mut playground = started(9, 3);
    playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("apply");
    let output = console(&mut playground, "etcdctl get /registry/deployments --prefix --keys-only");
    assert_eq!(output.exit_code, 0, "{output:?}");
    // --keys-only prints a blank line after each key, as etcdctl 3.4 does.
    assert_eq!(output.stdout, "/registry/deployments/default/web\n\n");
}

#[test]
fn kubectl_get_pods_lists_the_pods_of_an_applied_deployment_on_the_real_cluster() {
    let mut playground = started(12, 3);
    let applied = playground
        .apply(UserAction::Console { line: "kubectl apply -f web.yaml".into(), stdin: DEPLOYMENT.into() })
        .expect("console lines are always accepted");
    assert_eq!(applied.console.map(|output| output.stdout).as_deref(), Some("deployment.apps/web created\n"));
    playground.advance(5_000);

    let pods = console(&mut playground, "kubectl get pods");
    assert_eq!(pods.exit_code, 0, "{pods:?}");
    let lines: Vec<&str> = pods.stdout.lines().collect();
    assert_eq!(lines.first().map(|line| line.split_whitespace().collect::<Vec<_>>()), Some(vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"]));
    let pod_keys: Vec<String> = keys(&playground).into_iter().filter_map(|key| key.strip_prefix("/registry/pods/default/").map(str::to_string)).collect();
    assert_eq!(pod_keys.len(), 2, "{pod_keys:?}");
    for name in &pod_keys {
        assert!(lines.iter().any(|line| line.starts_with(&format!("{name}   1/1     Running"))), "{name} in {}", pods.stdout);
    }

    // Rejected kubectl lines are recorded too, and a replay answers them the same way.
    let missing = console(&mut playground, "kubectl get deploy nope");
    assert_eq!(missing.stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
    let edited = playground.apply(UserAction::Console { line: "kubectl edit deploy/web".into(), stdin: String::new() }).expect("accepted");
    assert!(edited.editor_text.is_some_and(|text| text.contains("name: web")));
    let replayed = Playground::replay(&playground.scenario()).expect("the run replays");
    assert_eq!(replayed.trace_hash(), playground.trace_hash());
    assert_eq!(playground.complete("kubectl get deploy w", 20), vec!["web"]);
    assert_eq!(playground.complete("kub", 3), vec!["kubectl"]);
}

#[test]
fn a_serializable_read_on_a_partitioned_member_is_stale_and_a_linearizable_one_times_out() {
    let mut playground = started(10, 3);
    let leader = playground.view().cluster.leader.expect("a leader");
    let isolated = playground.view().cluster.members.iter().map(|member| member.id).find(|id| *id != leader).expect("a follower");
    let endpoint = playground::client_endpoint(isolated);
    assert_eq!(console(&mut playground, "etcdctl put /lesson before").stdout, "OK\n");
    playground.advance(500);

    let others: Vec<MemberId> = playground.view().cluster.members.iter().map(|member| member.id).filter(|id| *id != isolated).collect();
    playground
        .apply(UserAction::Fault { fault: FaultAction::Partition { groups: vec![vec![isolated], others] } })
        .expect("partition");
    let leader_endpoint = playground::client_endpoint(leader);
    let put = console(&mut playground, &format!("etcdctl --endpoints={leader_endpoint} put /lesson after"));
    assert_eq!(put.stdout, "OK\n", "{put:?}");

    let stale = console(&mut playground, &format!("etcdctl --endpoints={endpoint} get /lesson --consistency=s --print-value-only"));
    assert_eq!(stale.stdout, "before\n", "{stale:?}");
    let linearizable = console(&mut playground, &format!("etcdctl --endpoints={endpoint} get /lesson"));
    assert_eq!(linearizable.exit_code, 1, "{linearizable:?}");
    assert!(linearizable.stderr.ends_with("Error: context deadline exceeded\n"), "{linearizable:?}");
}

#[test]
fn an_unknown_console_command_is_answered_like_bash_and_changes_nothing() {
    let mut playground = started(11, 3);
    let hash = playground.registry_keys(None);
    let output = console(&mut playground, "etcdcl get /");
    assert_eq!((output.stderr.as_str(), output.exit_code), ("bash: etcdcl: command not found\n", 127));
    assert_eq!(playground.registry_keys(None), hash);
}

#[test]
fn a_request_trace_links_the_api_call_to_its_txn_raft_entry_and_revision() {
    let mut playground = started(12, 3);
    let outcome = playground
        .apply(UserAction::Apply { manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: traced\ndata:\n  a: b\n".into() })
        .expect("apply");
    assert_eq!(outcome.status_code, Some(201));
    let trace = playground
        .apiserver()
        .traces()
        .filter(|trace| trace.summary.contains("traced"))
        .last()
        .expect("the create was traced")
        .clone();
    let revision = trace.revision.expect("the create wrote a revision");
    let write = trace.write_call().expect("a write call");
    assert!(write.description.starts_with("txn"), "{write:?}");
    let raft_index = write.raft_index.expect("the Raft entry is known");
    // The same entry, applied by the members, produced that revision.
    let applied = playground.recent_events(cluster_records_kept()).into_iter().any(|record| {
        matches!(record.event, cluster::TraceEvent::Applied { index, revision: applied, .. } if index == raft_index && applied == revision)
    });
    assert!(applied, "no member applied entry {raft_index} as revision {revision}");
}

fn cluster_records_kept() -> usize {
    playground::TRACE_LOG_CAPACITY
}

fn configmap(name: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: b\n")
}

#[test]
fn when_the_apiservers_member_is_cut_off_writes_time_out_then_succeed_after_failover_and_none_is_lost() {
    let mut playground = started(13, 3);
    // The apiserver's client starts at member 1: isolate it.
    let others: Vec<MemberId> = playground.view().cluster.members.iter().map(|member| member.id).filter(|id| *id != MemberId(1)).collect();
    playground
        .apply(UserAction::Fault { fault: FaultAction::Partition { groups: vec![vec![MemberId(1)], others.clone()] } })
        .expect("partition");
    playground.advance(3_000);

    let during = playground.apply(UserAction::Apply { manifest: configmap("during-partition") }).expect("apply");
    assert_eq!(during.status_code, Some(504), "{during:?}");
    assert!(during.message.contains("Timeout") || during.message.contains("timeout"), "{during:?}");

    // The client moved on to the next endpoint, which is in the majority.
    let after = playground.apply(UserAction::Apply { manifest: configmap("after-failover") }).expect("apply");
    assert_eq!(after.status_code, Some(201), "{after:?}");

    playground.apply(UserAction::Fault { fault: FaultAction::Heal }).expect("heal");
    playground.advance(5_000);
    for member in [MemberId(1), others[0], others[1]] {
        let keys: Vec<String> = playground.registry_keys(Some(member)).into_iter().map(|entry| entry.key).collect();
        assert!(keys.contains(&"/registry/configmaps/default/after-failover".to_string()), "{member}: acknowledged write lost: {keys:?}");
    }
}
