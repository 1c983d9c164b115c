//! Just enough HTTP/1.1 to talk to chromedriver on localhost: one request
//! per connection (`Connection: close`), JSON bodies.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::Result;

/// Sends `method path` with an optional JSON body and returns the status
/// code and the body.
pub fn request(port: u16, method: &str, path: &str, body: Option<&serde_json::Value>) -> Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|error| format!("connect to 127.0.0.1:{port}: {error}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(120))).map_err(|error| error.to_string())?;
    let payload = body.map(|body| body.to_string()).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        payload.len()
    );
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(payload.as_bytes())).map_err(|error| format!("send {method} {path}: {error}"))?;
    // chromedriver keeps the connection open despite `Connection: close`, so
    // read until the message is complete instead of until end of stream.
    let mut response = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        if let Ok(Some(length)) = complete_length(&response) {
            response.truncate(length);
            break;
        }
        let read = stream.read(&mut buffer).map_err(|error| format!("read reply to {method} {path}: {error}"))?;
        if read == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..read]);
    }
    parse_response(&response).map_err(|error| format!("{method} {path}: {error}"))
}

/// The length of the whole message if `response` holds all of it.
fn complete_length(response: &[u8]) -> Result<Option<usize>> {
    let Some(split) = response.windows(4).position(|window| window == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let body_start = split + 4;
    if let Some(length) = head.lines().find_map(|line| line.strip_prefix("content-length:")) {
        let length: usize = length.trim().parse().map_err(|_| format!("bad content-length {length:?}"))?;
        return Ok((response.len() >= body_start + length).then_some(body_start + length));
    }
    if head.lines().any(|line| line.starts_with("transfer-encoding:") && line.contains("chunked")) {
        return Ok(response.ends_with(b"0\r\n\r\n").then_some(response.len()));
    }
    Ok(None)
}

fn parse_response(response: &[u8]) -> Result<(u16, Vec<u8>)> {
    let split = response.windows(4).position(|window| window == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let body = &response[split + 4..];
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line: {head}"))?;
    let chunked = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    Ok((status, if chunked { dechunk(body)? } else { body.to_vec() }))
}

fn dechunk(mut body: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|window| window == b"\r\n").ok_or("truncated chunk size")?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size + 2 {
            return Err("truncated chunk".into());
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_body_is_reassembled() {
        let response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n";
        assert_eq!(parse_response(response), Ok((200, b"Wikipedia".to_vec())));
    }

    #[test]
    fn a_message_is_complete_once_its_content_length_has_arrived() {
        assert_eq!(complete_length(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nn"), Ok(None));
        assert_eq!(complete_length(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno"), Ok(Some(40)));
    }

    #[test]
    fn a_plain_body_is_returned_with_its_status() {
        let response = b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno";
        assert_eq!(parse_response(response), Ok((404, b"no".to_vec())));
    }
}
