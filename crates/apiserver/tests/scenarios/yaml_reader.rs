//! The built-in YAML reader agrees with serde_yaml (a full YAML 1.2
//! implementation) on manifest-shaped documents.

const CORPUS: &[&str] = &[
    crate::support::NGINX_DEPLOYMENT,
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    note: \"a: b # not a comment\"\nspec:\n  selector: {app: web}\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n  - {name: https, port: 443}\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scripts\ndata:\n  run.sh: |\n    #!/bin/sh\n    echo \"hi\"\n      indented\n\n  folded: >-\n    one\n    two\n\n    three\n  keep: |+\n    x\n\n  empty: \"\"\n  quoted: 'it''s'\n  escaped: \"tab\\there\\u00e9\"\n",
    "# leading comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop   # trailing\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, labels: {a: '1'}}\nstringData:\n  password: p@ss:word\n",
    "list:\n- a\n- - nested\n  - seq\n-\n  key: value\n- [1, 2.5, -3, 0x10, true, ~]\nurl: http://example.com:8080/x\nversion: 1.27\nzero: 0\nbig: 12345678901\nneg: -0.5\nexp: 1e3\nstr: 1.2.3\nnulls: null\n",
    "spec:\n  containers:\n    - name: a\n      command: [\"sh\", \"-c\", \"echo $(HOME)\"]\n      env:\n        - name: X\n          value: \"1\"\n        - name: Y\n          valueFrom:\n            fieldRef: {fieldPath: status.podIP}\n",
    "a:\n  b:\n    c:\n      d: deep\n  e: [x, {f: g}]\nh: plain text that\n  continues here\n",
];

#[test]
fn the_yaml_reader_agrees_with_serde_yaml_on_manifests() {
    for (index, text) in CORPUS.iter().enumerate() {
        let ours = apiserver::yaml::parse_documents(text)
            .unwrap_or_else(|error| panic!("document {index}: {error}"));
        let ours: Vec<serde_json::Value> =
            ours.into_iter().filter(|value| !value.is_null()).collect();
        let mut reference = Vec::new();
        for document in serde_yaml::Deserializer::from_str(text) {
            let value: serde_json::Value = serde::Deserialize::deserialize(document)
                .unwrap_or_else(|error| panic!("serde_yaml on {index}: {error}"));
            if !value.is_null() {
                reference.push(value);
            }
        }
        assert_eq!(ours, reference, "document {index}");
    }
}

#[test]
fn what_the_reader_refuses_serde_yaml_refuses_too_except_duplicates_and_unsupported_features() {
    for text in ["a: [1, 2\n", "a: b: c\n", "a: \"open\n", "a:\n\tb: 1\n"] {
        assert!(apiserver::yaml::parse_documents(text).is_err(), "{text:?}");
        let reference: Result<Vec<serde_json::Value>, _> = serde_yaml::Deserializer::from_str(text)
            .map(serde::Deserialize::deserialize)
            .collect();
        assert!(reference.is_err(), "{text:?}");
    }
    // Stricter than serde_yaml, like go-yaml: duplicate keys are an error.
    for unsupported in ["a: &x 1\nb: *x\n", "a: !!str 1\n", "a: 1\na: 2\n"] {
        assert!(
            apiserver::yaml::parse_documents(unsupported).is_err(),
            "{unsupported:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Generated documents: nested mappings and lists of strings full of the
// characters YAML treats specially, written in every style the reader takes.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

const PIECES: &[&str] = &[
    "a", "web", "Z9", "'", "''", "\"", "#", " #", "# ", ":", ": ", "::", "\n", "\n\n", " ", "  ",
    "\\", "-", "- ", "|", ">", "{", "}", "[", "]", ",", "?", "~", "&", "*", "!", "%", "@", "`",
    "1", "1.5", "true", "null", "yes", "---", "...", "\t", "é", "💥", "<b>", "x: y", "it's",
];

struct Generator {
    rng: ChaCha8Rng,
}

impl Generator {
    fn below(&mut self, bound: usize) -> usize {
        self.rng.next_u32() as usize % bound
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn text(&mut self, max_pieces: usize, newlines: bool) -> String {
        let count = self.below(max_pieces + 1);
        (0..count)
            .map(|_| PIECES[self.below(PIECES.len())])
            .filter(|piece| newlines || !piece.contains('\n'))
            .collect()
    }

    fn value(&mut self, depth: usize) -> Value {
        let kinds = if depth >= 4 { 6 } else { 9 };
        match self.below(kinds) {
            0 => [Value::Null, Value::Bool(true), Value::Bool(false)][self.below(3)].clone(),
            1 => [
                json!(0),
                json!(7),
                json!(-3),
                json!(80),
                json!(12_345_678_901_i64),
                json!(1.5),
            ][self.below(6)]
            .clone(),
            2..=5 => Value::String(self.text(6, true)),
            6 | 7 => {
                let mut map = Map::new();
                for _ in 0..self.below(4) {
                    let key = self.text(3, false);
                    let value = self.value(depth + 1);
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            _ => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
        }
    }

    /// A document: a non-empty mapping or list at the top.
    fn document(&mut self) -> Value {
        loop {
            match self.value(0) {
                Value::Object(map) if !map.is_empty() => return Value::Object(map),
                Value::Array(items) if !items.is_empty() => return Value::Array(items),
                _ => {}
            }
        }
    }
}

/// Writes a value as YAML, picking a style at random wherever the value allows several:
/// plain, single- or double-quoted, literal blocks (`- |`, headers on their own line,
/// over-indented content, indentation indicators), flow collections, sequences at or
/// past their key's indentation, and comments.
struct Writer<'a> {
    generator: &'a mut Generator,
    out: String,
}

fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    (first.is_alphanumeric() || first == '.' || first == '/')
        && !text.ends_with(':')
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(' ')
        && !text.starts_with("...")
        && !text
            .chars()
            .any(|c| c.is_control() || "#{}[],&*!|>'\"%@`".contains(c))
        && apiserver::yaml::resolve_plain(text) == Value::String(text.to_string())
}

fn double_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            control if control.is_control() => {
                out.push_str(&format!("\\u{:04x}", u32::from(control)))
            }
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// A literal block can hold the text exactly: some content, no control characters
/// but line breaks, no line starting with a tab.
fn literal_allowed(text: &str) -> bool {
    !text.trim_end_matches('\n').is_empty()
        && !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        && !text
            .split('\n')
            .any(|line| line.trim_start_matches(' ').starts_with('\t'))
}

impl Writer<'_> {
    fn indent(&mut self, column: usize) {
        self.out.push_str(&" ".repeat(column));
    }

    fn maybe_comment(&mut self) {
        if self.generator.chance(15) {
            self.out.push_str(" # note: 'x' \"y\"");
        }
    }

    /// A scalar (a key too) or a flow collection, on one line.
    fn inline(&mut self, value: &Value) -> String {
        match value {
            Value::Null => ["null", "~"][self.generator.below(2)].to_string(),
            Value::Bool(_) | Value::Number(_) => value.to_string(),
            Value::String(text) => {
                let choice = self.generator.below(3);
                if choice == 0 && is_plain_safe(text) {
                    text.clone()
                } else if choice <= 1 && !text.chars().any(char::is_control) {
                    format!("'{}'", text.replace('\'', "''"))
                } else {
                    double_quoted(text)
                }
            }
            Value::Array(items) => {
                let parts: Vec<String> = items.iter().map(|item| self.inline(item)).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Object(map) => {
                let parts: Vec<String> = map
                    .iter()
                    .map(|(name, item)| {
                        let name = self.inline(&Value::String(name.clone()));
                        format!("{name}: {}", self.inline(item))
                    })
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }

    /// A literal block: the header (the caller has written what precedes it), then the
    /// lines at `content_column`; `parent` is the enclosing collection's column.
    fn literal(&mut self, text: &str, parent: usize, content_column: usize) {
        let trailing = text.len() - text.trim_end_matches('\n').len();
        let chomping = match trailing {
            0 => "-",
            1 => "",
            _ => "+",
        };
        self.out.push('|');
        if text.starts_with(' ') || text.starts_with('\n') {
            self.out.push_str(&(content_column - parent).to_string());
        }
        self.out.push_str(chomping);
        self.maybe_comment();
        let body = &text[..text.len() - trailing.min(1)];
        for line in body.split('\n') {
            self.out.push('\n');
            if !line.is_empty() {
                self.indent(content_column);
                self.out.push_str(line);
            }
        }
        self.out.push('\n');
    }

    fn wants_literal(&mut self, value: &Value) -> Option<String> {
        match value {
            Value::String(text) if literal_allowed(text) && self.generator.chance(60) => {
                Some(text.clone())
            }
            _ => None,
        }
    }

    fn wants_flow(&mut self, value: &Value) -> bool {
        match value {
            Value::Object(map) => map.is_empty() || self.generator.chance(15),
            Value::Array(items) => items.is_empty() || self.generator.chance(15),
            _ => true,
        }
    }

    /// A block mapping at `column`; the first line's indentation is already written when
    /// `started` (after `- `).
    fn mapping(&mut self, map: &Map<String, Value>, column: usize, mut started: bool) {
        for (name, value) in map {
            if !started {
                if self.generator.chance(10) {
                    self.indent(column);
                    self.out.push_str("# a comment line: 'it''s' #\n");
                }
                self.indent(column);
            }
            started = false;
            let key = self.inline(&Value::String(name.clone()));
            self.out.push_str(&key);
            self.out.push(':');
            if let Some(text) = self.wants_literal(value) {
                match self.generator.below(3) {
                    0 => {
                        // The header on its own line, past the key.
                        self.out.push('\n');
                        self.indent(column + 2);
                        self.literal(&text, column, column + 4);
                    }
                    extra => {
                        self.out.push(' ');
                        self.literal(&text, column, column + 2 * extra);
                    }
                }
            } else if self.wants_flow(value) {
                if value.is_null() && self.generator.chance(30) {
                    self.out.push('\n');
                    continue;
                }
                self.out.push(' ');
                let text = self.inline(value);
                self.out.push_str(&text);
                self.maybe_comment();
                self.out.push('\n');
            } else {
                self.out.push('\n');
                match value {
                    Value::Object(child) => self.mapping(child, column + 2, false),
                    Value::Array(items) => {
                        // At the key's own indentation (kubectl's way) or past it.
                        let at = if self.generator.chance(50) {
                            column
                        } else {
                            column + 2
                        };
                        self.sequence(items, at, false);
                    }
                    _ => unreachable!("scalars are written inline"),
                }
            }
        }
    }

    fn sequence(&mut self, items: &[Value], column: usize, mut started: bool) {
        for item in items {
            if !started {
                self.indent(column);
            }
            started = false;
            if let Some(text) = self.wants_literal(item) {
                self.out.push_str("- ");
                let extra = self.generator.below(3);
                self.literal(&text, column, column + 2 + extra);
            } else if self.wants_flow(item) {
                self.out.push_str("- ");
                let text = self.inline(item);
                self.out.push_str(&text);
                self.maybe_comment();
                self.out.push('\n');
            } else if self.generator.chance(20) {
                // `-` alone, the item on the lines below.
                self.out.push_str("-\n");
                match item {
                    Value::Object(child) => self.mapping(child, column + 2, false),
                    Value::Array(inner) => self.sequence(inner, column + 2, false),
                    _ => unreachable!("scalars are written inline"),
                }
            } else {
                self.out.push_str("- ");
                match item {
                    Value::Object(child) => self.mapping(child, column + 2, true),
                    Value::Array(inner) => self.sequence(inner, column + 2, true),
                    _ => unreachable!("scalars are written inline"),
                }
            }
        }
    }
}

fn write_in_random_style(value: &Value, generator: &mut Generator) -> String {
    let mut writer = Writer {
        generator,
        out: String::new(),
    };
    if writer.generator.chance(20) {
        writer.out.push_str("# generated\n---\n");
    }
    match value {
        Value::Object(map) => writer.mapping(map, 0, false),
        Value::Array(items) => writer.sequence(items, 0, false),
        _ => unreachable!("documents are collections"),
    }
    writer.out
}

fn serde_yaml_reads(text: &str) -> Result<Value, String> {
    serde_yaml::from_str::<Value>(text).map_err(|error| error.to_string())
}

#[test]
fn generated_documents_in_every_style_read_the_same_as_with_serde_yaml() {
    let mut generator = Generator {
        rng: ChaCha8Rng::seed_from_u64(2026),
    };
    for case in 0..3_000 {
        let value = generator.document();
        let text = write_in_random_style(&value, &mut generator);
        // The writer is checked too: serde_yaml reads back what was generated.
        assert_eq!(
            serde_yaml_reads(&text),
            Ok(value.clone()),
            "case {case}: serde_yaml on\n{text}"
        );
        let ours = apiserver::yaml::parse_documents(&text).map_err(|error| error.to_string());
        assert_eq!(ours, Ok(vec![value]), "case {case}:\n{text}");
    }
}

#[test]
fn what_serde_yaml_writes_the_reader_reads_back() {
    let mut generator = Generator {
        rng: ChaCha8Rng::seed_from_u64(7),
    };
    for case in 0..3_000 {
        let value = generator.document();
        let text =
            serde_yaml::to_string(&value).unwrap_or_else(|error| panic!("case {case}: {error}"));
        let ours = apiserver::yaml::parse_documents(&text).map_err(|error| error.to_string());
        assert_eq!(ours, Ok(vec![value]), "case {case}:\n{text}");
    }
}

/// Any text gives documents or an error naming a line of it, never a panic.
fn read_without_panic(text: &str, case: usize) {
    if let Err(error) = apiserver::yaml::parse_documents(text) {
        let lines = text.lines().count();
        assert!(
            (1..=lines + 1).contains(&error.line),
            "case {case}: line {} of {lines}: {error} for {text:?}",
            error.line
        );
    }
}

#[test]
fn random_bytes_and_mangled_documents_give_a_value_or_an_error_with_a_line() {
    const ALPHABET: &[u8] = b"  \n\n\t\r-:#'\"|>[]{},&*!?%@`~\\.aZ09";
    let mut generator = Generator {
        rng: ChaCha8Rng::seed_from_u64(99),
    };
    for case in 0..100_000 {
        let text = if case % 2 == 0 {
            // Bytes, mostly YAML punctuation, read as (lossy) UTF-8.
            let length = generator.below(80);
            let bytes: Vec<u8> = (0..length)
                .map(|_| {
                    if generator.chance(90) {
                        ALPHABET[generator.below(ALPHABET.len())]
                    } else {
                        generator.below(256) as u8
                    }
                })
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            // A valid document with a few bytes changed, removed or repeated.
            let value = generator.document();
            let mut bytes = write_in_random_style(&value, &mut generator).into_bytes();
            for _ in 0..1 + generator.below(4) {
                if bytes.is_empty() {
                    break;
                }
                let at = generator.below(bytes.len());
                match generator.below(3) {
                    0 => bytes[at] = ALPHABET[generator.below(ALPHABET.len())],
                    1 => {
                        bytes.remove(at);
                    }
                    _ => {
                        let byte = bytes[at];
                        bytes.insert(at, byte);
                    }
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        };
        read_without_panic(&text, case);
    }
}
