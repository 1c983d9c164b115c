//! The console's foreground command: a command that keeps running after its
//! line was entered (`etcdctl watch`, `kubectl get -w`), polled as
//! virtual time advances, until the server ends it, its `timeout N` runs out,
//! or the user stops it (Ctrl-C, recorded as [`crate::UserAction::StopCommand`]).
//!
//! There is at most one, as in a shell. Its output collects in
//! [`ConsoleStream`]s (one per command, numbered) that the UI drains with
//! `Playground::take_console_output`.
//!
//! ```
//! use playground::{Playground, PlaygroundConfig, UserAction};
//! let mut playground = Playground::new(PlaygroundConfig { seed: 7, member_count: 3 });
//! playground.advance(3_000); // elect a leader
//! let watch = UserAction::Console { line: "etcdctl watch /color".into(), stdin: String::new() };
//! playground.apply(watch).unwrap();
//! assert_eq!(playground.foreground_command(), Some("etcdctl watch /color"));
//! playground.apply(UserAction::Console { line: "etcdctl put /color blue".into(), stdin: String::new() }).unwrap();
//! // The put stopped the watch first (one foreground command at a time, like Ctrl-C).
//! assert_eq!(playground.foreground_command(), None);
//! let output = playground.take_console_output();
//! assert_eq!((output[0].line.as_str(), output[0].exit_code), ("etcdctl watch /color", Some(130)));
//! ```

use apiserver::ApiServer;
use console::{EtcdctlBackend, StopReason, WatchSession};

/// A command still running in the console.
#[derive(Debug)]
pub enum ForegroundCommand {
    /// `etcdctl watch ...`
    EtcdctlWatch(WatchSession),
    /// `kubectl get ... -w`: the listing, then one row per change, until Ctrl-C.
    KubectlWatch(kubectl::WatchSession),
}

/// The running command, the line that started it and when `timeout N` ends it.
#[derive(Debug)]
pub(crate) struct Foreground {
    /// Numbers the foreground commands of a run, so their output chunks stay apart.
    pub(crate) number: u64,
    pub(crate) line: String,
    pub(crate) command: ForegroundCommand,
    /// Virtual time at which `timeout N` stops it, if it runs under one.
    pub(crate) deadline_ms: Option<u64>,
}

/// What one foreground command printed since the UI last drained it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsoleStream {
    /// The command's number in this run (1, 2, ...): chunks with the same number continue each other.
    pub command_number: u64,
    /// The line that started it.
    pub line: String,
    pub stdout: String,
    pub stderr: String,
    /// `Some(code)` once the command has ended (130 Ctrl-C, 124 timeout, 5 cancelled by the server).
    pub exit_code: Option<i32>,
}

impl ConsoleStream {
    pub fn is_empty(&self) -> bool {
        self.stdout.is_empty() && self.stderr.is_empty() && self.exit_code.is_none()
    }
}

impl Foreground {
    /// A foreground command started at `now_ms` (`timeout N` counts from there).
    pub(crate) fn start(number: u64, line: String, command: ForegroundCommand, now_ms: u64) -> Foreground {
        let deadline_ms = match &command {
            ForegroundCommand::EtcdctlWatch(session) => session
                .timeout_nanoseconds()
                .map(|nanoseconds| now_ms.saturating_add(nanoseconds.div_ceil(1_000_000))),
            // `timeout N kubectl get -w` is not timed: Ctrl-C ends it.
            ForegroundCommand::KubectlWatch(_) => None,
        };
        Foreground { number, line, command, deadline_ms }
    }

    /// Collects new output into `streams`; `Some(self)` while it still runs.
    pub(crate) fn poll(
        mut self,
        backend: &mut dyn EtcdctlBackend,
        api: &mut ApiServer,
        now_ms: u64,
        streams: &mut Vec<ConsoleStream>,
    ) -> Option<Foreground> {
        if self.deadline_ms.is_some_and(|deadline_ms| now_ms >= deadline_ms) {
            self.stop(backend, api, StopReason::Timeout, streams);
            return None;
        }
        let (output, finished) = match &mut self.command {
            ForegroundCommand::EtcdctlWatch(session) => {
                let output = session.poll(backend);
                (output, session.is_finished())
            }
            ForegroundCommand::KubectlWatch(session) => {
                let stdout = session.poll(api);
                (console::CommandOutput { stdout, ..console::CommandOutput::default() }, false)
            }
        };
        self.record(streams, &output, finished);
        (!finished).then_some(self)
    }

    /// Ends it from the outside (Ctrl-C or the timeout), printing what was still pending.
    pub(crate) fn stop(self, backend: &mut dyn EtcdctlBackend, api: &mut ApiServer, reason: StopReason, streams: &mut Vec<ConsoleStream>) {
        let number = self.number;
        let line = self.line;
        let output = match self.command {
            ForegroundCommand::EtcdctlWatch(session) => session.stop(backend, reason),
            ForegroundCommand::KubectlWatch(session) => session.stop(api).output,
        };
        record(streams, number, &line, &output, true);
    }

    fn record(&self, streams: &mut Vec<ConsoleStream>, output: &console::CommandOutput, finished: bool) {
        record(streams, self.number, &self.line, output, finished);
    }
}

/// Appends to the command's chunk at the end of `streams` (a new chunk if the
/// last one belongs to another command); nothing if nothing happened.
fn record(streams: &mut Vec<ConsoleStream>, number: u64, line: &str, output: &console::CommandOutput, finished: bool) {
    if output.stdout.is_empty() && output.stderr.is_empty() && !finished {
        return;
    }
    if streams.last().is_none_or(|last| last.command_number != number) {
        streams.push(ConsoleStream { command_number: number, line: line.to_string(), ..ConsoleStream::default() });
    }
    if let Some(stream) = streams.last_mut() {
        stream.stdout.push_str(&output.stdout);
        stream.stderr.push_str(&output.stderr);
        if finished {
            stream.exit_code = Some(output.exit_code);
        }
    }
}
