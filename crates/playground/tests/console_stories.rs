//! The console as a user drives it: a streaming `etcdctl watch` that runs
//! while virtual time moves, stopped by Ctrl-C or `timeout`, and recorded so
//! a replay prints the same.

use playground::{ConsoleStream, Playground, PlaygroundConfig, PlaygroundError, UserAction};

mod support;
use support::DEPLOYMENT;

fn started(seed: u64) -> Playground {
    let mut playground = Playground::new(PlaygroundConfig { seed, member_count: 3 });
    playground.advance(3_000);
    assert!(playground.view().cluster.leader.is_some(), "seed {seed}: no leader after 3 s");
    playground
}

fn type_line(playground: &mut Playground, line: &str) {
    playground.apply(UserAction::Console { line: line.into(), stdin: String::new() }).expect("a console line is accepted");
}

/// Everything the console streamed, chunks of one command joined.
fn joined(chunks: &[ConsoleStream]) -> Vec<(String, String, String, Option<i32>)> {
    let mut joined: Vec<(u64, String, String, String, Option<i32>)> = Vec::new();
    for chunk in chunks {
        match joined.last_mut() {
            Some(last) if last.0 == chunk.command_number => {
                last.2.push_str(&chunk.stdout);
                last.3.push_str(&chunk.stderr);
                last.4 = chunk.exit_code;
            }
            _ => joined.push((chunk.command_number, chunk.line.clone(), chunk.stdout.clone(), chunk.stderr.clone(), chunk.exit_code)),
        }
    }
    joined.into_iter().map(|(_, line, stdout, stderr, exit)| (line, stdout, stderr, exit)).collect()
}

/// The keys of the watch's events, in order, with their event type (`PUT /registry/...`).
fn events(stdout: &str) -> Vec<String> {
    let lines: Vec<&str> = stdout.lines().collect();
    let mut events = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        if matches!(lines[index], "PUT" | "DELETE") && index + 1 < lines.len() {
            events.push(format!("{} {}", lines[index], lines[index + 1]));
            index += 3;
        } else {
            index += 1;
        }
    }
    events
}

#[test]
fn a_watch_on_the_registry_streams_a_deployments_writes_until_ctrl_c_and_a_replay_prints_the_same() {
    let mut original = started(11);
    type_line(&mut original, "etcdctl watch --prefix /registry/");
    assert_eq!(original.foreground_command(), Some("etcdctl watch --prefix /registry/"));
    assert!(original.take_console_output().is_empty(), "nothing was written yet");

    original.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("apply");
    original.advance(3_000);
    let mut streamed = original.take_console_output();
    let first = joined(&streamed);
    assert_eq!(first.len(), 1, "{first:?}");
    let (line, stdout, _, exit_code) = &first[0];
    assert_eq!((line.as_str(), *exit_code), ("etcdctl watch --prefix /registry/", None), "still running");
    let events = events(stdout);
    assert!(events.contains(&"PUT /registry/deployments/default/web".to_string()), "{events:?}");
    assert!(events.iter().any(|event| event.starts_with("PUT /registry/replicasets/default/web-")), "{events:?}");
    assert!(events.iter().filter(|event| event.starts_with("PUT /registry/pods/default/web-")).count() >= 2, "{events:?}");
    // The watch shares member 1's store with the apiserver's informers: the controllers still saw every write.
    let pods = original.registry_keys(None).into_iter().filter(|entry| entry.key.starts_with("/registry/pods/default/web-")).count();
    assert_eq!(pods, 2);

    original.apply(UserAction::StopCommand).expect("Ctrl-C stops the watch");
    assert_eq!(original.foreground_command(), None);
    streamed.extend(original.take_console_output());
    let all = joined(&streamed);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].3, Some(130), "Ctrl-C: 128 + SIGINT");
    original.advance(500);

    let mut replayed = Playground::replay(&original.scenario()).expect("the scenario replays");
    assert_eq!(replayed.trace_hash(), original.trace_hash());
    assert_eq!(joined(&replayed.take_console_output()), all);
}

#[test]
fn timeout_5_ends_a_watch_after_exactly_five_virtual_seconds_with_exit_124() {
    let mut playground = started(12);
    let started_ms = playground.now_ms();
    type_line(&mut playground, "timeout 5 etcdctl watch /color");
    type_line(&mut playground, "");
    playground.advance(1_000);
    assert!(playground.foreground_command().is_some(), "an empty line does not stop it");
    playground.advance(3_999);
    assert!(playground.foreground_command().is_some(), "4.999 s in, it still runs");
    playground.advance(2_000);
    assert_eq!(playground.foreground_command(), None);
    let chunks = playground.take_console_output();
    assert_eq!(joined(&chunks), vec![("timeout 5 etcdctl watch /color".to_string(), String::new(), String::new(), Some(124))]);
    assert!(playground.now_ms() >= started_ms + 5_000);
}

#[test]
fn a_new_console_line_while_a_watch_runs_stops_the_watch_first_like_ctrl_c() {
    let mut playground = started(13);
    type_line(&mut playground, "etcdctl watch /color");
    playground.advance(200);
    let outcome = playground
        .apply(UserAction::Console { line: "etcdctl put /color blue".into(), stdin: String::new() })
        .expect("put");
    assert_eq!(outcome.console.map(|output| output.stdout), Some("OK\n".to_string()));
    assert_eq!(playground.foreground_command(), None);
    // The watch ended before the put ran, so it never saw it.
    assert_eq!(joined(&playground.take_console_output()), vec![("etcdctl watch /color".to_string(), String::new(), String::new(), Some(130))]);
}

#[test]
fn ctrl_c_with_nothing_running_is_refused_and_a_watch_from_revision_1_replays_the_history() {
    let mut playground = started(14);
    let error = playground.apply(UserAction::StopCommand).expect_err("nothing runs");
    assert!(matches!(error, PlaygroundError::NoForegroundCommand), "{error:?}");
    assert!(playground.scenario().actions.is_empty(), "a refused Ctrl-C is not recorded");

    type_line(&mut playground, "etcdctl put /color red");
    type_line(&mut playground, "etcdctl watch --rev=1 /color");
    playground.advance(100);
    let chunks = joined(&playground.take_console_output());
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].1, "PUT\n/color\nred\n", "the watch replays history from revision 1");
}

fn run(playground: &mut Playground, line: &str) -> playground::CommandOutput {
    let outcome = playground.apply(UserAction::Console { line: line.into(), stdin: String::new() }).expect("a console line is accepted");
    outcome.console.expect("a console line prints")
}

/// `lease 694d77aa9e38260f granted with TTL(10s)` -> the id in hex.
fn granted_lease_id(output: &playground::CommandOutput) -> String {
    assert_eq!(output.exit_code, 0, "{output:?}");
    output.stdout.split_whitespace().nth(1).expect("lease <id> granted ...").to_string()
}

#[test]
fn a_lease_granted_through_raft_carries_a_key_until_it_is_revoked_on_every_member() {
    let mut playground = started(31);
    let lease = granted_lease_id(&run(&mut playground, "etcdctl lease grant 30"));
    assert_eq!(run(&mut playground, &format!("etcdctl put /session/a alive --lease={lease}")).stdout, "OK\n");
    let ttl = run(&mut playground, &format!("etcdctl lease timetolive {lease} --keys"));
    assert_eq!(ttl.stdout, format!("lease {lease} granted with TTL(30s), remaining(29s), attached keys([/session/a])\n"), "{ttl:?}");
    assert_eq!(run(&mut playground, "etcdctl lease list").stdout, format!("found 1 leases\n{lease}\n"));

    assert_eq!(run(&mut playground, &format!("etcdctl lease revoke {lease}")).stdout, format!("lease {lease} revoked\n"));
    playground.advance(500);
    for endpoint in ["127.0.0.1:2379", "127.0.0.1:22379", "127.0.0.1:32379"] {
        let read = run(&mut playground, &format!("etcdctl --endpoints={endpoint} get /session/a --consistency=s"));
        assert_eq!(read.stdout, "", "{endpoint} still has the key");
    }
    let unknown = run(&mut playground, &format!("etcdctl lease revoke {lease}"));
    assert!(unknown.stderr.ends_with("Error: failed to revoke lease (etcdserver: requested lease not found)\n"), "{unknown:?}");
}

#[test]
fn a_lease_that_is_not_kept_alive_expires_and_its_key_is_deleted() {
    let mut playground = started(32);
    let lease = granted_lease_id(&run(&mut playground, "etcdctl lease grant 1"));
    run(&mut playground, &format!("etcdctl put /session/b alive --lease={lease}"));
    assert_eq!(run(&mut playground, "etcdctl get /session/b --print-value-only").stdout, "alive\n");
    playground.advance(2_500); // etcd raises a 1 s TTL to its 2 s minimum
    assert_eq!(run(&mut playground, "etcdctl get /session/b").stdout, "");
    assert_eq!(run(&mut playground, &format!("etcdctl lease timetolive {lease}")).stdout, format!("lease {lease} already expired\n"));
}

#[test]
fn member_add_starts_member_4_and_member_remove_takes_it_out_again() {
    let mut playground = started(33);
    let added = run(&mut playground, "etcdctl member add infra4 --peer-urls=http://127.0.0.1:42380");
    assert_eq!(added.exit_code, 0, "{added:?}");
    let id = format!("{:x}", playground::etcd_member_id(cluster::MemberId(4)));
    assert_eq!(id, "45d559f8148de837", "etcd's id for http://127.0.0.1:42380 in cluster etcd-cluster-1");
    assert!(added.stdout.starts_with(&format!("Member {id:>16} added to cluster ")), "{}", added.stdout);
    assert!(added.stdout.contains("ETCD_INITIAL_CLUSTER=\"infra1=http://127.0.0.1:12380,infra2=http://127.0.0.1:22380,infra3=http://127.0.0.1:32380,infra4=http://127.0.0.1:42380\"\n"), "{}", added.stdout);
    assert_eq!(playground.view().cluster.members.len(), 4);
    assert_eq!(run(&mut playground, "etcdctl member list").stdout.lines().count(), 4);
    let again = run(&mut playground, "etcdctl member add infra4 --peer-urls=http://127.0.0.1:42380");
    assert!(again.stderr.ends_with("Error: etcdserver: peerURL exists\n"), "{again:?}");

    let removed = run(&mut playground, &format!("etcdctl member remove {id}"));
    assert!(removed.stdout.starts_with(&format!("Member {id:>16} removed from cluster ")), "{removed:?}");
    assert_eq!(playground.view().cluster.members.len(), 3);
    let missing = run(&mut playground, &format!("etcdctl member remove {id}"));
    assert!(missing.stderr.ends_with("Error: etcdserver: member not found\n"), "{missing:?}");
}

#[test]
fn move_leader_hands_leadership_to_each_named_member_in_turn() {
    let mut playground = started(34);
    for _ in 0..2 {
        let leader = playground.view().cluster.leader.expect("a leader");
        // The next member after the leader, so both followers get their turn.
        let target = cluster::MemberId(leader.0 % 3 + 1);
        let leader_endpoint = playground::client_endpoint(leader);
        let line = format!("etcdctl --endpoints={leader_endpoint} move-leader {:x}", playground::etcd_member_id(target));
        let output = run(&mut playground, &line);
        assert_eq!(
            output.stdout,
            format!("Leadership transferred from {:x} to {:x}\n", playground::etcd_member_id(leader), playground::etcd_member_id(target)),
            "{output:?}"
        );
        playground.advance(300);
        assert_eq!(playground.view().cluster.leader, Some(target));
    }
}

#[test]
fn keep_alive_once_renews_a_lease_for_another_full_ttl_and_an_unknown_lease_exits_2() {
    let mut playground = started(35);
    let lease = granted_lease_id(&run(&mut playground, "etcdctl lease grant 2"));
    run(&mut playground, &format!("etcdctl put /session/c alive --lease={lease}"));
    playground.advance(1_500);
    let renewed = run(&mut playground, &format!("etcdctl lease keep-alive --once {lease}"));
    assert_eq!(renewed.stdout, format!("lease {lease} keepalived with TTL(2)\n"), "{renewed:?}");
    playground.advance(1_500); // 3 s after the grant, 1.5 s after the renewal
    assert_eq!(run(&mut playground, "etcdctl get /session/c --print-value-only").stdout, "alive\n");
    playground.advance(1_000);
    assert_eq!(run(&mut playground, "etcdctl get /session/c").stdout, "", "expired 2 s after the renewal");

    let unknown = run(&mut playground, &format!("etcdctl lease keep-alive --once {lease}"));
    assert_eq!((unknown.stderr.as_str(), unknown.exit_code), ("Error: etcdserver: requested lease not found\n", 2));
    let streaming = run(&mut playground, &format!("etcdctl lease keep-alive {lease}"));
    assert_eq!(streaming.exit_code, 4, "{streaming:?}");
}

#[test]
fn kubectl_get_pods_w_lists_then_streams_the_pods_of_a_new_deployment_until_ctrl_c_and_replays_the_same() {
    let mut playground = started(31);
    type_line(&mut playground, "kubectl get pods -w");
    assert_eq!(playground.foreground_command(), Some("kubectl get pods -w"));
    let before = joined(&playground.take_console_output());
    assert!(
        before.iter().all(|(_, stdout, _, _)| !stdout.contains("web-")),
        "no pod of web exists before it is applied: {before:?}"
    );
    playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }).expect("the manifest is accepted");
    playground.advance(5_000);
    assert_eq!(playground.foreground_command(), Some("kubectl get pods -w"), "a watch runs until it is stopped");
    playground.apply(UserAction::StopCommand).expect("Ctrl-C stops the watch");
    assert_eq!(playground.foreground_command(), None);
    let streamed = joined(&playground.take_console_output());
    let (line, stdout, _, exit_code) = streamed.last().expect("the watch printed and ended").clone();
    assert_eq!((line.as_str(), exit_code), ("kubectl get pods -w", Some(130)));
    let rows = stdout.lines().filter(|row| row.starts_with("web-")).count();
    assert!(rows >= 2, "the two pods of web appear as rows while the watch runs:\n{stdout}");

    let mut replayed = Playground::replay(&playground.scenario()).expect("the run replays");
    let mut all = before;
    all.extend(streamed);
    assert_eq!(joined(&replayed.take_console_output()), all, "a replay streams the same rows");
    assert_eq!(replayed.trace_hash(), playground.trace_hash());
}
