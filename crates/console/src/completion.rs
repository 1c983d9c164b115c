//! Tab completion as a pure function: `complete(line, cursor, backend)` returns the candidates
//! for the word under the cursor — program names, etcdctl commands, flags, flag values and keys.
//!
//! ```
//! use console::{complete, Console, SingleMemberBackend};
//! let mut backend = SingleMemberBackend::new();
//! Console::new().run("etcdctl put /registry/pods/default/web x", "", &mut backend);
//! assert_eq!(complete("etcdctl mem", 11, &mut backend), vec!["member"]);
//! assert_eq!(complete("etcdctl get --pre", 17, &mut backend), vec!["--prefix"]);
//! assert_eq!(complete("etcdctl get /registry/po", 24, &mut backend), vec!["/registry/pods/default/web"]);
//! ```
//! Each candidate is the whole replacement for the word under the cursor, quoted if it needs to be.

use mvcc::RangeRequest;

use crate::backend::{Consistency, EtcdctlBackend};
use crate::etcdctl::resolve;
use crate::etcdctl::spec::{all_flags, Action, ROOT_COMMANDS};
use crate::words::{quote_word, split_words};

/// How many keys completion asks for (a prefix listing of a big cluster stays cheap).
const KEY_CANDIDATES_LIMIT: i64 = 50;

const PROGRAMS: &[&str] = &["etcdctl"];

/// The values some flags take.
fn flag_values(long: &str) -> &'static [&'static str] {
    match long {
        "write-out" => &["simple", "json", "fields", "table"],
        "consistency" => &["l", "s"],
        "sort-by" => &["CREATE", "KEY", "MODIFY", "VALUE", "VERSION"],
        "order" => &["ASCEND", "DESCEND"],
        _ => &[],
    }
}

/// Candidates for the word that ends at `cursor` (a byte offset into `line`, clamped).
pub fn complete(line: &str, cursor: usize, backend: &mut dyn EtcdctlBackend) -> Vec<String> {
    let mut cursor = cursor.min(line.len());
    while !line.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = &line[..cursor];
    let Ok(mut words) = split_words(before) else {
        return Vec::new();
    };
    let at_new_word = before.is_empty() || before.ends_with([' ', '\t']);
    let current = if at_new_word {
        String::new()
    } else {
        words.pop().unwrap_or_default()
    };
    let matching = |options: &mut dyn Iterator<Item = String>| -> Vec<String> {
        options
            .filter(|option| option.starts_with(current.as_str()))
            .collect()
    };

    let Some(program) = words.first() else {
        return matching(&mut PROGRAMS.iter().map(|name| name.to_string()));
    };
    if program != "etcdctl" {
        return Vec::new();
    }
    let arguments = &words[1..];
    let (path, _) = resolve(arguments);

    // A flag value: `-w <TAB>` or `--write-out=<TAB>`.
    if let Some(previous) = arguments.last() {
        let flags = all_flags(&path);
        let named = flags.iter().find(|flag| {
            Some(previous.trim_start_matches('-')) == Some(flag.long) && previous.starts_with("--")
                || flag.short.map(|short| format!("-{short}")).as_deref() == Some(previous.as_str())
        });
        if let Some(flag) = named.filter(|flag| !flag.is_bool()) {
            return matching(&mut flag_values(flag.long).iter().map(|value| value.to_string()));
        }
    }
    if let Some((flag_part, _)) = current.split_once('=') {
        if let Some(long) = flag_part.strip_prefix("--") {
            return matching(
                &mut flag_values(long)
                    .iter()
                    .map(|value| format!("--{long}={value}")),
            );
        }
    }
    if current.starts_with('-') {
        let flags = all_flags(&path);
        let mut names: Vec<String> = flags
            .iter()
            .map(|flag| format!("--{}", flag.long))
            .collect();
        playground_core::sort::sort(&mut names);
        names.dedup();
        return matching(&mut names.into_iter());
    }
    let children = match path.last() {
        Some(command) => command.children,
        None => ROOT_COMMANDS,
    };
    if !children.is_empty() {
        return matching(&mut children.iter().map(|child| child.name.to_string()));
    }
    let takes_key = path
        .last()
        .map(|command| {
            matches!(
                command.action,
                Action::Get | Action::Put | Action::Del | Action::Watch
            )
        })
        .unwrap_or(false);
    if !takes_key {
        return Vec::new();
    }
    let key = current.clone().into_bytes();
    let range_end = if key.is_empty() {
        vec![0]
    } else {
        mvcc::prefix_end(&key)
    };
    let request = RangeRequest {
        key: if key.is_empty() { vec![0] } else { key },
        range_end,
        limit: KEY_CANDIDATES_LIMIT,
        keys_only: true,
        ..RangeRequest::default()
    };
    let endpoints = backend.default_endpoints();
    // A previous command may have set a tiny --command-timeout; completion uses etcdctl's default.
    backend.set_command_timeout_nanoseconds(5_000_000_000);
    match backend.range(&endpoints, request, Consistency::Serializable) {
        Ok(served) => served
            .response
            .kvs
            .iter()
            .map(|kv| quote_word(&String::from_utf8_lossy(&kv.key)))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Console, SingleMemberBackend};

    fn backend_with_keys(keys: &[&str]) -> SingleMemberBackend {
        let mut backend = SingleMemberBackend::new();
        let mut console = Console::new();
        for key in keys {
            console.run(&format!("etcdctl put {key} v"), "", &mut backend);
        }
        backend
    }

    fn at_end(line: &str, backend: &mut SingleMemberBackend) -> Vec<String> {
        complete(line, line.len(), backend)
    }

    #[test]
    fn programs_commands_and_subcommands_complete_by_prefix() {
        let mut backend = backend_with_keys(&[]);
        assert_eq!(at_end("etc", &mut backend), vec!["etcdctl"]);
        assert_eq!(at_end("etcdctl e", &mut backend), vec!["endpoint", "elect"]);
        assert_eq!(
            at_end("etcdctl endpoint ", &mut backend),
            vec!["health", "status", "hashkv"]
        );
        assert_eq!(at_end("etcdctl member l", &mut backend), vec!["list"]);
        assert!(at_end("kubectl g", &mut backend).is_empty());
    }

    #[test]
    fn flags_and_flag_values_complete_for_the_resolved_command() {
        let mut backend = backend_with_keys(&[]);
        assert_eq!(
            at_end("etcdctl get --print", &mut backend),
            vec!["--print-value-only"]
        );
        assert_eq!(at_end("etcdctl get -w j", &mut backend), vec!["json"]);
        assert_eq!(
            at_end("etcdctl get --sort-by=MO", &mut backend),
            vec!["--sort-by=MODIFY"]
        );
        assert!(at_end("etcdctl del --pr", &mut backend).contains(&"--prev-kv".to_string()));
        assert!(
            !at_end("etcdctl del --pr", &mut backend).contains(&"--print-value-only".to_string())
        );
    }

    #[test]
    fn keys_complete_from_the_store_in_key_order_and_are_quoted_when_needed() {
        let mut backend = backend_with_keys(&[
            "/registry/pods/b",
            "/registry/pods/a",
            "/registry/services/x",
            "'odd key'",
        ]);
        assert_eq!(
            at_end("etcdctl get /registry/p", &mut backend),
            vec!["/registry/pods/a", "/registry/pods/b"]
        );
        assert_eq!(at_end("etcdctl get od", &mut backend), vec!["'odd key'"]);
        assert_eq!(
            at_end("etcdctl get 'odd", &mut backend),
            Vec::<String>::new()
        );
        assert_eq!(
            at_end("etcdctl watch --prefix /registry/s", &mut backend),
            vec!["/registry/services/x"]
        );
    }

    #[test]
    fn the_cursor_position_decides_which_word_is_completed() {
        let mut backend = backend_with_keys(&[]);
        let line = "etcdctl mem list";
        assert_eq!(complete(line, 11, &mut backend), vec!["member"]);
        assert_eq!(complete(line, 999, &mut backend), vec!["list"]);
    }
}
