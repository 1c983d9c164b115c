//! etcdctl 3.4.23's command tree and flags as data: the command resolver, the flag splitter, the
//! usage texts and tab completion all read these tables, so they cannot disagree.
//!
//! Example: `etcdctl mem list` resolves like cobra with prefix matching: `mem` is the only root
//! command starting with `mem`, so it is `member`; `list` is exact. `etcdctl l` is ambiguous
//! (`lease`, `lock`) and is an unknown command.

/// A flag as pflag knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    /// `None` = a value flag; `Some(default)` = a bool flag with that default.
    pub bool_default: Option<bool>,
    /// The default as the usage text shows it (`"l"`, `0`, `[127.0.0.1:2379]`, `5s`).
    pub default_text: &'static str,
    pub usage: &'static str,
}

const fn value(
    long: &'static str,
    short: Option<char>,
    default_text: &'static str,
    usage: &'static str,
) -> FlagSpec {
    FlagSpec {
        long,
        short,
        bool_default: None,
        default_text,
        usage,
    }
}

const fn boolean(
    long: &'static str,
    short: Option<char>,
    default: bool,
    usage: &'static str,
) -> FlagSpec {
    FlagSpec {
        long,
        short,
        bool_default: Some(default),
        default_text: "",
        usage,
    }
}

impl FlagSpec {
    pub fn is_bool(&self) -> bool {
        self.bool_default.is_some()
    }

    /// The left cell of the usage line: `  -w, --write-out="simple"` / `      --prefix[=false]`.
    pub fn usage_cell(&self) -> String {
        let lead = match self.short {
            Some(short) => format!("  -{short}, "),
            None => "      ".to_string(),
        };
        match self.bool_default {
            Some(default) => format!("{lead}--{}[={default}]", self.long),
            None => format!("{lead}--{}={}", self.long, self.default_text),
        }
    }
}

/// etcdctl's persistent (global) flags, in the order its usage prints them.
pub const GLOBAL_FLAGS: &[FlagSpec] = &[
    value("cacert", None, "\"\"", "verify certificates of TLS-enabled secure servers using this CA bundle"),
    value("cert", None, "\"\"", "identify secure client using this TLS certificate file"),
    value("command-timeout", None, "5s", "timeout for short running command (excluding dial timeout)"),
    boolean("debug", None, false, "enable client-side debug logging"),
    value("dial-timeout", None, "2s", "dial timeout for client connections"),
    value("discovery-srv", Some('d'), "\"\"", "domain name to query for SRV records describing cluster endpoints"),
    value("discovery-srv-name", None, "\"\"", "service name to query when using DNS discovery"),
    value("endpoints", None, "[127.0.0.1:2379]", "gRPC endpoints"),
    boolean("hex", None, false, "print byte strings as hex encoded strings"),
    boolean("insecure-discovery", None, true, "accept insecure SRV records describing cluster endpoints"),
    boolean("insecure-skip-tls-verify", None, false, "skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)"),
    boolean("insecure-transport", None, true, "disable transport security for client connections"),
    value("keepalive-time", None, "2s", "keepalive time for client connections"),
    value("keepalive-timeout", None, "6s", "keepalive timeout for client connections"),
    value("key", None, "\"\"", "identify secure client using this TLS key file"),
    value("password", None, "\"\"", "password for authentication (if this option is used, --user option shouldn't include password)"),
    value("user", None, "\"\"", "username[:password] for authentication (prompt if password is not supplied)"),
    value("write-out", Some('w'), "\"simple\"", "set the output format (fields, json, protobuf, simple, table)"),
];

/// What the console does with a resolved command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Get,
    Put,
    Del,
    Txn,
    Compaction,
    Watch,
    Version,
    Defrag,
    AlarmList,
    EndpointHealth,
    EndpointStatus,
    EndpointHashKv,
    MemberList,
    MemberAdd,
    MemberRemove,
    MoveLeader,
    LeaseGrant,
    LeaseRevoke,
    LeaseTimeToLive,
    LeaseList,
    /// `lease keep-alive --once` (the streaming form is not simulated).
    LeaseKeepAlive,
    /// A parent command: prints its usage.
    Group,
    /// A real etcdctl command the playground does not simulate.
    NotSimulated,
}

/// One node of the command tree.
#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub short: &'static str,
    /// cobra's `Use` after the name (`[options] <key> [range_end]`).
    pub use_args: &'static str,
    /// The DESCRIPTION block (cobra's `Long`), if any.
    pub long: &'static str,
    pub flags: &'static [FlagSpec],
    /// Persistent flags of this node that its children inherit (`endpoint --cluster`).
    pub persistent_flags: &'static [FlagSpec],
    pub children: &'static [CommandSpec],
    pub action: Action,
}

const fn leaf(
    name: &'static str,
    short: &'static str,
    use_args: &'static str,
    flags: &'static [FlagSpec],
    action: Action,
) -> CommandSpec {
    CommandSpec {
        name,
        short,
        use_args,
        long: "",
        flags,
        persistent_flags: &[],
        children: &[],
        action,
    }
}

const PUT_LONG: &str = "\nPuts the given key into the store.\n\nWhen <value> begins with '-', <value> is interpreted as a flag.\nInsert '--' for workaround:\n\n$ put <key> -- <value>\n$ put -- <key> <value>\n\nIf <value> isn't given as a command line argument and '--ignore-value' is not specified,\nthis command tries to read the value from standard input.\n\nIf <lease> isn't given as a command line argument and '--ignore-lease' is not specified,\nthis command tries to read the value from standard input.\n\nFor example,\n$ cat file | put <key>\nwill store the content of the file to <key>.\n";

pub const GET_FLAGS: &[FlagSpec] = &[
    value(
        "consistency",
        None,
        "\"l\"",
        "Linearizable(l) or Serializable(s)",
    ),
    boolean(
        "from-key",
        None,
        false,
        "Get keys that are greater than or equal to the given key using byte compare",
    ),
    boolean("help", Some('h'), false, "help for get"),
    boolean("keys-only", None, false, "Get only the keys"),
    value("limit", None, "0", "Maximum number of results"),
    value(
        "order",
        None,
        "\"\"",
        "Order of results; ASCEND or DESCEND (ASCEND by default)",
    ),
    boolean("prefix", None, false, "Get keys with matching prefix"),
    boolean(
        "print-value-only",
        None,
        false,
        "Only write values when using the \"simple\" output format",
    ),
    value("rev", None, "0", "Specify the kv revision"),
    value(
        "sort-by",
        None,
        "\"\"",
        "Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION",
    ),
];

pub const PUT_FLAGS: &[FlagSpec] = &[
    boolean("help", Some('h'), false, "help for put"),
    boolean(
        "ignore-lease",
        None,
        false,
        "updates the key using its current lease",
    ),
    boolean(
        "ignore-value",
        None,
        false,
        "updates the key using its current value",
    ),
    value(
        "lease",
        None,
        "\"0\"",
        "lease ID (in hexadecimal) to attach to the key",
    ),
    boolean(
        "prev-kv",
        None,
        false,
        "return the previous key-value pair before modification",
    ),
];

pub const DEL_FLAGS: &[FlagSpec] = &[
    boolean(
        "from-key",
        None,
        false,
        "delete keys that are greater than or equal to the given key using byte compare",
    ),
    boolean("help", Some('h'), false, "help for del"),
    boolean("prefix", None, false, "delete keys with matching prefix"),
    boolean("prev-kv", None, false, "return deleted key-value pairs"),
];

const TXN_FLAGS: &[FlagSpec] = &[
    boolean("help", Some('h'), false, "help for txn"),
    boolean(
        "interactive",
        Some('i'),
        false,
        "Input transaction in interactive mode",
    ),
];

const COMPACTION_FLAGS: &[FlagSpec] = &[
    boolean("help", Some('h'), false, "help for compaction"),
    boolean(
        "physical",
        None,
        false,
        "'true' to wait for compaction to physically remove all old revisions",
    ),
];

const WATCH_FLAGS: &[FlagSpec] = &[
    boolean("help", Some('h'), false, "help for watch"),
    boolean("interactive", Some('i'), false, "Interactive mode"),
    boolean("prefix", None, false, "Watch on a prefix if prefix is set"),
    boolean(
        "prev-kv",
        None,
        false,
        "get the previous key-value pair before the event happens",
    ),
    value("rev", None, "0", "Revision to start watching"),
];

const HELP_ONLY: &[FlagSpec] = &[boolean("help", Some('h'), false, "help for this command")];
const HELP_VERSION: &[FlagSpec] = &[boolean("help", Some('h'), false, "help for version")];
const HELP_MOVE_LEADER: &[FlagSpec] = &[boolean("help", Some('h'), false, "help for move-leader")];
const DEFRAG_FLAGS: &[FlagSpec] = &[
    boolean(
        "cluster",
        None,
        false,
        "use all endpoints from the cluster member list",
    ),
    value(
        "data-dir",
        None,
        "\"\"",
        "Optional. If present, defragments a data directory not in use by etcd.",
    ),
    boolean("help", Some('h'), false, "help for defrag"),
];
const ENDPOINT_PERSISTENT: &[FlagSpec] = &[boolean(
    "cluster",
    None,
    false,
    "use all endpoints from the cluster member list",
)];
const HASHKV_FLAGS: &[FlagSpec] = &[
    boolean("help", Some('h'), false, "help for hashkv"),
    value(
        "rev",
        None,
        "0",
        "maximum revision to hash (default: all revisions)",
    ),
];
const MEMBER_ADD_FLAGS: &[FlagSpec] = &[
    boolean("help", Some('h'), false, "help for add"),
    boolean(
        "learner",
        None,
        false,
        "indicates if the new member is raft learner",
    ),
    value(
        "peer-urls",
        None,
        "\"\"",
        "comma separated peer URLs for the new member.",
    ),
];

/// Children of `endpoint`.
const ENDPOINT_CHILDREN: &[CommandSpec] = &[
    leaf(
        "health",
        "Checks the healthiness of endpoints specified in `--endpoints` flag",
        "",
        &[boolean("help", Some('h'), false, "help for health")],
        Action::EndpointHealth,
    ),
    leaf(
        "status",
        "Prints out the status of endpoints specified in `--endpoints` flag",
        "",
        &[boolean("help", Some('h'), false, "help for status")],
        Action::EndpointStatus,
    ),
    leaf(
        "hashkv",
        "Prints the KV history hash for each endpoint in --endpoints",
        "",
        HASHKV_FLAGS,
        Action::EndpointHashKv,
    ),
];

const MEMBER_CHILDREN: &[CommandSpec] = &[
    leaf(
        "add",
        "Adds a member into the cluster",
        "<memberName> [options]",
        MEMBER_ADD_FLAGS,
        Action::MemberAdd,
    ),
    leaf(
        "remove",
        "Removes a member from the cluster",
        "<memberID>",
        &[boolean("help", Some('h'), false, "help for remove")],
        Action::MemberRemove,
    ),
    leaf(
        "update",
        "Updates a member in the cluster",
        "<memberID> [options]",
        HELP_ONLY,
        Action::NotSimulated,
    ),
    leaf(
        "list",
        "Lists all members in the cluster",
        "",
        &[boolean("help", Some('h'), false, "help for list")],
        Action::MemberList,
    ),
    leaf(
        "promote",
        "Promotes a non-voting member in the cluster",
        "<memberID>",
        HELP_ONLY,
        Action::NotSimulated,
    ),
];

const ALARM_CHILDREN: &[CommandSpec] = &[
    leaf(
        "disarm",
        "Disarms all alarms",
        "",
        HELP_ONLY,
        Action::NotSimulated,
    ),
    leaf(
        "list",
        "Lists all alarms",
        "",
        &[boolean("help", Some('h'), false, "help for list")],
        Action::AlarmList,
    ),
];

const TIMETOLIVE_FLAGS: &[FlagSpec] = &[
    boolean("help", Some('h'), false, "help for timetolive"),
    boolean("keys", None, false, "Get keys attached to this lease"),
];

const KEEP_ALIVE_FLAGS: &[FlagSpec] = &[
    boolean("help", Some('h'), false, "help for keep-alive"),
    boolean("once", None, false, "Resets the keep-alive time to its original value and exits immediately"),
];

const LEASE_CHILDREN: &[CommandSpec] = &[
    leaf(
        "grant",
        "Creates leases",
        "<ttl>",
        &[boolean("help", Some('h'), false, "help for grant")],
        Action::LeaseGrant,
    ),
    leaf(
        "revoke",
        "Revokes leases",
        "<leaseID>",
        &[boolean("help", Some('h'), false, "help for revoke")],
        Action::LeaseRevoke,
    ),
    leaf(
        "timetolive",
        "Get lease information",
        "<leaseID> [options]",
        TIMETOLIVE_FLAGS,
        Action::LeaseTimeToLive,
    ),
    leaf(
        "list",
        "List all active leases",
        "",
        &[boolean("help", Some('h'), false, "help for list")],
        Action::LeaseList,
    ),
    leaf(
        "keep-alive",
        "Keeps leases alive (renew)",
        "[options] <leaseID>",
        KEEP_ALIVE_FLAGS,
        Action::LeaseKeepAlive,
    ),
];

const SNAPSHOT_CHILDREN: &[CommandSpec] = &[
    leaf(
        "save",
        "Stores an etcd node backend snapshot to a given file",
        "<filename>",
        HELP_ONLY,
        Action::NotSimulated,
    ),
    leaf(
        "restore",
        "Restores an etcd member snapshot to an etcd directory",
        "<filename> [options]",
        HELP_ONLY,
        Action::NotSimulated,
    ),
    leaf(
        "status",
        "Gets backend snapshot status of a given file",
        "<filename>",
        HELP_ONLY,
        Action::NotSimulated,
    ),
];

const fn group(
    name: &'static str,
    short: &'static str,
    children: &'static [CommandSpec],
    persistent_flags: &'static [FlagSpec],
) -> CommandSpec {
    CommandSpec {
        name,
        short,
        use_args: "<subcommand>",
        long: "",
        flags: HELP_ONLY,
        persistent_flags,
        children,
        action: Action::Group,
    }
}

/// The root's children in etcdctl's `AddCommand` order (cobra's suggestions keep this order).
pub const ROOT_COMMANDS: &[CommandSpec] = &[
    leaf(
        "get",
        "Gets the key or a range of keys",
        "[options] <key> [range_end]",
        GET_FLAGS,
        Action::Get,
    ),
    CommandSpec {
        name: "put",
        short: "Puts the given key into the store",
        use_args: "[options] <key> <value> (<value> can also be given from stdin)",
        long: PUT_LONG,
        flags: PUT_FLAGS,
        persistent_flags: &[],
        children: &[],
        action: Action::Put,
    },
    leaf(
        "del",
        "Removes the specified key or range of keys [key, range_end)",
        "[options] <key> [range_end]",
        DEL_FLAGS,
        Action::Del,
    ),
    leaf(
        "txn",
        "Txn processes all the requests in one transaction",
        "[options]",
        TXN_FLAGS,
        Action::Txn,
    ),
    leaf(
        "compaction",
        "Compacts the event history in etcd",
        "[options] <revision>",
        COMPACTION_FLAGS,
        Action::Compaction,
    ),
    group("alarm", "Alarm related commands", ALARM_CHILDREN, &[]),
    leaf(
        "defrag",
        "Defragments the storage of the etcd members with given endpoints",
        "",
        DEFRAG_FLAGS,
        Action::Defrag,
    ),
    group(
        "endpoint",
        "Endpoint related commands",
        ENDPOINT_CHILDREN,
        ENDPOINT_PERSISTENT,
    ),
    leaf(
        "move-leader",
        "Transfers leadership to another etcd cluster member.",
        "<transferee-member-id>",
        HELP_MOVE_LEADER,
        Action::MoveLeader,
    ),
    leaf(
        "watch",
        "Watches events stream on keys or prefixes",
        "[options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]",
        WATCH_FLAGS,
        Action::Watch,
    ),
    leaf(
        "version",
        "Prints the version of etcdctl",
        "",
        HELP_VERSION,
        Action::Version,
    ),
    group("lease", "Lease related commands", LEASE_CHILDREN, &[]),
    group(
        "member",
        "Membership related commands",
        MEMBER_CHILDREN,
        &[],
    ),
    group(
        "snapshot",
        "Manages etcd node snapshots",
        SNAPSHOT_CHILDREN,
        &[],
    ),
    leaf(
        "make-mirror",
        "Makes a mirror at the destination etcd cluster",
        "[options] <destination>",
        HELP_ONLY,
        Action::NotSimulated,
    ),
    leaf(
        "migrate",
        "Migrates keys in a v2 store to a mvcc store",
        "",
        HELP_ONLY,
        Action::NotSimulated,
    ),
    leaf(
        "lock",
        "Acquires a named lock",
        "<lockname> [exec-command arg1 arg2 ...]",
        HELP_ONLY,
        Action::NotSimulated,
    ),
    leaf(
        "elect",
        "Observes and participates in leader election",
        "<election-name> [proposal]",
        HELP_ONLY,
        Action::NotSimulated,
    ),
    group("auth", "Enable or disable authentication", &[], &[]),
    group("user", "User related commands", &[], &[]),
    group("role", "Role related commands", &[], &[]),
    group(
        "check",
        "commands for checking properties of the etcd cluster",
        &[],
        &[],
    ),
];

/// cobra's `findNext` with etcdctl's `EnablePrefixMatching`: an exact name, or the only command
/// whose name starts with `word`.
pub fn find_child<'a>(children: &'a [CommandSpec], word: &str) -> Option<&'a CommandSpec> {
    if let Some(exact) = children.iter().find(|child| child.name == word) {
        return Some(exact);
    }
    let mut matches = children.iter().filter(|child| child.name.starts_with(word));
    match (matches.next(), matches.next()) {
        (Some(only), None) if !word.is_empty() => Some(only),
        _ => None,
    }
}

/// cobra's `SuggestionsFor`: Levenshtein distance <= 2 (case-insensitive) or a name prefix.
pub fn suggestions(children: &[CommandSpec], typed: &str) -> Vec<&'static str> {
    // cobra lower-cases with strings.ToLower; the names are ASCII, so ASCII folding is the same.
    let typed_lower = typed.to_ascii_lowercase();
    children
        .iter()
        .filter(|child| {
            levenshtein(&typed_lower, child.name) <= 2 || child.name.starts_with(&typed_lower)
        })
        .map(|child| child.name)
        .collect()
}

fn levenshtein(left: &str, right: &str) -> usize {
    let right_chars: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right_chars.len()).collect();
    for (i, left_char) in left.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, right_char) in right_chars.iter().enumerate() {
            let cost = usize::from(left_char != *right_char);
            let value = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
            current.push(value);
        }
        previous = current;
    }
    previous[right_chars.len()]
}

/// Every flag a command accepts: its own, its ancestors' persistent ones, then the globals.
pub fn all_flags(path: &[&CommandSpec]) -> Vec<FlagSpec> {
    let mut flags: Vec<FlagSpec> = Vec::new();
    if let Some(last) = path.last() {
        flags.extend_from_slice(last.flags);
        flags.extend_from_slice(last.persistent_flags);
    }
    for ancestor in path.iter().rev().skip(1) {
        flags.extend_from_slice(ancestor.persistent_flags);
    }
    flags.extend_from_slice(GLOBAL_FLAGS);
    flags
}

/// The usage text etcdctl prints (to stdout) for a command, ending with a blank line.
pub fn usage_text(path: &[&CommandSpec]) -> String {
    let Some(command) = path.last() else {
        return String::new();
    };
    let names: Vec<&str> = path.iter().map(|spec| spec.name).collect();
    let mut out = String::new();
    out.push_str("NAME:\n");
    out.push_str(&format!("\t{} - {}\n\n", command.name, command.short));
    out.push_str("USAGE:\n");
    let use_line = if command.use_args.is_empty() {
        format!("etcdctl {} [flags]", names.join(" "))
    } else {
        format!("etcdctl {} {} [flags]", names.join(" "), command.use_args)
    };
    out.push_str(&format!("\t{use_line}\n"));
    if !command.children.is_empty() {
        out.push_str("\nCOMMANDS:\n");
        let rows: Vec<(String, String)> = command
            .children
            .iter()
            .map(|child| (format!("\t{}", child.name), child.short.to_string()))
            .collect();
        out.push_str(&super::text::tabwriter(&rows));
    }
    if !command.long.is_empty() {
        out.push_str("\nDESCRIPTION:\n");
        for line in command.long.trim_matches('\n').split('\n') {
            out.push_str(&format!("\t{line}\n"));
        }
    }
    let mut local: Vec<FlagSpec> = command.flags.to_vec();
    local.extend_from_slice(command.persistent_flags);
    playground_core::sort::sort_by_key(&mut local, |flag| flag.long);
    if !local.is_empty() {
        out.push_str("\nOPTIONS:\n");
        let rows: Vec<(String, String)> = local
            .iter()
            .map(|flag| (flag.usage_cell(), flag.usage.to_string()))
            .collect();
        out.push_str(&super::text::tabwriter(&rows));
    }
    let mut inherited: Vec<FlagSpec> = GLOBAL_FLAGS.to_vec();
    for ancestor in path.iter().take(path.len().saturating_sub(1)) {
        inherited.extend_from_slice(ancestor.persistent_flags);
    }
    playground_core::sort::sort_by_key(&mut inherited, |flag| flag.long);
    out.push_str("\nGLOBAL OPTIONS:\n");
    let rows: Vec<(String, String)> = inherited
        .iter()
        .map(|flag| (flag.usage_cell(), flag.usage.to_string()))
        .collect();
    out.push_str(&super::text::tabwriter(&rows));
    out.push('\n');
    out
}
