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
//! Every way a link can be wrong is a [`LinkError`] with a message for the
//! user; none of them panics, and a failed load never replaces anything.

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

use crate::playground::{Playground, PlaygroundError};
use crate::scenario::{Scenario, SCENARIO_FORMAT_VERSION};

/// The longest fragment accepted (browsers keep far longer URLs, but a
/// link this long is not something a person shares).
pub const MAX_FRAGMENT_CHARS: usize = 200_000;
/// The largest scenario JSON a link may inflate to (guards against
/// compression bombs).
pub const MAX_SCENARIO_JSON_BYTES: usize = 4 * 1024 * 1024;
/// The prefix of a scenario fragment.
pub const FRAGMENT_PREFIX: &str = "s=";
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
    #[error("this link's scenario is not valid: {reason}")]
    InvalidJson { reason: String },
    #[error("this link was made by a newer version of the playground (format {found}; this page reads up to {supported}); reload to get the latest page")]
    FutureVersion { found: u32, supported: u32 },
    #[error("this link's scenario cannot be replayed: {reason}")]
    ReplayFailed { reason: String },
}

/// The fragment (without `#`) for a scenario.
pub fn encode_fragment(scenario: &Scenario) -> String {
    // Serialising plain data cannot fail; an empty object would be a bug.
    let json = serde_json::to_vec(scenario).unwrap_or_default();
    let compressed = compress_to_vec(&json, COMPRESSION_LEVEL);
    format!("{FRAGMENT_PREFIX}{}", base64url_encode(&compressed))
}

/// Reads a fragment (with or without its leading `#`).
pub fn decode_fragment(fragment: &str) -> Result<Scenario, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(LinkError::TooLarge { chars: fragment.len(), limit: MAX_FRAGMENT_CHARS });
    }
    let encoded = fragment.strip_prefix(FRAGMENT_PREFIX).ok_or(LinkError::NotAScenario)?;
    let compressed = base64url_decode(encoded)?;
    let json = decompress_to_vec_with_limit(&compressed, MAX_SCENARIO_JSON_BYTES)
        .map_err(|error| LinkError::CorruptCompression { reason: format!("{:?}", error.status) })?;
    // Check the version before the shape, so a newer format gets the right message.
    let value: serde_json::Value =
        serde_json::from_slice(&json).map_err(|error| LinkError::InvalidJson { reason: error.to_string() })?;
    let found = value.get("format_version").and_then(serde_json::Value::as_u64).unwrap_or(0);
    if found > u64::from(SCENARIO_FORMAT_VERSION) {
        return Err(LinkError::FutureVersion { found: u32::try_from(found).unwrap_or(u32::MAX), supported: SCENARIO_FORMAT_VERSION });
    }
    serde_json::from_value(value).map_err(|error| LinkError::InvalidJson { reason: error.to_string() })
}

/// Decodes and replays a link: the playground the author saw.
pub fn open_fragment(fragment: &str) -> Result<Playground, LinkError> {
    let scenario = decode_fragment(fragment)?;
    Playground::replay(&scenario).map_err(|error: PlaygroundError| LinkError::ReplayFailed { reason: error.to_string() })
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
