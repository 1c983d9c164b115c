//! [`Playground`]: cluster + apiserver + controllers under one clock.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use apiserver::controllers::ControllerManager;
use apiserver::{ApiRequest, ApiResponse, ApiServer, ApiServerConfig, Resource};
use cluster::{Cluster, ClusterConfig, ClusterError, ClusterView, Role};
use etcd_member::MemberId;
use playground_core::quorum::{MemberCount, MemberCountError};
use serde::{Deserialize, Serialize};

use crate::etcd_client::ClusterEtcd;
use crate::foreground::{ConsoleStream, Foreground, ForegroundCommand};
use crate::watch_mailbox::WatchMailbox;
use crate::trace_log::TraceLog;
use crate::scenario::{Scenario, TimedAction, UserAction, SCENARIO_FORMAT_VERSION};

/// How often the controllers and the apiserver's housekeeping run.
const CONTROLLER_PERIOD_MS: u64 = 200;
/// One-way network latency between members (each message draws from this range).
pub const NETWORK_LATENCY_MS_MIN: u64 = 10;
pub const NETWORK_LATENCY_MS_MAX: u64 = 30;
/// The nodes the kubelet stand-ins register.
const NODE_NAMES: [&str; 2] = ["node-1", "node-2"];

/// How a run starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaygroundConfig {
    /// The one seed every random choice of the run derives from.
    pub seed: u64,
    /// etcd members at start, 1 to 7.
    pub member_count: u8,
}

impl Default for PlaygroundConfig {
    fn default() -> PlaygroundConfig {
        PlaygroundConfig { seed: 1, member_count: 3 }
    }
}

/// What the user can get wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaygroundError {
    /// A cluster size outside 1..=7.
    #[error(transparent)]
    MemberCount(#[from] MemberCountError),
    /// The cluster refused a fault action (unknown member, already crashed, ...).
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// `kubectl delete` of a resource type the playground does not know.
    #[error("error: the server doesn't have a resource type \"{0}\"")]
    UnknownResource(String),
    /// Ctrl-C while no command runs in the console.
    #[error("no command is running in the console")]
    NoForegroundCommand,
}

/// What an action did, for the UI to show.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionOutcome {
    /// The HTTP status of an apiserver call; `None` for cluster actions.
    pub status_code: Option<u16>,
    /// One line for the user, kubectl style where there is one.
    pub message: String,
    /// The response body (object or Status) as JSON, if any.
    pub body: Option<String>,
    /// What a console command printed.
    pub console: Option<console::CommandOutput>,
    /// `kubectl edit`: the YAML to load into the object editor.
    pub editor_text: Option<String>,
}

/// One applied action and what came of it, kept so tutorial checks can ask
/// "has the learner done X?" (see [`crate::tutorials::Check`]). Rebuilt by
/// replay, so it is never serialised.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRecord {
    pub at_ms: u64,
    pub action: UserAction,
    /// Every HTTP status the action got (a race has one per request).
    pub status_codes: Vec<u16>,
    /// A console command's exit code.
    pub exit_code: Option<i32>,
    /// What it printed (console stdout + stderr, or the outcome message).
    pub output: String,
    /// Crashed members when the action ran.
    pub members_down: usize,
}

/// One key of a member's store, as the /registry tree shows it. A deleted key
/// (a tombstone, listed by [`Playground::registry_keys_and_tombstones_at`])
/// has `deleted_revision` set, and its numbers and value are those of its last
/// live revision, the put just before the delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryEntry {
    pub key: String,
    pub create_revision: i64,
    pub mod_revision: i64,
    pub version: i64,
    pub value: Vec<u8>,
    /// The revision of the delete, for a tombstone; `None` for a live key.
    pub deleted_revision: Option<i64>,
}

impl RegistryEntry {
    /// True for a tombstone: the key is deleted at the listed revision.
    pub fn is_deleted(&self) -> bool {
        self.deleted_revision.is_some()
    }
}

/// The range of every key under `/registry/`.
fn registry_range() -> (Vec<u8>, Vec<u8>) {
    let prefix = b"/registry/".to_vec();
    (prefix.clone(), mvcc::prefix_end(&prefix))
}

fn live_entry(kv: mvcc::KeyValue, deleted_revision: Option<i64>) -> RegistryEntry {
    RegistryEntry {
        key: String::from_utf8_lossy(&kv.key).into_owned(),
        create_revision: kv.create_revision,
        mod_revision: kv.mod_revision,
        version: kv.version,
        value: kv.value,
        deleted_revision,
    }
}

/// A deleted key as the listing shows it: its last live revision (when the
/// index still holds it) with the delete revision.
fn tombstone_entry(deleted: mvcc::DeletedKey) -> RegistryEntry {
    match deleted.last_live {
        Some(kv) => live_entry(kv, Some(deleted.deleted_revision)),
        None => RegistryEntry {
            key: String::from_utf8_lossy(&deleted.key).into_owned(),
            create_revision: 0,
            mod_revision: 0,
            version: 0,
            value: Vec::new(),
            deleted_revision: Some(deleted.deleted_revision),
        },
    }
}

/// Everything a frame draws.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaygroundView {
    pub cluster: ClusterView,
}

/// One piece of a round of [`Playground::advance_to`] after the cluster ran:
/// a budgeted frame may stop between two of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RoundPart {
    /// Create system namespace number n (until the apiserver is bootstrapped).
    Bootstrap(usize),
    /// Read the store: are all system namespaces there?
    CheckBootstrapped,
    /// The apiserver's compaction and watch routing.
    Housekeeping,
    /// One controller's reconcile (`ControllerManager::step_part`).
    Controller(usize),
    /// The controllers run again one period after this round ended.
    ScheduleNext,
}

/// The parts of the current round still to run; when none are left, the
/// round ends with the lease and console checks.
#[derive(Debug, Clone, Default)]
struct Round {
    parts: VecDeque<RoundPart>,
}

/// The simulation owner.
pub struct Playground {
    config: PlaygroundConfig,
    cluster: Rc<RefCell<Cluster>>,
    apiserver: ApiServer,
    controllers: ControllerManager,
    bootstrapped: bool,
    next_controller_run_ms: u64,
    /// The rest of the current round of `advance_to` (controllers, then the
    /// lease and console checks) when a budgeted frame stopped inside it; the
    /// next advance, step or action finishes it first, at the same virtual time.
    round: Option<Round>,
    actions: Vec<TimedAction>,
    action_log: Vec<ActionRecord>,
    last_race: Option<crate::race::RaceReport>,
    console: console::Console,
    etcdctl: crate::etcdctl_backend::ClusterEtcdctl,
    /// The console command still running (a watch), polled as time advances.
    foreground: Option<Foreground>,
    /// Numbers foreground commands (see [`ConsoleStream::command_number`]).
    foreground_started: u64,
    /// Output of foreground commands not yet drained by the UI.
    console_output: Vec<ConsoleStream>,
    trace_log: Rc<RefCell<TraceLog>>,
}

impl Playground {
    /// A fresh run. An invalid member count falls back to 3 (use
    /// [`Playground::try_new`] to get the error).
    pub fn new(config: PlaygroundConfig) -> Playground {
        Playground::try_new(config.clone()).unwrap_or_else(|_| {
            Playground::try_new(PlaygroundConfig { member_count: 3, ..config }).unwrap_or_else(|error| {
                unreachable!("three members are always valid: {error}")
            })
        })
    }

    /// A fresh run, or the reason the configuration is invalid.
    pub fn try_new(config: PlaygroundConfig) -> Result<Playground, PlaygroundError> {
        let members = MemberCount::new(config.member_count)?;
        let cluster_config = ClusterConfig {
            seed: config.seed,
            member_count: u64::from(members.get()),
            // A cross-zone network rather than a LAN: slow enough that every
            // RPC can be watched travelling at 0.1x to 1x speed.
            latency_ms_min: NETWORK_LATENCY_MS_MIN,
            latency_ms_max: NETWORK_LATENCY_MS_MAX,
            // The Raft invariants (hashing every member's whole store at each
            // applied index) are a test net: debug builds, so every test,
            // check them after every step; the page and the benchmarks, built
            // optimised, do not (nothing there reads the violations, and the
            // hashing was a third of a long link's replay). The trace, and so
            // the determinism hash, does not depend on it.
            check_invariants: cfg!(debug_assertions),
            ..ClusterConfig::default()
        };
        let cluster = Rc::new(RefCell::new(Cluster::new(cluster_config)));
        let trace_log = Rc::new(RefCell::new(TraceLog::default()));
        let watch_mailbox = Rc::new(RefCell::new(WatchMailbox::default()));
        let apiserver = ApiServer::new(
            Box::new(ClusterEtcd::new(cluster.clone(), trace_log.clone(), watch_mailbox.clone())),
            ApiServerConfig { seed: config.seed, ..ApiServerConfig::default() },
        );
        let etcdctl = crate::etcdctl_backend::ClusterEtcdctl::new(cluster.clone(), watch_mailbox);
        Ok(Playground {
            config,
            cluster,
            apiserver,
            controllers: ControllerManager::new(&NODE_NAMES),
            bootstrapped: false,
            next_controller_run_ms: 0,
            round: None,
            actions: Vec::new(),
            action_log: Vec::new(),
            last_race: None,
            console: console::Console::new(),
            etcdctl,
            foreground: None,
            foreground_started: 0,
            console_output: Vec::new(),
            trace_log,
        })
    }

    /// Replays a scenario from the start.
    pub fn replay(scenario: &Scenario) -> Result<Playground, PlaygroundError> {
        let mut playground = Playground::try_new(scenario.config.clone())?;
        for timed in &scenario.actions {
            playground.advance_to(timed.at_ms);
            playground.apply(timed.action.clone())?;
        }
        playground.advance_to(scenario.end_ms);
        Ok(playground)
    }

    /// The run so far, as data that replays it.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            format_version: SCENARIO_FORMAT_VERSION,
            config: self.config.clone(),
            actions: self.actions.clone(),
            end_ms: self.now_ms(),
            tutorial: None,
            layout: crate::scenario::UiLayout::default(),
        }
    }

    /// Finishes a controller round a budgeted [`Playground::advance_to_within`]
    /// left open (its remaining controllers' apiserver calls wait for etcd,
    /// so the clock may move on a little). Replaying [`Playground::scenario`]
    /// always finishes the round, so the page calls this before it saves,
    /// shares or exports, and when it pauses: a link then shows exactly what
    /// the author sees.
    pub fn finish_round(&mut self) {
        let now_ms = self.now_ms();
        self.advance_to(now_ms);
    }

    /// Virtual time, ms since the run started.
    pub fn now_ms(&self) -> u64 {
        self.cluster.borrow().now_ms()
    }

    /// Moves virtual time forward by `duration_ms`.
    pub fn advance(&mut self, duration_ms: u64) {
        let target_ms = self.now_ms().saturating_add(duration_ms);
        self.advance_to(target_ms);
    }

    /// Moves virtual time forward to `target_ms` (never backwards). Controllers
    /// run every [`CONTROLLER_PERIOD_MS`] while the cluster has a leader.
    pub fn advance_to(&mut self, target_ms: u64) {
        self.advance_to_within(target_ms, u64::MAX);
    }

    /// Like [`Playground::advance_to`], but stops once the cluster has run
    /// `max_steps` steps in this call; returns true when `target_ms` was
    /// reached. The page calls it once per frame, so a frame's work is
    /// bounded: a busy moment makes virtual time lag behind the chosen speed
    /// instead of making one task long.
    ///
    /// It stops only where nothing is half done: between two rounds (at most
    /// [`CONTROLLER_PERIOD_MS`] of virtual time each), or inside a controller
    /// round between two of its parts (one system namespace created, one
    /// controller's reconcile: [`ControllerManager::step_part`]). The clock
    /// does not move while a round waits for the next frame, and the next
    /// advance, step or action first finishes it, so a run advanced in
    /// budgeted calls is exactly the run one `advance_to` and replay give.
    /// What a call runs beyond the budget is at most one part: one round's
    /// cluster events, or one controller's apiserver calls (each waits for
    /// etcd by running the cluster, up to the 5 s client timeout).
    ///
    /// ```
    /// use playground::{Playground, PlaygroundConfig};
    /// let mut sliced = Playground::new(PlaygroundConfig { seed: 5, member_count: 5 });
    /// let mut calls = 1;
    /// while !sliced.advance_to_within(4_000, 20) {
    ///     calls += 1;
    /// }
    /// let mut one_go = Playground::new(PlaygroundConfig { seed: 5, member_count: 5 });
    /// one_go.advance_to(4_000);
    /// assert!(calls > 1);
    /// assert_eq!(sliced.trace_hash(), one_go.trace_hash());
    /// ```
    pub fn advance_to_within(&mut self, target_ms: u64, max_steps: u64) -> bool {
        // A budget of 0 would never move: a call always makes some progress.
        let max_steps = max_steps.max(1);
        let first_step = self.cluster_steps();
        let over_budget = |playground: &Playground| playground.cluster_steps() - first_step >= max_steps;
        // Each round advances the clock by at least one ms, and at most one period.
        loop {
            // A round begun earlier (in this call or a budgeted frame before) ends first.
            while let Some(part) = self.round.as_mut().and_then(|round| round.parts.pop_front()) {
                if over_budget(self) {
                    if let Some(round) = self.round.as_mut() {
                        round.parts.push_front(part);
                    }
                    return false;
                }
                self.run_round_part(part);
            }
            if self.round.take().is_some() {
                self.etcdctl.revoke_expired_leases();
                self.poll_foreground();
            }
            if self.now_ms() >= target_ms {
                return true;
            }
            if over_budget(self) {
                return false;
            }
            let now_ms = self.now_ms();
            let mut next_stop_ms = target_ms.min(self.next_controller_run_ms.max(now_ms + 1));
            if let Some(deadline_ms) = self.foreground.as_ref().and_then(|foreground| foreground.deadline_ms) {
                // `timeout N` ends the command at exactly N virtual seconds.
                next_stop_ms = next_stop_ms.min(deadline_ms.max(now_ms + 1));
            }
            self.cluster.borrow_mut().advance(next_stop_ms - now_ms);
            self.trace_log.borrow_mut().drain_from(&mut self.cluster.borrow_mut());
            self.round = Some(self.begin_round());
        }
    }

    /// Steps the cluster has run since the start (messages delivered, timers
    /// fired): the measure of simulation work.
    pub fn cluster_steps(&self) -> u64 {
        self.cluster.borrow().steps()
    }

    /// Runs to the next event of the cluster (a message delivery or a timer),
    /// letting due controllers run on the way. Returns false if nothing was
    /// pending.
    ///
    /// Stepping is [`Playground::advance_to`] the next event's time, so a run
    /// driven by steps replays exactly from its [`Scenario`] (which records
    /// only actions and their times): the timeline can rebuild it.
    pub fn step(&mut self) -> bool {
        self.finish_round();
        let now_ms = self.now_ms();
        let Some(next_ms) = self.cluster.borrow().next_event_ms() else { return false };
        if next_ms > now_ms {
            self.advance_to(next_ms);
        } else {
            // Due now: exactly what the next advance would run first.
            self.cluster.borrow_mut().advance(0);
            self.trace_log.borrow_mut().drain_from(&mut self.cluster.borrow_mut());
        }
        self.etcdctl.revoke_expired_leases();
        self.poll_foreground();
        true
    }

    fn has_leader(&self) -> bool {
        leader_of(&self.cluster.borrow()).is_some()
    }

    /// What the rest of this round runs, in order: when controllers are due
    /// and a leader exists, the system namespaces (until bootstrapped), the
    /// apiserver's housekeeping and each controller; then (always) the next
    /// run's time.
    fn begin_round(&self) -> Round {
        let mut parts = VecDeque::new();
        if self.now_ms() >= self.next_controller_run_ms {
            // Without a leader every call would block until its timeout; a real
            // controller would be stuck the same way, so wait for one instead.
            if self.has_leader() {
                if !self.bootstrapped {
                    parts.extend((0..apiserver::server::SYSTEM_NAMESPACES.len()).map(RoundPart::Bootstrap));
                    parts.push_back(RoundPart::CheckBootstrapped);
                }
                parts.push_back(RoundPart::Housekeeping);
                parts.extend((0..self.controllers.round_parts()).map(RoundPart::Controller));
            }
            parts.push_back(RoundPart::ScheduleNext);
        }
        Round { parts }
    }

    fn run_round_part(&mut self, part: RoundPart) {
        match part {
            RoundPart::Bootstrap(index) => {
                if let Some(name) = apiserver::server::SYSTEM_NAMESPACES.get(index) {
                    self.apiserver.bootstrap_namespace(name);
                }
            }
            RoundPart::CheckBootstrapped => {
                // A create can time out (and still commit), so trust the store,
                // not what the creates answered.
                let keys = self.registry_keys(None);
                self.bootstrapped = apiserver::server::SYSTEM_NAMESPACES
                    .iter()
                    .all(|name| keys.iter().any(|entry| entry.key == format!("/registry/namespaces/{name}")));
            }
            RoundPart::Housekeeping => self.apiserver.advance(),
            RoundPart::Controller(index) => {
                self.controllers.step_part(&mut self.apiserver, index);
            }
            RoundPart::ScheduleNext => self.next_controller_run_ms = self.now_ms() + CONTROLLER_PERIOD_MS,
        }
    }


    /// Does what the user asked, records it with the current virtual time,
    /// and says what happened. Rejected actions are not recorded.
    pub fn apply(&mut self, action: UserAction) -> Result<ActionOutcome, PlaygroundError> {
        // An action comes after whole rounds, as in a replay (which never stops inside one).
        self.finish_round();
        let at_ms = self.now_ms();
        let members_down = self.members_down();
        let outcome = match &action {
            UserAction::Fault { fault } => {
                self.cluster.borrow_mut().apply_action(fault.clone())?;
                ActionOutcome { status_code: None, message: format!("{fault:?}"), body: None, console: None, editor_text: None }
            }
            UserAction::Apply { manifest } => self.kubectl_apply(manifest),
            UserAction::Console { line, stdin } => self.console_line(line, stdin),
            UserAction::StopCommand => {
                let foreground = self.foreground.take().ok_or(PlaygroundError::NoForegroundCommand)?;
                foreground.stop(&mut self.etcdctl, &mut self.apiserver, console::StopReason::Interrupt, &mut self.console_output);
                ActionOutcome { status_code: None, message: "^C".into(), body: None, console: None, editor_text: None }
            }
            UserAction::Race { setup } => {
                let report = crate::race::run_race(&mut self.apiserver, setup);
                let message = match (report.winner, report.loser_final_status) {
                    (Some(winner), Some(status)) => format!("client {winner:?} wrote first; client B ended with {status}"),
                    _ => format!("the race could not start: deployment \"{}\" could not be read", setup.name),
                };
                let status_code = report.steps.last().map(|step| step.status_code);
                self.last_race = Some(report);
                ActionOutcome { status_code, message, body: None, console: None, editor_text: None }
            }
            UserAction::Delete { resource, namespace, name } => {
                let kind = Resource::from_name(resource).ok_or_else(|| PlaygroundError::UnknownResource(resource.clone()))?;
                let response = self.apiserver.handle(ApiRequest::Delete {
                    resource: kind,
                    namespace: namespace.clone(),
                    name: name.clone(),
                });
                outcome(&response, format!("{} \"{name}\" deleted", kind.qualified_resource()))
            }
            UserAction::Watch { resource, namespace, resource_version } => {
                let kind = Resource::from_name(resource).ok_or_else(|| PlaygroundError::UnknownResource(resource.clone()))?;
                self.watch_once(kind, namespace.clone(), resource_version.clone())
            }
        };
        let status_codes = match (&action, &self.last_race) {
            (UserAction::Race { .. }, Some(report)) => report.steps.iter().map(|step| step.status_code).collect(),
            _ => outcome.status_code.into_iter().collect(),
        };
        self.action_log.push(ActionRecord {
            at_ms,
            action: action.clone(),
            status_codes,
            exit_code: outcome.console.as_ref().map(|output| output.exit_code),
            output: outcome.message.clone(),
            members_down,
        });
        self.actions.push(TimedAction { at_ms, action });
        // Other actions move time too (requests wait in virtual time): stream what happened.
        self.poll_foreground();
        Ok(outcome)
    }

    /// One console line. A command still running is stopped first, as if the
    /// user pressed Ctrl-C (a shell runs one foreground command at a time).
    /// A command that keeps running (`etcdctl watch`) becomes the foreground
    /// command: its outcome's `console` is empty and its output streams
    /// through [`Playground::take_console_output`]. A blank line is only a
    /// newline: it leaves a running command alone.
    fn console_line(&mut self, line: &str, stdin: &str) -> ActionOutcome {
        if line.trim().is_empty() {
            return ActionOutcome { status_code: None, message: String::new(), body: None, console: Some(console::CommandOutput::default()), editor_text: None };
        }
        if let Some(running) = self.foreground.take() {
            running.stop(&mut self.etcdctl, &mut self.apiserver, console::StopReason::Interrupt, &mut self.console_output);
        }
        // kubectl talks to the apiserver, like the real one; everything else is the shell with etcdctl.
        let (execution, editor_text) = match kubectl::kubectl_arguments(line) {
            Some(arguments) => match kubectl::execute(&arguments, stdin, &mut self.apiserver) {
                kubectl::Execution::Finished(result) => {
                    // The last editor the command asked for is the one that opens.
                    let mut editor_text = result.effects.into_iter().map(|effect| match effect {
                        kubectl::Effect::OpenEditor { text } => text,
                    });
                    (Ok(result.output), editor_text.next_back())
                }
                kubectl::Execution::Watching(session) => (Err(ForegroundCommand::KubectlWatch(session)), None),
            },
            None => match self.console.execute(line, stdin, &mut self.etcdctl) {
                console::Execution::Finished(output) => (Ok(output), None),
                console::Execution::Watching(session) => (Err(ForegroundCommand::EtcdctlWatch(session)), None),
            },
        };
        let output = match execution {
            Ok(output) => output,
            Err(command) => {
                self.foreground_started += 1;
                let now_ms = self.now_ms();
                self.foreground = Some(Foreground::start(self.foreground_started, line.to_string(), command, now_ms));
                self.poll_foreground();
                console::CommandOutput::default()
            }
        };
        let message = format!("{}{}", output.stdout, output.stderr);
        ActionOutcome { status_code: None, message, body: None, console: Some(output), editor_text }
    }

    fn poll_foreground(&mut self) {
        if let Some(foreground) = self.foreground.take() {
            let now_ms = self.now_ms();
            self.foreground = foreground.poll(&mut self.etcdctl, &mut self.apiserver, now_ms, &mut self.console_output);
        }
    }

    /// The line of the console command still running (a watch), if any.
    pub fn foreground_command(&self) -> Option<&str> {
        self.foreground.as_ref().map(|foreground| foreground.line.as_str())
    }

    /// The number of the running console command (the `command_number` of its output chunks).
    pub fn foreground_command_number(&self) -> Option<u64> {
        self.foreground.as_ref().map(|foreground| foreground.number)
    }

    /// What foreground commands printed since the last call, one chunk per
    /// command in order; a chunk with `exit_code: Some(_)` is the command's last.
    pub fn take_console_output(&mut self) -> Vec<ConsoleStream> {
        std::mem::take(&mut self.console_output)
    }

    /// Opens a Kubernetes watch, takes what it has at once (a replay from
    /// `resource_version`, or the current state when it is unset/"0"), and
    /// closes it again, so the action leaves nothing running that replay
    /// would have to reproduce. A compacted resourceVersion is a 410 Status.
    fn watch_once(&mut self, resource: Resource, namespace: Option<String>, resource_version: Option<String>) -> ActionOutcome {
        let response = self.apiserver.handle(ApiRequest::Watch { resource, namespace, resource_version });
        let apiserver::ResponseBody::Watch(handle) = &response.body else {
            return outcome(&response, String::new());
        };
        let handle = *handle;
        let events = self.apiserver.take_watch_events(handle);
        self.apiserver.stop_watch(handle);
        let lines: Vec<String> = events
            .iter()
            .map(|event| {
                let name = event.object.pointer("/metadata/name").and_then(serde_json::Value::as_str).unwrap_or("");
                let version = event.object.pointer("/metadata/resourceVersion").and_then(serde_json::Value::as_str).unwrap_or("");
                let message = event.object.get("message").and_then(serde_json::Value::as_str).unwrap_or("");
                format!("{} {}/{name} {version}{message}", event.event_type.as_str(), resource.qualified_resource())
            })
            .collect();
        // An ERROR event (410 after compaction) is the watch's answer, as kubectl shows it.
        let status_code = events
            .iter()
            .find(|event| event.event_type == apiserver::WatchEventType::Error)
            .and_then(|event| event.object.get("code").and_then(serde_json::Value::as_u64))
            .and_then(|code| u16::try_from(code).ok())
            .unwrap_or(response.status_code);
        let message = if lines.is_empty() { "no events yet".to_string() } else { lines.join("\n") };
        let body = serde_json::to_string(&events).ok();
        ActionOutcome { status_code: Some(status_code), message, body, console: None, editor_text: None }
    }

    /// Every applied action with its result, oldest first.
    pub fn action_log(&self) -> &[ActionRecord] {
        &self.action_log
    }

    /// How the run started.
    pub fn config(&self) -> &PlaygroundConfig {
        &self.config
    }

    /// The leader, without building the whole view.
    pub fn leader(&self) -> Option<MemberId> {
        leader_of(&self.cluster.borrow())
    }

    /// Every member of the cluster (running or crashed), ascending.
    pub fn member_ids(&self) -> Vec<MemberId> {
        self.cluster.borrow().member_ids()
    }

    /// How many members are crashed.
    pub fn members_down(&self) -> usize {
        let cluster = self.cluster.borrow();
        cluster.member_ids().into_iter().filter(|member| cluster.member_status(*member).is_none()).count()
    }

    /// Each member with its store revision (`None` when crashed), in id order.
    pub fn member_revisions(&self) -> Vec<(MemberId, Option<i64>)> {
        let cluster = self.cluster.borrow();
        cluster.member_ids().into_iter().map(|member| (member, cluster.store(member).map(mvcc::Store::revision))).collect()
    }

    /// Whether the default member's store has a key starting with `prefix`
    /// (one key read, cheap enough for every frame).
    pub fn has_key_with_prefix(&self, prefix: &str) -> bool {
        let cluster = self.cluster.borrow();
        let Some(store) = self.default_member(&cluster).and_then(|member| cluster.store(member)) else {
            return false;
        };
        let key = prefix.as_bytes().to_vec();
        let request = mvcc::RangeRequest { range_end: mvcc::prefix_end(&key), key, limit: 1, keys_only: true, ..mvcc::RangeRequest::default() };
        store.range(&request).is_ok_and(|response| !response.kvs.is_empty())
    }

    fn kubectl_apply(&mut self, manifest: &str) -> ActionOutcome {
        let results = apiserver::client::apply(&mut self.apiserver, manifest, "manifest.yaml");
        let message = results.iter().map(|result| result.kubectl_line.as_str()).collect::<Vec<_>>().join("\n");
        // The first failure decides the status shown; otherwise the last answer.
        let decisive = results.iter().find(|result| !result.response.is_success()).or(results.last());
        ActionOutcome {
            status_code: decisive.map(|result| result.response.status_code),
            message,
            body: decisive.map(|result| result.response.body_json()),
            console: None,
            editor_text: None,
        }
    }

    /// What the UI draws this frame.
    pub fn view(&self) -> PlaygroundView {
        PlaygroundView { cluster: self.cluster.borrow().view() }
    }

    /// The keys under `/registry` in `member`'s own store (the leader's, or the
    /// first running member's, when `None`), at `revision` (0 = latest).
    pub fn registry_keys(&self, member: Option<MemberId>) -> Vec<RegistryEntry> {
        self.registry_keys_at(member, 0).unwrap_or_default()
    }

    /// Like [`Playground::registry_keys`], at a past revision; `Err` carries
    /// etcd's message (compacted or future revision).
    pub fn registry_keys_at(&self, member: Option<MemberId>, revision: i64) -> Result<Vec<RegistryEntry>, String> {
        let cluster = self.cluster.borrow();
        let member = member.or_else(|| self.default_member(&cluster)).ok_or("no member is running")?;
        let store = cluster.store(member).ok_or("that member is not running")?;
        let (key, range_end) = registry_range();
        let request = mvcc::RangeRequest { key, range_end, revision, ..mvcc::RangeRequest::default() };
        let response = store.range(&request).map_err(|error| error.to_string())?;
        Ok(response.kvs.into_iter().map(|kv| live_entry(kv, None)).collect())
    }

    /// Like [`Playground::registry_keys_at`], plus the keys that are deleted at
    /// `revision` and whose tombstone the member's key index still holds (etcd
    /// keeps a tombstone until a compaction at or after its revision), all
    /// sorted by key. A read: nothing in the run changes.
    pub fn registry_keys_and_tombstones_at(&self, member: Option<MemberId>, revision: i64) -> Result<Vec<RegistryEntry>, String> {
        let mut entries = self.registry_keys_at(member, revision)?;
        let cluster = self.cluster.borrow();
        let member = member.or_else(|| self.default_member(&cluster)).ok_or("no member is running")?;
        let store = cluster.store(member).ok_or("that member is not running")?;
        let (key, range_end) = registry_range();
        let deleted = store.deleted_keys(&key, &range_end, revision).map_err(|error| error.to_string())?;
        entries.extend(deleted.into_iter().map(tombstone_entry));
        // Both lists are sorted by key and no key is in both (alive xor deleted).
        playground_core::sort::sort_by(&mut entries, |left, right| left.key.cmp(&right.key));
        Ok(entries)
    }

    /// The store revision and compaction revision of `member` (see
    /// [`Playground::registry_keys`] for which member `None` means).
    pub fn store_revisions(&self, member: Option<MemberId>) -> Option<(i64, i64)> {
        let cluster = self.cluster.borrow();
        let member = member.or_else(|| self.default_member(&cluster))?;
        cluster.store(member).map(|store| (store.revision(), store.compact_revision()))
    }

    /// The member whose store a listing of `member` reads (`None`: the
    /// default one), how many times it has been started, and its store and
    /// compaction revisions; `None` when that member is not running.
    pub(crate) fn registry_source(&self, member: Option<MemberId>) -> Option<(MemberId, u64, (i64, i64))> {
        let cluster = self.cluster.borrow();
        let member = member.or_else(|| self.default_member(&cluster))?;
        let store = cluster.store(member)?;
        let incarnation = cluster.member_incarnation(member)?;
        Some((member, incarnation, (store.revision(), store.compact_revision())))
    }

    /// The keys under `/registry/` of `member`'s store written or deleted
    /// after `revision`, sorted (see `mvcc::Store::keys_changed_since`).
    pub(crate) fn registry_keys_changed_since(&self, member: MemberId, revision: i64) -> Vec<Vec<u8>> {
        let cluster = self.cluster.borrow();
        let Some(store) = cluster.store(member) else { return Vec::new() };
        let (key, range_end) = registry_range();
        store.keys_changed_since(&key, &range_end, revision)
    }

    /// One key of `member`'s store now, as the listing shows it: live, a
    /// tombstone the index still holds, or `None`.
    pub(crate) fn registry_entry(&self, member: MemberId, key: &[u8]) -> Option<RegistryEntry> {
        let cluster = self.cluster.borrow();
        let store = cluster.store(member)?;
        let request = mvcc::RangeRequest { key: key.to_vec(), ..mvcc::RangeRequest::default() };
        if let Some(kv) = store.range(&request).ok().and_then(|response| response.kvs.into_iter().next()) {
            return Some(live_entry(kv, None));
        }
        let deleted = store.deleted_keys(key, b"", 0).ok()?.into_iter().next()?;
        Some(tombstone_entry(deleted))
    }

    fn default_member(&self, cluster: &Cluster) -> Option<MemberId> {
        leader_of(cluster).or_else(|| cluster.member_ids().into_iter().find(|member| cluster.member_status(*member).is_some()))
    }

    /// A hash of everything that happened, equal for equal runs.
    pub fn trace_hash(&self) -> u64 {
        self.cluster.borrow().trace_hash()
    }

    /// Tab-completion candidates for a console line. Keys come from a copy of
    /// the default member's store, so completing never moves virtual time
    /// (it is not an action and must not change the run).
    pub fn complete(&self, line: &str, cursor: usize) -> Vec<String> {
        let store = {
            let cluster = self.cluster.borrow();
            self.default_member(&cluster).and_then(|member| cluster.store(member).cloned()).unwrap_or_default()
        };
        let keys: Vec<String> = {
            let request = mvcc::RangeRequest {
                key: b"/registry/".to_vec(),
                range_end: mvcc::prefix_end(b"/registry/"),
                keys_only: true,
                ..mvcc::RangeRequest::default()
            };
            store
                .range(&request)
                .map(|response| response.kvs.into_iter().map(|kv| String::from_utf8_lossy(&kv.key).into_owned()).collect())
                .unwrap_or_default()
        };
        let mut backend = console::SingleMemberBackend::with_store(store);
        // etcdctl's candidates keep their order (cobra's command order, sorted keys); kubectl's
        // follow (only the program name can come from both).
        let mut candidates = console::complete(line, cursor, &mut backend);
        for candidate in kubectl::complete(line, cursor, &keys) {
            if !candidates.contains(&candidate) {
                candidates.push(candidate);
            }
        }
        candidates
    }

    /// The newest cluster events (messages, elections, commits, applies, client requests), oldest first.
    pub fn recent_events(&self, count: usize) -> Vec<cluster::TraceRecord> {
        self.trace_log.borrow_mut().drain_from(&mut self.cluster.borrow_mut());
        let log = self.trace_log.borrow();
        let skip = log.records().len().saturating_sub(count);
        log.records().skip(skip).cloned().collect()
    }

    /// The trace log with every record the cluster has produced so far.
    pub(crate) fn trace_log(&self) -> std::cell::Ref<'_, TraceLog> {
        self.trace_log.borrow_mut().drain_from(&mut self.cluster.borrow_mut());
        self.trace_log.borrow()
    }

    /// The user's actions so far, in order.
    pub(crate) fn actions(&self) -> &[TimedAction] {
        &self.actions
    }

    /// The last concurrent-update race, step by step.
    pub fn last_race(&self) -> Option<&crate::race::RaceReport> {
        self.last_race.as_ref()
    }

    /// The apiserver, for panels that show its traces.
    pub fn apiserver(&self) -> &ApiServer {
        &self.apiserver
    }
}

/// The leader as `ClusterView::leader` names it (the running leader with the
/// highest term), without building the whole view.
fn leader_of(cluster: &Cluster) -> Option<MemberId> {
    cluster
        .member_ids()
        .into_iter()
        .filter_map(|member| cluster.member_status(member).map(|status| (status, member)))
        .filter(|(status, _)| status.role == Role::Leader)
        .max_by_key(|(status, member)| (status.term, *member))
        .map(|(_, member)| member)
}

fn outcome(response: &ApiResponse, success: String) -> ActionOutcome {
    let message = match response.status() {
        Some(status) if !response.is_success() => status.message.clone(),
        _ => {
            let name = response
                .object()
                .and_then(|object| {
                    let kind = object.get("kind")?.as_str()?.to_ascii_lowercase();
                    let name = object.pointer("/metadata/name")?.as_str()?;
                    Some(format!("{kind}/{name} "))
                })
                .unwrap_or_default();
            format!("{name}{success}")
        }
    };
    ActionOutcome { status_code: Some(response.status_code), message, body: Some(response.body_json()), console: None, editor_text: None }
}
