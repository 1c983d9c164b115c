//! Flag parsing for one resolved etcdctl command: a small splitter (the rules clap 4 applied)
//! separates flags and positionals (pflag's rules: flags anywhere, `--` ends them, `--flag=value`, `--flag value`,
//! `-w json`, `-wjson`, bool flags only take `=value`), and this module turns its errors and
//! the values into pflag's exact texts.
//!
//! Example: `get --rev=abc /k` gives the flag error
//! `invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax`;
//! `put /k -v` gives `unknown shorthand flag: 'v' in -v`.

use std::collections::BTreeMap;

use super::spec::FlagSpec;
use super::text::{parse_go_bool, parse_go_duration, parse_go_int};

/// Flags that pflag parses as `int64`.
const INTEGER_FLAGS: &[&str] = &["limit", "rev"];
/// Flags that pflag parses as `time.Duration`.
const DURATION_FLAGS: &[&str] = &[
    "command-timeout",
    "dial-timeout",
    "keepalive-time",
    "keepalive-timeout",
];

/// The parsed command line of one command.
#[derive(Debug, Clone, Default)]
pub struct ParsedFlags {
    /// Every value given per flag, in order (bool flags store `"true"`/`"false"` text).
    values: BTreeMap<&'static str, Vec<String>>,
    pub positionals: Vec<String>,
    /// How many positionals came before a `--` (pflag's `ArgsLenAtDash`), if there was one.
    pub positionals_before_dash: Option<usize>,
}

impl ParsedFlags {
    /// The last value given, if any.
    pub fn last(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|values| values.last())
            .map(String::as_str)
    }

    pub fn string(&self, long: &str, default: &str) -> String {
        self.last(long).unwrap_or(default).to_string()
    }

    /// A bool flag (already validated by [`parse_flags`]).
    pub fn bool(&self, long: &str) -> bool {
        self.last(long)
            .map(|text| parse_go_bool(text).unwrap_or(false))
            .unwrap_or(false)
    }

    /// An int64 flag (already validated by [`parse_flags`]).
    pub fn int(&self, long: &str) -> i64 {
        self.last(long)
            .and_then(|text| parse_go_int(text, 0).ok())
            .unwrap_or(0)
    }

    /// `--endpoints`: a string slice (comma-separated, repeated flags append).
    pub fn endpoints(&self) -> Option<Vec<String>> {
        self.values.get("endpoints").map(|values| {
            values
                .iter()
                .flat_map(|value| value.split(','))
                .map(|part| part.trim().to_string())
                .collect()
        })
    }

    /// `--command-timeout` in nanoseconds (validated; default 5 s).
    pub fn command_timeout_nanoseconds(&self) -> u64 {
        self.last("command-timeout")
            .and_then(|text| parse_go_duration(text).ok())
            .unwrap_or(5_000_000_000)
    }
}

/// Parses `arguments` (the command line minus `etcdctl` and the command names) against `flags`.
/// The error is pflag's message (without `Error: `).
///
/// A small hand-written splitter with exactly the rules the clap 4 parser applied to this
/// flag table (it replaced clap to keep the wasm small; `tests::same_as_clap` checks the two
/// agree): value flags take `--flag=value`, `--flag value`, `-fvalue`, `-f=value`, `-f value`,
/// and the next word whatever it looks like; bool flags take a value only after `=`; `--` ends
/// the flags; a lone `-` is a positional.
pub fn parse_flags(flags: &[FlagSpec], arguments: &[String]) -> Result<ParsedFlags, String> {
    let mut unique: Vec<FlagSpec> = Vec::new();
    for flag in flags {
        if !unique.iter().any(|seen| {
            seen.long == flag.long || (flag.short.is_some() && seen.short == flag.short)
        }) {
            unique.push(*flag);
        }
    }
    // Values per index into `unique`, in command-line order.
    let mut found: Vec<Vec<String>> = vec![Vec::new(); unique.len()];
    let mut given: Vec<bool> = vec![false; unique.len()];
    let mut positionals: Vec<String> = Vec::new();
    // A value flag still waiting for its value (the next word, whatever it is).
    let mut pending: Option<usize> = None;
    let mut trailing = false;
    for word in arguments {
        if let Some(index) = pending.take() {
            found[index].push(word.clone());
            continue;
        }
        if trailing {
            positionals.push(word.clone());
        } else if word == "--" {
            trailing = true;
        } else if let Some(rest) = word.strip_prefix("--") {
            let (name, value) = match rest.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (rest, None),
            };
            let Some(index) = unique.iter().position(|flag| flag.long == name) else {
                return Err(unknown_argument(&format!("--{name}"), arguments));
            };
            given[index] = true;
            match value {
                Some(value) => found[index].push(value.to_string()),
                None if unique[index].is_bool() => found[index].push("true".to_string()),
                None => pending = Some(index),
            }
        } else if let Some(cluster) = word.strip_prefix('-').filter(|rest| !rest.is_empty()) {
            for (at, short) in cluster.char_indices() {
                let Some(index) = unique.iter().position(|flag| flag.short == Some(short)) else {
                    return Err(unknown_argument(&format!("-{short}"), arguments));
                };
                given[index] = true;
                let attached = &cluster[at + short.len_utf8()..];
                let with_equals = attached.strip_prefix('=');
                if unique[index].is_bool() {
                    if let Some(value) = with_equals {
                        found[index].push(value.to_string());
                        break;
                    }
                    // No `=`: the default, and the rest of the group are more flags.
                    found[index].push("true".to_string());
                    continue;
                }
                if !attached.is_empty() {
                    found[index].push(with_equals.unwrap_or(attached).to_string());
                } else {
                    pending = Some(index);
                }
                break;
            }
        } else {
            positionals.push(word.clone());
        }
    }
    if let Some(index) = pending {
        return Err(format!("flag needs an argument: --{}", unique[index].long));
    }

    let mut parsed = ParsedFlags::default();
    for (index, flag) in unique.iter().enumerate() {
        if given[index] {
            let values = std::mem::take(&mut found[index]);
            for value in &values {
                validate(flag, value)?;
            }
            parsed.values.insert(flag.long, values);
        }
    }
    parsed.positionals = positionals;
    if let Some(dash) = arguments.iter().position(|word| word == "--") {
        // Positionals before the dash = positional words among arguments[..dash].
        let after_dash = arguments.len() - dash - 1;
        parsed.positionals_before_dash = Some(parsed.positionals.len().saturating_sub(after_dash));
    }
    Ok(parsed)
}

fn flag_display_name(flag: &FlagSpec) -> String {
    match flag.short {
        Some(short) => format!("-{short}, --{}", flag.long),
        None => format!("--{}", flag.long),
    }
}

fn validate(flag: &FlagSpec, value: &str) -> Result<(), String> {
    let problem = if flag.is_bool() {
        parse_go_bool(value).err().map(|error| error.to_string())
    } else if INTEGER_FLAGS.contains(&flag.long) {
        parse_go_int(value, 0).err().map(|error| error.to_string())
    } else if DURATION_FLAGS.contains(&flag.long) {
        parse_go_duration(value).err()
    } else {
        None
    };
    match problem {
        Some(problem) => Err(format!(
            "invalid argument {} for {} flag: {problem}",
            super::text::go_quote(value.as_bytes()),
            super::text::go_quote(flag_display_name(flag).as_bytes())
        )),
        None => Ok(()),
    }
}

/// The message for an unknown flag word (`--name` or `-c`), cut at a space or `=` as the
/// clap-based parser did.
fn unknown_argument(word: &str, arguments: &[String]) -> String {
    let flag_word = word.split([' ', '=']).next().unwrap_or("");
    unknown_flag_message(flag_word, arguments)
}

fn unknown_flag_message(flag_word: &str, arguments: &[String]) -> String {
    if let Some(long) = flag_word.strip_prefix("--") {
        return format!("unknown flag: --{long}");
    }
    let short = flag_word
        .trim_start_matches('-')
        .chars()
        .next()
        .unwrap_or('-');
    // pflag names the whole shorthand group the letter came from.
    let group = arguments
        .iter()
        .take_while(|word| word.as_str() != "--")
        .find(|word| word.starts_with('-') && !word.starts_with("--") && word[1..].contains(short))
        .cloned()
        .unwrap_or_else(|| format!("-{short}"));
    format!("unknown shorthand flag: '{short}' in {group}")
}

/// The clap 4 parser this module used before, kept as the reference the splitter is checked
/// against.
#[cfg(test)]
mod clap_reference {
    use super::*;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use clap::{Arg, ArgAction};

    const POSITIONALS: &str = "\u{0}positionals";

    /// Returns the flag values (long, values) in `flags` order, the positionals, or the error.
    pub fn parse(
        flags: &[FlagSpec],
        arguments: &[String],
    ) -> Result<(Vec<(&'static str, Vec<String>)>, Vec<String>), String> {
        let mut unique: Vec<FlagSpec> = Vec::new();
        for flag in flags {
            if !unique.iter().any(|seen| {
                seen.long == flag.long || (flag.short.is_some() && seen.short == flag.short)
            }) {
                unique.push(*flag);
            }
        }
        let mut command = clap::Command::new("etcdctl")
            .no_binary_name(true)
            .disable_help_flag(true)
            .disable_version_flag(true)
            .disable_help_subcommand(true);
        for flag in &unique {
            let mut arg = Arg::new(flag.long)
                .long(flag.long)
                .action(ArgAction::Append);
            if let Some(short) = flag.short {
                arg = arg.short(short);
            }
            arg = if flag.is_bool() {
                arg.num_args(0..=1)
                    .require_equals(true)
                    .default_missing_value("true")
            } else {
                arg.num_args(1).allow_hyphen_values(true)
            };
            command = command.arg(arg);
        }
        command = command.arg(
            Arg::new(POSITIONALS)
                .num_args(0..)
                .action(ArgAction::Append),
        );
        let matches = command
            .try_get_matches_from(arguments)
            .map_err(|error| pflag_message(&error, arguments))?;
        let mut values = Vec::new();
        for flag in &unique {
            if let Some(found) = matches.get_many::<String>(flag.long) {
                let found: Vec<String> = found.cloned().collect();
                for value in &found {
                    validate(flag, value)?;
                }
                values.push((flag.long, found));
            }
        }
        let positionals = matches
            .get_many::<String>(POSITIONALS)
            .map(|found| found.cloned().collect())
            .unwrap_or_default();
        Ok((values, positionals))
    }

    /// Turns a clap error into pflag's text for the same mistake.
    fn pflag_message(error: &clap::Error, arguments: &[String]) -> String {
        let invalid_arg = match error.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(text)) => text.clone(),
            Some(ContextValue::Strings(texts)) => texts.first().cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let flag_word = invalid_arg
            .split([' ', '='])
            .next()
            .unwrap_or("")
            .to_string();
        match error.kind() {
            ErrorKind::UnknownArgument => unknown_flag_message(&flag_word, arguments),
            ErrorKind::InvalidValue
            | ErrorKind::WrongNumberOfValues
            | ErrorKind::TooFewValues
            | ErrorKind::NoEquals => {
                if let Some(short) = flag_word
                    .strip_prefix('-')
                    .filter(|rest| !rest.starts_with('-'))
                {
                    format!("flag needs an argument: '{short}' in -{short}")
                } else {
                    format!("flag needs an argument: {flag_word}")
                }
            }
            ErrorKind::TooManyValues => {
                let long = flag_word.trim_start_matches('-');
                format!("invalid argument for \"--{long}\" flag")
            }
            _ => format!("invalid arguments: {}", arguments.join(" ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::spec::{all_flags, ROOT_COMMANDS};
    use super::*;

    fn get_flags() -> Vec<FlagSpec> {
        all_flags(&[&ROOT_COMMANDS[0]])
    }

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn flags_may_come_after_positionals_and_bools_take_only_equals_values() {
        let parsed = parse_flags(
            &get_flags(),
            &words("/registry --prefix --limit 2 -w json --keys-only=false"),
        )
        .unwrap();
        assert_eq!(parsed.positionals, vec!["/registry"]);
        assert!(parsed.bool("prefix"));
        assert!(!parsed.bool("keys-only"));
        assert_eq!(parsed.int("limit"), 2);
        assert_eq!(parsed.last("write-out"), Some("json"));
    }

    #[test]
    fn errors_use_pflags_texts() {
        let flags = get_flags();
        assert_eq!(
            parse_flags(&flags, &words("--prefixx /r")).unwrap_err(),
            "unknown flag: --prefixx"
        );
        assert_eq!(
            parse_flags(&flags, &words("/r -v")).unwrap_err(),
            "unknown shorthand flag: 'v' in -v"
        );
        assert_eq!(
            parse_flags(&flags, &words("--rev=abc /r")).unwrap_err(),
            r#"invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax"#
        );
        assert_eq!(
            parse_flags(&flags, &words("/r --rev")).unwrap_err(),
            "flag needs an argument: --rev"
        );
    }

    #[test]
    fn a_double_dash_ends_the_flags() {
        let parsed = parse_flags(&get_flags(), &words("-- /k -v")).unwrap();
        assert_eq!(parsed.positionals, vec!["/k", "-v"]);
        assert_eq!(parsed.positionals_before_dash, Some(0));
    }

    /// The splitter agrees with the clap parser it replaced, on every command's flag table and
    /// on many generated command lines full of flag-like words.
    #[test]
    fn same_as_clap() {
        use super::super::spec::ROOT_COMMANDS;
        use rand_core::{Rng, SeedableRng};
        let mut tables: Vec<Vec<FlagSpec>> = Vec::new();
        fn walk(path: &mut Vec<&'static super::super::spec::CommandSpec>, tables: &mut Vec<Vec<FlagSpec>>) {
            tables.push(all_flags(path));
            let children = path.last().unwrap().children;
            for child in children {
                path.push(child);
                walk(path, tables);
                path.pop();
            }
        }
        for command in ROOT_COMMANDS {
            walk(&mut vec![command], &mut tables);
        }
        let mut pieces: Vec<String> = vec![
            "--", "-", "---", "--=", "-=", "=", "", "x", "/k", "-5", "--rev", "--rev=", "--rev=3",
            "--rev=-1", "-1", "--limit", "--prefix", "--prefix=", "--prefix=false", "--prefix=x",
            "--prefix=true", "-w", "-wjson", "-w=json", "-w=", "-wj=x", "json", "-h", "-h=",
            "-h=false", "-hw", "-hwjson", "-wh", "-i", "-ih", "-hi", "-d", "-dx", "-x", "-hx",
            "--nope", "--nope=1", "--endpoints", "--endpoints=a,b", "--hex", "--keys-only",
            "-v", "--from-key", "--command-timeout", "--command-timeout=3s",
            "--command-timeout=x", "--dial-timeout=1", "-a b", "--a b", "--prefix b", "-h b",
            "--write-out=fields", "--print-value-only", "--rev -1", "-é", "-hé", "--é",
        ]
        .into_iter()
        .map(str::to_string)
        .collect();
        for table in &tables {
            for flag in table {
                pieces.push(format!("--{}", flag.long));
                pieces.push(format!("--{}=1", flag.long));
                if let Some(short) = flag.short {
                    pieces.push(format!("-{short}"));
                }
            }
        }
        pieces.sort();
        pieces.dedup();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut checked = 0;
        for table in &tables {
            for _ in 0..3000 {
                let length = (rng.next_u32() % 6) as usize;
                let arguments: Vec<String> = (0..length)
                    .map(|_| pieces[(rng.next_u32() as usize) % pieces.len()].clone())
                    .collect();
                let expected = clap_reference::parse(table, &arguments);
                let actual = parse_flags(table, &arguments).map(|parsed| {
                    let values: Vec<(&'static str, Vec<String>)> = table
                        .iter()
                        .filter_map(|flag| {
                            parsed.values.get(flag.long).map(|found| (flag.long, found.clone()))
                        })
                        .fold(Vec::new(), |mut seen, entry| {
                            if !seen.iter().any(|(long, _)| *long == entry.0) {
                                seen.push(entry);
                            }
                            seen
                        });
                    (values, parsed.positionals.clone())
                });
                let mut expected_sorted = expected.clone();
                let mut actual_sorted = actual.clone();
                if let (Ok(e), Ok(a)) = (&mut expected_sorted, &mut actual_sorted) {
                    e.0.sort();
                    a.0.sort();
                }
                assert_eq!(actual_sorted, expected_sorted, "arguments {arguments:?}");
                checked += 1;
            }
        }
        assert!(checked > 10_000);
    }
}
