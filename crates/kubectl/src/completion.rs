//! Tab completion for kubectl lines as a pure function over the `/registry` keys the caller
//! read (so completing never sends a request): commands, flags, `-o` values, resource types
//! and object names.
//!
//! ```
//! let keys = vec!["/registry/deployments/default/web".to_string(), "/registry/pods/default/web-1".to_string()];
//! assert_eq!(kubectl::complete("kubectl ge", 10, &keys), vec!["get"]);
//! assert_eq!(kubectl::complete("kubectl get deploy w", 20, &keys), vec!["web"]);
//! assert_eq!(kubectl::complete("kubectl get -o y", 16, &keys), vec!["yaml"]);
//! assert_eq!(kubectl::complete("kubectl scale deploy/", 21, &keys), vec!["deploy/web"]);
//! ```

use apiserver::resource::list_prefix;
use apiserver::Resource;
use console::words::{quote_word, split_words};

use crate::cli::{self, COMMANDS};
use crate::commands::resolve_type;

/// The names completion offers for resource types (plural, then the short name).
const TYPE_WORDS: &[&str] = &[
    "configmaps", "cm", "deployments", "deploy", "endpoints", "ep", "namespaces", "ns", "nodes", "no", "pods", "po",
    "replicasets", "rs", "secrets", "services", "svc",
];

/// Candidates for the word ending at `cursor` (byte offset, clamped) of a `kubectl` line.
/// Each candidate replaces that whole word. `registry_keys` are `/registry/...` keys.
pub fn complete(line: &str, cursor: usize, registry_keys: &[String]) -> Vec<String> {
    let mut cursor = cursor.min(line.len());
    while !line.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = &line[..cursor];
    let Ok(mut words) = split_words(before) else {
        return Vec::new();
    };
    let at_new_word = before.is_empty() || before.ends_with([' ', '\t']);
    let current = if at_new_word { String::new() } else { words.pop().unwrap_or_default() };
    let matching = |options: Vec<String>| -> Vec<String> {
        let mut found: Vec<String> = options.into_iter().filter(|option| option.starts_with(current.as_str())).collect();
        found.dedup();
        found
    };
    let Some(program) = words.first() else {
        return matching(vec!["kubectl".to_string()]);
    };
    if program != "kubectl" {
        return Vec::new();
    }
    let arguments = &words[1..];
    // Words before the command: global flags and their values.
    let mut index = 0;
    let mut namespace = None;
    while let Some(word) = arguments.get(index) {
        if word == "-n" || word == "--namespace" {
            namespace = arguments.get(index + 1).cloned();
            index += 2;
        } else if word.starts_with('-') {
            index += 1;
        } else {
            break;
        }
    }
    let Some(command_name) = arguments.get(index) else {
        if current.starts_with('-') {
            return matching(vec!["--help".to_string(), "--namespace".to_string()]);
        }
        return matching(COMMANDS.iter().map(|command| command.name.to_string()).collect());
    };
    let Some(command) = cli::find(command_name) else {
        return Vec::new();
    };
    let mut rest: Vec<String> = arguments[index + 1..].to_vec();
    if command.name == "rollout" {
        if rest.is_empty() {
            return matching(vec!["status".to_string()]);
        }
        rest.remove(0);
    }
    // A flag value: `-o <TAB>`, `-n <TAB>`.
    if let Some(previous) = rest.last() {
        let flag = command.flags.iter().find(|flag| {
            previous.strip_prefix("--") == Some(flag.long) || flag.short.map(|short| format!("-{short}")).as_deref() == Some(previous.as_str())
        });
        if let Some(flag) = flag.filter(|flag| !flag.is_bool()) {
            return match flag.long {
                "output" => matching(["json", "name", "wide", "yaml"].iter().map(|value| value.to_string()).collect()),
                "namespace" => matching(object_names(registry_keys, Resource::Namespace, None)),
                _ => Vec::new(),
            };
        }
    }
    if let Some(value) = current.strip_prefix("--output=") {
        let _ = value;
        return matching(["json", "name", "wide", "yaml"].iter().map(|value| format!("--output={value}")).collect());
    }
    if current.starts_with('-') {
        let mut names: Vec<String> = command.flags.iter().map(|flag| format!("--{}", flag.long)).collect();
        playground_core::sort::sort(&mut names);
        return matching(names);
    }
    // Positionals so far (flag values skipped).
    let mut positionals: Vec<&String> = Vec::new();
    let mut skip_next = false;
    for word in &rest {
        if skip_next {
            skip_next = false;
            continue;
        }
        if let Some(flag_word) = word.strip_prefix('-') {
            let takes_value = command.flags.iter().any(|flag| {
                !flag.is_bool() && (flag_word.strip_prefix('-') == Some(flag.long) || flag.short.map(|short| short.to_string()).as_deref() == Some(flag_word))
            });
            skip_next = takes_value;
            if (word == "-n" || word == "--namespace") && takes_value {
                namespace = None;
            }
            continue;
        }
        positionals.push(word);
    }
    for pair in rest.windows(2) {
        if pair[0] == "-n" || pair[0] == "--namespace" {
            namespace = Some(pair[1].clone());
        }
    }
    let namespace = namespace.unwrap_or_else(|| "default".to_string());
    if matches!(command.name, "apply" | "create" | "replace") {
        return Vec::new();
    }
    if let Some((kind, _)) = current.split_once('/') {
        let Ok(resource) = resolve_type(kind) else {
            return Vec::new();
        };
        let names = object_names(registry_keys, resource, Some(&namespace));
        return matching(names.into_iter().map(|name| format!("{kind}/{name}")).collect());
    }
    match positionals.first() {
        None => matching(TYPE_WORDS.iter().map(|word| word.to_string()).collect()),
        Some(kind) => {
            let Ok(resource) = resolve_type(kind.split(',').next().unwrap_or_default()) else {
                return Vec::new();
            };
            let names = object_names(registry_keys, resource, Some(&namespace));
            matching(names.into_iter().map(|name| quote_word(&name)).collect())
        }
    }
}

/// Names of `resource` objects in `namespace` found among the keys, sorted.
fn object_names(registry_keys: &[String], resource: Resource, namespace: Option<&str>) -> Vec<String> {
    let prefix = list_prefix(resource, namespace);
    let mut names: Vec<String> = registry_keys
        .iter()
        .filter_map(|key| key.strip_prefix(prefix.as_str()))
        .filter(|rest| !rest.contains('/'))
        .map(str::to_string)
        .collect();
    playground_core::sort::sort(&mut names);
    names
}
