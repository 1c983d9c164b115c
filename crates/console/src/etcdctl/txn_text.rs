//! etcdctl 3.4's txn input language (`txn_command.go`), read from the text the user pipes in:
//! compares, a blank line, success ops, a blank line, failure ops, a blank line.
//!
//! ```text
//! mod("/registry/deployments/default/nginx") = "11"      <- compares, ANDed
//!                                                          <- blank line
//! put /registry/deployments/default/nginx "{...}"          <- success ops (get/put/del command lines)
//!                                                          <- blank line
//! get /registry/deployments/default/nginx                  <- failure ops
//!                                                          <- blank line
//! ```
//! Faithful quirks: a missing final blank line is `Error: EOF` (exit 3); `==` and `lease(...)`
//! compares make etcdctl 3.4 panic (exit 2, Go's trace); a 'single-quoted' value is cut by the
//! argify bug (`args[i][1:len(args)-1]`) — `put k '{"a":1}'` stores `{`.

use mvcc::{Compare, CompareResult, CompareTarget, RequestOp};

use super::flags::parse_flags;
use super::spec::{CommandSpec, ROOT_COMMANDS};
use super::text::{go_quote, go_unquote_prefix, parse_go_int};
use super::{del_request, get_request, put_request, Failure};

/// etcdctl's exit codes (`ctlv3/command/error.go`), plus Go's panic exit code.
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_GO_PANIC: i32 = 2;
pub const EXIT_INVALID_INPUT: i32 = 3;

/// Reads lines like `bufio.Reader.ReadString('\n')`: a last line without a newline is an EOF error.
struct LineReader<'a> {
    rest: &'a str,
}

impl<'a> LineReader<'a> {
    fn read_line(&mut self) -> Option<&'a str> {
        let end = self.rest.find('\n')?;
        let line = &self.rest[..end];
        self.rest = &self.rest[end + 1..];
        Some(line)
    }
}

/// The three sections, parsed. `prompts` is what `-i` printed before each section was read.
pub struct ParsedTxn {
    pub compares: Vec<Compare>,
    pub success: Vec<RequestOp>,
    pub failure: Vec<RequestOp>,
}

/// Parses the whole stdin; on failure also returns how many prompts had been printed (1..=3).
pub fn parse_txn(stdin: &str) -> Result<ParsedTxn, (usize, Failure)> {
    let mut reader = LineReader { rest: stdin };
    let mut compares = Vec::new();
    loop {
        let Some(line) = reader.read_line() else {
            return Err((1, Failure::error(EXIT_INVALID_INPUT, "EOF")));
        };
        let line = go_trim_space(line);
        if line.is_empty() {
            break;
        }
        compares.push(parse_compare(line).map_err(|failure| (1, failure))?);
    }
    let success = read_ops(&mut reader).map_err(|failure| (2, failure))?;
    let failure = read_ops(&mut reader).map_err(|failure| (3, failure))?;
    Ok(ParsedTxn {
        compares,
        success,
        failure,
    })
}

fn go_trim_space(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace())
}

fn read_ops(reader: &mut LineReader<'_>) -> Result<Vec<RequestOp>, Failure> {
    let mut ops = Vec::new();
    loop {
        let Some(line) = reader.read_line() else {
            return Err(Failure::error(EXIT_INVALID_INPUT, "EOF"));
        };
        let line = go_trim_space(line);
        if line.is_empty() {
            return Ok(ops);
        }
        ops.push(parse_request(line)?);
    }
}

/// One op line: `argify` it, then run it through a cobra root that knows only put, get and del.
fn parse_request(line: &str) -> Result<RequestOp, Failure> {
    let invalid = || Failure::error(EXIT_INVALID_INPUT, format!("invalid txn request: {line}"));
    let arguments = argify(line)?;
    if arguments.len() < 2 {
        return Err(Failure::error(
            EXIT_INVALID_INPUT,
            format!("invalid txn compare request: {line}"),
        ));
    }
    const OPS: [&str; 3] = ["put", "get", "del"];
    let children: Vec<&CommandSpec> = ROOT_COMMANDS
        .iter()
        .filter(|command| OPS.contains(&command.name))
        .collect();
    let name = &arguments[0];
    let exact = children
        .iter()
        .find(|command| command.name == name.as_str());
    let command = match exact {
        Some(command) => *command,
        None => {
            let matching: Vec<&&CommandSpec> = children
                .iter()
                .filter(|command| command.name.starts_with(name.as_str()))
                .collect();
            match matching.as_slice() {
                [only] => **only,
                _ => return Err(invalid()),
            }
        }
    };
    // The op commands have only their own flags here (no global flags: a fresh cobra root).
    let parsed = parse_flags(command.flags, &arguments[1..]).map_err(|_| invalid())?;
    if parsed.bool("help") {
        return Err(invalid());
    }
    let positionals = &parsed.positionals;
    match command.name {
        "put" => put_request(&parsed, positionals, "").map(RequestOp::Put),
        "get" => get_request(&parsed, positionals).map(RequestOp::Range),
        _ => del_request(&parsed, positionals).map(RequestOp::DeleteRange),
    }
}

/// etcdctl 3.4's `argify`: the regexp `"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?`, then
/// double-quoted words unquoted with Go syntax and single-quoted ones cut by the 3.4 bug.
pub fn argify(line: &str) -> Result<Vec<String>, Failure> {
    let bytes = line.as_bytes();
    let is_space = |byte: u8| matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0c);
    let mut raw: Vec<&str> = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        let start = index;
        match bytes[index] {
            b'"' => {
                let mut cursor = index + 1;
                let mut closed = None;
                while cursor < bytes.len() {
                    match bytes[cursor] {
                        b'"' => {
                            closed = Some(cursor);
                            break;
                        }
                        b'\\' if cursor + 1 < bytes.len() => cursor += 2,
                        b'\\' => break,
                        _ => cursor += 1,
                    }
                }
                match closed {
                    Some(end) => {
                        raw.push(&line[start..=end]);
                        index = end + 1;
                    }
                    None => index += 1,
                }
            }
            b'\'' => match line[index + 1..].find('\'') {
                Some(offset) => {
                    let end = index + 1 + offset;
                    raw.push(&line[start..=end]);
                    index = end + 1;
                }
                None => index += 1,
            },
            byte if is_space(byte) => index += 1,
            _ => {
                let mut cursor = index;
                while cursor < bytes.len() && !is_space(bytes[cursor]) {
                    cursor += 1;
                }
                raw.push(&line[start..cursor]);
                index = cursor;
            }
        }
    }
    let count = raw.len();
    let mut words = Vec::with_capacity(count);
    for word in raw {
        if let Some(inner) = word.strip_prefix('\'') {
            // The 3.4 bug: the end index is the NUMBER OF WORDS minus one, not the word's length.
            let end = count.saturating_sub(1);
            if end < 1 || end > word.len() || !word.is_char_boundary(end) {
                return Err(slice_panic(end, word.len()));
            }
            let _ = inner;
            words.push(word[1..end].to_string());
        } else if word.starts_with('"') {
            match go_unquote_prefix(word) {
                Some((value, _)) => words.push(String::from_utf8_lossy(&value).into_owned()),
                None => return Err(Failure::error(EXIT_INVALID_INPUT, "invalid syntax")),
            }
        } else {
            words.push(word.to_string());
        }
    }
    Ok(words)
}

fn slice_panic(end: usize, length: usize) -> Failure {
    let message = if end < 1 {
        format!("runtime error: slice bounds out of range [1:{end}]")
    } else {
        format!("runtime error: slice bounds out of range [:{end}] with length {length}")
    };
    Failure::panic(format!(
        "panic: {message}\n\ngoroutine 1 [running]:\ngo.etcd.io/etcd/etcdctl/ctlv3/command.argify({{0xc00013f300, 0x{length:x}}})\n\tgo.etcd.io/etcd/etcdctl/ctlv3/command/util.go:104 +0x2b8\n"
    ))
}

/// `parseCompare`: `target("key") op "value"` via `fmt.Sscanf(rest, "%q) %s %q")`.
fn parse_compare(line: &str) -> Result<Compare, Failure> {
    let Some((target, rest)) = line.split_once('(') else {
        return Err(Failure::error(
            EXIT_INVALID_INPUT,
            format!("malformed comparison: {line}"),
        ));
    };
    let (key, operator, value, scanned) = scan_compare(rest);
    if scanned != 3 {
        return Err(Failure::error(
            EXIT_INVALID_INPUT,
            format!(
                "malformed comparison: {line}; got {target}({}) {operator} {}",
                go_quote(&key),
                go_quote(&value)
            ),
        ));
    }
    let invalid = || {
        Failure::error(
            EXIT_INVALID_INPUT,
            format!("invalid txn compare request: {line}"),
        )
    };
    let result = match operator.as_str() {
        "=" => Some(CompareResult::Equal),
        "!=" => Some(CompareResult::NotEqual),
        ">" => Some(CompareResult::Greater),
        "<" => Some(CompareResult::Less),
        _ => None,
    };
    let number = || parse_go_int(&String::from_utf8_lossy(&value), 10);
    let (target_value, target_code) = match target {
        "ver" | "version" => (CompareTarget::Version(number().map_err(|_| invalid())?), 0),
        "c" | "create" => (
            CompareTarget::CreateRevision(number().map_err(|_| invalid())?),
            1,
        ),
        "m" | "mod" => (
            CompareTarget::ModRevision(number().map_err(|_| invalid())?),
            2,
        ),
        "val" | "value" => (CompareTarget::Value(value.clone()), 3),
        "lease" => {
            // clientv3.Compare checks the operator, then mustInt64orLeaseID panics on a string.
            if result.is_none() {
                return Err(unknown_result_op_panic(line, 4, key.len()));
            }
            return Err(bad_value_panic(line));
        }
        _ => {
            return Err(Failure::error(
                EXIT_INVALID_INPUT,
                format!("malformed comparison: {line} (unknown target {target})"),
            ))
        }
    };
    let Some(result) = result else {
        return Err(unknown_result_op_panic(line, target_code, key.len()));
    };
    Ok(Compare {
        key,
        range_end: Vec::new(),
        result,
        target: target_value,
    })
}

/// `fmt.Sscanf(text, "%q) %s %q", &key, &op, &val)`: the values and how many verbs matched.
fn scan_compare(text: &str) -> (Vec<u8>, String, Vec<u8>, usize) {
    let skip_spaces =
        |text: &str| -> usize { text.len() - text.trim_start_matches([' ', '\t', '\r']).len() };
    let mut rest = &text[skip_spaces(text)..];
    let Some((key, after_key)) = go_unquote_prefix(rest) else {
        return (Vec::new(), String::new(), Vec::new(), 0);
    };
    rest = after_key;
    let Some(after_paren) = rest.strip_prefix(')') else {
        return (key, String::new(), Vec::new(), 1);
    };
    rest = &after_paren[skip_spaces(after_paren)..];
    let operator_length = rest.find([' ', '\t', '\r', '\n']).unwrap_or(rest.len());
    if operator_length == 0 {
        return (key, String::new(), Vec::new(), 1);
    }
    let operator = rest[..operator_length].to_string();
    rest = &rest[operator_length..];
    rest = &rest[skip_spaces(rest)..];
    match go_unquote_prefix(rest) {
        Some((value, _)) => (key, operator, value, 3),
        None => (key, operator, Vec::new(), 2),
    }
}

/// Go's capacity for a string converted to `[]byte` of this length (size classes up to 32).
fn byte_slice_capacity(length: usize) -> usize {
    match length {
        0 => 0,
        1..=8 => 8,
        9..=16 => 16,
        17..=24 => 24,
        25..=32 => 32,
        _ => length.next_multiple_of(16),
    }
}

fn unknown_result_op_panic(line: &str, target_code: u8, key_length: usize) -> Failure {
    let parse_line = match target_code {
        0 => 186,
        1 => 189,
        2 => 192,
        3 => 195,
        _ => 197,
    };
    Failure::panic(format!(
        "panic: Unknown result op\n\ngoroutine 1 [running]:\ngo.etcd.io/etcd/clientv3.Compare({{0x0, 0x{target_code:x}, {{0xc00013dfc0, 0x{key_length:x}, 0x{:x}}}, {{0x0, 0x0}}, {{0x0, 0x0, 0x0}}}}, ...)\n\tgo.etcd.io/etcd/clientv3/compare.go:46 +0x3f1\ngo.etcd.io/etcd/etcdctl/ctlv3/command.parseCompare({{0xc00013f300, 0x{:x}}})\n\tgo.etcd.io/etcd/etcdctl/ctlv3/command/txn_command.go:{parse_line} +0x408\n{}",
        byte_slice_capacity(key_length),
        line.len(),
        PANIC_TRACE_TAIL
    ))
}

fn bad_value_panic(line: &str) -> Failure {
    Failure::panic(format!(
        "panic: bad value\n\ngoroutine 1 [running]:\ngo.etcd.io/etcd/clientv3.mustInt64(...)\n\tgo.etcd.io/etcd/clientv3/compare.go:130\ngo.etcd.io/etcd/clientv3.mustInt64orLeaseID(...)\n\tgo.etcd.io/etcd/clientv3/compare.go:139\ngo.etcd.io/etcd/clientv3.Compare({{0x0, 0x4, {{0x0, 0x0, 0x0}}, {{0x0, 0x0}}, {{0x0, 0x0, 0x0}}}}, ...)\n\tgo.etcd.io/etcd/clientv3/compare.go:64 +0x385\ngo.etcd.io/etcd/etcdctl/ctlv3/command.parseCompare({{0xc00013f500, 0x{:x}}})\n\tgo.etcd.io/etcd/etcdctl/ctlv3/command/txn_command.go:197 +0x585\n{}",
        line.len(),
        PANIC_TRACE_TAIL.replace("0xc0002bc300?", "0xc0002200c0?").replace("0xc0001c4c00?", "0xc0002a2900?").replace("execute(0xc0001c4c00", "execute(0xc0002a2900")
    ))
}

/// The rest of Go's trace below `parseCompare` (etcdctl 3.4.23 built with go1.19.8).
const PANIC_TRACE_TAIL: &str = "go.etcd.io/etcd/etcdctl/ctlv3/command.readCompares(0xc0002bc300?)\n\tgo.etcd.io/etcd/etcdctl/ctlv3/command/txn_command.go:87 +0xa5\ngo.etcd.io/etcd/etcdctl/ctlv3/command.txnCommandFunc(0xc0001c4c00?, {0x1492a88?, 0x0?, 0x0?})\n\tgo.etcd.io/etcd/etcdctl/ctlv3/command/txn_command.go:54 +0x1f2\ngithub.com/spf13/cobra.(*Command).execute(0xc0001c4c00, {0x1492a88, 0x0, 0x0})\n\tgithub.com/spf13/cobra/command.go:920 +0x847\ngithub.com/spf13/cobra.(*Command).ExecuteC(0x13b9920)\n\tgithub.com/spf13/cobra/command.go:1044 +0x3bd\ngithub.com/spf13/cobra.(*Command).Execute(...)\n\tgithub.com/spf13/cobra/command.go:968\ngo.etcd.io/etcd/etcdctl/ctlv3.Start()\n\tgo.etcd.io/etcd/etcdctl/ctlv3/ctl_nocov.go:26 +0x97\nmain.main()\n\tgo.etcd.io/etcd/etcdctl/main.go:35 +0x65\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argify_unquotes_double_quotes_and_cuts_single_quotes_like_etcdctl_3_4() {
        assert_eq!(
            argify(r#"put /k "{\"a\":1}""#).unwrap(),
            vec!["put", "/k", r#"{"a":1}"#]
        );
        assert_eq!(
            argify(r#"put /k '{"a":1}'"#).unwrap(),
            vec!["put", "/k", "{"]
        );
    }

    #[test]
    fn a_compare_without_quotes_is_malformed_with_etcdctls_text() {
        let Err(failure) = parse_compare("mod(/registry/x) = 5") else {
            panic!("must fail")
        };
        assert_eq!(
            failure.stderr,
            "Error: malformed comparison: mod(/registry/x) = 5; got mod(\"\")  \"\"\n"
        );
        assert_eq!(failure.exit_code, EXIT_INVALID_INPUT);
    }

    #[test]
    fn a_missing_final_blank_line_is_an_eof_error() {
        let Err((prompts, failure)) = parse_txn("mod(\"/x\") = \"0\"\n\nput /x y\n") else {
            panic!("must fail")
        };
        assert_eq!(
            (prompts, failure.stderr.as_str(), failure.exit_code),
            (2, "Error: EOF\n", EXIT_INVALID_INPUT)
        );
    }
}
