//! etcdctl 3.4.23 (API v3) as a pure function of a command line, stdin and a backend.
//!
//! The flow of `etcdctl --endpoints=127.0.0.1:22379 get /a -w json`:
//! 1. [`spec`]: resolve the command path like cobra (`get`; prefix matching, suggestions);
//! 2. [`flags`]: split the remaining words into flags and positionals, with pflag's error texts;
//! 3. validate like `get_command.go` (argument counts, `--sort-by`, `--consistency`, ...), each
//!    failure with etcdctl's exit code (128 bad args, 4 bad feature, 3 bad txn input, 1 error);
//! 4. call the [`EtcdctlBackend`];
//! 5. print with [`mod@print`] in the chosen format; an RPC error prints the client's zap warn line
//!    and `Error: <text>` on stderr, exit 1.

pub mod flags;
pub mod print;
pub mod spec;
pub mod text;
pub mod txn_text;

use mvcc::{
    CompactionRequest, DeleteRangeRequest, PutRequest, RangeRequest, SortOrder, SortTarget,
    TxnRequest, WatchRequest,
};

use crate::backend::{
    endpoint_host_port, Consistency, EtcdctlBackend, RpcError, WatchHandle, WatchPoll,
};
use crate::CommandOutput;
use flags::{parse_flags, ParsedFlags};
use print::{Format, Header, Printer};
use spec::{all_flags, find_child, suggestions, usage_text, Action, CommandSpec, ROOT_COMMANDS};
use text::{
    go_duration, go_quote, humanize_bytes, iso8601_milliseconds, json_list, parse_go_int,
    parse_go_uint, table, JsonObject,
};

/// etcdctl's exit codes (`ctlv3/command/error.go`).
pub const EXIT_SUCCESS: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
/// etcdctl's ExitBadConnection.
pub const EXIT_BAD_CONNECTION: i32 = 2;
pub const EXIT_BAD_FEATURE: i32 = 4;
pub const EXIT_INTERRUPTED: i32 = 5;
pub const EXIT_BAD_ARGS: i32 = 128;

/// The log lines' clock starts here (2026-11-24T01:00:00Z, the day of the reference capture) and
/// moves with the backend's virtual time.
pub const LOG_EPOCH_UNIX_MILLISECONDS: u64 = 1_795_482_000_000;

/// A command that ended early: what it printed and its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

impl Failure {
    /// etcdctl's `ExitWithError`: `Error: <message>` on stderr.
    pub fn error(exit_code: i32, message: impl std::fmt::Display) -> Failure {
        Failure {
            stdout: String::new(),
            stderr: format!("Error: {message}\n"),
            exit_code,
        }
    }

    /// A Go panic: the trace on stderr, exit 2.
    pub fn panic(trace: String) -> Failure {
        Failure {
            stdout: String::new(),
            stderr: trace,
            exit_code: txn_text::EXIT_GO_PANIC,
        }
    }
}

/// What an etcdctl invocation turned into: finished, or a watch that keeps streaming.
#[derive(Debug)]
pub enum Invocation {
    Finished(CommandOutput),
    Watching(WatchSession),
}

/// Per-invocation context: where output goes, which endpoints, how to print, who is asking.
struct Call<'a> {
    backend: &'a mut dyn EtcdctlBackend,
    stdout: String,
    stderr: String,
    endpoints: Vec<String>,
    printer: Printer,
    /// `client-<uuid>` of clientv3's resolver target in the warn line.
    client_name: String,
}

impl Call<'_> {
    /// clientv3's retry interceptor logs every failed unary RPC before etcdctl prints the error.
    fn warn_line(&mut self, target: &str, error: &RpcError) {
        let milliseconds =
            LOG_EPOCH_UNIX_MILLISECONDS.saturating_add(self.backend.now_milliseconds());
        self.stderr.push_str(&format!(
            "{{\"level\":\"warn\",\"ts\":\"{}\",\"caller\":\"clientv3/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":{},\"attempt\":0,\"error\":{}}}\n",
            iso8601_milliseconds(milliseconds),
            zap_string(target),
            zap_string(&error.grpc_text())
        ));
    }

    fn balancer_target(&self) -> String {
        let first = self
            .endpoints
            .first()
            .map(String::as_str)
            .unwrap_or("127.0.0.1:2379");
        format!(
            "endpoint://{}/{}",
            self.client_name,
            endpoint_host_port(first)
        )
    }

    /// A failed RPC through the balancer: warn line, then `Error: <prefix><text>`, exit 1.
    fn rpc_failure(&mut self, error: &RpcError, wrap: impl Fn(&str) -> String) -> Failure {
        let target = self.balancer_target();
        self.warn_line(&target, error);
        let message = wrap(&error.client_text());
        self.finish_failure(Failure::error(EXIT_ERROR, message))
    }

    fn finish_failure(&mut self, failure: Failure) -> Failure {
        Failure {
            stdout: std::mem::take(&mut self.stdout) + &failure.stdout,
            stderr: std::mem::take(&mut self.stderr) + &failure.stderr,
            exit_code: failure.exit_code,
        }
    }

    fn done(&mut self) -> CommandOutput {
        CommandOutput {
            stdout: std::mem::take(&mut self.stdout),
            stderr: std::mem::take(&mut self.stderr),
            exit_code: EXIT_SUCCESS,
        }
    }
}

/// zap's JSON string encoding (no HTML escaping, unlike encoding/json).
fn zap_string(text: &str) -> String {
    let mut out = String::from("\"");
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Runs `etcdctl <arguments>` (the words after `etcdctl`).
pub(crate) fn invoke(
    arguments: &[String],
    stdin: &str,
    client_name: String,
    backend: &mut dyn EtcdctlBackend,
) -> Invocation {
    match invoke_inner(arguments, stdin, client_name, backend) {
        Ok(invocation) => invocation,
        Err(failure) => Invocation::Finished(CommandOutput {
            stdout: failure.stdout,
            stderr: failure.stderr,
            exit_code: failure.exit_code,
        }),
    }
}

/// cobra's `stripFlags`: the words that are not flags or flag values.
fn strip_flags(arguments: &[String], flags: &[spec::FlagSpec]) -> Vec<String> {
    let is_bool_long = |name: &str| flags.iter().any(|flag| flag.long == name && flag.is_bool());
    let is_bool_short = |name: &str| {
        flags.iter().any(|flag| {
            flag.short.map(|short| short.to_string()).as_deref() == Some(name) && flag.is_bool()
        })
    };
    let mut commands = Vec::new();
    let mut index = 0;
    while index < arguments.len() {
        let word = &arguments[index];
        index += 1;
        if word == "--" {
            break;
        }
        let takes_value =
            (word.starts_with("--") && !word.contains('=') && !is_bool_long(&word[2..]))
                || (word.starts_with('-')
                    && !word.starts_with("--")
                    && !word.contains('=')
                    && word.len() == 2
                    && !is_bool_short(&word[1..]));
        if takes_value {
            if arguments.len() - index <= 1 {
                break;
            }
            index += 1;
            continue;
        }
        if !word.is_empty() && !word.starts_with('-') {
            commands.push(word.clone());
        }
    }
    commands
}

const ROOT_HELP_FLAG: spec::FlagSpec = spec::FlagSpec {
    long: "help",
    short: Some('h'),
    bool_default: Some(false),
    default_text: "",
    usage: "help for etcdctl",
};

fn root_usage() -> String {
    let mut out = String::from("NAME:\n\tetcdctl - A simple command line client for etcd3.\n\nUSAGE:\n\tetcdctl [flags]\n\nVERSION:\n\t3.4.23\n\nAPI VERSION:\n\t3.4\n\n\nCOMMANDS:\n");
    let rows: Vec<(String, String)> = ROOT_COMMANDS
        .iter()
        .map(|command| (format!("\t{}", command.name), command.short.to_string()))
        .collect();
    out.push_str(&text::tabwriter(&rows));
    out.push_str("\nOPTIONS:\n");
    let mut flags = spec::GLOBAL_FLAGS.to_vec();
    flags.push(ROOT_HELP_FLAG);
    playground_core::sort::sort_by_key(&mut flags, |flag| flag.long);
    let rows: Vec<(String, String)> = flags
        .iter()
        .map(|flag| (flag.usage_cell(), flag.usage.to_string()))
        .collect();
    out.push_str(&text::tabwriter(&rows));
    out.push('\n');
    out
}

/// Resolves the command path like cobra's `Find`; returns the path and the arguments left.
pub fn resolve(arguments: &[String]) -> (Vec<&'static CommandSpec>, Vec<String>) {
    let mut path: Vec<&'static CommandSpec> = Vec::new();
    let mut remaining = arguments.to_vec();
    // Bounded: every round consumes one word or stops.
    for _ in 0..=arguments.len() {
        let children: &'static [CommandSpec] = match path.last() {
            Some(command) => command.children,
            None => ROOT_COMMANDS,
        };
        let flags = all_flags(&path);
        let words = strip_flags(&remaining, &flags);
        let Some(next) = words.first() else { break };
        let Some(child) = find_child(children, next) else {
            break;
        };
        path.push(child);
        if let Some(position) = remaining.iter().position(|word| word == next) {
            remaining.remove(position);
        }
    }
    (path, remaining)
}

fn invoke_inner(
    arguments: &[String],
    stdin: &str,
    client_name: String,
    backend: &mut dyn EtcdctlBackend,
) -> Result<Invocation, Failure> {
    let (path, remaining) = resolve(arguments);
    let Some(command) = path.last().copied() else {
        let words = strip_flags(&remaining, spec::GLOBAL_FLAGS);
        if let Some(unknown) = words.first() {
            let mut message = format!(
                "unknown command {} for \"etcdctl\"",
                go_quote(unknown.as_bytes())
            );
            let suggested = suggestions(ROOT_COMMANDS, unknown);
            if !suggested.is_empty() {
                message.push_str("\n\nDid you mean this?\n");
                for name in suggested {
                    message.push_str(&format!("\t{name}\n"));
                }
            }
            return Err(Failure {
                stdout: String::new(),
                stderr: format!(
                    "Error: {message}\nRun 'etcdctl --help' for usage.\nError: {message}\n"
                ),
                exit_code: EXIT_ERROR,
            });
        }
        // The root command: its flags are the globals plus -h/--help; it prints its usage.
        let mut root_flags = all_flags(&[]);
        root_flags.push(ROOT_HELP_FLAG);
        parse_flags(&root_flags, &remaining)
            .map_err(|message| flag_failure(root_usage(), &message))?;
        return Ok(finished(&root_usage()));
    };
    let flag_specs = all_flags(&path);
    let parsed = parse_flags(&flag_specs, &remaining)
        .map_err(|message| flag_failure(usage_text(&path), &message))?;
    if parsed.bool("help") || command.action == Action::Group {
        return Ok(finished(&usage_text(&path)));
    }
    let format = match parsed.string("write-out", "simple").as_str() {
        "simple" => Format::Simple,
        "json" => Format::Json,
        "fields" => Format::Fields,
        "table" => Format::Table,
        _ => {
            return Err(Failure::error(
                EXIT_BAD_FEATURE,
                "unsupported output format",
            ))
        }
    };
    let printer = Printer {
        format,
        hex: parsed.bool("hex"),
        value_only: false,
    };
    let endpoints = parsed
        .endpoints()
        .unwrap_or_else(|| backend.default_endpoints());
    backend.set_command_timeout_nanoseconds(parsed.command_timeout_nanoseconds());
    let mut call = Call {
        backend,
        stdout: String::new(),
        stderr: String::new(),
        endpoints,
        printer,
        client_name,
    };
    let positionals = parsed.positionals.clone();
    let result = match command.action {
        Action::Get => get(&mut call, &parsed, &positionals),
        Action::Put => put(&mut call, &parsed, &positionals, stdin),
        Action::Del => del(&mut call, &parsed, &positionals),
        Action::Txn => txn(&mut call, &parsed, &positionals, stdin),
        Action::Compaction => compaction(&mut call, &parsed, &positionals),
        Action::Watch => return watch(&mut call, &parsed, &positionals).map(Invocation::Watching),
        Action::Version => {
            call.stdout
                .push_str("etcdctl version: 3.4.23\nAPI version: 3.4\n");
            Ok(())
        }
        Action::Defrag => defrag(&mut call, &parsed),
        Action::AlarmList => alarm_list(&mut call),
        Action::EndpointHealth => endpoint_health(&mut call, &parsed),
        Action::EndpointStatus => endpoint_status(&mut call, &parsed),
        Action::EndpointHashKv => endpoint_hash_kv(&mut call, &parsed),
        Action::MemberList => member_list(&mut call),
        Action::MemberAdd => member_add(&mut call, &parsed, &positionals),
        Action::MemberRemove => member_remove(&mut call, &positionals),
        Action::MoveLeader => move_leader(&mut call, &positionals),
        Action::LeaseGrant => lease_grant(&mut call, &positionals),
        Action::LeaseRevoke => lease_revoke(&mut call, &positionals),
        Action::LeaseTimeToLive => lease_time_to_live(&mut call, &parsed, &positionals),
        Action::LeaseList => lease_list(&mut call),
        Action::LeaseKeepAlive => lease_keep_alive(&mut call, &parsed, &positionals),
        Action::Group => Ok(()),
        Action::NotSimulated => {
            let names: Vec<&str> = path.iter().map(|spec| spec.name).collect();
            Err(Failure::error(
                EXIT_BAD_FEATURE,
                format!(
                    "`etcdctl {}` is not simulated by the playground",
                    names.join(" ")
                ),
            ))
        }
    };
    match result {
        Ok(()) => Ok(Invocation::Finished(call.done())),
        Err(failure) => Err(call.finish_failure(failure)),
    }
}

fn finished(stdout: &str) -> Invocation {
    Invocation::Finished(CommandOutput {
        stdout: stdout.to_string(),
        stderr: String::new(),
        exit_code: EXIT_SUCCESS,
    })
}

/// cobra on a flag error: the usage on stdout; on stderr cobra's `Error:` line, the empty
/// usage string etcdctl's usage func leaves behind, and etcdctl's own `Error:` line.
fn flag_failure(usage: String, message: &str) -> Failure {
    Failure {
        stdout: usage,
        stderr: format!("Error: {message}\n\nError: {message}\n"),
        exit_code: EXIT_ERROR,
    }
}

/// `getGetOp`: the Range a `get` (or a txn's get op) sends.
pub(crate) fn get_request(
    parsed: &ParsedFlags,
    arguments: &[String],
) -> Result<RangeRequest, Failure> {
    let Some(key) = arguments.first() else {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "get command needs one argument as key and an optional argument as range_end",
        ));
    };
    let prefix = parsed.bool("prefix");
    let from_key = parsed.bool("from-key");
    if prefix && from_key {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "`--prefix` and `--from-key` cannot be set at the same time, choose one",
        ));
    }
    consistency(parsed)?;
    let mut request = RangeRequest {
        key: key.as_bytes().to_vec(),
        ..RangeRequest::default()
    };
    if let Some(range_end) = arguments.get(1) {
        if prefix || from_key {
            return Err(Failure::error(EXIT_BAD_ARGS, "too many arguments, only accept one argument when `--prefix` or `--from-key` is set"));
        }
        request.range_end = range_end.as_bytes().to_vec();
    }
    request.limit = parsed.int("limit");
    let revision = parsed.int("rev");
    if revision > 0 {
        request.revision = revision;
    }
    let order_text = parsed.string("order", "");
    let mut order = match order_text.to_ascii_uppercase().as_str() {
        "ASCEND" => SortOrder::Ascend,
        "DESCEND" => SortOrder::Descend,
        "" => SortOrder::None,
        _ => {
            return Err(Failure::error(
                EXIT_BAD_FEATURE,
                format!("bad sort order {order_text}"),
            ))
        }
    };
    let target_text = parsed.string("sort-by", "");
    let target = match target_text.to_ascii_uppercase().as_str() {
        "CREATE" => SortTarget::Create,
        "KEY" | "" => SortTarget::Key,
        "MODIFY" => SortTarget::Mod,
        "VALUE" => SortTarget::Value,
        "VERSION" => SortTarget::Version,
        _ => {
            return Err(Failure::error(
                EXIT_BAD_FEATURE,
                format!("bad sort target {target_text}"),
            ))
        }
    };
    // clientv3.WithSort: keys already come sorted ascending, so that order is sent as NONE.
    if target == SortTarget::Key && order == SortOrder::Ascend {
        order = SortOrder::None;
    }
    request.sort_order = order;
    request.sort_target = target;
    if prefix {
        if request.key.is_empty() {
            request.key = vec![0];
            request.range_end = vec![0];
        } else {
            request.range_end = mvcc::prefix_end(&request.key);
        }
    }
    if from_key {
        if request.key.is_empty() {
            request.key = vec![0];
        }
        request.range_end = vec![0];
    }
    request.keys_only = parsed.bool("keys-only");
    Ok(request)
}

fn consistency(parsed: &ParsedFlags) -> Result<Consistency, Failure> {
    match parsed.string("consistency", "l").as_str() {
        "l" => Ok(Consistency::Linearizable),
        "s" => Ok(Consistency::Serializable),
        other => Err(Failure::error(
            EXIT_BAD_FEATURE,
            format!("unknown consistency flag {}", go_quote(other.as_bytes())),
        )),
    }
}

fn get(call: &mut Call<'_>, parsed: &ParsedFlags, arguments: &[String]) -> Result<(), Failure> {
    if parsed.bool("print-value-only") {
        if call.printer.format != Format::Simple {
            return Err(Failure::error(
                EXIT_BAD_ARGS,
                "print-value-only is only for `--write-out=simple`",
            ));
        }
        call.printer.value_only = true;
    }
    let request = get_request(parsed, arguments)?;
    let consistency = consistency(parsed)?;
    let endpoints = call.endpoints.clone();
    match call.backend.range(&endpoints, request, consistency) {
        Ok(served) => {
            let header = Header::of(&served, served.response.header.revision);
            call.printer.get(header, &served.response, &mut call.stdout);
            Ok(())
        }
        Err(error) => Err(call.rpc_failure(&error, str::to_string)),
    }
}

/// `getPutOp`: the Put a `put` (or a txn's put op) sends; `stdin` is read when the value is missing.
pub(crate) fn put_request(
    parsed: &ParsedFlags,
    arguments: &[String],
    stdin: &str,
) -> Result<PutRequest, Failure> {
    let needs = || {
        Failure::error(
            EXIT_BAD_ARGS,
            "put command needs 1 argument and input from stdin or 2 arguments",
        )
    };
    let Some(key) = arguments.first() else {
        return Err(needs());
    };
    let ignore_value = parsed.bool("ignore-value");
    if ignore_value && arguments.len() > 1 {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "put command needs only 1 argument when 'ignore-value' is set",
        ));
    }
    let value = if ignore_value {
        String::new()
    } else if let Some(value) = arguments.get(1) {
        value.clone()
    } else if !stdin.is_empty() {
        stdin.to_string()
    } else {
        return Err(needs());
    };
    let lease_text = parsed.string("lease", "0");
    let lease = parse_go_int(&lease_text, 16).map_err(|error| {
        Failure::error(
            EXIT_BAD_ARGS,
            format!("bad lease ID ({error}), expecting ID in Hex"),
        )
    })?;
    if ignore_value || parsed.bool("ignore-lease") {
        return Err(Failure::error(
            EXIT_BAD_FEATURE,
            "--ignore-value and --ignore-lease are not simulated by the playground",
        ));
    }
    Ok(PutRequest {
        key: key.as_bytes().to_vec(),
        value: value.into_bytes(),
        lease,
        prev_kv: parsed.bool("prev-kv"),
    })
}

fn put(
    call: &mut Call<'_>,
    parsed: &ParsedFlags,
    arguments: &[String],
    stdin: &str,
) -> Result<(), Failure> {
    let request = put_request(parsed, arguments, stdin)?;
    let endpoints = call.endpoints.clone();
    match call.backend.put(&endpoints, request) {
        Ok(served) => {
            let header = Header::of(&served, served.response.header.revision);
            call.printer.put(header, &served.response, &mut call.stdout);
            Ok(())
        }
        Err(error) => Err(call.rpc_failure(&error, str::to_string)),
    }
}

/// `getDelOp`.
pub(crate) fn del_request(
    parsed: &ParsedFlags,
    arguments: &[String],
) -> Result<DeleteRangeRequest, Failure> {
    if arguments.is_empty() || arguments.len() > 2 {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "del command needs one argument as key and an optional argument as range_end",
        ));
    }
    let prefix = parsed.bool("prefix");
    let from_key = parsed.bool("from-key");
    if prefix && from_key {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "`--prefix` and `--from-key` cannot be set at the same time, choose one",
        ));
    }
    let mut request = DeleteRangeRequest {
        key: arguments[0].as_bytes().to_vec(),
        ..DeleteRangeRequest::default()
    };
    if let Some(range_end) = arguments.get(1) {
        if prefix || from_key {
            return Err(Failure::error(EXIT_BAD_ARGS, "too many arguments, only accept one argument when `--prefix` or `--from-key` is set"));
        }
        request.range_end = range_end.as_bytes().to_vec();
    }
    if prefix {
        if request.key.is_empty() {
            request.key = vec![0];
            request.range_end = vec![0];
        } else {
            request.range_end = mvcc::prefix_end(&request.key);
        }
    }
    request.prev_kv = parsed.bool("prev-kv");
    if from_key {
        if request.key.is_empty() {
            request.key = vec![0];
        }
        request.range_end = vec![0];
    }
    Ok(request)
}

fn del(call: &mut Call<'_>, parsed: &ParsedFlags, arguments: &[String]) -> Result<(), Failure> {
    let request = del_request(parsed, arguments)?;
    let endpoints = call.endpoints.clone();
    match call.backend.delete_range(&endpoints, request) {
        Ok(served) => {
            let header = Header::of(&served, served.response.header.revision);
            call.printer
                .delete(header, &served.response, &mut call.stdout);
            Ok(())
        }
        Err(error) => Err(call.rpc_failure(&error, str::to_string)),
    }
}

fn txn(
    call: &mut Call<'_>,
    parsed: &ParsedFlags,
    arguments: &[String],
    stdin: &str,
) -> Result<(), Failure> {
    if !arguments.is_empty() {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "txn command does not accept argument",
        ));
    }
    let interactive = parsed.bool("interactive");
    const PROMPTS: [&str; 3] = [
        "compares:\n",
        "success requests (get, put, del):\n",
        "failure requests (get, put, del):\n",
    ];
    let parsed_txn = match txn_text::parse_txn(stdin) {
        Ok(parsed_txn) => parsed_txn,
        Err((prompts_printed, failure)) => {
            if interactive {
                for prompt in PROMPTS.iter().take(prompts_printed) {
                    call.stdout.push_str(prompt);
                }
            }
            return Err(failure);
        }
    };
    if interactive {
        PROMPTS
            .iter()
            .for_each(|prompt| call.stdout.push_str(prompt));
    }
    let request = TxnRequest {
        compare: parsed_txn.compares,
        success: parsed_txn.success,
        failure: parsed_txn.failure,
    };
    let endpoints = call.endpoints.clone();
    match call.backend.txn(&endpoints, request) {
        Ok(served) => {
            let header = Header::of(&served, served.response.header.revision);
            call.printer.txn(header, &served.response, &mut call.stdout);
            Ok(())
        }
        Err(error) => Err(call.rpc_failure(&error, str::to_string)),
    }
}

fn compaction(
    call: &mut Call<'_>,
    parsed: &ParsedFlags,
    arguments: &[String],
) -> Result<(), Failure> {
    if arguments.len() != 1 {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "compaction command needs 1 argument",
        ));
    }
    let revision =
        parse_go_int(&arguments[0], 10).map_err(|error| Failure::error(EXIT_ERROR, error))?;
    let endpoints = call.endpoints.clone();
    let request = CompactionRequest {
        revision,
        physical: parsed.bool("physical"),
    };
    match call.backend.compact(&endpoints, request) {
        Ok(_) => {
            call.stdout
                .push_str(&format!("compacted revision {revision}\n"));
            Ok(())
        }
        Err(error) => Err(call.rpc_failure(&error, str::to_string)),
    }
}

/// `--cluster`: the client URLs of every member, from a MemberList through `--endpoints`.
fn cluster_endpoints(call: &mut Call<'_>, parsed: &ParsedFlags) -> Result<Vec<String>, Failure> {
    if !parsed.bool("cluster") {
        return Ok(call.endpoints.clone());
    }
    let endpoints = call.endpoints.clone();
    match call.backend.member_list(&endpoints) {
        Ok(served) => Ok(served
            .response
            .iter()
            .flat_map(|member| member.client_urls.iter().cloned())
            .collect()),
        Err(error) => Err(call.rpc_failure(&error, |text| {
            format!("failed to fetch endpoints from etcd cluster member list: {text}")
        })),
    }
}

fn endpoint_health(call: &mut Call<'_>, parsed: &ParsedFlags) -> Result<(), Failure> {
    let endpoints = cluster_endpoints(call, parsed)?;
    // (endpoint, took, error text); checks run concurrently in etcdctl, so rows come in completion order.
    let mut results: Vec<(String, u64, Option<String>)> = Vec::new();
    for endpoint in &endpoints {
        let check = call.backend.health(endpoint);
        if let Some(error) = &check.error {
            let target = format!(
                "endpoint://{}/{}",
                call.client_name,
                endpoint_host_port(endpoint)
            );
            call.warn_line(&target, error);
        }
        results.push((
            endpoint.clone(),
            check.took_nanoseconds,
            check.error.map(|error| error.client_text()),
        ));
    }
    playground_core::sort::sort_by_key(&mut results, |(_, took, _)| *took);
    match call.printer.format {
        Format::Json => {
            let items: Vec<String> = results
                .iter()
                .map(|(endpoint, took, error)| {
                    JsonObject::new()
                        .string("endpoint", endpoint)
                        .bool("health", error.is_none())
                        .string("took", &go_duration(*took))
                        .string_omit_empty("error", error.as_deref().unwrap_or(""))
                        .finish()
                })
                .collect();
            call.stdout.push_str(&json_list(&items));
            call.stdout.push('\n');
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = results
                .iter()
                .map(|(endpoint, took, error)| {
                    vec![
                        endpoint.clone(),
                        error.is_none().to_string(),
                        go_duration(*took),
                        error.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            call.stdout
                .push_str(&table(&["ENDPOINT", "HEALTH", "TOOK", "ERROR"], &rows));
        }
        Format::Simple | Format::Fields => {
            for (endpoint, took, error) in &results {
                match error {
                    None => call.stderr.push_str(&format!(
                        "{endpoint} is healthy: successfully committed proposal: took = {}\n",
                        go_duration(*took)
                    )),
                    Some(error) => call.stderr.push_str(&format!(
                        "{endpoint} is unhealthy: failed to commit proposal: {error}\n"
                    )),
                }
            }
        }
    }
    if results.iter().any(|(_, _, error)| error.is_some()) {
        return Err(Failure::error(EXIT_ERROR, "unhealthy cluster"));
    }
    Ok(())
}

fn endpoint_status(call: &mut Call<'_>, parsed: &ParsedFlags) -> Result<(), Failure> {
    let endpoints = cluster_endpoints(call, parsed)?;
    let mut statuses = Vec::new();
    let mut failed = false;
    for endpoint in &endpoints {
        match call.backend.status(endpoint) {
            Ok(served) => statuses.push((endpoint.clone(), served)),
            Err(error) => {
                call.warn_line(
                    &format!("passthrough:///{}", endpoint_host_port(endpoint)),
                    &error,
                );
                call.stderr.push_str(&format!(
                    "Failed to get the status of endpoint {endpoint} ({})\n",
                    error.client_text()
                ));
                failed = true;
            }
        }
    }
    let rows: Vec<Vec<String>> = statuses
        .iter()
        .map(|(endpoint, served)| {
            let status = &served.response;
            vec![
                endpoint.clone(),
                format!("{:x}", served.member_id),
                status.version.clone(),
                humanize_bytes(u64::try_from(status.db_size_bytes).unwrap_or(0)),
                (status.leader == served.member_id).to_string(),
                status.is_learner.to_string(),
                status.raft_term.to_string(),
                status.raft_index.to_string(),
                status.raft_applied_index.to_string(),
                status.errors.join(", "),
            ]
        })
        .collect();
    match call.printer.format {
        Format::Json => {
            let items: Vec<String> = statuses
                .iter()
                .map(|(endpoint, served)| {
                    let status = &served.response;
                    let mut body = JsonObject::new();
                    body.raw("header", &Header::of(served, status.header_revision).json())
                        .string_omit_empty("version", &status.version)
                        .number_omit_zero("dbSize", status.db_size_bytes)
                        .number_omit_zero("leader", status.leader)
                        .number_omit_zero("raftIndex", status.raft_index)
                        .number_omit_zero("raftTerm", status.raft_term)
                        .number_omit_zero("raftAppliedIndex", status.raft_applied_index);
                    if !status.errors.is_empty() {
                        let errors: Vec<String> = status
                            .errors
                            .iter()
                            .map(|error| text::json_string(error))
                            .collect();
                        body.raw("errors", &json_list(&errors));
                    }
                    body.number_omit_zero("dbSizeInUse", status.db_size_in_use_bytes)
                        .bool_omit_false("isLearner", status.is_learner);
                    JsonObject::new()
                        .string("Endpoint", endpoint)
                        .raw("Status", &body.finish())
                        .finish()
                })
                .collect();
            call.stdout.push_str(&json_list(&items));
            call.stdout.push('\n');
        }
        Format::Table => {
            let header = [
                "ENDPOINT",
                "ID",
                "VERSION",
                "DB SIZE",
                "IS LEADER",
                "IS LEARNER",
                "RAFT TERM",
                "RAFT INDEX",
                "RAFT APPLIED INDEX",
                "ERRORS",
            ];
            call.stdout.push_str(&table(&header, &rows));
        }
        Format::Simple | Format::Fields => {
            for row in rows {
                call.stdout.push_str(&row.join(", "));
                call.stdout.push('\n');
            }
        }
    }
    if failed {
        // etcdctl exits 1 here without an `Error:` line.
        return Err(Failure {
            stdout: String::new(),
            stderr: String::new(),
            exit_code: EXIT_ERROR,
        });
    }
    Ok(())
}

fn endpoint_hash_kv(call: &mut Call<'_>, parsed: &ParsedFlags) -> Result<(), Failure> {
    let endpoints = cluster_endpoints(call, parsed)?;
    let revision = parsed.int("rev");
    let mut hashes = Vec::new();
    let mut failed = false;
    for endpoint in &endpoints {
        match call.backend.hash_kv(endpoint, revision) {
            Ok(served) => hashes.push((endpoint.clone(), served)),
            Err(error) => {
                call.warn_line(
                    &format!("passthrough:///{}", endpoint_host_port(endpoint)),
                    &error,
                );
                call.stderr.push_str(&format!(
                    "Failed to get the hash of endpoint {endpoint} ({})\n",
                    error.client_text()
                ));
                failed = true;
            }
        }
    }
    match call.printer.format {
        Format::Json => {
            let items: Vec<String> = hashes
                .iter()
                .map(|(endpoint, served)| {
                    let body = JsonObject::new()
                        .raw("header", &Header::of(served, 0).json())
                        .number_omit_zero("hash", served.response.hash)
                        .number_omit_zero("compact_revision", served.response.compact_revision)
                        .finish();
                    JsonObject::new()
                        .string("Endpoint", endpoint)
                        .raw("HashKV", &body)
                        .finish()
                })
                .collect();
            call.stdout.push_str(&json_list(&items));
            call.stdout.push('\n');
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = hashes
                .iter()
                .map(|(endpoint, served)| vec![endpoint.clone(), served.response.hash.to_string()])
                .collect();
            call.stdout.push_str(&table(&["ENDPOINT", "HASH"], &rows));
        }
        Format::Simple | Format::Fields => {
            for (endpoint, served) in &hashes {
                call.stdout
                    .push_str(&format!("{endpoint}, {}\n", served.response.hash));
            }
        }
    }
    if failed {
        return Err(Failure {
            stdout: String::new(),
            stderr: String::new(),
            exit_code: EXIT_ERROR,
        });
    }
    Ok(())
}

fn member_list(call: &mut Call<'_>) -> Result<(), Failure> {
    let endpoints = call.endpoints.clone();
    let served = call
        .backend
        .member_list(&endpoints)
        .map_err(|error| call.rpc_failure(&error, str::to_string))?;
    let rows = print::member_rows(&served.response);
    match call.printer.format {
        Format::Json => {
            let members: Vec<String> = served.response.iter().map(print::member_json).collect();
            let text = JsonObject::new()
                .raw("header", &Header::of(&served, 0).json())
                .raw("members", &json_list(&members))
                .finish();
            call.stdout.push_str(&text);
            call.stdout.push('\n');
        }
        Format::Table => call.stdout.push_str(&table(&print::MEMBER_HEADER, &rows)),
        Format::Simple => {
            for row in rows {
                call.stdout.push_str(&row.join(", "));
                call.stdout.push('\n');
            }
        }
        Format::Fields => {
            let header = Header::of(&served, 0);
            call.stdout.push_str(&format!(
                "\"ClusterID\" : {}\n\"MemberID\" : {}\n\"Revision\" : {}\n\"RaftTerm\" : {}\n",
                header.cluster_id, header.member_id, header.revision, header.raft_term
            ));
            for member in &served.response {
                call.stdout.push_str(&format!(
                    "\"ID\" : {}\n\"Name\" : {}\n",
                    member.id,
                    go_quote(member.name.as_bytes())
                ));
                for url in &member.peer_urls {
                    call.stdout
                        .push_str(&format!("\"PeerURL\" : {}\n", go_quote(url.as_bytes())));
                }
                for url in &member.client_urls {
                    call.stdout
                        .push_str(&format!("\"ClientURL\" : {}\n", go_quote(url.as_bytes())));
                }
                call.stdout.push('\n');
            }
        }
    }
    Ok(())
}

fn member_add(
    call: &mut Call<'_>,
    parsed: &ParsedFlags,
    arguments: &[String],
) -> Result<(), Failure> {
    let Some(name) = arguments.first() else {
        return Err(Failure::error(EXIT_BAD_ARGS, "member name not provided"));
    };
    if arguments.len() > 1 {
        let mut message = String::from("too many arguments");
        for argument in arguments {
            if argument.to_ascii_lowercase().starts_with("http") {
                message.push_str(&format!(", did you mean --peer-urls={argument}"));
            }
        }
        return Err(Failure::error(EXIT_BAD_ARGS, message));
    }
    let urls_text = parsed.string("peer-urls", "");
    if urls_text.is_empty() {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "member peer urls not provided",
        ));
    }
    let peer_urls: Vec<String> = urls_text.split(',').map(str::to_string).collect();
    let endpoints = call.endpoints.clone();
    let learner = parsed.bool("learner");
    let served = call
        .backend
        .member_add(&endpoints, peer_urls.clone(), learner)
        .map_err(|error| call.rpc_failure(&error, str::to_string))?;
    let (member, members) = &served.response;
    match call.printer.format {
        Format::Json => {
            let list: Vec<String> = members.iter().map(print::member_json).collect();
            let text = JsonObject::new()
                .raw("header", &Header::of(&served, 0).json())
                .raw("member", &print::member_json(member))
                .raw("members", &json_list(&list))
                .finish();
            call.stdout.push_str(&text);
            call.stdout.push('\n');
        }
        _ => {
            let as_learner = if learner { " as learner " } else { " " };
            call.stdout.push_str(&format!(
                "Member {:16x} added{as_learner}to cluster {:16x}\n",
                member.id, served.cluster_id
            ));
            let mut initial_cluster = Vec::new();
            for listed in members {
                let listed_name = if listed.id == member.id {
                    name.clone()
                } else {
                    listed.name.clone()
                };
                for url in &listed.peer_urls {
                    initial_cluster.push(format!("{listed_name}={url}"));
                }
            }
            call.stdout.push_str(&format!(
                "\nETCD_NAME={}\nETCD_INITIAL_CLUSTER={}\nETCD_INITIAL_ADVERTISE_PEER_URLS={}\nETCD_INITIAL_CLUSTER_STATE=\"existing\"\n",
                go_quote(name.as_bytes()),
                go_quote(initial_cluster.join(",").as_bytes()),
                go_quote(peer_urls.join(",").as_bytes())
            ));
        }
    }
    Ok(())
}

fn member_remove(call: &mut Call<'_>, arguments: &[String]) -> Result<(), Failure> {
    if arguments.len() != 1 {
        return Err(Failure::error(EXIT_BAD_ARGS, "member ID is not provided"));
    }
    let id = parse_go_uint(&arguments[0], 16).map_err(|error| {
        Failure::error(
            EXIT_BAD_ARGS,
            format!("bad member ID arg ({error}), expecting ID in Hex"),
        )
    })?;
    let endpoints = call.endpoints.clone();
    let served = call
        .backend
        .member_remove(&endpoints, id)
        .map_err(|error| call.rpc_failure(&error, str::to_string))?;
    match call.printer.format {
        Format::Json => {
            let list: Vec<String> = served.response.iter().map(print::member_json).collect();
            let text = JsonObject::new()
                .raw("header", &Header::of(&served, 0).json())
                .raw("members", &json_list(&list))
                .finish();
            call.stdout.push_str(&text);
            call.stdout.push('\n');
        }
        _ => call.stdout.push_str(&format!(
            "Member {id:16x} removed from cluster {:16x}\n",
            served.cluster_id
        )),
    }
    Ok(())
}

fn move_leader(call: &mut Call<'_>, arguments: &[String]) -> Result<(), Failure> {
    if arguments.len() != 1 {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "move-leader command needs 1 argument",
        ));
    }
    let target =
        parse_go_uint(&arguments[0], 16).map_err(|error| Failure::error(EXIT_BAD_ARGS, error))?;
    // etcdctl asks each endpoint for its status and sends the request to the leader's.
    let mut leader: Option<(String, u64)> = None;
    for endpoint in call.endpoints.clone() {
        match call.backend.status(&endpoint) {
            Ok(served) => {
                if served.member_id == served.response.leader {
                    leader = Some((endpoint, served.response.leader));
                    break;
                }
            }
            Err(error) => return Err(call.rpc_failure(&error, str::to_string)),
        }
    }
    let Some((leader_endpoint, leader_id)) = leader else {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            format!("no leader endpoint given at [{}]", call.endpoints.join(" ")),
        ));
    };
    match call.backend.move_leader(&leader_endpoint, target) {
        Ok(_) => {
            call.stdout.push_str(&format!(
                "Leadership transferred from {leader_id:x} to {target:x}\n"
            ));
            Ok(())
        }
        Err(error) => Err(call.rpc_failure(&error, str::to_string)),
    }
}

fn defrag(call: &mut Call<'_>, parsed: &ParsedFlags) -> Result<(), Failure> {
    if !parsed.string("data-dir", "").is_empty() {
        return Err(Failure::error(
            EXIT_BAD_FEATURE,
            "--data-dir is not simulated by the playground",
        ));
    }
    let endpoints = cluster_endpoints(call, parsed)?;
    let mut failed = false;
    for endpoint in &endpoints {
        match call.backend.status(endpoint) {
            Ok(_) => call
                .stdout
                .push_str(&format!("Finished defragmenting etcd member[{endpoint}]\n")),
            Err(error) => {
                call.stderr.push_str(&format!(
                    "Failed to defragment etcd member[{endpoint}] ({})\n",
                    error.client_text()
                ));
                failed = true;
            }
        }
    }
    if failed {
        return Err(Failure {
            stdout: String::new(),
            stderr: String::new(),
            exit_code: EXIT_ERROR,
        });
    }
    Ok(())
}

fn alarm_list(call: &mut Call<'_>) -> Result<(), Failure> {
    // The playground raises no alarms (no disk quota): nothing to print.
    let endpoints = call.endpoints.clone();
    call.backend
        .alarm_list(&endpoints)
        .map_err(|error| call.rpc_failure(&error, str::to_string))?;
    Ok(())
}

/// The response header fields inline, as Go's JSON of clientv3's lease responses (which embed `*ResponseHeader`).
fn inline_header(object: &mut JsonObject, header: Header) {
    object
        .number_omit_zero("cluster_id", header.cluster_id)
        .number_omit_zero("member_id", header.member_id)
        .number_omit_zero("revision", header.revision)
        .number_omit_zero("raft_term", header.raft_term);
}

fn lease_id_argument(arguments: &[String], command: &str) -> Result<i64, Failure> {
    if arguments.len() != 1 {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            format!("lease {command} command needs 1 argument"),
        ));
    }
    parse_go_int(&arguments[0], 16).map_err(|error| {
        Failure::error(
            EXIT_BAD_ARGS,
            format!("bad lease ID arg ({error}), expecting ID in Hex"),
        )
    })
}

fn lease_grant(call: &mut Call<'_>, arguments: &[String]) -> Result<(), Failure> {
    if arguments.len() != 1 {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "lease grant command needs TTL argument",
        ));
    }
    let ttl = parse_go_int(&arguments[0], 10)
        .map_err(|error| Failure::error(EXIT_BAD_ARGS, format!("bad TTL ({error})")))?;
    let endpoints = call.endpoints.clone();
    let served = call.backend.lease_grant(&endpoints, ttl).map_err(|error| {
        call.rpc_failure(&error, |text| format!("failed to grant lease ({text})"))
    })?;
    let response = &served.response;
    match call.printer.format {
        Format::Json => {
            let mut object = JsonObject::new();
            inline_header(&mut object, Header::of(&served, response.header.revision));
            call.stdout.push_str(
                &object
                    .number("ID", response.id)
                    .number("TTL", response.ttl_seconds)
                    .finish(),
            );
            call.stdout.push('\n');
        }
        _ => call.stdout.push_str(&format!(
            "lease {:016x} granted with TTL({}s)\n",
            response.id, response.ttl_seconds
        )),
    }
    Ok(())
}

/// `lease keep-alive --once <id>`: one renewal (etcd 3.4's `KeepAliveOnce`, a stream call, so no
/// retry warning before an error; errors exit 2). Without `--once` etcdctl would keep renewing
/// until stopped, which the playground does not simulate.
fn lease_keep_alive(call: &mut Call<'_>, parsed: &ParsedFlags, arguments: &[String]) -> Result<(), Failure> {
    if arguments.len() != 1 {
        return Err(Failure::error(
            EXIT_BAD_ARGS,
            "lease keep-alive command needs lease ID as argument",
        ));
    }
    let id = parse_go_int(&arguments[0], 16).map_err(|error| {
        Failure::error(
            EXIT_BAD_ARGS,
            format!("bad lease ID arg ({error}), expecting ID in Hex"),
        )
    })?;
    if !parsed.bool("once") {
        return Err(Failure::error(
            EXIT_BAD_FEATURE,
            "lease keep-alive without --once (a renewal every TTL/3 until Ctrl-C) is not simulated by the playground; use --once",
        ));
    }
    let endpoints = call.endpoints.clone();
    let served = call
        .backend
        .lease_keep_alive_once(&endpoints, id)
        .map_err(|error| Failure::error(EXIT_BAD_CONNECTION, error.client_text()))?;
    let response = &served.response;
    match call.printer.format {
        Format::Json => {
            let mut object = JsonObject::new();
            inline_header(&mut object, Header::of(&served, response.header_revision));
            call.stdout.push_str(
                &object
                    .number("ID", response.id)
                    .number("TTL", response.ttl_seconds)
                    .finish(),
            );
            call.stdout.push('\n');
        }
        _ => call.stdout.push_str(&format!(
            "lease {:016x} keepalived with TTL({})\n",
            response.id, response.ttl_seconds
        )),
    }
    Ok(())
}

fn lease_revoke(call: &mut Call<'_>, arguments: &[String]) -> Result<(), Failure> {
    let id = lease_id_argument(arguments, "revoke")?;
    let endpoints = call.endpoints.clone();
    let served = call.backend.lease_revoke(&endpoints, id).map_err(|error| {
        call.rpc_failure(&error, |text| format!("failed to revoke lease ({text})"))
    })?;
    match call.printer.format {
        Format::Json => {
            let mut object = JsonObject::new();
            inline_header(
                &mut object,
                Header::of(&served, served.response.header.revision),
            );
            call.stdout.push_str(&object.finish());
            call.stdout.push('\n');
        }
        _ => call.stdout.push_str(&format!("lease {id:016x} revoked\n")),
    }
    Ok(())
}

fn lease_time_to_live(
    call: &mut Call<'_>,
    parsed: &ParsedFlags,
    arguments: &[String],
) -> Result<(), Failure> {
    let id = lease_id_argument(arguments, "timetolive")?;
    let endpoints = call.endpoints.clone();
    let served = call
        .backend
        .lease_time_to_live(&endpoints, id)
        .map_err(|error| {
            call.rpc_failure(&error, |text| format!("failed to get lease TTL ({text})"))
        })?;
    let answer = &served.response;
    let with_keys = parsed.bool("keys");
    match call.printer.format {
        Format::Json => {
            let mut object = JsonObject::new();
            inline_header(&mut object, Header::of(&served, answer.header_revision));
            object
                .number("id", answer.id)
                .number("ttl", answer.remaining_seconds)
                .number("granted-ttl", answer.granted_ttl_seconds);
            if with_keys && !answer.keys.is_empty() {
                let keys: Vec<String> = answer
                    .keys
                    .iter()
                    .map(|key| format!("\"{}\"", text::base64(key)))
                    .collect();
                object.raw("keys", &json_list(&keys));
            } else {
                object.raw("keys", "null");
            }
            call.stdout.push_str(&object.finish());
            call.stdout.push('\n');
        }
        _ => {
            if answer.granted_ttl_seconds == 0 && answer.remaining_seconds == -1 {
                call.stdout
                    .push_str(&format!("lease {id:016x} already expired\n"));
                return Ok(());
            }
            let mut line = format!(
                "lease {id:016x} granted with TTL({}s), remaining({}s)",
                answer.granted_ttl_seconds, answer.remaining_seconds
            );
            if with_keys {
                let keys: Vec<String> = answer
                    .keys
                    .iter()
                    .map(|key| String::from_utf8_lossy(key).into_owned())
                    .collect();
                line.push_str(&format!(", attached keys([{}])", keys.join(" ")));
            }
            call.stdout.push_str(&line);
            call.stdout.push('\n');
        }
    }
    Ok(())
}

fn lease_list(call: &mut Call<'_>) -> Result<(), Failure> {
    let endpoints = call.endpoints.clone();
    let served = call.backend.lease_list(&endpoints).map_err(|error| {
        call.rpc_failure(&error, |text| format!("failed to list leases ({text})"))
    })?;
    call.stdout
        .push_str(&format!("found {} leases\n", served.response.len()));
    for id in &served.response {
        call.stdout.push_str(&format!("{id:016x}\n"));
    }
    Ok(())
}

fn watch(
    call: &mut Call<'_>,
    parsed: &ParsedFlags,
    arguments: &[String],
) -> Result<WatchSession, Failure> {
    if parsed.bool("interactive") {
        return Err(Failure::error(
            EXIT_BAD_FEATURE,
            "watch -i is not simulated by the playground; run one watch per command",
        ));
    }
    let watch_arguments: Vec<String> = match parsed.positionals_before_dash {
        Some(before_dash) => {
            if before_dash < arguments.len() {
                return Err(Failure::error(
                    EXIT_BAD_FEATURE,
                    "watch -- <command> is not simulated by the playground (it runs no processes)",
                ));
            }
            arguments[..before_dash].to_vec()
        }
        None => arguments.to_vec(),
    };
    if watch_arguments.is_empty() || watch_arguments.len() > 2 {
        return Err(Failure::error(EXIT_BAD_ARGS, "bad number of arguments"));
    }
    let prefix = parsed.bool("prefix");
    let mut request = WatchRequest {
        key: watch_arguments[0].as_bytes().to_vec(),
        start_revision: parsed.int("rev"),
        prev_kv: parsed.bool("prev-kv"),
        ..WatchRequest::default()
    };
    if let Some(range_end) = watch_arguments.get(1) {
        if prefix {
            return Err(Failure::error(
                EXIT_BAD_ARGS,
                "`range_end` and `--prefix` are mutually exclusive",
            ));
        }
        request.range_end = range_end.as_bytes().to_vec();
    }
    if prefix {
        if request.key.is_empty() {
            request.key = vec![0];
            request.range_end = vec![0];
        } else {
            request.range_end = mvcc::prefix_end(&request.key);
        }
    }
    let endpoints = call.endpoints.clone();
    // An unreachable endpoint makes etcdctl wait silently (the client keeps dialing).
    let handle = call.backend.watch(&endpoints, request).ok();
    Ok(WatchSession {
        handle,
        printer: call.printer,
        finished: false,
        timeout_nanoseconds: None,
        client_name: call.client_name.clone(),
    })
}

/// A running `etcdctl watch`: poll it to stream its output, stop it like Ctrl-C or `timeout`.
///
/// ```
/// use console::{Console, Execution, SingleMemberBackend, StopReason};
/// let mut backend = SingleMemberBackend::new();
/// let mut console = Console::new();
/// let Execution::Watching(mut watch) = console.execute("etcdctl watch --prefix /a", "", &mut backend) else { panic!() };
/// console.run("etcdctl put /a/x 1", "", &mut backend);
/// assert_eq!(watch.poll(&mut backend).stdout, "PUT\n/a/x\n1\n");
/// assert_eq!(watch.stop(&mut backend, StopReason::Interrupt).exit_code, 130);
/// ```
#[derive(Debug)]
pub struct WatchSession {
    handle: Option<WatchHandle>,
    printer: Printer,
    finished: bool,
    timeout_nanoseconds: Option<u64>,
    #[allow(dead_code)]
    client_name: String,
}

/// Why a watch ended from the outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// Ctrl-C: the shell reports 130 (128 + SIGINT).
    Interrupt,
    /// `timeout N etcdctl watch ...` ran out: GNU timeout exits 124.
    Timeout,
}

impl WatchSession {
    /// The `timeout N` the command was started under, in nanoseconds, if any.
    pub fn timeout_nanoseconds(&self) -> Option<u64> {
        self.timeout_nanoseconds
    }

    pub(crate) fn set_timeout_nanoseconds(&mut self, timeout: Option<u64>) {
        self.timeout_nanoseconds = timeout;
    }

    /// True once the server ended the watch (the command has exited; see the last poll's exit code).
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Everything the watch printed since the last poll. `exit_code` is 0 while it runs; when the
    /// server cancels it (compaction, no leader) the output ends with etcdctl's error, exit 5.
    pub fn poll(&mut self, backend: &mut dyn EtcdctlBackend) -> CommandOutput {
        let mut output = CommandOutput::default();
        let Some(handle) = self.handle.filter(|_| !self.finished) else {
            return output;
        };
        match backend.poll_watch(handle) {
            WatchPoll::Responses(responses) => {
                for served in responses {
                    let response = &served.response;
                    // clientv3 hands the created notification and our own cancel to nobody.
                    if response.created || (response.canceled && response.compact_revision == 0) {
                        continue;
                    }
                    if response.canceled {
                        output.stderr.push_str("watch was canceled (etcdserver: mvcc: required revision has been compacted)\n");
                    }
                    let header = Header::of(&served, response.header.revision);
                    self.printer.watch(header, response, &mut output.stdout);
                    if response.canceled {
                        self.end_by_server(backend, handle, &mut output);
                        return output;
                    }
                }
            }
            WatchPoll::Canceled(reason) => {
                output
                    .stderr
                    .push_str(&format!("watch was canceled ({reason})\n"));
                self.end_by_server(backend, handle, &mut output);
            }
        }
        output
    }

    fn end_by_server(
        &mut self,
        backend: &mut dyn EtcdctlBackend,
        handle: WatchHandle,
        output: &mut CommandOutput,
    ) {
        backend.cancel_watch(handle);
        self.finished = true;
        output
            .stderr
            .push_str("Error: watch is canceled by the server\n");
        output.exit_code = EXIT_INTERRUPTED;
    }

    /// Ends the watch: prints what was still pending, cancels it, and reports the exit code.
    pub fn stop(mut self, backend: &mut dyn EtcdctlBackend, reason: StopReason) -> CommandOutput {
        let mut output = self.poll(backend);
        if self.finished {
            return output;
        }
        if let Some(handle) = self.handle {
            backend.cancel_watch(handle);
        }
        self.finished = true;
        output.exit_code = match reason {
            StopReason::Interrupt => 130,
            StopReason::Timeout => 124,
        };
        output
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn command_names_resolve_like_cobra_with_prefix_matching() {
        let names = |line: &str| {
            resolve(&words(line))
                .0
                .iter()
                .map(|spec| spec.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("compact 5"), vec!["compaction"]);
        assert_eq!(names("mem list"), vec!["member", "list"]);
        assert_eq!(names("--endpoints 127.0.0.1:2379 get /a"), vec!["get"]);
        assert_eq!(
            names("-w table endpoint status"),
            vec!["endpoint", "status"]
        );
        assert!(names("l grant 10").is_empty());
        assert!(names("e status").is_empty());
    }

    #[test]
    fn unknown_commands_get_cobras_suggestions_in_etcdctls_order() {
        assert_eq!(
            suggestions(ROOT_COMMANDS, "e"),
            vec!["get", "del", "endpoint", "elect"]
        );
        assert_eq!(
            suggestions(ROOT_COMMANDS, "l"),
            vec!["del", "lease", "lock"]
        );
        assert_eq!(suggestions(ROOT_COMMANDS, "gett"), vec!["get"]);
        assert!(suggestions(ROOT_COMMANDS, "frobnicate").is_empty());
    }
}
