//! The few `| jq ...` and `| python3 -m json.tool` filters the transcripts pipe etcdctl's JSON
//! through, re-implemented exactly for those filters, so that the commands that use them are
//! replayed too (the console has no pipes; the test applies the filter to the console's stdout).
//! An unknown filter is not emulated (the command is then listed as not replayed).

/// A JSON value that keeps object key order and number text (uint64 ids exceed f64).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn get(&self, key: &str) -> Json {
        match self {
            Json::Object(fields) => fields
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
                .unwrap_or(Json::Null),
            _ => Json::Null,
        }
    }

    fn items(&self) -> Vec<Json> {
        match self {
            Json::Array(items) => items.clone(),
            _ => Vec::new(),
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Parser<'_> {
    fn skip_spaces(&mut self) {
        while self.position < self.bytes.len() && self.bytes[self.position].is_ascii_whitespace() {
            self.position += 1;
        }
    }

    fn value(&mut self) -> Json {
        self.skip_spaces();
        match self.bytes[self.position] {
            b'{' => {
                self.position += 1;
                let mut fields = Vec::new();
                loop {
                    self.skip_spaces();
                    if self.bytes[self.position] == b'}' {
                        self.position += 1;
                        return Json::Object(fields);
                    }
                    let Json::String(name) = self.value() else {
                        panic!("object key")
                    };
                    self.skip_spaces();
                    self.position += 1; // ':'
                    let value = self.value();
                    fields.push((name, value));
                    self.skip_spaces();
                    if self.bytes[self.position] == b',' {
                        self.position += 1;
                    }
                }
            }
            b'[' => {
                self.position += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_spaces();
                    if self.bytes[self.position] == b']' {
                        self.position += 1;
                        return Json::Array(items);
                    }
                    items.push(self.value());
                    self.skip_spaces();
                    if self.bytes[self.position] == b',' {
                        self.position += 1;
                    }
                }
            }
            b'"' => {
                self.position += 1;
                let mut text = String::new();
                loop {
                    let byte = self.bytes[self.position];
                    self.position += 1;
                    match byte {
                        b'"' => return Json::String(text),
                        b'\\' => {
                            let escape = self.bytes[self.position];
                            self.position += 1;
                            match escape {
                                b'n' => text.push('\n'),
                                b't' => text.push('\t'),
                                b'r' => text.push('\r'),
                                b'u' => {
                                    let hex = std::str::from_utf8(
                                        &self.bytes[self.position..self.position + 4],
                                    )
                                    .unwrap();
                                    text.push(
                                        char::from_u32(u32::from_str_radix(hex, 16).unwrap())
                                            .unwrap_or('\u{fffd}'),
                                    );
                                    self.position += 4;
                                }
                                other => text.push(other as char),
                            }
                        }
                        _ => {
                            // Copy the whole UTF-8 sequence.
                            let start = self.position - 1;
                            let width = match byte {
                                0x00..=0x7f => 1,
                                0xc0..=0xdf => 2,
                                0xe0..=0xef => 3,
                                _ => 4,
                            };
                            text.push_str(
                                std::str::from_utf8(&self.bytes[start..start + width]).unwrap(),
                            );
                            self.position = start + width;
                        }
                    }
                }
            }
            b't' => {
                self.position += 4;
                Json::Bool(true)
            }
            b'f' => {
                self.position += 5;
                Json::Bool(false)
            }
            b'n' => {
                self.position += 4;
                Json::Null
            }
            _ => {
                let start = self.position;
                while self.position < self.bytes.len()
                    && (self.bytes[self.position].is_ascii_digit()
                        || b"-+.eE".contains(&self.bytes[self.position]))
                {
                    self.position += 1;
                }
                Json::Number(
                    String::from_utf8_lossy(&self.bytes[start..self.position]).into_owned(),
                )
            }
        }
    }
}

pub fn parse(text: &str) -> Json {
    Parser {
        bytes: text.as_bytes(),
        position: 0,
    }
    .value()
}

fn quote(text: &str, ascii_only: bool) -> String {
    let mut out = String::from("\"");
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (ascii_only && (c as u32) > 0x7e) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `jq -c`: compact JSON.
pub fn compact(value: &Json) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(flag) => flag.to_string(),
        Json::Number(text) => text.clone(),
        Json::String(text) => quote(text, false),
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(compact).collect::<Vec<_>>().join(",")
        ),
        Json::Object(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(name, value)| format!("{}:{}", quote(name, false), compact(value)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// `python3 -m json.tool`: 4-space indent, `": "`, ASCII escapes.
pub fn python_pretty(value: &Json, depth: usize) -> String {
    let indent = |level: usize| "    ".repeat(level);
    match value {
        Json::Array(items) if !items.is_empty() => {
            let inner: Vec<String> = items
                .iter()
                .map(|item| format!("{}{}", indent(depth + 1), python_pretty(item, depth + 1)))
                .collect();
            format!("[\n{}\n{}]", inner.join(",\n"), indent(depth))
        }
        Json::Object(fields) if !fields.is_empty() => {
            let inner: Vec<String> = fields
                .iter()
                .map(|(name, item)| {
                    format!(
                        "{}{}: {}",
                        indent(depth + 1),
                        quote(name, true),
                        python_pretty(item, depth + 1)
                    )
                })
                .collect();
            format!("{{\n{}\n{}}}", inner.join(",\n"), indent(depth))
        }
        Json::String(text) => quote(text, true),
        other => compact(other),
    }
}

fn base64_decode(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|byte| *byte != b'=') {
        let Some(value) = ALPHABET.iter().position(|candidate| *candidate == byte) else {
            continue;
        };
        bits = (bits << 6) | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn pick(object: &Json, fields: &[&str]) -> Vec<(String, Json)> {
    fields
        .iter()
        .map(|name| (name.to_string(), object.get(name)))
        .collect()
}

fn decoded_key_and(kv: &Json, fields: &[&str]) -> Json {
    let mut picked = vec![(
        "key".to_string(),
        Json::String(base64_decode(match &kv.get("key") {
            Json::String(text) => text,
            _ => "",
        })),
    )];
    picked.extend(pick(kv, fields));
    Json::Object(picked)
}

/// Applies the filter after `| ` to etcdctl's stdout; `None` for a filter not emulated here.
pub fn apply(filter: &str, stdout: &str) -> Option<String> {
    let input = || parse(stdout.trim_end());
    let lines = |values: Vec<Json>| {
        values
            .iter()
            .map(|value| compact(value) + "\n")
            .collect::<String>()
    };
    match filter {
        "python3 -m json.tool" => Some(python_pretty(&input(), 0) + "\n"),
        r#"jq -c ".header | {revision, raft_term}""# => Some(lines(vec![Json::Object(pick(
            &input().get("header"),
            &["revision", "raft_term"],
        ))])),
        "jq -c .kvs[0]" => Some(lines(vec![input()
            .get("kvs")
            .items()
            .first()
            .cloned()
            .unwrap_or(Json::Null)])),
        r#"jq -c ".kvs[] | {key: (.key|@base64d), create_revision, mod_revision, version}""# => {
            Some(lines(
                input()
                    .get("kvs")
                    .items()
                    .iter()
                    .map(|kv| decoded_key_and(kv, &["create_revision", "mod_revision", "version"]))
                    .collect(),
            ))
        }
        r#"jq -c "{header_revision: .header.revision, kvs: [.kvs[]? | {key: (.key|@base64d), create_revision, mod_revision, version, lease}]}""# =>
        {
            let value = input();
            let kvs = value
                .get("kvs")
                .items()
                .iter()
                .map(|kv| {
                    decoded_key_and(kv, &["create_revision", "mod_revision", "version", "lease"])
                })
                .collect();
            Some(lines(vec![Json::Object(vec![
                (
                    "header_revision".to_string(),
                    value.get("header").get("revision"),
                ),
                ("kvs".to_string(), Json::Array(kvs)),
            ])]))
        }
        _ => None,
    }
}
