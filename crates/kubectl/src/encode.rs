//! `-o json` and `-o yaml` as kubectl prints them for the objects it gets back.
//!
//! kubectl decodes what it gets as unstructured maps, so both printers write keys in sorted
//! order. JSON is Go's `json.MarshalIndent(obj, "", "    ")` (HTML characters escaped as Go
//! does); YAML is `sigs.k8s.io/yaml` over go-yaml v2: block style, sequences of a mapping at
//! the key's own indentation, strings that would read back as another type (`"80"`, `"true"`,
//! timestamps, `""`) double-quoted, strings plain YAML cannot hold single-quoted, multi-line
//! strings as literal blocks.
//!
//! ```
//! let object = serde_json::json!({"kind": "ConfigMap", "data": {"port": "80", "mode": "fast"}, "list": []});
//! assert_eq!(kubectl::encode::to_yaml(&object), "data:\n  mode: fast\n  port: \"80\"\nkind: ConfigMap\nlist: []\n");
//! ```
//! Known differences, all reading back to the same value: go-yaml folds plain strings longer
//! than 80 columns (never done here); multi-line strings with a tab are double-quoted here
//! (the apiserver's YAML reader, which reads the editor's text back, refuses a tab at the
//! start of a line), and so are multi-line mapping keys (go-yaml writes them as `? ` complex
//! keys, which that reader refuses, as it does for keys over 128 characters: plain here).

use serde_json::Value;

/// Go's `json.MarshalIndent` with four spaces, plus the newline kubectl prints after it.
pub fn to_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, 0, &mut out);
    out.push('\n');
    out
}

fn write_json(value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => write_json_string(text, out),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline_indent(depth + 1, out);
                write_json(item, depth + 1, out);
            }
            newline_indent(depth, out);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline_indent(depth + 1, out);
                write_json_string(key, out);
                out.push_str(": ");
                write_json(item, depth + 1, out);
            }
            newline_indent(depth, out);
            out.push('}');
        }
    }
}

fn newline_indent(depth: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("    ");
    }
}

/// Go's `encoding/json` string encoding (HTMLEscape on: `<`, `>`, `&` become `\u003c`...).
fn write_json_string(text: &str, out: &mut String) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(character)));
            }
            control if u32::from(control) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(control)));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

/// `sigs.k8s.io/yaml.Marshal` of the object (see the module docs).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_mapping(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => write_sequence(items, 0, &mut out),
        scalar => {
            out.push_str(&inline_value(scalar, 2));
            out.push('\n');
        }
    }
    out
}

fn indent(width: usize, out: &mut String) {
    for _ in 0..width {
        out.push(' ');
    }
}

fn write_mapping(map: &serde_json::Map<String, Value>, column: usize, out: &mut String) {
    let mut first = true;
    for (key, item) in map {
        if !first {
            indent(column, out);
        }
        first = false;
        out.push_str(&key_string(key));
        out.push(':');
        write_after_key(item, column, out);
    }
}

/// What follows `key:` — a nested block on the next lines or a scalar on the same line.
fn write_after_key(item: &Value, column: usize, out: &mut String) {
    match item {
        Value::Object(child) if !child.is_empty() => {
            out.push('\n');
            indent(column + 2, out);
            write_mapping(child, column + 2, out);
        }
        // go-yaml v2 writes a mapping's sequence at the key's own indentation.
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            indent(column, out);
            write_sequence(items, column, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline_value(scalar, column + 2));
            out.push('\n');
        }
    }
}

fn write_sequence(items: &[Value], column: usize, out: &mut String) {
    let mut first = true;
    for item in items {
        if !first {
            indent(column, out);
        }
        first = false;
        out.push_str("- ");
        match item {
            Value::Object(child) if !child.is_empty() => write_mapping(child, column + 2, out),
            Value::Array(inner) if !inner.is_empty() => write_sequence(inner, column + 2, out),
            scalar => {
                out.push_str(&inline_value(scalar, column + 2));
                out.push('\n');
            }
        }
    }
}

/// A scalar, or an empty collection, on the line it starts.
fn inline_value(value: &Value, block_indent: usize) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => scalar_string(text, block_indent),
        Value::Array(_) => "[]".to_string(),
        Value::Object(_) => "{}".to_string(),
    }
}

/// One string as go-yaml v2 writes it; a literal block's lines go at `block_indent`.
fn scalar_string(text: &str, block_indent: usize) -> String {
    if text.contains('\n') && literal_allowed(text) {
        return literal_block(text, block_indent);
    }
    if text.chars().any(|c| (c.is_control() && c != '\t') || c == '\u{feff}') || text.contains('\n') {
        return double_quoted(text);
    }
    if resolves_to_other_type(text) {
        return double_quoted(text);
    }
    if plain_allowed(text) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

/// A mapping key: a scalar on one line (see the module docs for multi-line keys).
fn key_string(key: &str) -> String {
    if key.contains('\n') {
        double_quoted(key)
    } else {
        scalar_string(key, 0)
    }
}

/// go-yaml's emitter refuses literal style for text with a space before a line break or at
/// the very end, or with special characters. Tabs are refused here too: the apiserver's
/// reader does not take a tab at the start of a line's content.
fn literal_allowed(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() && c != '\n') && !text.split('\n').any(|line| line.ends_with(' '))
}

/// `|`, `|-` (no final line break) or `|+` (several, or nothing but one), with go-yaml's
/// indentation indicator `2` when the text starts with a space or a line break, as the
/// block's first line would otherwise set its indentation.
fn literal_block(text: &str, block_indent: usize) -> String {
    let indicator = if text.starts_with([' ', '\n']) { "2" } else { "" };
    let chomping = if !text.ends_with('\n') {
        "-"
    } else if text == "\n" || text.ends_with("\n\n") {
        "+"
    } else {
        ""
    };
    let mut out = format!("|{indicator}{chomping}");
    // The final line break is the header's to write (the caller ends the line).
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            for _ in 0..block_indent {
                out.push(' ');
            }
            out.push_str(line);
        }
    }
    out
}

fn double_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            control if control.is_control() || control == '\u{feff}' => {
                let code = u32::from(control);
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02X}"));
                } else {
                    out.push_str(&format!("\\u{code:04X}"));
                }
            }
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// go-yaml v2's resolve(): would this plain text read back as null, a bool, a number or a
/// timestamp (including YAML 1.1's yes/no/on/off and base-60 numbers)?
fn resolves_to_other_type(text: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
        "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", ".inf", ".Inf", ".INF", "+.inf",
        "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", "<<",
    ];
    if SPECIAL.contains(&text) {
        return true;
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return false;
    }
    is_yaml_number(text) || is_timestamp(text)
}

fn is_yaml_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if unsigned.is_empty() {
        return false;
    }
    let plain = unsigned.replace('_', "");
    if let Some(hex) = plain.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(binary) = plain.strip_prefix("0b") {
        return !binary.is_empty() && binary.chars().all(|c| c == '0' || c == '1');
    }
    if let Some(octal) = plain.strip_prefix("0o") {
        return !octal.is_empty() && octal.chars().all(|c| ('0'..='7').contains(&c));
    }
    // Base 60 (1:30) counts as a number in YAML 1.1.
    if unsigned.contains(':') {
        let mut parts = unsigned.split(':');
        let head_ok = parts.next().is_some_and(|head| !head.is_empty() && head.chars().all(|c| c.is_ascii_digit() || c == '_'));
        return head_ok && parts.all(|part| !part.is_empty() && part.len() <= 2 && part.chars().all(|c| c.is_ascii_digit()));
    }
    // Decimal integers and floats: digits, one optional '.', optional exponent.
    let (mantissa, exponent) = match plain.find(['e', 'E']) {
        Some(at) => (&plain[..at], Some(&plain[at + 1..])),
        None => (plain.as_str(), None),
    };
    let mut dots = 0;
    let mut digits = 0;
    for character in mantissa.chars() {
        match character {
            '.' => dots += 1,
            digit if digit.is_ascii_digit() => digits += 1,
            _ => return false,
        }
    }
    if dots > 1 || digits == 0 {
        return false;
    }
    match exponent {
        None => true,
        Some(exponent) => {
            let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
            !exponent.is_empty() && exponent.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// `2006-01-02`, `2006-01-02T15:04:05Z` and the other forms go-yaml reads as timestamps.
fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 10 {
        return false;
    }
    let date = bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit);
    if !date {
        return false;
    }
    bytes.len() == 10 || matches!(bytes[10], b'T' | b't' | b' ')
}

/// go-yaml's emitter analysis: may this (single-line) string be written plain in block context?
fn plain_allowed(text: &str) -> bool {
    if text.starts_with(' ') || text.ends_with(' ') || text.starts_with("---") || text.starts_with("...") {
        return false;
    }
    let characters: Vec<char> = text.chars().collect();
    for (index, &character) in characters.iter().enumerate() {
        let next = characters.get(index + 1).copied();
        let followed_by_blank = next.is_none_or(|next| next == ' ' || next == '\t');
        if index == 0 {
            match character {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    return false
                }
                '?' | ':' | '-' if followed_by_blank => return false,
                _ => {}
            }
        } else {
            match character {
                ':' if followed_by_blank => return false,
                '#' if characters[index - 1] == ' ' || characters[index - 1] == '\t' => return false,
                _ => {}
            }
        }
        if character == '\t' {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_quotes_what_would_read_back_as_another_type() {
        for (text, expected) in [
            ("80", "\"80\""),
            ("true", "\"true\""),
            ("yes", "\"yes\""),
            ("", "\"\""),
            ("1.5", "\"1.5\""),
            ("2026-01-01T00:00:05Z", "\"2026-01-01T00:00:05Z\""),
            ("nginx:1.27", "nginx:1.27"),
            ("*", "'*'"),
            ("a: b", "'a: b'"),
            ("it's", "it's"),
            ("- x", "'- x'"),
            ("10.96.0.10", "10.96.0.10"),
            ("web-7d4b9c", "web-7d4b9c"),
        ] {
            assert_eq!(scalar_string(text, 2), expected, "{text:?}");
        }
    }

    #[test]
    fn yaml_sequences_sit_at_their_keys_indentation() {
        let object = json!({"spec": {"containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}]}], "empty": {}}});
        assert_eq!(
            to_yaml(&object),
            "spec:\n  containers:\n  - image: nginx\n    name: nginx\n    ports:\n    - containerPort: 80\n  empty: {}\n"
        );
    }

    #[test]
    fn multi_line_strings_become_literal_blocks() {
        let object = json!({"data": {"script": "echo hi\necho bye\n", "two": "a\nb"}});
        assert_eq!(to_yaml(&object), "data:\n  script: |\n    echo hi\n    echo bye\n  two: |-\n    a\n    b\n");
    }

    #[test]
    fn multi_line_sequence_items_are_literal_blocks_like_go_yaml() {
        let object = json!({"args": ["echo hi\n", "a\nb", "x"], "nested": [["k\n\n"]]});
        assert_eq!(
            to_yaml(&object),
            "args:\n- |\n  echo hi\n- |-\n  a\n  b\n- x\nnested:\n- - |+\n    k\n\n"
        );
    }

    #[test]
    fn a_literal_block_starting_with_a_space_or_a_line_break_says_its_indentation() {
        let object = json!({"a": " x\ny", "b": "\n", "c": "\nz\n"});
        assert_eq!(to_yaml(&object), "a: |2-\n   x\n  y\nb: |2+\n\nc: |2\n\n  z\n");
    }

    #[test]
    fn strings_needing_quotes_are_single_quoted_even_with_a_quote_inside() {
        for (text, expected) in [
            ("it's: x", "'it''s: x'"),
            ("'' #", "''''' #'"),
            (" it's ", "' it''s '"),
            ("a\n b \n", "\"a\\n b \\n\""),
        ] {
            assert_eq!(scalar_string(text, 2), expected, "{text:?}");
        }
    }

    #[test]
    fn json_indents_by_four_and_escapes_html_like_go() {
        let object = json!({"b": [1, {"x": "<a&b>"}], "a": {}, "c": []});
        assert_eq!(
            to_json(&object),
            "{\n    \"a\": {},\n    \"b\": [\n        1,\n        {\n            \"x\": \"\\u003ca\\u0026b\\u003e\"\n        }\n    ],\n    \"c\": []\n}\n"
        );
    }
}
