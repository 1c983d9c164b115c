//! Transcripts 11–14 of shared/reference/etcd-golden (both pre-vote variants) replayed on the
//! simulated 3-member cluster through the console and `ClusterEtcdctl`: a real etcd 3.4.23
//! cluster losing its leader, losing quorum, recovering, stopping gracefully and freezing.
//!
//! The transcript is parsed by the console's golden-test harness (`crates/console/tests/common`,
//! shared, not copied). Process control becomes cluster actions: `kill -9` = crash,
//! `[started infraN]` = restart (then the script's hidden health wait: time runs until every
//! running member has applied the same index), `kill -TERM` = leadership transfer then crash
//! (etcd hands leadership over on SIGTERM), `kill -STOP`/`-CONT` = crash/restart (the sim has
//! no frozen process; the commands where that shows are listed below), `sleep N;` = N virtual
//! seconds. Transcript 11 only brings the cluster into its state (two puts, move-leader).
//!
//! Elections pick other winners in the sim, so before each command whose expected `endpoint
//! status` table names a leader, leadership is moved to that member (a setup step, like the
//! script's own `leader_name` choices).
//!
//! Masks beyond the console harness's (ts, client UUID, took, DB size, hash): the RAFT TERM,
//! RAFT INDEX and RAFT APPLIED INDEX columns and `"raft_term"` in JSON headers — openraft's
//! log has other entries than etcd's (blank leader entries, joint configs), and the sim's
//! elections take another number of rounds. Member and cluster ids are NOT masked: the console
//! computes them as etcd does.

#[path = "../../console/tests/common/mod.rs"]
mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::LazyLock;

use cluster::{Cluster, ClusterConfig, FaultAction, MemberId, Role};
use common::{apply_pipe, compare, describe, golden_directory, parse_transcript, split_pipe, Step};
use console::{Console, Execution, StopReason};
use playground::{ClusterEtcdctl, WatchMailbox};
use regex::Regex;

/// Commands run but not compared, with why. `frozen` is the member under `kill -STOP`.
fn not_compared(step: &Step, frozen: Option<MemberId>) -> Option<&'static str> {
    let file = step.file.as_str();
    let command = step.command.as_str();
    let names_frozen = frozen.is_some_and(|member| {
        let endpoint = playground::client_endpoint(member);
        command.split([' ', '=', ',']).any(|word| word == endpoint)
    });
    // A put through several endpoints: the balancer skips the frozen member in both.
    if names_frozen && !command.contains(" put ") {
        return Some("a frozen (SIGSTOP) member keeps its sockets open, so requests to it hang until the deadline; the sim has no frozen process and refuses the connection (crash), which changes the client's error description");
    }
    if file.starts_with("12-") && step.line_number > 88 && (command.contains(" put ") || command.contains("endpoint health") || command.contains(" compaction ")) {
        return Some("a write or health check on the lone survivor: its error variant (request timed out / Unknown context deadline exceeded / context deadline exceeded) depends on timing (etcd-semantics.md §5.5)");
    }
    None
}

/// Commands not run at all, with why (running them would change the state the next commands see).
fn not_run(step: &Step) -> Option<&'static str> {
    if step.file.starts_with("12-") && step.command.contains("nginx-abc 'written-after-leader-crash'") {
        return Some("right after the leader's crash this put timed out in the capture and was lost (no leader for 5 s without pre-vote, under 1 s with it but still a timeout); the sim elects within the deadline, so the put would commit");
    }
    None
}

static LEADER_ROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\|\s*(127\.0\.0\.1:\d+)\s*\|[^|]*\|[^|]*\|[^|]*\|\s*true\s*\|").expect("regex"));

/// The member the expected output's status table names as leader, if any.
fn expected_leader(step: &Step) -> Option<MemberId> {
    let expected = step.expected.as_ref()?;
    let captures = LEADER_ROW.captures(&expected.stdout)?;
    member_of_endpoint(&captures[1])
}

fn member_of_endpoint(endpoint: &str) -> Option<MemberId> {
    (1..=3).map(MemberId).find(|member| playground::client_endpoint(*member) == endpoint)
}

/// RAFT TERM / RAFT INDEX / RAFT APPLIED INDEX cells and JSON `raft_term` (see the module docs).
fn mask_raft_positions(text: &str) -> String {
    static RAFT_TERM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""raft_term":\d+"#).expect("regex"));
    let text = RAFT_TERM.replace_all(text, r#""raft_term":<term>"#);
    let mut masked_columns: Vec<usize> = Vec::new();
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        if !body.starts_with('|') {
            out.push_str(line);
            continue;
        }
        let cells: Vec<&str> = body.trim_matches('|').split('|').collect();
        if cells.iter().any(|cell| cell.trim() == "ENDPOINT") {
            masked_columns = cells
                .iter()
                .enumerate()
                .filter(|(_, cell)| matches!(cell.trim(), "RAFT TERM" | "RAFT INDEX" | "RAFT APPLIED INDEX"))
                .map(|(index, _)| index)
                .collect();
            out.push_str(line);
            continue;
        }
        let cells: Vec<&str> =
            cells.iter().enumerate().map(|(index, cell)| if masked_columns.contains(&index) { "<raft>" } else { cell }).collect();
        out.push_str(&format!("|{}|\n", cells.join("|")));
    }
    out
}

struct Sim {
    cluster: Rc<RefCell<Cluster>>,
    etcdctl: ClusterEtcdctl,
    console: Console,
}

impl Sim {
    fn new(seed: u64, pre_vote: bool) -> Sim {
        let config = ClusterConfig { seed, member_count: 3, pre_vote, ..ClusterConfig::default() };
        let cluster = Rc::new(RefCell::new(Cluster::new(config)));
        let etcdctl = ClusterEtcdctl::new(cluster.clone(), Rc::new(RefCell::new(WatchMailbox::default())));
        let mut sim = Sim { cluster, etcdctl, console: Console::new() };
        sim.settle();
        sim
    }

    fn leader(&self) -> Option<MemberId> {
        let cluster = self.cluster.borrow();
        cluster
            .member_ids()
            .into_iter()
            .filter_map(|member| cluster.member_status(member).map(|status| (status, member)))
            .filter(|(status, _)| status.role == Role::Leader)
            .max_by_key(|(status, member)| (status.term, *member))
            .map(|(_, member)| member)
    }

    /// Runs time until a leader exists and every running member applied the same index (at most 20 s),
    /// as the script's health loops wait.
    fn settle(&mut self) {
        for _ in 0..200 {
            let in_sync = {
                let cluster = self.cluster.borrow();
                let applied: Vec<u64> =
                    cluster.member_ids().into_iter().filter_map(|member| cluster.member_status(member)).map(|status| status.applied_index).collect();
                applied.windows(2).all(|pair| pair[0] == pair[1])
            };
            if self.leader().is_some() && in_sync {
                return;
            }
            self.cluster.borrow_mut().advance(100);
        }
    }

    fn act(&mut self, action: FaultAction) {
        let result = self.cluster.borrow_mut().apply_action(action.clone());
        assert!(result.is_ok(), "{action:?}: {result:?}");
    }

    /// Moves leadership to `member` (a setup step: the sim's elections pick other winners).
    fn steer_leader(&mut self, member: MemberId) {
        if self.cluster.borrow().member_status(member).is_none() {
            return;
        }
        for _ in 0..5 {
            self.settle();
            if self.leader() == Some(member) {
                return;
            }
            self.act(FaultAction::TransferLeader { to: member });
            for _ in 0..30 {
                self.cluster.borrow_mut().advance(100);
                if self.leader() == Some(member) {
                    break;
                }
            }
        }
        assert_eq!(self.leader(), Some(member), "leadership could not be moved to {member}");
    }

    fn run(&mut self, command: &str, stdin: &str) -> console::CommandOutput {
        let (line, filter) = split_pipe(command);
        let output = match self.console.execute(line, stdin, &mut self.etcdctl) {
            Execution::Finished(output) => output,
            Execution::Watching(mut session) => {
                // `timeout 4 etcdctl watch ...`: let the 4 virtual seconds pass.
                let mut output = session.poll(&mut self.etcdctl);
                if !session.is_finished() {
                    let timeout_ms = session.timeout_nanoseconds().unwrap_or(0) / 1_000_000;
                    self.cluster.borrow_mut().advance(timeout_ms);
                    let last = session.stop(&mut self.etcdctl, StopReason::Timeout);
                    output.stdout.push_str(&last.stdout);
                    output.stderr.push_str(&last.stderr);
                    output.exit_code = last.exit_code;
                }
                output
            }
        };
        self.etcdctl.revoke_expired_leases();
        apply_pipe(filter, output)
    }
}

/// `kill -9 1234    # infra2` -> (signal, member 2).
fn kill(command: &str) -> Option<(&str, MemberId)> {
    let signal = command.strip_prefix("kill -")?.split_whitespace().next()?;
    let name = command.rsplit("# infra").next()?.trim();
    Some((signal, MemberId(name.parse().ok()?)))
}

/// `[started infra2 pid 21117]` lines, by line number (the parser keeps only `$ ` lines).
fn restarts(text: &str) -> Vec<(usize, MemberId)> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let name = line.strip_prefix("[started infra")?;
            let number: u64 = name.split_whitespace().next()?.parse().ok()?;
            Some((index + 1, MemberId(number)))
        })
        .collect()
}

fn replay(variant: &str, seed: u64) {
    let pre_vote = variant == "-prevote";
    let mut sim = Sim::new(seed, pre_vote);
    let mut frozen: Option<MemberId> = None;
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut skipped: Vec<String> = Vec::new();
    for name in ["11-cluster{}-healthy.txt", "12-cluster{}-quorum-loss.txt", "13-cluster{}-recovery.txt", "14-cluster{}-graceful-and-freeze.txt"] {
        let file = name.replace("{}", variant);
        let text = std::fs::read_to_string(golden_directory().join(&file)).expect("transcript readable");
        let mut pending_restarts = restarts(&text);
        for step in parse_transcript(&file, &text) {
            while let Some(&(_, member)) = pending_restarts.first().filter(|(line, _)| *line < step.line_number) {
                pending_restarts.remove(0);
                // Transcript 11 notes the first start of each member too; the sim's are running.
                if sim.cluster.borrow().member_status(member).is_none() {
                    sim.act(FaultAction::Restart { member });
                    sim.settle();
                }
            }
            let mut command = step.command.as_str();
            if let Some((signal, member)) = kill(command) {
                match signal {
                    "9" => sim.act(FaultAction::Crash { member }),
                    "STOP" => {
                        frozen = Some(member);
                        sim.act(FaultAction::Crash { member });
                    }
                    "CONT" => {
                        frozen = None;
                        sim.act(FaultAction::Restart { member });
                    }
                    "TERM" => {
                        // etcd transfers leadership before it exits on SIGTERM.
                        if sim.leader() == Some(member) {
                            let heir = (1..=3).map(MemberId).find(|other| *other != member).expect("another member");
                            sim.steer_leader(heir);
                        }
                        sim.act(FaultAction::Crash { member });
                    }
                    other => panic!("unexpected signal {other} in {}", describe(&step)),
                }
                continue;
            }
            if let Some(rest) = command.strip_prefix("sleep ") {
                let (seconds, after) = rest.split_once("; ").expect("sleep N; command");
                let seconds: f64 = seconds.parse().expect("sleep seconds");
                sim.cluster.borrow_mut().advance((seconds * 1000.0) as u64);
                command = after;
            }
            if !command.starts_with("etcdctl ") && !command.starts_with("timeout ") {
                continue;
            }
            if let Some(reason) = not_run(&step) {
                skipped.push(format!("not run: {} ({reason})", describe(&step)));
                continue;
            }
            if let Some(member) = expected_leader(&step).filter(|_| !file.starts_with("11-")) {
                sim.steer_leader(member);
            }
            let output = sim.run(command, &step.stdin);
            if file.starts_with("11-") {
                continue; // only brings the cluster into transcript 12's starting state
            }
            if let Some(reason) = not_compared(&step, frozen) {
                skipped.push(format!("not compared: {} ({reason})", describe(&step)));
                continue;
            }
            compared += 1;
            let mut masked_step = step.clone();
            if let Some(expected) = masked_step.expected.as_mut() {
                expected.stdout = mask_raft_positions(&expected.stdout);
                expected.stderr = mask_raft_positions(&expected.stderr);
            }
            let output = console::CommandOutput {
                stdout: mask_raft_positions(&output.stdout),
                stderr: mask_raft_positions(&output.stderr),
                exit_code: output.exit_code,
            };
            compare(&masked_step, &output, &mut failures);
        }
    }
    eprintln!("compared {compared} commands of 12–14{variant}; skipped:\n{}", skipped.join("\n"));
    assert!(compared >= 40, "only {compared} commands compared");
    assert!(failures.is_empty(), "{} of {compared} commands differ:\n\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn quorum_loss_recovery_graceful_stop_and_freeze_print_what_real_etcd_printed_without_pre_vote() {
    replay("", 1);
}

#[test]
fn quorum_loss_recovery_graceful_stop_and_freeze_print_what_real_etcd_printed_with_pre_vote() {
    replay("-prevote", 2);
}
