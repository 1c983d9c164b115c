//! The commands and flags this kubectl knows, as data (completion, help and the parser read
//! the same tables), and the cobra/kubectl texts for mistakes on the command line.
//!
//! Flags are split by the console's pflag-style splitter
//! (`console::etcdctl::flags::parse_flags`), so both tools read flags the same way.
//!
//! ```
//! assert_eq!(kubectl::cli::find("get").map(|command| command.name), Some("get"));
//! assert_eq!(kubectl::cli::suggestions("gett"), vec!["get", "set"]); // cobra's "Did you mean this?"
//! ```

use console::etcdctl::spec::FlagSpec;

const fn value(long: &'static str, short: Option<char>, usage: &'static str) -> FlagSpec {
    FlagSpec { long, short, bool_default: None, default_text: "''", usage }
}

const fn boolean(long: &'static str, short: Option<char>, usage: &'static str) -> FlagSpec {
    FlagSpec { long, short, bool_default: Some(false), default_text: "", usage }
}

const NAMESPACE: FlagSpec = value("namespace", Some('n'), "If present, the namespace scope for this CLI request");
const HELP: FlagSpec = boolean("help", Some('h'), "help for this command");
const ALL_NAMESPACES: FlagSpec = boolean(
    "all-namespaces",
    Some('A'),
    "If present, list the requested object(s) across all namespaces.",
);
const SELECTOR: FlagSpec = value("selector", Some('l'), "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.");
const FILENAME: FlagSpec = value(
    "filename",
    Some('f'),
    "The manifest to use. In the playground every -f reads the text given as stdin (the editor or a pasted manifest).",
);

/// One kubectl command the playground runs.
#[derive(Debug, Clone, Copy)]
pub struct CommandInfo {
    pub name: &'static str,
    pub short: &'static str,
    pub usage: &'static str,
    pub flags: &'static [FlagSpec],
}

/// The supported commands, in kubectl's help order.
pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo {
        name: "create",
        short: "Create a resource from a file or from stdin",
        usage: "kubectl create -f FILENAME [options]",
        flags: &[FILENAME, NAMESPACE, HELP],
    },
    CommandInfo {
        name: "get",
        short: "Display one or many resources",
        usage: "kubectl get [(-o|--output=)json|yaml|name|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]",
        flags: &[
            ALL_NAMESPACES,
            value("output", Some('o'), "Output format. One of: (json, yaml, name, wide)."),
            SELECTOR,
            boolean("show-labels", None, "When printing, show all labels as the last column."),
            boolean("no-headers", None, "When using the default or custom-column output format, don't print headers."),
            boolean("watch", Some('w'), "After listing/getting the requested object, watch for changes."),
            NAMESPACE,
            HELP,
        ],
    },
    CommandInfo {
        name: "edit",
        short: "Edit a resource on the server",
        usage: "kubectl edit (RESOURCE/NAME | -f FILENAME) [options]",
        flags: &[NAMESPACE, HELP],
    },
    CommandInfo {
        name: "delete",
        short: "Delete resources by file names, stdin, resources and names, or by resources and label selector",
        usage: "kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [options]",
        flags: &[
            boolean("all", None, "Delete all resources, in the namespace of the specified resource types."),
            ALL_NAMESPACES,
            FILENAME,
            SELECTOR,
            NAMESPACE,
            HELP,
        ],
    },
    CommandInfo {
        name: "rollout",
        short: "Manage the rollout of a resource",
        usage: "kubectl rollout status (TYPE NAME | TYPE/NAME) [flags] [options]",
        flags: &[boolean("watch", Some('w'), "Watch the status of the rollout until it's done."), NAMESPACE, HELP],
    },
    CommandInfo {
        name: "scale",
        short: "Set a new size for a deployment or replica set",
        usage: "kubectl scale [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME) [options]",
        flags: &[
            value("replicas", None, "The new desired number of replicas. Required."),
            value("current-replicas", None, "Precondition for current size. Requires that the current size of the resource match this value in order to scale."),
            NAMESPACE,
            HELP,
        ],
    },
    CommandInfo {
        name: "describe",
        short: "Show details of a specific resource or group of resources",
        usage: "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]",
        flags: &[ALL_NAMESPACES, SELECTOR, NAMESPACE, HELP],
    },
    CommandInfo {
        name: "apply",
        short: "Apply a configuration to a resource by file name or stdin",
        usage: "kubectl apply (-f FILENAME | -k DIRECTORY) [options]",
        flags: &[FILENAME, NAMESPACE, HELP],
    },
    CommandInfo {
        name: "replace",
        short: "Replace a resource by file name or stdin",
        usage: "kubectl replace -f FILENAME [options]",
        flags: &[FILENAME, NAMESPACE, HELP],
    },
];

/// Commands real kubectl has that the playground does not run (for "Did you mean" and a
/// helpful answer instead of "unknown command").
pub const OTHER_KUBECTL_COMMANDS: &[&str] = &[
    "annotate", "api-resources", "api-versions", "attach", "auth", "autoscale", "certificate", "cluster-info",
    "completion", "config", "cordon", "cp", "debug", "diff", "drain", "events", "exec", "explain", "expose",
    "kustomize", "label", "logs", "options", "patch", "plugin", "port-forward", "proxy", "run", "set", "taint",
    "top", "uncordon", "version", "wait",
];

/// The flags kubectl accepts before the command (`kubectl -n kube-system get pods`).
pub const GLOBAL_FLAGS: &[FlagSpec] = &[NAMESPACE, HELP];

/// The command named `name`, if the playground runs it.
pub fn find(name: &str) -> Option<&'static CommandInfo> {
    COMMANDS.iter().find(|command| command.name == name)
}

/// cobra's suggestions: commands within Levenshtein distance 2 or starting with what was typed.
pub fn suggestions(typed: &str) -> Vec<&'static str> {
    let lower = typed.to_ascii_lowercase();
    let mut names: Vec<&'static str> = COMMANDS.iter().map(|command| command.name).chain(OTHER_KUBECTL_COMMANDS.iter().copied()).collect();
    names.sort_unstable();
    names
        .into_iter()
        .filter(|name| levenshtein(name, &lower) <= 2 || (!lower.is_empty() && name.starts_with(&lower)))
        .collect()
}

fn levenshtein(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (row, left_char) in left.chars().enumerate() {
        let mut current = vec![row + 1; right.len() + 1];
        for (column, right_char) in right.iter().enumerate() {
            let cost = usize::from(left_char != *right_char);
            current[column + 1] = (previous[column + 1] + 1).min(current[column] + 1).min(previous[column] + cost);
        }
        previous = current;
    }
    previous[right.len()]
}

/// `kubectl` alone or `kubectl --help`: a short help listing what the playground runs.
pub fn root_help() -> String {
    let mut text = String::from(
        "kubectl controls the Kubernetes cluster manager (the playground's simulated cluster).\n\n Commands in this playground:\n",
    );
    let width = COMMANDS.iter().map(|command| command.name.len()).max().unwrap_or(0) + 2;
    for command in COMMANDS {
        text.push_str(&format!("  {:<width$}{}\n", command.name, command.short));
    }
    text.push_str("\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\n");
    text
}

/// `kubectl <command> --help`.
pub fn command_help(command: &CommandInfo) -> String {
    let mut text = format!("{}.\n\nOptions:\n", command.short);
    let mut cells = String::new();
    for flag in command.flags {
        let lead = match flag.short {
            Some(short) => format!("    -{short}, --{}", flag.long),
            None => format!("    --{}", flag.long),
        };
        let default = if flag.is_bool() { "=false".to_string() } else { "=".to_string() + flag.default_text };
        cells.push_str(&format!("{lead}{default}:\n\t{}\n\n", flag.usage));
    }
    text.push_str(&cells.replace('\t', "        "));
    text.push_str(&format!("Usage:\n  {}\n", command.usage));
    text
}
