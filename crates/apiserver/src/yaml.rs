//! A small YAML reader for Kubernetes manifests (YAML 1.2 core schema), in
//! place of `serde_yaml`, which cost about 60 KB of wasm.
//!
//! It reads what manifests use: block mappings and sequences (including
//! `- name: x` items and sequences at their key's indentation), plain,
//! single- and double-quoted scalars, flow collections (`[a, b]`, `{k: v}`),
//! literal and folded block scalars (`|`, `|-`, `>`, ...), comments and several
//! documents split by `---`. Anchors, aliases, tags and complex keys are
//! refused with an error rather than misread.
//!
//! Worked example:
//!
//! ```text
//! metadata:
//!   name: web            ->  {"metadata":{"name":"web","labels":{"tier":"1"}},
//!   labels: {tier: "1"}       "spec":{"ports":[{"port":80}]}}
//! spec:
//!   ports:
//!   - port: 80
//! ```
//!
//! Errors read like go-yaml's, as kubectl prints them:
//! `yaml: line 4: did not find expected ',' or ']'`.

use serde_json::{Map, Number, Value};

/// A YAML syntax error with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "yaml: line {}: {}", self.line, self.message)
    }
}

/// Nesting deeper than this is refused (every loop and recursion is bounded).
pub const MAX_DEPTH: usize = 64;

type Parsed<T> = Result<T, YamlError>;

/// Parse every document of `text` (empty documents give `Value::Null`).
pub fn parse_documents(text: &str) -> Parsed<Vec<Value>> {
    let mut documents = Vec::new();
    let mut current: Vec<(usize, String)> = Vec::new();
    let mut saw_separator = false;
    for (index, raw) in text.lines().enumerate() {
        let line_number = index + 1;
        let trimmed_end = raw.trim_end();
        if raw.trim_start_matches(' ').starts_with('\t') && !raw.trim().is_empty() {
            // YAML forbids tabs for indentation.
            return Err(YamlError {
                line: line_number,
                message: "found character that cannot start any token".into(),
            });
        }
        if trimmed_end == "---" || trimmed_end.starts_with("--- #") || trimmed_end == "..." {
            // Comments before the first `---` are not a document of their own.
            let has_content = current.iter().any(|(_, text)| !is_blank_or_comment(text));
            if has_content || saw_separator {
                documents.push(parse_document(std::mem::take(&mut current))?);
            }
            saw_separator = trimmed_end != "...";
            current.clear();
            continue;
        }
        if trimmed_end.starts_with("--- ") {
            return Err(YamlError {
                line: line_number,
                message: "content on the document start line is not supported".into(),
            });
        }
        if trimmed_end.starts_with('%') && current.is_empty() {
            // Directives (%YAML 1.2) carry nothing for JSON.
            continue;
        }
        current.push((line_number, raw.trim_end_matches('\r').to_string()));
    }
    let has_content = current.iter().any(|(_, text)| !is_blank_or_comment(text));
    if has_content || saw_separator || documents.is_empty() {
        documents.push(parse_document(current)?);
    }
    Ok(documents)
}

fn parse_document(lines: Vec<(usize, String)>) -> Parsed<Value> {
    let mut parser = Parser { lines, position: 0 };
    let value = parser.parse_node(0, 0)?;
    parser.skip_blank();
    if let Some((line, _)) = parser.lines.get(parser.position) {
        return Err(YamlError {
            line: *line,
            message: "did not find expected <document start>".into(),
        });
    }
    Ok(value)
}

struct Parser {
    /// (1-based line number, text); sequence items are re-indented in place.
    lines: Vec<(usize, String)>,
    position: usize,
}

fn indentation(text: &str) -> usize {
    text.len() - text.trim_start_matches(' ').len()
}

fn is_blank_or_comment(text: &str) -> bool {
    let trimmed = text.trim_start();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// Remove a trailing ` # comment` that is outside quotes. Inside quotes the escapes
/// are skipped as a pair (`''` in single quotes, `\x` in double quotes), so neither
/// `'it''s #1'` nor `"a\\" # c` is cut in the wrong place.
fn strip_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        match quote {
            Some(b'"') if byte == b'\\' => index += 1,
            Some(b'\'') if byte == b'\'' && bytes.get(index + 1) == Some(&b'\'') => index += 1,
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None if byte == b'"' || byte == b'\'' => {
                let starts_token =
                    index == 0 || matches!(bytes[index - 1], b' ' | b'[' | b'{' | b',' | b':');
                if starts_token {
                    quote = Some(byte);
                }
            }
            None if byte == b'#'
                && (index == 0 || bytes[index - 1] == b' ' || bytes[index - 1] == b'\t') =>
            {
                return text[..index].trim_end();
            }
            None => {}
        }
        index += 1;
    }
    text.trim_end()
}

/// Where the `:` of `key: value` (or `key:` at the end) is, outside quotes and brackets.
fn mapping_colon(content: &str) -> Option<usize> {
    let bytes = content.as_bytes();
    if matches!(
        bytes.first(),
        Some(b'[' | b'{' | b'#' | b'|' | b'>' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`')
    ) {
        return None;
    }
    if content.starts_with("- ") || content == "-" {
        return None;
    }
    let mut index = 0;
    if let Some(quote @ (b'"' | b'\'')) = bytes.first().copied() {
        index = 1;
        while index < bytes.len() {
            if bytes[index] == b'\\' && quote == b'"' {
                index += 2;
                continue;
            }
            if bytes[index] == quote {
                if quote == b'\'' && bytes.get(index + 1) == Some(&b'\'') {
                    index += 2;
                    continue;
                }
                break;
            }
            index += 1;
        }
        index += 1;
        let rest = content.get(index..)?.trim_start();
        let offset = content.len() - rest.len();
        return if rest.starts_with(':') && (rest.len() == 1 || rest.as_bytes()[1] == b' ') {
            Some(offset)
        } else {
            None
        };
    }
    while index < bytes.len() {
        if bytes[index] == b':'
            && (index + 1 == bytes.len() || bytes[index + 1] == b' ' || bytes[index + 1] == b'\t')
        {
            return Some(index);
        }
        if bytes[index] == b'#' && index > 0 && bytes[index - 1] == b' ' {
            return None;
        }
        index += 1;
    }
    None
}

impl Parser {
    fn skip_blank(&mut self) {
        while self
            .lines
            .get(self.position)
            .is_some_and(|(_, text)| is_blank_or_comment(text))
        {
            self.position += 1;
        }
    }

    fn line_number(&self) -> usize {
        self.lines
            .get(self.position)
            .or(self.lines.last())
            .map(|(line, _)| *line)
            .unwrap_or(1)
    }

    fn error<T>(&self, message: &str) -> Parsed<T> {
        Err(YamlError {
            line: self.line_number(),
            message: message.to_string(),
        })
    }

    /// A node whose lines are indented at least `min_indent`.
    fn parse_node(&mut self, min_indent: usize, depth: usize) -> Parsed<Value> {
        if depth > MAX_DEPTH {
            return self.error("exceeded max depth");
        }
        self.skip_blank();
        let Some((_, text)) = self.lines.get(self.position) else {
            return Ok(Value::Null);
        };
        let indent = indentation(text);
        if text[indent..].starts_with('\t') {
            return self.error("found character that cannot start any token");
        }
        if indent < min_indent {
            return Ok(Value::Null);
        }
        let content = text[indent..].to_string();
        if content == "-" || content.starts_with("- ") {
            return self.parse_sequence(indent, depth);
        }
        if mapping_colon(strip_comment(&content)).is_some() {
            return self.parse_mapping(indent, depth);
        }
        if content.starts_with('|') || content.starts_with('>') {
            // A block scalar header on its own line (`key:` then `  |`): its content is
            // indented relative to the enclosing collection, not to the header.
            self.position += 1;
            return self.parse_block_scalar(&content, min_indent.checked_sub(1));
        }
        // A lone scalar or flow collection, possibly over several lines.
        self.position += 1;
        self.parse_inline(&content, indent, depth)
    }

    fn parse_sequence(&mut self, indent: usize, depth: usize) -> Parsed<Value> {
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            let Some((_, text)) = self.lines.get(self.position) else {
                break;
            };
            let line_indent = indentation(text);
            let content = &text[line_indent..];
            if line_indent != indent || !(content == "-" || content.starts_with("- ")) {
                if line_indent > indent {
                    return self.error("did not find expected '-' indicator");
                }
                break;
            }
            let after_dash = &content[1..];
            let item_text = after_dash.trim_start();
            if strip_comment(item_text).is_empty() {
                self.position += 1;
                items.push(self.parse_node(indent + 1, depth + 1)?);
            } else if item_text.starts_with('|') || item_text.starts_with('>') {
                // `- |`: the block's lines are indented relative to the sequence.
                let header = item_text.to_string();
                self.position += 1;
                items.push(self.parse_block_scalar(&header, Some(indent))?);
            } else {
                // Re-indent the item's first line so it reads as a node at its own column.
                let column = indent + 1 + (after_dash.len() - item_text.len());
                let rewritten = format!("{}{}", " ".repeat(column), item_text);
                if let Some(line) = self.lines.get_mut(self.position) {
                    line.1 = rewritten;
                }
                items.push(self.parse_node(column, depth + 1)?);
            }
        }
        Ok(Value::Array(items))
    }

    fn parse_mapping(&mut self, indent: usize, depth: usize) -> Parsed<Value> {
        let mut map = Map::new();
        let mut key_lines: Vec<(String, usize)> = Vec::new();
        loop {
            self.skip_blank();
            let Some((line_number, text)) = self.lines.get(self.position).cloned() else {
                break;
            };
            let line_indent = indentation(&text);
            if line_indent < indent {
                break;
            }
            if line_indent > indent {
                return self.error("did not find expected key");
            }
            let content = strip_comment(&text[line_indent..]).to_string();
            if content == "-" || content.starts_with("- ") {
                break;
            }
            let Some(colon) = mapping_colon(&content) else {
                return self.error("could not find expected ':'");
            };
            let key = scalar_key(content[..colon].trim_end(), line_number)?;
            if let Some((_, first_line)) = key_lines.iter().find(|(existing, _)| existing == &key) {
                return self.error(&format!(
                    "mapping key {key:?} already defined at line {first_line}"
                ));
            }
            key_lines.push((key.clone(), line_number));
            let rest = content[colon + 1..].trim_start().to_string();
            self.position += 1;
            let value = if rest.is_empty() {
                self.skip_blank();
                match self.lines.get(self.position) {
                    // A sequence may sit at its key's indentation.
                    Some((_, next))
                        if indentation(next) == indent && {
                            let next_content = &next[indent..];
                            next_content == "-" || next_content.starts_with("- ")
                        } =>
                    {
                        self.parse_sequence(indent, depth + 1)?
                    }
                    _ => self.parse_node(indent + 1, depth + 1)?,
                }
            } else if rest.starts_with('|') || rest.starts_with('>') {
                self.parse_block_scalar(&rest, Some(indent))?
            } else {
                self.parse_inline(&rest, indent, depth + 1)?
            };
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }

    /// A value that starts on the current line (already consumed): scalar or flow
    /// collection; continuation lines must be indented more than `indent`.
    fn parse_inline(&mut self, first: &str, indent: usize, depth: usize) -> Parsed<Value> {
        let first = strip_comment(first);
        if first.starts_with('&') || first.starts_with('*') {
            return self.error_at_previous("anchors and aliases are not supported");
        }
        if first.starts_with('!') {
            return self.error_at_previous("tags are not supported");
        }
        let mut text = first.to_string();
        let start_line = self.previous_line_number();
        if first.starts_with('[')
            || first.starts_with('{')
            || first.starts_with('"')
            || first.starts_with('\'')
        {
            // Gather lines until the collection or quote is closed.
            let mut bounded = 0;
            while !is_complete(&text) {
                bounded += 1;
                let Some((_, next)) = self.lines.get(self.position) else {
                    let message = if first.starts_with('[') {
                        "did not find expected ',' or ']'"
                    } else if first.starts_with('{') {
                        "did not find expected ',' or '}'"
                    } else {
                        "found unexpected end of stream"
                    };
                    return Err(YamlError {
                        line: self.line_number() + 1,
                        message: message.into(),
                    });
                };
                if bounded > 10_000 {
                    return self.error("document too long");
                }
                // A line break inside a flow collection or quoted scalar folds to a space.
                text.push(' ');
                text.push_str(strip_comment(next.trim()));
                self.position += 1;
            }
            let mut reader = FlowReader {
                bytes: text.as_bytes(),
                index: 0,
                line: start_line,
            };
            let value = reader.value(depth)?;
            reader.skip_spaces();
            if reader.index < reader.bytes.len() {
                return Err(YamlError {
                    line: start_line,
                    message: "did not find expected <document start>".into(),
                });
            }
            return Ok(value);
        }
        if mapping_colon(first).is_some() {
            return self.error_at_previous("mapping values are not allowed in this context");
        }
        // A plain scalar folded over more-indented continuation lines.
        while let Some((_, next)) = self.lines.get(self.position) {
            if is_blank_or_comment(next) || indentation(next) <= indent {
                break;
            }
            text.push(' ');
            text.push_str(strip_comment(next.trim()));
            self.position += 1;
        }
        Ok(resolve_plain(&text))
    }

    fn previous_line_number(&self) -> usize {
        self.position
            .checked_sub(1)
            .and_then(|index| self.lines.get(index))
            .map(|(line, _)| *line)
            .unwrap_or(1)
    }

    fn error_at_previous<T>(&self, message: &str) -> Parsed<T> {
        Err(YamlError {
            line: self.previous_line_number(),
            message: message.to_string(),
        })
    }

    /// `|`, `|-`, `|+`, `>`, ... (header already consumed) with the lines indented more
    /// than `parent_indent`, the enclosing collection's column (`None` at the top level).
    /// As in libyaml, the content's indentation is that of its first non-blank line (or
    /// of a longer blank line before it), at least one column past the parent; a
    /// whitespace-only line longer than that keeps its extra spaces.
    fn parse_block_scalar(&mut self, header: &str, parent_indent: Option<usize>) -> Parsed<Value> {
        let header = strip_comment(header);
        let literal = header.starts_with('|');
        let mut chomping = None;
        let mut explicit_indent = None;
        for character in header.chars().skip(1) {
            match character {
                '-' | '+' if chomping.is_none() => chomping = Some(character),
                '1'..='9' if explicit_indent.is_none() => {
                    explicit_indent = character
                        .to_digit(10)
                        .map(|digit| parent_indent.unwrap_or(0) + digit as usize)
                }
                _ => return self.error_at_previous("did not find expected comment or line break"),
            }
        }
        let minimum_indent = parent_indent.map_or(1, |parent| parent + 1);
        let mut lines: Vec<String> = Vec::new();
        let mut content_indent = explicit_indent;
        let mut leading_blank_width = 0;
        while let Some((_, text)) = self.lines.get(self.position) {
            let line_indent = indentation(text);
            if line_indent == text.len() {
                // Only spaces: a line break, or content past the indentation.
                match content_indent {
                    Some(base) if line_indent > base => lines.push(text[base..].to_string()),
                    Some(_) => lines.push(String::new()),
                    None => {
                        leading_blank_width = leading_blank_width.max(line_indent);
                        lines.push(String::new());
                    }
                }
                self.position += 1;
                continue;
            }
            let base = *content_indent
                .get_or_insert(line_indent.max(leading_blank_width).max(minimum_indent));
            if line_indent < base {
                break;
            }
            lines.push(text[base..].to_string());
            self.position += 1;
        }
        // Trailing blank lines belong to chomping, not to content.
        let trailing_blank = lines
            .iter()
            .rev()
            .take_while(|line| line.is_empty())
            .count();
        let body = &lines[..lines.len() - trailing_blank];
        let mut text = if literal { body.join("\n") } else { fold(body) };
        match chomping {
            Some('-') => {}
            Some('+') => {
                if !body.is_empty() {
                    text.push('\n');
                }
                text.push_str(&"\n".repeat(trailing_blank));
            }
            _ => {
                if !body.is_empty() {
                    text.push('\n');
                }
            }
        }
        Ok(Value::String(text))
    }
}

/// Folding of `>` scalars: lines join with spaces, blank lines become newlines,
/// more-indented lines keep their line breaks.
fn fold(lines: &[String]) -> String {
    let mut text = String::new();
    let mut previous_was_text = false;
    let mut previous_more_indented = false;
    for line in lines {
        let more_indented = line.starts_with(' ');
        if line.is_empty() {
            text.push('\n');
            previous_was_text = false;
            continue;
        }
        if previous_was_text {
            text.push(if more_indented || previous_more_indented {
                '\n'
            } else {
                ' '
            });
        }
        text.push_str(line);
        previous_was_text = true;
        previous_more_indented = more_indented;
    }
    text
}

/// Whether brackets and quotes in `text` are balanced.
fn is_complete(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut depth: i64 = 0;
    let mut quote: Option<u8> = None;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        match quote {
            Some(b'"') if byte == b'\\' => index += 1,
            Some(b'\'') if byte == b'\'' && bytes.get(index + 1) == Some(&b'\'') => index += 1,
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None => match byte {
                b'"' | b'\'' => quote = Some(byte),
                b'[' | b'{' => depth += 1,
                b']' | b'}' => depth -= 1,
                _ => {}
            },
        }
        index += 1;
    }
    quote.is_none() && depth <= 0
}

fn scalar_key(text: &str, line: usize) -> Parsed<String> {
    if text.starts_with('"') || text.starts_with('\'') {
        let mut reader = FlowReader {
            bytes: text.as_bytes(),
            index: 0,
            line,
        };
        return match reader.value(0)? {
            Value::String(key) => Ok(key),
            other => Ok(other.to_string()),
        };
    }
    // `?x` is a plain key; only `? ` starts a complex key.
    if text == "?"
        || text.starts_with("? ")
        || text.starts_with('&')
        || text.starts_with('*')
        || text.starts_with('!')
    {
        return Err(YamlError {
            line,
            message: "complex keys, anchors and tags are not supported".into(),
        });
    }
    Ok(text.to_string())
}

/// YAML 1.2 core schema resolution of a plain scalar.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1i128, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let integer = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()
    } else if let Some(octal) = digits.strip_prefix("0o") {
        i128::from_str_radix(octal, 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        digits.parse::<i128>().ok()
    } else {
        None
    };
    if let Some(magnitude) = integer {
        let value = sign * magnitude;
        if let Ok(small) = i64::try_from(value) {
            return Value::Number(small.into());
        }
        if let Ok(large) = u64::try_from(value) {
            return Value::Number(large.into());
        }
    }
    let is_float = {
        let body = digits.as_bytes();
        let mantissa_end = body
            .iter()
            .position(|byte| *byte == b'e' || *byte == b'E')
            .unwrap_or(body.len());
        let (mantissa, exponent) = body.split_at(mantissa_end);
        let mantissa_ok = !mantissa.is_empty()
            && mantissa.iter().filter(|byte| **byte == b'.').count() <= 1
            && mantissa
                .iter()
                .all(|byte| byte.is_ascii_digit() || *byte == b'.')
            && mantissa.iter().any(u8::is_ascii_digit);
        let exponent_ok = exponent.is_empty() || {
            let rest = &exponent[1..];
            let rest = rest
                .strip_prefix(b"-")
                .or_else(|| rest.strip_prefix(b"+"))
                .unwrap_or(rest);
            !rest.is_empty() && rest.iter().all(u8::is_ascii_digit)
        };
        mantissa_ok && exponent_ok
    };
    if is_float {
        if let Some(number) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(number);
        }
    }
    if matches!(digits, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        // JSON has no infinities or NaN; Kubernetes would reject them anyway.
        return Value::Null;
    }
    Value::String(text.to_string())
}

/// Reads flow collections and quoted scalars from one (joined) line.
struct FlowReader<'a> {
    bytes: &'a [u8],
    index: usize,
    line: usize,
}

impl FlowReader<'_> {
    fn error<T>(&self, message: &str) -> Parsed<T> {
        Err(YamlError {
            line: self.line,
            message: message.to_string(),
        })
    }

    fn skip_spaces(&mut self) {
        while self
            .bytes
            .get(self.index)
            .is_some_and(|byte| *byte == b' ' || *byte == b'\t')
        {
            self.index += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Parsed<Value> {
        if depth > MAX_DEPTH {
            return self.error("exceeded max depth");
        }
        self.skip_spaces();
        match self.bytes.get(self.index) {
            Some(b'[') => self.sequence(depth),
            Some(b'{') => self.mapping(depth),
            Some(b'"') => self.double_quoted().map(Value::String),
            Some(b'\'') => self.single_quoted().map(Value::String),
            Some(b'&' | b'*') => self.error("anchors and aliases are not supported"),
            Some(b'!') => self.error("tags are not supported"),
            _ => {
                let start = self.index;
                while let Some(byte) = self.bytes.get(self.index) {
                    if matches!(byte, b',' | b']' | b'}') {
                        break;
                    }
                    if *byte == b':'
                        && self
                            .bytes
                            .get(self.index + 1)
                            .is_none_or(|next| *next == b' ' || matches!(next, b',' | b']' | b'}'))
                    {
                        break;
                    }
                    self.index += 1;
                }
                let text = String::from_utf8_lossy(&self.bytes[start..self.index])
                    .trim()
                    .to_string();
                Ok(resolve_plain(&text))
            }
        }
    }

    fn sequence(&mut self, depth: usize) -> Parsed<Value> {
        self.index += 1;
        let mut items = Vec::new();
        loop {
            self.skip_spaces();
            match self.bytes.get(self.index) {
                Some(b']') => {
                    self.index += 1;
                    return Ok(Value::Array(items));
                }
                None => return self.error("did not find expected ',' or ']'"),
                _ => {}
            }
            items.push(self.value(depth + 1)?);
            self.skip_spaces();
            match self.bytes.get(self.index) {
                Some(b',') => self.index += 1,
                Some(b']') => {}
                _ => return self.error("did not find expected ',' or ']'"),
            }
        }
    }

    fn mapping(&mut self, depth: usize) -> Parsed<Value> {
        self.index += 1;
        let mut map = Map::new();
        loop {
            self.skip_spaces();
            match self.bytes.get(self.index) {
                Some(b'}') => {
                    self.index += 1;
                    return Ok(Value::Object(map));
                }
                None => return self.error("did not find expected ',' or '}'"),
                _ => {}
            }
            let key = match self.value(depth + 1)? {
                Value::String(key) => key,
                Value::Null => String::new(),
                other => other.to_string(),
            };
            self.skip_spaces();
            let value = if self.bytes.get(self.index) == Some(&b':') {
                self.index += 1;
                self.skip_spaces();
                if matches!(self.bytes.get(self.index), Some(b',' | b'}')) {
                    Value::Null
                } else {
                    self.value(depth + 1)?
                }
            } else {
                Value::Null
            };
            map.insert(key, value);
            self.skip_spaces();
            match self.bytes.get(self.index) {
                Some(b',') => self.index += 1,
                Some(b'}') => {}
                _ => return self.error("did not find expected ',' or '}'"),
            }
        }
    }

    fn single_quoted(&mut self) -> Parsed<String> {
        self.index += 1;
        let mut out = Vec::new();
        loop {
            match self.bytes.get(self.index) {
                None => return self.error("found unexpected end of stream"),
                Some(b'\'') if self.bytes.get(self.index + 1) == Some(&b'\'') => {
                    out.push(b'\'');
                    self.index += 2;
                }
                Some(b'\'') => {
                    self.index += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(byte) => {
                    out.push(*byte);
                    self.index += 1;
                }
            }
        }
    }

    fn double_quoted(&mut self) -> Parsed<String> {
        self.index += 1;
        let mut out = String::new();
        let mut start = self.index;
        loop {
            match self.bytes.get(self.index) {
                None => return self.error("found unexpected end of stream"),
                Some(b'"') => {
                    out.push_str(&String::from_utf8_lossy(&self.bytes[start..self.index]));
                    self.index += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&String::from_utf8_lossy(&self.bytes[start..self.index]));
                    let escape = self.bytes.get(self.index + 1).copied();
                    self.index += 2;
                    let hex_digits = match escape {
                        Some(b'x') => 2,
                        Some(b'u') => 4,
                        Some(b'U') => 8,
                        _ => 0,
                    };
                    if hex_digits > 0 {
                        let digits = self
                            .bytes
                            .get(self.index..self.index + hex_digits)
                            .unwrap_or_default();
                        let code = std::str::from_utf8(digits)
                            .ok()
                            .and_then(|text| u32::from_str_radix(text, 16).ok());
                        match code.and_then(char::from_u32) {
                            Some(character) if digits.len() == hex_digits => out.push(character),
                            _ => {
                                return self.error(
                                    "found unknown escape character while parsing a quoted scalar",
                                )
                            }
                        }
                        self.index += hex_digits;
                    } else {
                        let character =
                            match escape {
                                Some(b'n') => '\n',
                                Some(b't') => '\t',
                                Some(b'r') => '\r',
                                Some(b'0') => '\0',
                                Some(b'"') => '"',
                                Some(b'\\') => '\\',
                                Some(b'/') => '/',
                                Some(b' ') => ' ',
                                Some(b'e') => '\u{1b}',
                                Some(b'a') => '\u{07}',
                                Some(b'b') => '\u{08}',
                                Some(b'f') => '\u{0c}',
                                Some(b'v') => '\u{0b}',
                                _ => return self.error(
                                    "found unknown escape character while parsing a quoted scalar",
                                ),
                            };
                        out.push(character);
                    }
                    start = self.index;
                }
                Some(_) => self.index += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> Value {
        parse_documents(text)
            .ok()
            .and_then(|mut documents| documents.pop())
            .unwrap_or(json!("<error>"))
    }

    #[test]
    fn a_deployment_manifest_reads_as_json() {
        let text = "apiVersion: apps/v1\nkind: Deployment # the kind\nmetadata:\n  name: web\n  labels: {app: web, tier: \"1\"}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: 'nginx:1.27'\n        args: [\"--port\", 80]\n        ports:\n        - containerPort: 80\n          protocol: TCP\n";
        assert_eq!(
            one(text),
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web","tier":"1"}},
                   "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27","args":["--port",80],
                   "ports":[{"containerPort":80,"protocol":"TCP"}]}]}}}})
        );
    }

    #[test]
    fn block_scalars_keep_or_fold_lines() {
        assert_eq!(
            one("a: |\n  x\n    y\n\nb: 1\n"),
            json!({"a":"x\n  y\n","b":1})
        );
        assert_eq!(one("a: |-\n  x\n  y\n"), json!({"a":"x\ny"}));
        assert_eq!(one("a: >\n  x\n  y\n\n  z\n"), json!({"a":"x y\nz\n"}));
    }

    /// What serde_yaml (a full YAML implementation) reads from `text`, documents joined.
    fn reference(text: &str) -> Value {
        let documents: Result<Vec<Value>, _> = serde_yaml::Deserializer::from_str(text)
            .map(serde::Deserialize::deserialize)
            .collect();
        match documents {
            Ok(mut documents) if documents.len() == 1 => documents.remove(0),
            Ok(documents) => Value::Array(documents),
            Err(error) => json!(format!("<serde_yaml error: {error}>")),
        }
    }

    /// Reads `text` with this module, checks serde_yaml agrees, and returns the value.
    fn agreed(text: &str) -> Value {
        let ours = one(text);
        assert_eq!(ours, reference(text), "serde_yaml disagrees on {text:?}");
        ours
    }

    #[test]
    fn a_block_scalar_can_be_a_sequence_item() {
        assert_eq!(
            agreed("- |\n  x\n    y\n- >\n  a\n  b\n- |-\n  z\n- plain\n"),
            json!(["x\n  y\n", "a b\n", "z", "plain"])
        );
        assert_eq!(
            agreed("args:\n- |\n  echo hi\n  echo bye\n- >-\n  one\n  two\nnext: 1\n"),
            json!({"args": ["echo hi\necho bye\n", "one two"], "next": 1})
        );
        assert_eq!(
            agreed("spec:\n  args:\n    - |+\n      kept\n\n    - |  # a comment\n      x\n"),
            json!({"spec": {"args": ["kept\n\n", "x\n"]}})
        );
        assert_eq!(agreed("- - |\n    deep\n"), json!([["deep\n"]]));
    }

    #[test]
    fn an_over_indented_block_scalar_is_still_a_block_scalar() {
        // The header on its own line, indented further than its key.
        assert_eq!(agreed("a:\n    |\n      <b>\n"), json!({"a": "<b>\n"}));
        assert_eq!(
            agreed("a:\n  >-\n   x\n   y\nb: 2\n"),
            json!({"a": "x y", "b": 2})
        );
        // The content indented further than it needs to be.
        assert_eq!(agreed("- |\n     <b>\n     c\n"), json!(["<b>\nc\n"]));
        assert_eq!(agreed("a: |\n        <b>\n"), json!({"a": "<b>\n"}));
        // A whole document that is one block scalar.
        assert_eq!(agreed("|\n  <b>\n"), json!("<b>\n"));
    }

    #[test]
    fn an_escaped_single_quote_before_a_hash_is_not_a_comment() {
        assert_eq!(agreed("a: 'it''s #1'\n"), json!({"a": "it's #1"}));
        assert_eq!(
            agreed("a: 'x'' # y' # a real comment\n"),
            json!({"a": "x' # y"})
        );
        assert_eq!(
            agreed("- 'x'' #y'\n- '''' #z'\n"),
            // `''''` is a whole string (one quote), so ` #z'` after it is a comment.
            json!(["x' #y", "'"])
        );
        assert_eq!(agreed("'k'' #': 'v'' #'\n"), json!({"k' #": "v' #"}));
        assert_eq!(agreed("a: {k: 'v'' #w'}\n"), json!({"a": {"k": "v' #w"}}));
        // The same for a double-quoted string ending in an escaped backslash.
        assert_eq!(agreed("a: \"b\\\\\" # c\n"), json!({"a": "b\\"}));
    }

    #[test]
    fn scalars_resolve_like_yaml_1_2() {
        assert_eq!(
            one("[~, null, true, False, 0x1f, 0o17, -3, 1.5, 1e3, \"007\", 1.2.3, yes]"),
            json!([null, null, true, false, 31, 15, -3, 1.5, 1000.0, "007", "1.2.3", "yes"])
        );
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            parse_documents("a:\n  b: [1, 2\n")
                .err()
                .map(|error| error.to_string()),
            Some("yaml: line 3: did not find expected ',' or ']'".to_string())
        );
        assert_eq!(
            parse_documents("a: b: c\n")
                .err()
                .map(|error| error.to_string()),
            Some("yaml: line 1: mapping values are not allowed in this context".to_string())
        );
        assert_eq!(
            parse_documents("a: 1\na: 2\n")
                .err()
                .map(|error| error.to_string()),
            Some("yaml: line 2: mapping key \"a\" already defined at line 1".to_string())
        );
        assert_eq!(
            parse_documents("a: *x\n").err().map(|error| error.line),
            Some(1)
        );
    }
}
