//! Stories of the console's behaviour that the transcripts show only in passing: watch
//! sessions, stdin, unreachable endpoints, the shell around etcdctl.

use console::{Console, Execution, SingleMemberBackend, StopReason};

fn fresh() -> (Console, SingleMemberBackend) {
    (Console::new(), SingleMemberBackend::new())
}

#[test]
fn a_watch_streams_each_write_as_it_happens_and_a_timeout_ends_it_with_exit_124() {
    let (mut console, mut backend) = fresh();
    let Execution::Watching(mut watch) = console.execute(
        "timeout 6 etcdctl watch --prefix /registry/pods/",
        "",
        &mut backend,
    ) else {
        panic!("watch must keep running")
    };
    assert_eq!(watch.timeout_nanoseconds(), Some(6_000_000_000));
    assert_eq!(watch.poll(&mut backend).stdout, "");
    console.run("etcdctl put /registry/pods/default/a 1", "", &mut backend);
    console.run(
        "etcdctl put /registry/services/specs/default/web x",
        "",
        &mut backend,
    );
    assert_eq!(
        watch.poll(&mut backend).stdout,
        "PUT\n/registry/pods/default/a\n1\n"
    );
    console.run("etcdctl del /registry/pods/default/a", "", &mut backend);
    let last = watch.stop(&mut backend, StopReason::Timeout);
    assert_eq!(
        (last.stdout.as_str(), last.exit_code),
        ("DELETE\n/registry/pods/default/a\n\n", 124)
    );
}

#[test]
fn a_watch_from_a_compacted_revision_is_cancelled_by_the_server_with_exit_5() {
    let (mut console, mut backend) = fresh();
    for value in ["1", "2", "3"] {
        console.run(&format!("etcdctl put /k {value}"), "", &mut backend);
    }
    console.run("etcdctl compaction 3", "", &mut backend);
    let Execution::Watching(mut watch) =
        console.execute("etcdctl watch --rev=2 /k", "", &mut backend)
    else {
        panic!()
    };
    let output = watch.poll(&mut backend);
    assert_eq!(output.stderr, "watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n");
    assert_eq!(output.exit_code, 5);
    assert!(watch.is_finished());
}

#[test]
fn put_takes_its_value_from_piped_text_when_only_a_key_is_given() {
    let (mut console, mut backend) = fresh();
    assert_eq!(
        console
            .run("etcdctl put /k", "line one\nline two\n", &mut backend)
            .stdout,
        "OK\n"
    );
    assert_eq!(
        console
            .run("etcdctl get /k --print-value-only", "", &mut backend)
            .stdout,
        "line one\nline two\n\n"
    );
    let missing = console.run("etcdctl put /k", "", &mut backend);
    assert_eq!(
        (missing.stderr.as_str(), missing.exit_code),
        (
            "Error: put command needs 1 argument and input from stdin or 2 arguments\n",
            128
        )
    );
}

#[test]
fn an_endpoint_without_a_member_fails_like_a_closed_port_after_the_client_warning() {
    let (mut console, mut backend) = fresh();
    let output = console.run(
        "etcdctl --endpoints=127.0.0.1:23999 get /k",
        "",
        &mut backend,
    );
    assert_eq!(output.exit_code, 1);
    let lines: Vec<&str> = output.stderr.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with(r#"{"level":"warn","ts":"2026-11-24T01:00:00.000Z","caller":"clientv3/retry_interceptor.go:62""#));
    assert!(lines[0].ends_with(r#"/127.0.0.1:23999","attempt":0,"error":"rpc error: code = DeadlineExceeded desc = latest balancer error: all SubConns are in TransientFailure"}"#));
    assert_eq!(lines[1], "Error: context deadline exceeded");
}

#[test]
fn each_etcdctl_run_gets_its_own_client_name_and_the_names_repeat_across_consoles() {
    let names = |console: &mut Console, backend: &mut SingleMemberBackend| -> Vec<String> {
        (0..2)
            .map(|_| {
                console
                    .run("etcdctl get ''", "", backend)
                    .stderr
                    .split("client-")
                    .nth(1)
                    .unwrap_or("")
                    .chars()
                    .take(36)
                    .collect()
            })
            .collect()
    };
    let (mut first_console, mut backend) = fresh();
    let first = names(&mut first_console, &mut backend);
    let second = names(&mut Console::new(), &mut backend);
    assert_ne!(first[0], first[1]);
    assert_eq!(
        first, second,
        "the same commands must give the same log lines"
    );
}

#[test]
fn a_failed_txn_compare_writes_nothing_and_takes_the_else_branch() {
    let (mut console, mut backend) = fresh();
    console.run("etcdctl put /k v", "", &mut backend);
    let revision = backend.store().revision();
    let output = console.run(
        "etcdctl txn",
        "mod(\"/k\") = \"1\"\n\nput /k new\n\nget /k\n\n",
        &mut backend,
    );
    assert_eq!(output.stdout, "FAILURE\n\n/k\nv\n");
    assert_eq!(backend.store().revision(), revision);
}

#[test]
fn the_shell_around_etcdctl_answers_like_bash_and_coreutils() {
    let (mut console, mut backend) = fresh();
    let unknown = console.run("kubectl get pods", "", &mut backend);
    assert_eq!(
        (unknown.stderr.as_str(), unknown.exit_code),
        ("bash: kubectl: command not found\n", 127)
    );
    let quote = console.run("etcdctl put /k 'open", "", &mut backend);
    assert_eq!(quote.exit_code, 2);
    let pipe = console.run("etcdctl get /k | jq .", "", &mut backend);
    assert_eq!(pipe.exit_code, 2);
    assert_eq!(console.run("", "", &mut backend).exit_code, 0);
    let v2 = console.run("ETCDCTL_API=2 etcdctl ls /", "", &mut backend);
    assert_eq!(v2.exit_code, 4);
    assert_eq!(backend.store().revision(), 1, "none of these may write");
}

#[test]
fn help_prints_the_commands_usage_on_stdout_and_exits_0() {
    let (mut console, mut backend) = fresh();
    let help = console.run("etcdctl del --help", "", &mut backend);
    assert!(help.stdout.starts_with(
        "NAME:\n\tdel - Removes the specified key or range of keys [key, range_end)\n"
    ));
    assert!(help
        .stdout
        .contains("      --prev-kv[=false]\t\treturn deleted key-value pairs\n"));
    assert_eq!((help.stderr.as_str(), help.exit_code), ("", 0));
    let root = console.run("etcdctl --help", "", &mut backend);
    assert!(root
        .stdout
        .starts_with("NAME:\n\tetcdctl - A simple command line client for etcd3.\n"));
    assert_eq!(root.exit_code, 0);
    let group = console.run("etcdctl member", "", &mut backend);
    assert!(group.stdout.contains("COMMANDS:\n\tadd\t"));
}

#[test]
fn leases_expire_on_the_virtual_clock_and_take_their_keys_with_them() {
    let (mut console, mut backend) = fresh();
    let granted = console.run("etcdctl lease grant 1", "", &mut backend);
    assert!(
        granted.stdout.ends_with(" granted with TTL(2s)\n"),
        "the minimum TTL is 2 s: {granted:?}"
    );
    let id = granted
        .stdout
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_string();
    console.run(
        &format!("etcdctl put --lease={id} /events/e x"),
        "",
        &mut backend,
    );
    backend.advance_milliseconds(1_999);
    assert_eq!(
        console
            .run("etcdctl get /events/e --keys-only", "", &mut backend)
            .stdout,
        "/events/e\n\n"
    );
    backend.advance_milliseconds(1);
    assert_eq!(
        console
            .run("etcdctl get /events/e --keys-only", "", &mut backend)
            .stdout,
        ""
    );
    assert_eq!(
        console
            .run(&format!("etcdctl lease timetolive {id}"), "", &mut backend)
            .stdout,
        format!("lease {id} already expired\n")
    );
}

#[test]
fn the_ui_can_tell_when_a_txn_needs_input_and_when_the_input_is_complete() {
    assert!(Console::reads_txn_input("etcdctl txn -i"));
    assert!(Console::reads_txn_input(
        "ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:2379 txn -w json"
    ));
    assert!(!Console::reads_txn_input("etcdctl get txn"));
    assert!(
        Console::reads_txn_input("etcdctl tx"),
        "`tx` is the unique prefix of txn, as in etcdctl"
    );
}
