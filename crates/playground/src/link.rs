//! Share links: a [`Scenario`] in the URL fragment.
//!
//! `scenario → JSON → DEFLATE → base64url (no padding)`, prefixed `s=`:
//!
//! ```
//! use playground::link::{decode_fragment, encode_fragment, LinkError};
//! use playground::Scenario;
//!
//! let scenario = Scenario::determinism_check();
//! let fragment = encode_fragment(&scenario);
//! assert!(fragment.starts_with("s=") && fragment.len() < 2_000);
//! assert_eq!(decode_fragment(&fragment), Ok(scenario));
//! assert!(matches!(decode_fragment("s=!!!"), Err(LinkError::NotBase64 { .. })));
//! ```
//!
//! A tutorial opens at its first step from the short form `#t=<tutorial id>`
//! ([`tutorial_fragment`]): a fresh run of the tutorial's size and seed, no
//! actions, the tutorial at step 1. Exported files hold the same scenario as
//! plain JSON and are read by [`decode_json`], through the same checks.
//!
//! Every way a link can be wrong is a [`LinkError`] with a message for the
//! user; none of them panics, and a failed load never replaces anything.

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

use crate::playground::{Playground, PlaygroundError};
use crate::scenario::{Scenario, TutorialPosition, UiLayout, SCENARIO_FORMAT_VERSION};

/// The longest fragment accepted (browsers keep far longer URLs, but a
/// link this long is not something a person shares).
pub const MAX_FRAGMENT_CHARS: usize = 200_000;
/// The largest scenario JSON a link may inflate to (guards against
/// compression bombs).
pub const MAX_SCENARIO_JSON_BYTES: usize = 4 * 1024 * 1024;
/// The prefix of a scenario fragment.
pub const FRAGMENT_PREFIX: &str = "s=";
/// The prefix of a tutorial fragment (`t=<tutorial id>`).
pub const TUTORIAL_PREFIX: &str = "t=";
/// DEFLATE level: links are made rarely and should be short.
const COMPRESSION_LEVEL: u8 = 9;

/// What was wrong with a link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this link does not hold a playground scenario (it should start with #s=)")]
    NotAScenario,
    #[error("this link is too long ({chars} characters; at most {limit} are accepted)")]
    TooLarge { chars: usize, limit: usize },
    #[error("this link is damaged: character {position} is not allowed in a share link (was it cut or edited?)")]
    NotBase64 { position: usize },
    #[error("this link is damaged or incomplete: its data does not decompress ({reason})")]
    CorruptCompression { reason: String },
    #[error("this scenario is not valid: {reason}")]
    InvalidJson { reason: String },
    #[error("this scenario was made by a newer version of the playground (format {found}; this page reads up to {supported}); reload to get the latest page")]
    FutureVersion { found: u32, supported: u32 },
    #[error("this scenario cannot be replayed: {reason}")]
    ReplayFailed { reason: String },
    #[error("this link names a tutorial this page does not have: {id:?}")]
    UnknownTutorial { id: String },
    #[error("this file is too large ({bytes} bytes; at most {limit} are accepted)")]
    FileTooLarge { bytes: usize, limit: usize },
}

/// The fragment (without `#`) for a scenario.
pub fn encode_fragment(scenario: &Scenario) -> String {
    let json = scenario_json(scenario, false);
    let compressed = compress_to_vec(&json, COMPRESSION_LEVEL);
    format!("{FRAGMENT_PREFIX}{}", base64url_encode(&compressed))
}

/// Reads a fragment (with or without its leading `#`).
pub fn decode_fragment(fragment: &str) -> Result<Scenario, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(LinkError::TooLarge { chars: fragment.len(), limit: MAX_FRAGMENT_CHARS });
    }
    if let Some(id) = fragment.strip_prefix(TUTORIAL_PREFIX) {
        return tutorial_scenario(id);
    }
    let encoded = fragment.strip_prefix(FRAGMENT_PREFIX).ok_or(LinkError::NotAScenario)?;
    let compressed = base64url_decode(encoded)?;
    let json = decompress_to_vec_with_limit(&compressed, MAX_SCENARIO_JSON_BYTES)
        .map_err(|error| LinkError::CorruptCompression { reason: format!("{:?}", error.status) })?;
    decode_json(&json)
}

/// Reads a scenario from its JSON (an exported file, or an inflated link):
/// size, JSON, then the format version before the shape, so a newer format
/// gets the right message.
pub fn decode_json(json: &[u8]) -> Result<Scenario, LinkError> {
    if json.len() > MAX_SCENARIO_JSON_BYTES {
        return Err(LinkError::FileTooLarge { bytes: json.len(), limit: MAX_SCENARIO_JSON_BYTES });
    }
    let value: serde_json::Value =
        serde_json::from_slice(json).map_err(|error| LinkError::InvalidJson { reason: error.to_string() })?;
    let found = value.get("format_version").and_then(serde_json::Value::as_u64).unwrap_or(0);
    if found > u64::from(SCENARIO_FORMAT_VERSION) {
        return Err(LinkError::FutureVersion { found: u32::try_from(found).unwrap_or(u32::MAX), supported: SCENARIO_FORMAT_VERSION });
    }
    serde_json::from_value(value).map_err(|error| LinkError::InvalidJson { reason: error.to_string() })
}

/// A scenario as an exported file's JSON (pretty, so it can be read and edited).
pub fn encode_json(scenario: &Scenario) -> String {
    String::from_utf8(scenario_json(scenario, true)).unwrap_or_default()
}

/// A scenario as compact JSON (what a link deflates; the page's autosave).
/// The same text as `serde_json::to_string`.
pub fn encode_compact_json(scenario: &Scenario) -> String {
    String::from_utf8(scenario_json(scenario, false)).unwrap_or_default()
}

/// The scenario's JSON, compact or pretty, through one serializer type.
///
/// Why not `serde_json::to_vec` and `to_string_pretty`: each formatter gets
/// its own copy of the whole `Serialize` code of `Scenario` (every action,
/// fault and layout field) in the wasm; [`Layout`] picks the formatting at
/// run time instead, byte for byte what serde_json's own formatters write.
fn scenario_json(scenario: &Scenario, pretty: bool) -> Vec<u8> {
    let mut json = Vec::new();
    let layout = Layout { pretty: pretty.then(serde_json::ser::PrettyFormatter::new) };
    let mut serializer = serde_json::Serializer::with_formatter(&mut json, layout);
    // Serialising plain data into memory cannot fail; empty output would be a bug.
    if serde::Serialize::serialize(scenario, &mut serializer).is_err() {
        json.clear();
    }
    json
}

/// serde_json's `CompactFormatter` or `PrettyFormatter`, chosen at run time:
/// the methods the pretty one overrides, delegated to whichever is in use.
struct Layout {
    pretty: Option<serde_json::ser::PrettyFormatter<'static>>,
}

/// Calls `$method` on the pretty formatter if there is one, else on the compact one.
macro_rules! delegate {
    ($($method:ident($($argument:ident: $type:ty),*);)*) => {
        $(
            fn $method<W: ?Sized + std::io::Write>(&mut self, writer: &mut W $(, $argument: $type)*) -> std::io::Result<()> {
                match &mut self.pretty {
                    Some(pretty) => pretty.$method(writer $(, $argument)*),
                    None => serde_json::ser::CompactFormatter.$method(writer $(, $argument)*),
                }
            }
        )*
    };
}

impl serde_json::ser::Formatter for Layout {
    delegate! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        begin_object_value();
        end_object_value();
    }
}

/// Replays a decoded scenario, with replay failures as a [`LinkError`].
pub fn replay(scenario: &Scenario) -> Result<Playground, LinkError> {
    Playground::replay(scenario).map_err(|error: PlaygroundError| LinkError::ReplayFailed { reason: error.to_string() })
}

/// Decodes and replays a link: the playground the author saw.
pub fn open_fragment(fragment: &str) -> Result<Playground, LinkError> {
    replay(&decode_fragment(fragment)?)
}

/// The short link (without `#`) that opens a tutorial at its first step.
pub fn tutorial_fragment(id: &str) -> String {
    format!("{TUTORIAL_PREFIX}{id}")
}

/// The scenario `#t=<id>` stands for: a fresh run of the tutorial's size and
/// seed with the tutorial open at step 1 (index 0).
pub fn tutorial_scenario(id: &str) -> Result<Scenario, LinkError> {
    let tutorial = crate::tutorials::find(id).ok_or_else(|| LinkError::UnknownTutorial { id: id.chars().take(64).collect() })?;
    Ok(Scenario {
        format_version: SCENARIO_FORMAT_VERSION,
        config: tutorial.config(),
        actions: Vec::new(),
        end_ms: 0,
        tutorial: Some(TutorialPosition { id: tutorial.id.to_string(), step: 0 }),
        layout: UiLayout::default(),
    })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let value = chunk.iter().fold(0u32, |value, byte| (value << 8) | u32::from(*byte)) << (8 * (3 - chunk.len()));
        for index in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((value >> (18 - 6 * index)) & 63) as usize]));
        }
    }
    out
}

fn base64url_decode(text: &str) -> Result<Vec<u8>, LinkError> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for (position, byte) in text.bytes().enumerate() {
        let value = ALPHABET.iter().position(|candidate| *candidate == byte).ok_or(LinkError::NotBase64 { position })?;
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for length in 0..64 {
            let bytes: Vec<u8> = (0..length).map(|index| (index * 37 + 11) as u8).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)), Ok(bytes));
        }
    }
}
