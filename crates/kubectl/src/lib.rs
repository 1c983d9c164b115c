//! kubectl for the playground's console, sans-IO: the words of a `kubectl ...` line (and
//! the text given as its stdin) in, what kubectl prints out, run against the simulated
//! kube-apiserver ([`apiserver::ApiServer`]).
//!
//! Nothing here reads a clock or does IO: the AGE column and describe's timestamps come
//! from the apiserver's virtual clock; effects the page must carry out (open the editor for
//! `kubectl edit`) come back as data ([`Effect`]); `get -w` returns a [`WatchSession`] the
//! caller polls.
//!
//! # Worked example
//! ```
//! use apiserver::{ApiServer, ApiServerConfig, InMemoryEtcd};
//! let etcd = InMemoryEtcd::new();
//! let mut api = ApiServer::new(Box::new(etcd.clone()), ApiServerConfig::default());
//! api.bootstrap();
//! let words = |line: &str| console::words::split_words(line).unwrap();
//! let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n";
//! let applied = kubectl::run(&words("apply -f -"), manifest, &mut api);
//! assert_eq!(applied.output.stdout, "configmap/settings created\n");
//! etcd.advance_ms(45_000);
//! let listed = kubectl::run(&words("get cm"), "", &mut api);
//! assert_eq!(listed.output.stdout, "NAME       DATA   AGE\nsettings   1      45s\n");
//! let missing = kubectl::run(&words("get deploy web"), "", &mut api);
//! assert_eq!(missing.output.stderr, "Error from server (NotFound): deployments.apps \"web\" not found\n");
//! assert_eq!(missing.output.exit_code, 1);
//! ```
//!
//! # The `-f` rule
//! The page has no files: `-f -` and `-f <any path>` both read the text given as stdin (the
//! object editor's text or a pasted manifest). The path only names the source in error lines
//! (`error when creating "web.yaml": ...`); `-f -` is named `STDIN` as kubectl names it.
//!
//! # Layout
//! [`cli`] (commands and flags as data, help, cobra's texts), [`commands`] (each command),
//! [`tables`] (table columns per resource), [`describe`], [`encode`] (`-o json|yaml`),
//! [`selector`] (`-l`), [`text`] (tabwriter, HumanDuration, timestamps), [`watch`]
//! (`get -w`), [`completion`] (tab completion).

pub mod cli;
pub mod commands;
pub mod completion;
pub mod describe;
pub mod encode;
pub mod selector;
pub mod tables;
pub mod text;
pub mod watch;

use apiserver::ApiServer;
pub use completion::complete;
pub use console::CommandOutput;
pub use watch::WatchSession;

/// Something the page must do after the command (the command itself cannot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `kubectl edit`: open the object editor with this YAML.
    OpenEditor { text: String },
}

/// What a finished kubectl command printed, how it exited, and what the page should do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubectlOutput {
    pub output: CommandOutput,
    pub effects: Vec<Effect>,
}

/// The result of [`execute`].
#[derive(Debug)]
pub enum Execution {
    Finished(KubectlOutput),
    /// `kubectl get -w`: still running; poll it, stop it to end it.
    Watching(WatchSession),
}

/// kubectl's exit code for every error it reports (`cmdutil.DefaultErrorExitCode`).
pub const EXIT_ERROR: i32 = 1;
/// The exit code of a process ended by Ctrl-C (128 + SIGINT), as the shell reports it.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Runs `kubectl <arguments>` (the words after `kubectl`). A watch is returned as a session.
pub fn execute(arguments: &[String], stdin: &str, api: &mut ApiServer) -> Execution {
    commands::execute(arguments, stdin, api)
}

/// [`execute`] for callers that want a finished result: a watch prints what it has at once
/// and is then stopped as Ctrl-C would stop it.
pub fn run(arguments: &[String], stdin: &str, api: &mut ApiServer) -> KubectlOutput {
    match execute(arguments, stdin, api) {
        Execution::Finished(output) => output,
        Execution::Watching(mut session) => {
            let printed = session.poll(api);
            let mut output = session.stop(api);
            output.output.stdout.insert_str(0, &printed);
            output
        }
    }
}

/// The words after `kubectl` if `line` runs kubectl: shell words split like the console
/// splits them, after `VAR=value` assignments and a `timeout N` prefix. `None` when the
/// line runs something else (or does not split), so the console answers it.
///
/// ```
/// assert_eq!(kubectl::kubectl_arguments("KUBECONFIG=x timeout 5 kubectl get po"), Some(vec!["get".to_string(), "po".to_string()]));
/// assert_eq!(kubectl::kubectl_arguments("etcdctl get /a"), None);
/// ```
pub fn kubectl_arguments(line: &str) -> Option<Vec<String>> {
    let words = console::words::split_words(line).ok()?;
    let mut index = 0;
    while let Some(word) = words.get(index) {
        let is_assignment = word.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if is_assignment {
            index += 1;
        } else if word == "timeout" {
            // The console itself reports a malformed `timeout`; only a plain number is skipped here.
            let duration = words.get(index + 1)?;
            let number = duration.trim_end_matches(['s', 'm', 'h', 'd']);
            if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
                return None;
            }
            index += 2;
        } else {
            break;
        }
    }
    (words.get(index)? == "kubectl").then(|| words[index + 1..].to_vec())
}
