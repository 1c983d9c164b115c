//! Flag parsing for one resolved etcdctl command: clap does the splitting into flags and
//! positionals (pflag's rules: flags anywhere, `--` ends them, `--flag=value`, `--flag value`,
//! `-w json`, `-wjson`, bool flags only take `=value`), and this module turns clap's errors and
//! the values into pflag's exact texts.
//!
//! Example: `get --rev=abc /k` gives the flag error
//! `invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax`;
//! `put /k -v` gives `unknown shorthand flag: 'v' in -v`.

use std::collections::BTreeMap;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction};

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

const POSITIONALS: &str = "\u{0}positionals";

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
pub fn parse_flags(flags: &[FlagSpec], arguments: &[String]) -> Result<ParsedFlags, String> {
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

    let mut parsed = ParsedFlags::default();
    for flag in &unique {
        if let Some(values) = matches.get_many::<String>(flag.long) {
            let values: Vec<String> = values.cloned().collect();
            for value in &values {
                validate(flag, value)?;
            }
            parsed.values.insert(flag.long, values);
        }
    }
    parsed.positionals = matches
        .get_many::<String>(POSITIONALS)
        .map(|values| values.cloned().collect())
        .unwrap_or_default();
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
}
