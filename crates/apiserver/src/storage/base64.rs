//! Standard base64 (RFC 4648, with padding), as Go's `encoding/base64.StdEncoding`
//! uses for Secret `data` values. Hand-written: 40 lines cost less wasm than a crate.
//!
//! Worked example: `encode(b"s3cr3t") == "czNjcjN0"` and `decode("czNjcjN0") == Ok(b"s3cr3t")`;
//! `decode("czN!")` fails with `illegal base64 data at input byte 3` (Go's text).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encode bytes.
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let triple = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let bits =
            (u32::from(triple[0]) << 16) | (u32::from(triple[1]) << 8) | u32::from(triple[2]);
        for index in 0..4 {
            if index <= chunk.len() {
                text.push(char::from(
                    ALPHABET[((bits >> (18 - 6 * index)) & 63) as usize],
                ));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// Decode text; the error is Go's `illegal base64 data at input byte N`.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let illegal = |position: usize| format!("illegal base64 data at input byte {position}");
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (chunk_index, chunk) in bytes.chunks(4).enumerate() {
        let mut bits: u32 = 0;
        let mut padding = 0;
        for (offset, byte) in chunk.iter().enumerate() {
            let position = chunk_index * 4 + offset;
            let value = match byte {
                b'=' if offset >= 2 && position + 4 - offset >= bytes.len() => {
                    padding += 1;
                    0
                }
                _ if padding > 0 => return Err(illegal(position)),
                _ => match ALPHABET.iter().position(|symbol| symbol == byte) {
                    Some(value) => value as u32,
                    None => return Err(illegal(position)),
                },
            };
            bits = (bits << 6) | value;
        }
        if chunk.len() < 4 {
            // Go reports the offset where the incomplete quantum starts.
            return Err(illegal(chunk_index * 4));
        }
        let decoded = [(bits >> 16) as u8, (bits >> 8) as u8, bits as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips_every_padding_length() {
        for text in ["", "s", "s3", "s3c", "s3cr3t", "s3cr3t!"] {
            assert_eq!(
                decode(&encode(text.as_bytes())),
                Ok(text.as_bytes().to_vec())
            );
        }
        assert_eq!(encode(b"s3cr3t"), "czNjcjN0");
    }

    #[test]
    fn illegal_characters_are_reported_at_their_offset() {
        assert_eq!(
            decode("czN!"),
            Err("illegal base64 data at input byte 3".to_string())
        );
        assert_eq!(
            decode("abc"),
            Err("illegal base64 data at input byte 0".to_string())
        );
        assert_eq!(
            decode("not*base64"),
            Err("illegal base64 data at input byte 3".to_string())
        );
        assert_eq!(
            decode("abcdef"),
            Err("illegal base64 data at input byte 4".to_string())
        );
    }
}
