//! The transcript harness shared by the golden tests: parsing `shared/reference/etcd-golden`
//! files, the short list of masks, and the comparison.

#![allow(dead_code)]

pub mod pipes;

use std::path::PathBuf;
use std::sync::LazyLock;

use console::CommandOutput;
use regex::Regex;

pub fn golden_directory() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // crates/console -> /work/main -> /work/shared
    let candidates = [
        manifest.join("../../../shared/reference/etcd-golden"),
        manifest.join("../../shared/reference/etcd-golden"),
        PathBuf::from("/work/shared/reference/etcd-golden"),
    ];
    candidates
        .into_iter()
        .find(|path| path.is_dir())
        .expect("the etcd-golden transcripts must be reachable")
}

#[derive(Debug, Clone)]
pub struct Step {
    pub file: String,
    pub line_number: usize,
    pub command: String,
    pub stdin: String,
    pub expected: Option<CommandOutput>,
    pub background: bool,
}

pub fn parse_transcript(file: &str, text: &str) -> Vec<Step> {
    let lines: Vec<&str> = text.lines().collect();
    let mut steps = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let Some(command) = lines[index].strip_prefix("$ ") else {
            index += 1;
            continue;
        };
        let line_number = index + 1;
        index += 1;
        let mut command = command.to_string();
        let mut stdin = String::new();
        // `< /dev/null` is an empty stdin, which is what the console gets without one.
        if let Some(stripped) = command.strip_suffix(" < /dev/null") {
            command = stripped.to_string();
        }
        if let Some(position) = command.find("<<'EOF'") {
            command = command[..position].trim_end().to_string();
            while index < lines.len() && lines[index] != "EOF" {
                stdin.push_str(lines[index]);
                stdin.push('\n');
                index += 1;
            }
            index += 1; // the EOF line
        }
        let mut stdout_lines: Vec<&str> = Vec::new();
        let mut stderr_lines: Vec<&str> = Vec::new();
        let mut in_stderr = false;
        let mut expected_exit = None;
        let mut background = false;
        while index < lines.len() {
            let line = lines[index];
            if line.starts_with("$ ") {
                break;
            }
            index += 1;
            if let Some(rest) = line.strip_prefix("[exit ") {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                expected_exit = digits.parse::<i32>().ok();
                background = rest.contains("from timeout");
                break;
            }
            if line == "[stderr]" {
                in_stderr = true;
            } else if in_stderr {
                stderr_lines.push(line);
            } else {
                stdout_lines.push(line);
            }
        }
        let join = |lines: &[&str]| {
            if lines.is_empty() {
                String::new()
            } else {
                lines.join("\n") + "\n"
            }
        };
        let expected = expected_exit.map(|exit_code| CommandOutput {
            stdout: join(&stdout_lines),
            stderr: join(&stderr_lines),
            exit_code,
        });
        steps.push(Step {
            file: file.to_string(),
            line_number,
            command,
            stdin,
            expected,
            background,
        });
    }
    steps
}

/// Why a transcript command is not replayed (None = replayed and compared).
pub fn unsupported_reason(step: &Step) -> Option<&'static str> {
    let command = step.command.as_str();
    let program = command
        .split_whitespace()
        .find(|word| !word.contains('=') && *word != "timeout" && word.parse::<f64>().is_err());
    if program != Some("etcdctl") {
        return Some("not an etcdctl command (etcd --version, kill, sleep: process control belongs to the cluster)");
    }
    if let Some((_, filter)) = command.split_once(" | ") {
        if pipes::apply(filter, "{}").is_none() {
            return Some("piped into a filter the test does not emulate");
        }
    }
    if command.contains("$REF") || command.contains("snapshot ") {
        return Some("reads or writes files on the capture machine (snapshot save/status)");
    }
    if command.contains(" -- sh ") {
        return Some("watch -- <command> runs a process per event; the console runs none");
    }
    if step.file.starts_with("12-") || step.file.starts_with("13-") || step.file.starts_with("14-")
    {
        return Some("crash/election/recovery: replayed on the simulated cluster by crates/playground/tests/cluster_transcripts.rs (12's lone-survivor half also here by quorum_loss_transcript.rs)");
    }
    None
}

/// The fields that cannot match a real cluster, each with why:
/// - `"ts":"..."`: the wall-clock time of the client's log line;
/// - `client-<uuid>`: clientv3 names each process's resolver with a random UUID;
/// - `took = ...`, `"took":"..."`, the TOOK column: the health check's real duration;
/// - `dbSize`, `dbSizeInUse`, the DB SIZE column: bbolt's file size (page allocation);
/// - the HASH column / hashkv value: a CRC-32 over bbolt's on-disk key encoding;
/// - the order inside `attached keys([...])`: etcd's lessor keeps a lease's keys in a Go map,
///   whose iteration order is random, so the keys are compared as a sorted list;
/// - the order of `endpoint health` results (lines and table rows): etcdctl checks endpoints
///   concurrently and prints them in completion order, so they are compared sorted.
///
/// Table cells are compared trimmed, because a masked cell changes its column's width.
pub fn mask(text: &str) -> String {
    static RULES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
        let rules: [(&str, &str); 6] = [
            (r#""ts":"[^"]*""#, r#""ts":"<ts>""#),
            (
                r"client-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                "client-<uuid>",
            ),
            (r"took = \S+", "took = <took>"),
            (r#""took":"[^"]*""#, r#""took":"<took>""#),
            (r#""dbSize":\d+"#, r#""dbSize":<size>"#),
            (r#""dbSizeInUse":\d+"#, r#""dbSizeInUse":<size>"#),
        ];
        rules
            .iter()
            .map(|(pattern, replacement)| (Regex::new(pattern).unwrap(), *replacement))
            .collect()
    });
    static ATTACHED_KEYS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"attached keys\(\[([^\]]*)\]\)").unwrap());
    let mut masked = text.to_string();
    for (pattern, replacement) in RULES.iter() {
        masked = pattern.replace_all(&masked, *replacement).into_owned();
    }
    masked = ATTACHED_KEYS
        .replace_all(&masked, |captures: &regex::Captures<'_>| {
            let mut keys: Vec<&str> = captures[1].split(' ').collect();
            keys.sort_unstable();
            format!("attached keys([{}])", keys.join(" "))
        })
        .into_owned();
    sort_health_results(&mask_tables(&masked))
}

/// Sorts each run of `... is healthy/unhealthy: ...` lines and the rows of HEALTH tables.
fn sort_health_results(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let mut in_health_table = false;
    let flush = |run: &mut Vec<String>, out: &mut Vec<String>| {
        run.sort();
        out.append(run);
    };
    for line in lines {
        let is_health_line = line.contains(" is healthy: ") || line.contains(" is unhealthy: ");
        if line.starts_with('|') && line.contains("|HEALTH|") {
            in_health_table = true;
            out.push(line.to_string());
            continue;
        }
        let is_health_row = in_health_table && line.starts_with('|');
        if is_health_line || is_health_row {
            run.push(line.to_string());
            continue;
        }
        if line.starts_with('+') && !run.is_empty() {
            in_health_table = false;
        }
        flush(&mut run, &mut out);
        out.push(line.to_string());
    }
    flush(&mut run, &mut out);
    out.concat()
}

/// Table rows: cells trimmed; the TOOK, DB SIZE and HASH columns replaced. Simple `endpoint
/// status` lines (`ep, id, version, 25 kB, ...`): the size field replaced.
fn mask_tables(text: &str) -> String {
    const MASKED_COLUMNS: [&str; 3] = ["TOOK", "DB SIZE", "HASH"];
    let mut masked_columns: Vec<usize> = Vec::new();
    let mut out = String::new();
    static STATUS_LINE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^([^,]+, [0-9a-f]+, 3\.4\.23, )[^,]+(, .*)$").unwrap());
    static HASH_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\S+), \d+$").unwrap());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        if body.starts_with('+') {
            out.push_str("+--+\n");
            continue;
        }
        if body.starts_with('|') {
            let cells: Vec<&str> = body.trim_matches('|').split('|').map(str::trim).collect();
            if cells
                .iter()
                .any(|cell| *cell == "ENDPOINT" || *cell == "ID")
            {
                masked_columns = cells
                    .iter()
                    .enumerate()
                    .filter(|(_, cell)| MASKED_COLUMNS.contains(cell))
                    .map(|(index, _)| index)
                    .collect();
                out.push_str(&format!("|{}|\n", cells.join("|")));
            } else {
                let cells: Vec<String> = cells
                    .iter()
                    .enumerate()
                    .map(|(index, cell)| {
                        if masked_columns.contains(&index) {
                            "<masked>".to_string()
                        } else {
                            cell.to_string()
                        }
                    })
                    .collect();
                out.push_str(&format!("|{}|\n", cells.join("|")));
            }
            continue;
        }
        if let Some(captures) = STATUS_LINE.captures(body) {
            out.push_str(&format!("{}<size>{}\n", &captures[1], &captures[2]));
            continue;
        }
        if HASH_LINE.is_match(body) && body.contains(':') {
            out.push_str(&HASH_LINE.replace(body, "$1, <hash>"));
            out.push('\n');
            continue;
        }
        out.push_str(line);
    }
    out
}

pub fn describe(step: &Step) -> String {
    format!("{}:{}: $ {}", step.file, step.line_number, step.command)
}

pub fn compare(step: &Step, actual: &CommandOutput, failures: &mut Vec<String>) {
    let Some(expected) = &step.expected else {
        return;
    };
    let (expected_stdout, actual_stdout) = (mask(&expected.stdout), mask(&actual.stdout));
    let (expected_stderr, actual_stderr) = (mask(&expected.stderr), mask(&actual.stderr));
    if expected_stdout != actual_stdout
        || expected_stderr != actual_stderr
        || expected.exit_code != actual.exit_code
    {
        failures.push(format!(
            "{}\n--- expected stdout ---\n{}--- actual stdout ---\n{}--- expected stderr ---\n{}--- actual stderr ---\n{}--- exit: expected {} actual {}\n",
            describe(step),
            expected_stdout,
            actual_stdout,
            expected_stderr,
            actual_stderr,
            expected.exit_code,
            actual.exit_code
        ));
    }
}

/// Runs a step's command line; a `| jq ...` / `| python3 -m json.tool` tail is applied by the
/// test to the console's stdout (the console itself has no pipes).
pub fn split_pipe(command: &str) -> (&str, Option<&str>) {
    match command.split_once(" | ") {
        Some((etcdctl, filter)) => (etcdctl, Some(filter)),
        None => (command, None),
    }
}

pub fn apply_pipe(
    filter: Option<&str>,
    mut output: console::CommandOutput,
) -> console::CommandOutput {
    if let Some(filter) = filter {
        if output.exit_code == 0 {
            output.stdout = pipes::apply(filter, &output.stdout).unwrap_or_default();
        }
    }
    output
}
