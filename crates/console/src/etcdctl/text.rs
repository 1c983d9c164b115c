//! Go's text formats that etcdctl's output depends on, re-implemented byte for byte:
//! `strconv.Quote` (`%q`), base64 (`encoding/json` of `[]byte`), `time.Duration.String()`,
//! `humanize.Bytes`, `strconv.ParseInt`/`ParseUint`/`ParseBool` error texts, a JSON writer that
//! omits zero fields like Go's `omitempty`, the `tabwriter` used by etcdctl's help, and
//! `tablewriter`'s boxes.
//!
//! Example: `go_quote("a\"b\n")` is `"a\"b\n"` with the escapes kept as text, as `fmt.Printf("%q")` prints it.

use std::fmt::Write as _;

/// Go's `strconv.Quote` of a byte string (`%q` of `string(bytes)`).
pub fn go_quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    let mut rest = bytes;
    while !rest.is_empty() {
        let (character, width) = match std::str::from_utf8(rest) {
            Ok(text) => match text.chars().next() {
                Some(character) => (Some(character), character.len_utf8()),
                None => break,
            },
            Err(error) if error.valid_up_to() > 0 => {
                let valid = &rest[..error.valid_up_to()];
                match std::str::from_utf8(valid)
                    .ok()
                    .and_then(|text| text.chars().next())
                {
                    Some(character) => (Some(character), character.len_utf8()),
                    None => (None, 1),
                }
            }
            Err(_) => (None, 1),
        };
        match character {
            None => {
                let _ = write!(out, "\\x{:02x}", rest[0]);
            }
            Some(character) => match character {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\u{7}' => out.push_str("\\a"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{b}' => out.push_str("\\v"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
                c if c.is_control() || c == '\u{feff}' => {
                    if (c as u32) < 0x10000 {
                        let _ = write!(out, "\\u{:04x}", c as u32);
                    } else {
                        let _ = write!(out, "\\U{:08x}", c as u32);
                    }
                }
                c => out.push(c),
            },
        }
        rest = &rest[width..];
    }
    out.push('"');
    out
}

/// Reads one Go-quoted string (`"..."` with escapes, or a raw `` `...` ``) from the start of
/// `text`, as `fmt.Sscanf("%q")` does. Returns the value and the rest of the text.
pub fn go_unquote_prefix(text: &str) -> Option<(Vec<u8>, &str)> {
    let mut characters = text.char_indices();
    match characters.next() {
        Some((_, '`')) => {
            let end = text[1..].find('`')? + 1;
            Some((text.as_bytes()[1..end].to_vec(), &text[end + 1..]))
        }
        Some((_, '"')) => {
            let mut value = Vec::new();
            let bytes = text.as_bytes();
            let mut index = 1;
            while index < bytes.len() {
                match bytes[index] {
                    b'"' => return Some((value, &text[index + 1..])),
                    b'\n' => return None,
                    b'\\' => {
                        let escape = *bytes.get(index + 1)?;
                        index += 2;
                        match escape {
                            b'a' => value.push(7),
                            b'b' => value.push(8),
                            b'f' => value.push(12),
                            b'n' => value.push(b'\n'),
                            b'r' => value.push(b'\r'),
                            b't' => value.push(b'\t'),
                            b'v' => value.push(11),
                            b'\\' => value.push(b'\\'),
                            b'"' => value.push(b'"'),
                            b'x' => {
                                let hex = text.get(index..index + 2)?;
                                value.push(u8::from_str_radix(hex, 16).ok()?);
                                index += 2;
                            }
                            b'0'..=b'7' => {
                                let octal = text.get(index - 1..index + 2)?;
                                value.push(u8::from_str_radix(octal, 8).ok()?);
                                index += 2;
                            }
                            b'u' | b'U' => {
                                let digits = if escape == b'u' { 4 } else { 8 };
                                let hex = text.get(index..index + digits)?;
                                let code = u32::from_str_radix(hex, 16).ok()?;
                                let character = char::from_u32(code)?;
                                let mut buffer = [0u8; 4];
                                value.extend_from_slice(
                                    character.encode_utf8(&mut buffer).as_bytes(),
                                );
                                index += digits;
                            }
                            _ => return None,
                        }
                    }
                    _ => {
                        // Copy one whole UTF-8 character.
                        let rest = &text[index..];
                        let character = rest.chars().next()?;
                        value.extend_from_slice(&rest.as_bytes()[..character.len_utf8()]);
                        index += character.len_utf8();
                    }
                }
            }
            None
        }
        _ => None,
    }
}

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (how Go's `encoding/json` writes a `[]byte`).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk[0] as u32;
        let b1 = chunk.get(1).copied().unwrap_or(0) as u32;
        let b2 = chunk.get(2).copied().unwrap_or(0) as u32;
        let triple = (b0 << 16) | (b1 << 8) | b2;
        for position in 0..4 {
            if position <= chunk.len() {
                let index = (triple >> (18 - 6 * position)) & 0x3f;
                out.push(BASE64_ALPHABET[index as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// etcdctl's `--hex`: every byte as `\xNN`.
pub fn hex_escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4);
    for byte in bytes {
        let _ = write!(out, "\\x{byte:02x}");
    }
    out
}

/// Go's `time.Duration.String()` for a non-negative duration.
pub fn go_duration(nanoseconds: u64) -> String {
    if nanoseconds == 0 {
        return "0s".to_string();
    }
    if nanoseconds < 1_000 {
        return format!("{nanoseconds}ns");
    }
    if nanoseconds < 1_000_000 {
        return format!("{}µs", decimal(nanoseconds, 1_000));
    }
    if nanoseconds < 1_000_000_000 {
        return format!("{}ms", decimal(nanoseconds, 1_000_000));
    }
    let total_seconds = nanoseconds / 1_000_000_000;
    let fraction = nanoseconds % 1_000_000_000;
    let hours = total_seconds / 3600;
    let minutes = (total_seconds % 3600) / 60;
    let seconds = total_seconds % 60;
    let seconds_text = decimal(seconds * 1_000_000_000 + fraction, 1_000_000_000);
    if hours > 0 {
        format!("{hours}h{minutes}m{seconds_text}s")
    } else if minutes > 0 {
        format!("{minutes}m{seconds_text}s")
    } else {
        format!("{seconds_text}s")
    }
}

/// `value / unit` with the fraction's trailing zeros removed (Go's `fmtFrac`).
fn decimal(value: u64, unit: u64) -> String {
    let whole = value / unit;
    let fraction = value % unit;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = unit.to_string().len() - 1;
    let fraction_text = format!("{fraction:0digits$}");
    format!("{whole}.{}", fraction_text.trim_end_matches('0'))
}

/// `github.com/dustin/go-humanize.Bytes`: SI units, one decimal below 10. Integer arithmetic
/// only (float formatting would cost the page tens of kilobytes of wasm).
pub fn humanize_bytes(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    if bytes < 10 {
        return format!("{bytes} B");
    }
    let mut exponent = 0;
    let mut scale: u128 = 1;
    while exponent + 1 < UNITS.len() && u128::from(bytes) >= scale * 1000 {
        scale *= 1000;
        exponent += 1;
    }
    // floor(bytes / scale * 10 + 0.5): the value in tenths, rounded half up.
    let tenths = (u128::from(bytes) * 20 + scale) / (scale * 2);
    let (whole, fraction) = (tenths / 10, tenths % 10);
    if tenths < 100 {
        format!("{whole}.{fraction} {}", UNITS[exponent])
    } else {
        // `%.0f` rounds half to even.
        let rounded = if fraction > 5 || (fraction == 5 && whole % 2 == 1) {
            whole + 1
        } else {
            whole
        };
        format!("{rounded} {}", UNITS[exponent])
    }
}

/// `digits[.digits]` times `unit_nanoseconds`, exactly (no floats); None if not a number.
pub fn scaled_decimal(text: &str, unit_nanoseconds: u128) -> Option<u128> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if (whole.is_empty() && fraction.is_empty())
        || !whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let mut value: u128 = 0;
    for digit in whole.bytes() {
        value = value
            .checked_mul(10)?
            .checked_add(u128::from(digit - b'0'))?;
    }
    let mut total = value.checked_mul(unit_nanoseconds)?;
    let mut place = unit_nanoseconds;
    for digit in fraction.bytes().take(30) {
        place /= 10;
        total = total.checked_add(u128::from(digit - b'0') * place)?;
    }
    Some(total)
}

/// Why `strconv.ParseInt`/`ParseUint`/`ParseBool` failed, with Go's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoParseError {
    pub function: &'static str,
    pub input: String,
    pub out_of_range: bool,
}

impl std::fmt::Display for GoParseError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let reason = if self.out_of_range {
            "value out of range"
        } else {
            "invalid syntax"
        };
        write!(
            formatter,
            "strconv.{}: parsing {}: {}",
            self.function,
            go_quote(self.input.as_bytes()),
            reason
        )
    }
}

/// `strconv.ParseInt(text, base, 64)`; base 0 accepts Go's prefixes (`0x`, `0o`, `0b`, leading `0`).
pub fn parse_go_int(text: &str, base: u32) -> Result<i64, GoParseError> {
    let error = |out_of_range| GoParseError {
        function: "ParseInt",
        input: text.to_string(),
        out_of_range,
    };
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude =
        parse_go_unsigned(digits, base).map_err(|failure| error(failure.out_of_range))?;
    if negative {
        if magnitude > (i64::MAX as u64) + 1 {
            return Err(error(true));
        }
        Ok((magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).map_err(|_| error(true))
    }
}

/// `strconv.ParseUint(text, base, 64)`.
pub fn parse_go_uint(text: &str, base: u32) -> Result<u64, GoParseError> {
    parse_go_unsigned(text, base).map_err(|failure| GoParseError {
        function: "ParseUint",
        input: text.to_string(),
        out_of_range: failure.out_of_range,
    })
}

fn parse_go_unsigned(text: &str, base: u32) -> Result<u64, GoParseError> {
    let error = |out_of_range| GoParseError {
        function: "ParseUint",
        input: text.to_string(),
        out_of_range,
    };
    let (radix, digits, underscores_allowed) = if base == 0 {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("0x") {
            (16, &text[2..], true)
        } else if lower.starts_with("0o") {
            (8, &text[2..], true)
        } else if lower.starts_with("0b") {
            (2, &text[2..], true)
        } else if text.len() > 1 && text.starts_with('0') {
            (8, &text[1..], true)
        } else {
            (10, text, false)
        }
    } else {
        (base, text, false)
    };
    if digits.is_empty() {
        return Err(error(false));
    }
    let mut value: u64 = 0;
    let mut overflow = false;
    for character in digits.chars() {
        if character == '_' && underscores_allowed {
            continue;
        }
        let Some(digit) = character.to_digit(radix) else {
            return Err(error(false));
        };
        match value
            .checked_mul(radix as u64)
            .and_then(|shifted| shifted.checked_add(digit as u64))
        {
            Some(next) => value = next,
            None => overflow = true,
        }
    }
    if overflow {
        return Err(error(true));
    }
    Ok(value)
}

/// `strconv.ParseBool`.
pub fn parse_go_bool(text: &str) -> Result<bool, GoParseError> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(GoParseError {
            function: "ParseBool",
            input: text.to_string(),
            out_of_range: false,
        }),
    }
}

/// `time.ParseDuration` (for `--command-timeout`, `--dial-timeout`); returns nanoseconds.
pub fn parse_go_duration(text: &str) -> Result<u64, String> {
    let invalid = || format!("time: invalid duration {}", go_quote(text.as_bytes()));
    if text == "0" {
        return Ok(0);
    }
    let mut rest = text.strip_prefix('+').unwrap_or(text);
    if rest.starts_with('-') || rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    // Bounded: every round consumes at least one character or returns.
    while !rest.is_empty() {
        let number_length = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_length == 0 {
            return Err(invalid());
        }
        let number = &rest[..number_length];
        rest = &rest[number_length..];
        let unit_length = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit: u128 = match &rest[..unit_length] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => {
                return Err(format!(
                    "time: missing unit in duration {}",
                    go_quote(text.as_bytes())
                ))
            }
            other => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(other.as_bytes()),
                    go_quote(text.as_bytes())
                ))
            }
        };
        rest = &rest[unit_length..];
        total = total
            .checked_add(scaled_decimal(number, unit).ok_or_else(invalid)?)
            .ok_or_else(invalid)?;
    }
    u64::try_from(total).map_err(|_| invalid())
}

/// A JSON object writer with Go's `omitempty` rules (zero numbers, false, empty strings and
/// empty lists are left out when asked).
#[derive(Debug, Default)]
pub struct JsonObject {
    text: String,
}

impl JsonObject {
    pub fn new() -> JsonObject {
        JsonObject {
            text: String::from("{"),
        }
    }

    fn key(&mut self, name: &str) {
        if self.text.len() > 1 {
            self.text.push(',');
        }
        self.text.push('"');
        self.text.push_str(name);
        self.text.push_str("\":");
    }

    /// A raw JSON value (already encoded).
    pub fn raw(&mut self, name: &str, value: &str) -> &mut Self {
        self.key(name);
        self.text.push_str(value);
        self
    }

    pub fn number_omit_zero(&mut self, name: &str, value: impl Into<i128>) -> &mut Self {
        let value = value.into();
        if value != 0 {
            self.raw(name, &value.to_string());
        }
        self
    }

    pub fn number(&mut self, name: &str, value: impl Into<i128>) -> &mut Self {
        self.raw(name, &value.into().to_string())
    }

    pub fn bool_omit_false(&mut self, name: &str, value: bool) -> &mut Self {
        if value {
            self.raw(name, "true");
        }
        self
    }

    pub fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.raw(name, if value { "true" } else { "false" })
    }

    pub fn string(&mut self, name: &str, value: &str) -> &mut Self {
        let encoded = json_string(value);
        self.raw(name, &encoded)
    }

    pub fn string_omit_empty(&mut self, name: &str, value: &str) -> &mut Self {
        if !value.is_empty() {
            self.string(name, value);
        }
        self
    }

    pub fn bytes_omit_empty(&mut self, name: &str, value: &[u8]) -> &mut Self {
        if !value.is_empty() {
            let encoded = format!("\"{}\"", base64(value));
            self.raw(name, &encoded);
        }
        self
    }

    pub fn finish(&mut self) -> String {
        let mut text = std::mem::take(&mut self.text);
        text.push('}');
        text
    }
}

/// A JSON string as Go's `encoding/json` writes it (HTML-safe escapes for `<`, `>`, `&`).
pub fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for character in value.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON list of already-encoded values.
pub fn json_list(items: &[String]) -> String {
    format!("[{}]", items.join(","))
}

/// Go's `text/tabwriter` as etcdctl's help uses it (`minwidth 1, tabwidth 8, padding 1, padchar '\t'`):
/// each line's tab-terminated cells are aligned into columns padded with tabs.
pub fn tabwriter(lines: &[(String, String)]) -> String {
    const TAB_WIDTH: usize = 8;
    let widest = lines
        .iter()
        .map(|(left, _)| left.chars().count())
        .max()
        .unwrap_or(0);
    let column_width = (widest + 1).div_ceil(TAB_WIDTH) * TAB_WIDTH;
    let mut out = String::new();
    for (left, right) in lines {
        let width = left.chars().count();
        let tabs = (column_width - width).div_ceil(TAB_WIDTH);
        out.push_str(left);
        for _ in 0..tabs {
            out.push('\t');
        }
        out.push_str(right);
        out.push('\n');
    }
    out
}

/// `olekukonko/tablewriter` with etcdctl's settings: a header row centred, cells right-aligned,
/// `+---+` borders.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|title| title.chars().count()).collect();
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(column) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let border = {
        let mut line = String::from("+");
        for width in &widths {
            line.push_str(&"-".repeat(width + 2));
            line.push('+');
        }
        line.push('\n');
        line
    };
    let mut out = border.clone();
    out.push('|');
    for (column, title) in header.iter().enumerate() {
        let gap = widths[column] - title.chars().count();
        let left = gap / 2;
        let _ = write!(
            out,
            " {}{}{} |",
            " ".repeat(left),
            title,
            " ".repeat(gap - left)
        );
    }
    out.push('\n');
    out.push_str(&border);
    for row in rows {
        out.push('|');
        for (column, width) in widths.iter().enumerate() {
            let cell = row.get(column).map(String::as_str).unwrap_or("");
            let _ = write!(
                out,
                " {}{} |",
                " ".repeat(width - cell.chars().count()),
                cell
            );
        }
        out.push('\n');
    }
    out.push_str(&border);
    out
}

/// `2026-11-24T01:16:17.778Z` for a count of milliseconds since the Unix epoch.
pub fn iso8601_milliseconds(unix_milliseconds: u64) -> String {
    let milliseconds = unix_milliseconds % 1000;
    let total_seconds = unix_milliseconds / 1000;
    let days = (total_seconds / 86_400) as i64;
    let seconds_of_day = total_seconds % 86_400;
    let (year, month, day) = playground_core::time::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{milliseconds:03}Z",
        seconds_of_day / 3600,
        (seconds_of_day % 3600) / 60,
        seconds_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quote_escapes_like_strconv_quote() {
        assert_eq!(go_quote(b"a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(go_quote(b"k8s\x00\xff"), r#""k8s\x00\xff""#);
        assert_eq!(go_quote("héllo".as_bytes()), "\"héllo\"");
    }

    #[test]
    fn go_unquote_reads_escapes_and_returns_the_rest() {
        let (value, rest) = go_unquote_prefix(r#""a\"b\x41\u00e9" tail"#).unwrap();
        assert_eq!(value, "a\"bAé".as_bytes());
        assert_eq!(rest, " tail");
        assert_eq!(go_unquote_prefix("\"open"), None);
        assert_eq!(go_unquote_prefix("plain"), None);
    }

    #[test]
    fn base64_matches_the_reference_capture() {
        assert_eq!(
            base64(b"/registry/namespaces/default"),
            "L3JlZ2lzdHJ5L25hbWVzcGFjZXMvZGVmYXVsdA=="
        );
        assert_eq!(base64(b"renew-1"), "cmVuZXctMQ==");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(918_310), "918.31µs");
        assert_eq!(go_duration(1_582_702), "1.582702ms");
        assert_eq!(go_duration(5_000_772_558), "5.000772558s");
        assert_eq!(go_duration(90_000_000_000), "1m30s");
        assert_eq!(go_duration(999), "999ns");
    }

    #[test]
    fn durations_parse_like_go_without_floats() {
        assert_eq!(parse_go_duration("5s"), Ok(5_000_000_000));
        assert_eq!(parse_go_duration("1.5m"), Ok(90_000_000_000));
        assert_eq!(parse_go_duration("1h2m3.5s"), Ok(3_723_500_000_000));
        assert_eq!(
            parse_go_duration("zz"),
            Err(r#"time: invalid duration "zz""#.to_string())
        );
        assert_eq!(
            parse_go_duration("5"),
            Err(r#"time: missing unit in duration "5""#.to_string())
        );
    }

    #[test]
    fn sizes_print_like_go_humanize() {
        assert_eq!(humanize_bytes(20480), "20 kB");
        assert_eq!(humanize_bytes(24576), "25 kB");
        assert_eq!(humanize_bytes(1_572_864), "1.6 MB");
        assert_eq!(humanize_bytes(5), "5 B");
        assert_eq!(humanize_bytes(20500), "20 kB"); // 20.5 rounds half to even, like Go's %.0f
        assert_eq!(humanize_bytes(21500), "22 kB");
        assert_eq!(humanize_bytes(9_960), "10 kB");
    }

    #[test]
    fn go_integer_parsing_reports_strconv_texts() {
        assert_eq!(
            parse_go_int("abc", 0).unwrap_err().to_string(),
            r#"strconv.ParseInt: parsing "abc": invalid syntax"#
        );
        assert_eq!(parse_go_int("-1", 0), Ok(-1));
        assert_eq!(parse_go_int("0x10", 0), Ok(16));
        assert_eq!(
            parse_go_int("99999999999999999999", 10)
                .unwrap_err()
                .to_string(),
            r#"strconv.ParseInt: parsing "99999999999999999999": value out of range"#
        );
        assert_eq!(
            parse_go_uint("2c8a0f1de5204ca0", 16),
            Ok(3209394305527467168)
        );
    }

    #[test]
    fn the_table_matches_etcdctls_borders() {
        let text = table(
            &["ENDPOINT", "HASH"],
            &[vec!["127.0.0.1:2379".into(), "1842297853".into()]],
        );
        assert_eq!(
            text,
            "+----------------+------------+\n|    ENDPOINT    |    HASH    |\n+----------------+------------+\n| 127.0.0.1:2379 | 1842297853 |\n+----------------+------------+\n"
        );
    }

    #[test]
    fn timestamps_render_as_utc() {
        assert_eq!(iso8601_milliseconds(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso8601_milliseconds(1_795_482_997_562),
            "2026-11-24T01:16:37.562Z"
        );
    }
}
