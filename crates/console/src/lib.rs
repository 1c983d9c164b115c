//! The playground's terminal, sans-IO: a command line in, the bytes etcdctl 3.4.23 would print out.
//!
//! Nothing here draws, reads a clock or does IO. The UI gives [`Console::execute`] the line the
//! user typed (and, for `txn` or `put <key>` without a value, the text piped in as stdin) plus
//! an [`EtcdctlBackend`]; it gets back a [`CommandOutput`] (stdout, stderr, exit code) or, for
//! `watch`, a [`WatchSession`] to poll until the user stops it.
//!
//! # Worked example
//! ```
//! use console::{Console, SingleMemberBackend};
//! let mut backend = SingleMemberBackend::new();
//! let mut console = Console::new();
//! console.run("etcdctl put /registry/namespaces/default '{\"kind\":\"Namespace\"}'", "", &mut backend);
//! let listing = console.run("etcdctl get /registry --prefix --keys-only", "", &mut backend);
//! assert_eq!(listing.stdout, "/registry/namespaces/default\n\n"); // the blank line after each key
//! let error = console.run("etcdctl get --rev=100 /registry", "", &mut backend);
//! assert_eq!(error.exit_code, 1);
//! assert!(error.stderr.ends_with("Error: etcdserver: mvcc: required revision is a future revision\n"));
//! ```
//!
//! # Layout
//! - [`backend`]: the [`EtcdctlBackend`] trait (what a cluster must answer) and its types;
//! - [`single_member`]: [`SingleMemberBackend`], one `mvcc::Store` with the reference ids;
//! - [`words`]: shell word splitting (quotes, escapes, comments);
//! - [`etcdctl`]: command resolution (cobra), flags (pflag's rules and texts), each command,
//!   the printers, the txn input language, watch sessions;
//! - [`completion`] and [`history`]: tab completion and ↑/↓ history as pure functions.

pub mod backend;
pub mod completion;
pub mod etcdctl;
pub mod history;
pub mod single_member;
pub mod words;

pub use backend::{Consistency, EtcdctlBackend, Served};
pub use completion::complete;
pub use etcdctl::{StopReason, WatchSession};
pub use history::History;
pub use single_member::SingleMemberBackend;

/// What a finished command printed, and how it exited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

/// The result of [`Console::execute`].
#[derive(Debug)]
pub enum Execution {
    Finished(CommandOutput),
    /// `etcdctl watch`: still running; poll it for output, stop it to end it.
    Watching(WatchSession),
}

/// The terminal's state between commands: only a counter that names each etcdctl process's
/// client (the `client-<uuid>` in log lines), so runs are reproducible.
#[derive(Debug, Clone, Default)]
pub struct Console {
    invocations: u64,
}

/// `timeout` exits 125 when its own arguments are wrong.
const TIMEOUT_USAGE_EXIT: i32 = 125;
/// bash: command not found.
const COMMAND_NOT_FOUND_EXIT: i32 = 127;
/// bash: syntax error.
const SYNTAX_ERROR_EXIT: i32 = 2;

impl Console {
    pub fn new() -> Console {
        Console::default()
    }

    /// Runs one command line. `stdin` is the text piped into the command ("" if none).
    pub fn execute(
        &mut self,
        line: &str,
        stdin: &str,
        backend: &mut dyn EtcdctlBackend,
    ) -> Execution {
        let words = match words::split_words(line) {
            Ok(words) => words,
            Err(error) => {
                return Execution::Finished(CommandOutput {
                    stdout: String::new(),
                    stderr: error.message(),
                    exit_code: SYNTAX_ERROR_EXIT,
                })
            }
        };
        let mut rest: &[String] = &words;
        let mut timeout_nanoseconds = None;
        // Bounded by the number of words: each round consumes at least one.
        for _ in 0..words.len() {
            let Some(first) = rest.first() else { break };
            if let Some((name, value)) = first
                .split_once('=')
                .filter(|(name, _)| is_variable_name(name))
            {
                if name == "ETCDCTL_API" && value != "3" {
                    return Execution::Finished(CommandOutput {
                        stdout: String::new(),
                        stderr: "Error:  client: response is invalid json. The endpoint is probably not valid etcd cluster endpoint\n".to_string(),
                        exit_code: etcdctl::EXIT_BAD_FEATURE,
                    });
                }
                rest = &rest[1..];
            } else if first == "timeout" {
                let Some(duration) = rest.get(1) else {
                    return finished(
                        "",
                        "timeout: missing operand\nTry 'timeout --help' for more information.\n",
                        TIMEOUT_USAGE_EXIT,
                    );
                };
                match parse_timeout_duration(duration) {
                    Some(nanoseconds) => timeout_nanoseconds = Some(nanoseconds),
                    None => return finished("", &format!("timeout: invalid time interval ‘{duration}’\nTry 'timeout --help' for more information.\n"), TIMEOUT_USAGE_EXIT),
                }
                rest = &rest[2..];
            } else {
                break;
            }
        }
        let Some(program) = rest.first() else {
            return finished("", "", 0);
        };
        match program.as_str() {
            "etcdctl" => {
                self.invocations += 1;
                let client_name = format!("client-{}", client_uuid(self.invocations));
                match etcdctl::invoke(&rest[1..], stdin, client_name, backend) {
                    etcdctl::Invocation::Finished(output) => Execution::Finished(output),
                    etcdctl::Invocation::Watching(mut session) => {
                        session.set_timeout_nanoseconds(timeout_nanoseconds);
                        Execution::Watching(session)
                    }
                }
            }
            other => finished(
                "",
                &format!("bash: {other}: command not found\n"),
                COMMAND_NOT_FOUND_EXIT,
            ),
        }
    }

    /// True if `line` is an etcdctl `txn` (with or without `-i`): the UI should then collect
    /// the user's following lines as stdin (showing the `-i` prompts) until
    /// [`txn_input_is_complete`] says so, and pass them to [`Console::execute`].
    pub fn reads_txn_input(line: &str) -> bool {
        let Ok(words) = words::split_words(line) else {
            return false;
        };
        let Some(position) = words.iter().position(|word| word == "etcdctl") else {
            return false;
        };
        let (path, _) = etcdctl::resolve(&words[position + 1..]);
        path.last()
            .map(|command| command.action == etcdctl::spec::Action::Txn)
            .unwrap_or(false)
    }

    /// [`Console::execute`] for callers that want a finished result: a watch prints what it
    /// has at once and is then stopped (like `timeout` if it ran under one, else like Ctrl-C).
    pub fn run(
        &mut self,
        line: &str,
        stdin: &str,
        backend: &mut dyn EtcdctlBackend,
    ) -> CommandOutput {
        match self.execute(line, stdin, backend) {
            Execution::Finished(output) => output,
            Execution::Watching(session) => {
                // Under `timeout N` the watch ends like timeout ends it; otherwise like Ctrl-C.
                let reason = if session.timeout_nanoseconds().is_some() {
                    StopReason::Timeout
                } else {
                    StopReason::Interrupt
                };
                session.stop(backend, reason)
            }
        }
    }
}

/// True once txn input has its three sections, each ended by an empty line (compares, success
/// ops, failure ops), which is when etcdctl stops reading.
///
/// ```
/// use console::txn_input_is_complete;
/// assert!(!txn_input_is_complete("mod(\"/k\") = \"0\"\n\nput /k v\n"));
/// assert!(txn_input_is_complete("mod(\"/k\") = \"0\"\n\nput /k v\n\n\n"));
/// ```
pub fn txn_input_is_complete(text: &str) -> bool {
    let mut sections_ended = 0;
    let mut rest = text;
    while let Some(end) = rest.find('\n') {
        if rest[..end].trim().is_empty() {
            sections_ended += 1;
            if sections_ended == 3 {
                return true;
            }
        }
        rest = &rest[end + 1..];
    }
    false
}

fn finished(stdout: &str, stderr: &str, exit_code: i32) -> Execution {
    Execution::Finished(CommandOutput {
        stdout: stdout.to_string(),
        stderr: stderr.to_string(),
        exit_code,
    })
}

fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// GNU timeout's DURATION: a number with an optional `s`, `m`, `h` or `d` suffix, in nanoseconds.
fn parse_timeout_duration(text: &str) -> Option<u64> {
    const SECOND: u128 = 1_000_000_000;
    let (number, unit) = match text.chars().last()? {
        's' => (&text[..text.len() - 1], SECOND),
        'm' => (&text[..text.len() - 1], 60 * SECOND),
        'h' => (&text[..text.len() - 1], 3600 * SECOND),
        'd' => (&text[..text.len() - 1], 86400 * SECOND),
        _ => (text, SECOND),
    };
    etcdctl::text::scaled_decimal(number, unit)
        .and_then(|nanoseconds| u64::try_from(nanoseconds).ok())
}

/// A UUID-shaped name derived from a counter (splitmix64), so log lines look like etcdctl's.
fn client_uuid(counter: u64) -> String {
    let mut state = counter.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let high = next();
    let low = next();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xfff,
        0x8000 | ((low >> 48) & 0x3fff),
        low & 0xffff_ffff_ffff
    )
}
