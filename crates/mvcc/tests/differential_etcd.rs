#![cfg(not(target_arch = "wasm32"))]
//! Differential test: the same random operations against a real etcd 3.4 (through its JSON
//! gateway) and against `mvcc::Store`, comparing every field of every response.
//!
//! How it stays fast and independent: one etcd process for the whole run (data dir on tmpfs when
//! there is one). Sequence `i` works only under its own key prefix `sNNNNNN/`, which sorts after
//! every earlier sequence's keys, and starts with one put of a marker key outside all prefixes,
//! so that its first revision is above any earlier compaction. A fresh `Store` at revision 1 then
//! stands for etcd's revision `base` (the marker's); every revision is translated both ways
//! (`etcd = store + base - 1`, 0 stays 0).
//!
//! Watches: the flattened event lists are compared (etcd may group replayed or lagging events
//! differently, which the API allows), plus the `created` header and compaction cancellations.
//! The last operation of every sequence is a txn that writes each watched key once, so every
//! watch is known to be complete when its last event arrives.
//!
//! A mismatch prints the seed, the operation and the command that replays only that sequence:
//! `DIFF_SEED=<seed> cargo test -p mvcc --test differential_etcd`. `DIFF_SEQUENCES=<n>` changes
//! how many sequences run (default 500).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mvcc::*;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde_json::{json, Value};

const DEFAULT_SEQUENCES: u64 = 500;

// ----- etcd process ------------------------------------------------------------------------

fn find_etcd() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("ETCD_BIN") {
        return Some(PathBuf::from(path));
    }
    let mut candidates = vec![
        PathBuf::from("/usr/bin/etcd"),
        PathBuf::from("/usr/local/bin/etcd"),
    ];
    if let Some(paths) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&paths).map(|directory| directory.join("etcd")));
    }
    candidates.into_iter().find(|candidate| candidate.is_file())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

/// A real etcd on 127.0.0.1 with a temporary data dir; killed and cleaned up on drop (also when a
/// comparison panics).
struct EtcdProcess {
    /// The watchdog shell.
    child: Child,
    etcd_pid: Option<u32>,
    data_dir: PathBuf,
    client_port: u16,
}

impl EtcdProcess {
    fn start(binary: &Path) -> EtcdProcess {
        let temp_root = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        for _attempt in 0..5 {
            let client_port = free_port();
            let peer_port = free_port();
            let data_dir = temp_root.join(format!(
                "mvcc-differential-{}-{client_port}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&data_dir);
            let client_url = format!("http://127.0.0.1:{client_port}");
            let peer_url = format!("http://127.0.0.1:{peer_port}");
            // etcd runs under a small shell watchdog that stops it when this test process is gone
            // (even if it is killed and no destructor runs) and removes the data dir; it prints etcd's pid first.
            let watchdog = "\"$0\" \"$@\" & etcd=$!; echo $etcd; \
                while kill -0 \"$TEST_PROCESS\" 2>/dev/null && kill -0 $etcd 2>/dev/null; do sleep 0.5; done; \
                kill $etcd 2>/dev/null; wait $etcd; rm -rf \"$DATA_DIR\"";
            let mut child = Command::new("sh")
                .args(["-c", watchdog])
                .arg(binary)
                .env("TEST_PROCESS", std::process::id().to_string())
                .env("DATA_DIR", &data_dir)
                .args(["--name", "differential", "--data-dir"])
                .arg(&data_dir)
                .args([
                    "--listen-client-urls",
                    &client_url,
                    "--advertise-client-urls",
                    &client_url,
                ])
                .args([
                    "--listen-peer-urls",
                    &peer_url,
                    "--initial-advertise-peer-urls",
                    &peer_url,
                ])
                .args(["--initial-cluster", &format!("differential={peer_url}")])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|error| panic!("could not start {}: {error}", binary.display()));
            let mut first_line = String::new();
            if let Some(stdout) = child.stdout.take() {
                let _ = BufReader::new(stdout).read_line(&mut first_line);
            }
            let etcd_pid = first_line.trim().parse().ok();
            let mut process = EtcdProcess {
                child,
                etcd_pid,
                data_dir,
                client_port,
            };
            if process.wait_until_ready(Duration::from_secs(20)) {
                return process;
            }
            // Port taken between probing and binding, or a slow start: try again on new ports.
            drop(process);
        }
        panic!("etcd did not become ready on 127.0.0.1 after 5 attempts");
    }

    fn wait_until_ready(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if let Ok(mut client) = HttpClient::connect(self.client_port) {
                if let Ok((200, _)) = client.post(
                    "/v3/kv/range",
                    &json!({"key": base64_encode(b"ready?")}).to_string(),
                ) {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for EtcdProcess {
    fn drop(&mut self) {
        if let Some(pid) = self.etcd_pid {
            let _ = Command::new("kill")
                .arg(pid.to_string())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

// ----- a tiny HTTP/1.1 client ----------------------------------------------------------------

struct HttpClient {
    port: u16,
    reader: BufReader<TcpStream>,
}

impl HttpClient {
    fn connect(port: u16) -> std::io::Result<HttpClient> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.set_nodelay(true)?;
        Ok(HttpClient {
            port,
            reader: BufReader::new(stream),
        })
    }

    fn send(stream: &mut TcpStream, path: &str, body: &str) -> std::io::Result<()> {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes())
    }

    /// Status line and headers: (status, content length, chunked).
    fn read_head(reader: &mut BufReader<TcpStream>) -> std::io::Result<(u16, Option<usize>, bool)> {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if line.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let mut content_length = None;
        let mut chunked = false;
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let lower = header.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                content_length = value.trim().parse().ok();
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        Ok((status, content_length, chunked))
    }

    fn post_once(&mut self, path: &str, body: &str) -> std::io::Result<(u16, Value)> {
        Self::send(self.reader.get_mut(), path, body)?;
        let (status, content_length, chunked) = Self::read_head(&mut self.reader)?;
        let mut payload = Vec::new();
        if chunked {
            while let Some(chunk) = read_chunk(&mut self.reader)? {
                payload.extend(chunk);
            }
        } else {
            payload.resize(content_length.unwrap_or(0), 0);
            self.reader.read_exact(&mut payload)?;
        }
        let value = serde_json::from_slice(&payload).unwrap_or(Value::Null);
        Ok((status, value))
    }

    /// POST with keep-alive; reconnects once if the server closed the connection.
    fn post(&mut self, path: &str, body: &str) -> std::io::Result<(u16, Value)> {
        match self.post_once(path, body) {
            Ok(result) => Ok(result),
            Err(_) => {
                *self = HttpClient::connect(self.port)?;
                self.post_once(path, body)
            }
        }
    }
}

fn read_chunk(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let size = usize::from_str_radix(line.trim(), 16).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("bad chunk size {line:?}"),
        )
    })?;
    if size == 0 {
        // Trailers (etcd's gateway sends one after an error), then an empty line.
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            if line.trim_end().is_empty() {
                return Ok(None);
            }
        }
    }
    let mut chunk = vec![0; size + 2];
    reader.read_exact(&mut chunk)?;
    chunk.truncate(size);
    Ok(Some(chunk))
}

/// One etcd watch stream (`POST /v3/watch`, newline-delimited JSON in a chunked response).
struct EtcdWatch {
    reader: BufReader<TcpStream>,
    buffer: Vec<u8>,
}

impl EtcdWatch {
    fn open(port: u16, create: &Value) -> EtcdWatch {
        let mut stream =
            TcpStream::connect(("127.0.0.1", port)).expect("connect to etcd for a watch");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("set a read timeout");
        HttpClient::send(&mut stream, "/v3/watch", &create.to_string())
            .expect("send the watch request");
        let mut reader = BufReader::new(stream);
        let (status, _, _) =
            HttpClient::read_head(&mut reader).expect("read the watch response head");
        assert_eq!(status, 200, "etcd refused the watch");
        EtcdWatch {
            reader,
            buffer: Vec::new(),
        }
    }

    /// The next message's `result`, or None on timeout or end of stream.
    fn next(&mut self) -> Option<Value> {
        loop {
            if let Some(newline) = self.buffer.iter().position(|byte| *byte == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=newline).collect();
                let value: Value = serde_json::from_slice(&line).ok()?;
                return Some(value.get("result").cloned().unwrap_or(value));
            }
            match read_chunk(&mut self.reader) {
                Ok(Some(chunk)) => self.buffer.extend(chunk),
                _ => return None,
            }
        }
    }
}

// ----- base64 ----------------------------------------------------------------------------------

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(BASE64[(n >> 18) as usize & 63] as char);
        out.push(BASE64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            BASE64[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            BASE64[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut accumulator = 0u32;
    let mut bits = 0;
    for byte in text.bytes() {
        let Some(value) = BASE64.iter().position(|candidate| *candidate == byte) else {
            continue;
        };
        accumulator = (accumulator << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((accumulator >> bits) as u8);
        }
    }
    out
}

// ----- revision translation and JSON <-> mvcc types ------------------------------------------

/// Store revision r stands for etcd revision r + base - 1; 0 means "none"/"latest" on both sides.
#[derive(Clone, Copy)]
struct Translate {
    base: i64,
}

impl Translate {
    fn to_etcd(self, revision: i64) -> i64 {
        if revision >= 1 {
            revision + self.base - 1
        } else {
            revision
        }
    }
    fn to_store(self, revision: i64) -> i64 {
        if revision == 0 {
            0
        } else {
            revision - self.base + 1
        }
    }
}

fn int(value: &Value, field: &str) -> i64 {
    match value.get(field) {
        Some(Value::String(text)) => text.parse().unwrap_or(0),
        Some(Value::Number(number)) => number.as_i64().unwrap_or(0),
        _ => 0,
    }
}

fn flag(value: &Value, field: &str) -> bool {
    value.get(field).and_then(Value::as_bool).unwrap_or(false)
}

fn bytes(value: &Value, field: &str) -> Vec<u8> {
    value
        .get(field)
        .and_then(Value::as_str)
        .map(base64_decode)
        .unwrap_or_default()
}

fn header_from(value: &Value, t: Translate) -> ResponseHeader {
    ResponseHeader {
        revision: t.to_store(
            value
                .get("header")
                .map_or(0, |header| int(header, "revision")),
        ),
    }
}

fn kv_from(value: &Value, t: Translate) -> KeyValue {
    KeyValue {
        key: bytes(value, "key"),
        value: bytes(value, "value"),
        create_revision: t.to_store(int(value, "create_revision")),
        mod_revision: t.to_store(int(value, "mod_revision")),
        version: int(value, "version"),
        lease: int(value, "lease"),
    }
}

fn kvs_from(value: &Value, field: &str, t: Translate) -> Vec<KeyValue> {
    value
        .get(field)
        .and_then(Value::as_array)
        .map(|kvs| kvs.iter().map(|kv| kv_from(kv, t)).collect())
        .unwrap_or_default()
}

fn range_from(value: &Value, t: Translate) -> RangeResponse {
    RangeResponse {
        header: header_from(value, t),
        kvs: kvs_from(value, "kvs", t),
        more: flag(value, "more"),
        count: int(value, "count"),
    }
}

fn put_from(value: &Value, t: Translate) -> PutResponse {
    PutResponse {
        header: header_from(value, t),
        prev_kv: value.get("prev_kv").map(|kv| kv_from(kv, t)),
    }
}

fn delete_from(value: &Value, t: Translate) -> DeleteRangeResponse {
    DeleteRangeResponse {
        header: header_from(value, t),
        deleted: int(value, "deleted"),
        prev_kvs: kvs_from(value, "prev_kvs", t),
    }
}

fn txn_from(value: &Value, t: Translate) -> TxnResponse {
    let mut responses = Vec::new();
    for response in value
        .get("responses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        if let Some(inner) = response.get("response_range") {
            responses.push(ResponseOp::Range(range_from(inner, t)));
        } else if let Some(inner) = response.get("response_put") {
            responses.push(ResponseOp::Put(put_from(inner, t)));
        } else if let Some(inner) = response.get("response_delete_range") {
            responses.push(ResponseOp::DeleteRange(delete_from(inner, t)));
        } else if let Some(inner) = response.get("response_txn") {
            responses.push(ResponseOp::Txn(txn_from(inner, t)));
        } else {
            panic!("unknown txn response {response}");
        }
    }
    TxnResponse {
        header: header_from(value, t),
        succeeded: flag(value, "succeeded"),
        responses,
    }
}

fn event_from(value: &Value, t: Translate) -> Event {
    let kind = if value.get("type").and_then(Value::as_str) == Some("DELETE") {
        EventType::Delete
    } else {
        EventType::Put
    };
    Event {
        kind,
        kv: value.get("kv").map(|kv| kv_from(kv, t)).unwrap_or_default(),
        prev_kv: value.get("prev_kv").map(|kv| kv_from(kv, t)),
    }
}

fn sort_order_name(order: SortOrder) -> &'static str {
    match order {
        SortOrder::None => "NONE",
        SortOrder::Ascend => "ASCEND",
        SortOrder::Descend => "DESCEND",
    }
}

fn sort_target_name(target: SortTarget) -> &'static str {
    match target {
        SortTarget::Key => "KEY",
        SortTarget::Version => "VERSION",
        SortTarget::Create => "CREATE",
        SortTarget::Mod => "MOD",
        SortTarget::Value => "VALUE",
    }
}

fn with_range_end(mut object: Value, range_end: &[u8]) -> Value {
    if !range_end.is_empty() {
        object["range_end"] = json!(base64_encode(range_end));
    }
    object
}

fn range_json(request: &RangeRequest, t: Translate) -> Value {
    with_range_end(
        json!({
            "key": base64_encode(&request.key),
            "limit": request.limit.to_string(),
            "revision": t.to_etcd(request.revision).to_string(),
            "sort_order": sort_order_name(request.sort_order),
            "sort_target": sort_target_name(request.sort_target),
            "keys_only": request.keys_only,
            "count_only": request.count_only,
        }),
        &request.range_end,
    )
}

fn put_json(request: &PutRequest) -> Value {
    json!({"key": base64_encode(&request.key), "value": base64_encode(&request.value), "lease": request.lease.to_string(), "prev_kv": request.prev_kv})
}

fn delete_json(request: &DeleteRangeRequest) -> Value {
    with_range_end(
        json!({"key": base64_encode(&request.key), "prev_kv": request.prev_kv}),
        &request.range_end,
    )
}

fn txn_json(request: &TxnRequest, t: Translate) -> Value {
    let compares: Vec<Value> = request
        .compare
        .iter()
        .map(|compare| {
            let result = match compare.result {
                CompareResult::Equal => "EQUAL",
                CompareResult::Greater => "GREATER",
                CompareResult::Less => "LESS",
                CompareResult::NotEqual => "NOT_EQUAL",
            };
            let mut object = with_range_end(
                json!({"key": base64_encode(&compare.key), "result": result}),
                &compare.range_end,
            );
            match &compare.target {
                CompareTarget::Version(version) => {
                    object["target"] = json!("VERSION");
                    object["version"] = json!(version.to_string());
                }
                CompareTarget::CreateRevision(revision) => {
                    object["target"] = json!("CREATE");
                    object["create_revision"] = json!(t.to_etcd(*revision).to_string());
                }
                CompareTarget::ModRevision(revision) => {
                    object["target"] = json!("MOD");
                    object["mod_revision"] = json!(t.to_etcd(*revision).to_string());
                }
                CompareTarget::Value(value) => {
                    object["target"] = json!("VALUE");
                    object["value"] = json!(base64_encode(value));
                }
            }
            object
        })
        .collect();
    let ops = |ops: &[RequestOp]| -> Vec<Value> {
        ops.iter()
            .map(|op| match op {
                RequestOp::Range(request) => json!({"request_range": range_json(request, t)}),
                RequestOp::Put(request) => json!({"request_put": put_json(request)}),
                RequestOp::DeleteRange(request) => {
                    json!({"request_delete_range": delete_json(request)})
                }
                RequestOp::Txn(request) => json!({"request_txn": txn_json(request, t)}),
            })
            .collect()
    };
    json!({"compare": compares, "success": ops(&request.success), "failure": ops(&request.failure)})
}

fn watch_json(request: &WatchRequest, t: Translate) -> Value {
    json!({"create_request": with_range_end(json!({
        "key": base64_encode(&request.key),
        "start_revision": t.to_etcd(request.start_revision).to_string(),
        "prev_kv": request.prev_kv,
    }), &request.range_end)})
}

// ----- operations ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Operation {
    Range(RangeRequest),
    Put(PutRequest),
    DeleteRange(DeleteRangeRequest),
    Txn(TxnRequest),
    Compaction(CompactionRequest),
    Watch(WatchRequest),
    LeaseGrant(LeaseGrantRequest),
    LeaseRevoke(LeaseRevokeRequest),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Range(RangeResponse),
    Put(PutResponse),
    DeleteRange(DeleteRangeResponse),
    Txn(TxnResponse),
    Compaction(CompactionResponse),
    LeaseGrant(LeaseGrantResponse),
    LeaseRevoke(LeaseRevokeResponse),
}

fn below(rng: &mut ChaCha8Rng, bound: u64) -> u64 {
    rng.next_u64() % bound
}

fn chance(rng: &mut ChaCha8Rng, percent: u64) -> bool {
    below(rng, 100) < percent
}

struct Generator {
    rng: ChaCha8Rng,
    prefix: Vec<u8>,
    key_names: Vec<&'static str>,
    /// Lease ids are unique across the whole run (etcd's leases are global): seed * 1000 + n.
    first_lease_id: i64,
    leases_granted: i64,
}

impl Generator {
    fn key(&mut self) -> Vec<u8> {
        let name = self.key_names[below(&mut self.rng, self.key_names.len() as u64) as usize];
        [self.prefix.as_slice(), name.as_bytes()].concat()
    }

    fn value(&mut self) -> Vec<u8> {
        const VALUES: [&str; 6] = ["", "x", "y", "value", "b", "xx"];
        if chance(&mut self.rng, 20) {
            let length = below(&mut self.rng, 8) + 1;
            (0..length)
                .map(|_| b'a' + below(&mut self.rng, 26) as u8)
                .collect()
        } else {
            VALUES[below(&mut self.rng, VALUES.len() as u64) as usize]
                .as_bytes()
                .to_vec()
        }
    }

    /// (key, range_end) inside this sequence's prefix: single key, prefix, explicit range (sometimes
    /// inverted or empty), or from-key. `forward_only` excludes inverted and empty ranges.
    fn key_range(&mut self, forward_only: bool) -> (Vec<u8>, Vec<u8>) {
        if self.key_names.len() > 12 && chance(&mut self.rng, 30) {
            // Large sequences read everything often: sorted ranges of more than 12 keys.
            return (self.prefix.clone(), mvcc::prefix_end(&self.prefix));
        }
        match below(&mut self.rng, 10) {
            0..=3 => (self.key(), Vec::new()),
            4 | 5 => {
                let prefix = if chance(&mut self.rng, 50) {
                    self.prefix.clone()
                } else {
                    [self.prefix.as_slice(), b"a/"].concat()
                };
                let end = mvcc::prefix_end(&prefix);
                (prefix, end)
            }
            6..=8 => {
                let (first, second) = (self.key(), self.key());
                if forward_only {
                    if first < second {
                        (first, second)
                    } else if second < first {
                        (second, first)
                    } else {
                        (first, Vec::new())
                    }
                } else {
                    (first, second)
                }
            }
            _ => (self.key(), vec![0]),
        }
    }

    fn revision(&mut self, store: &Store) -> i64 {
        if chance(&mut self.rng, 55) {
            0
        } else {
            below(&mut self.rng, store.revision() as u64 + 2) as i64 + 1
        }
    }

    fn range(&mut self, store: &Store) -> RangeRequest {
        let (key, range_end) = self.key_range(false);
        let sort = below(&mut self.rng, 10);
        let sort_order = match sort {
            0..=5 => SortOrder::None,
            6 | 7 => SortOrder::Ascend,
            _ => SortOrder::Descend,
        };
        let targets = [
            SortTarget::Key,
            SortTarget::Version,
            SortTarget::Create,
            SortTarget::Mod,
            SortTarget::Value,
        ];
        let sort_target = if sort <= 4 {
            SortTarget::Key
        } else {
            targets[below(&mut self.rng, 5) as usize]
        };
        RangeRequest {
            key: if chance(&mut self.rng, 2) {
                Vec::new()
            } else {
                key
            },
            range_end,
            limit: if chance(&mut self.rng, 70) {
                0
            } else {
                below(&mut self.rng, 4) as i64 + 1
            },
            revision: self.revision(store),
            sort_order,
            sort_target,
            keys_only: chance(&mut self.rng, 15),
            count_only: chance(&mut self.rng, 10),
        }
    }

    /// 0 mostly; else a lease of this sequence (maybe revoked) or one that never existed.
    fn lease(&mut self) -> i64 {
        if chance(&mut self.rng, 80) {
            0
        } else if self.leases_granted > 0 && chance(&mut self.rng, 85) {
            self.first_lease_id + below(&mut self.rng, self.leases_granted as u64) as i64
        } else {
            self.first_lease_id + 999
        }
    }

    fn put(&mut self) -> PutRequest {
        PutRequest {
            key: if chance(&mut self.rng, 2) {
                Vec::new()
            } else {
                self.key()
            },
            value: self.value(),
            lease: self.lease(),
            prev_kv: chance(&mut self.rng, 50),
        }
    }

    fn delete(&mut self) -> DeleteRangeRequest {
        let (key, range_end) = self.key_range(false);
        DeleteRangeRequest {
            key,
            range_end,
            prev_kv: chance(&mut self.rng, 50),
        }
    }

    fn compare(&mut self, store: &Store) -> Compare {
        let (key, range_end) = if chance(&mut self.rng, 75) {
            (self.key(), Vec::new())
        } else {
            self.key_range(false)
        };
        let results = [
            CompareResult::Equal,
            CompareResult::Greater,
            CompareResult::Less,
            CompareResult::NotEqual,
        ];
        let result = results[below(&mut self.rng, 4) as usize];
        let revision = if chance(&mut self.rng, 30) {
            0
        } else {
            below(&mut self.rng, store.revision() as u64 + 1) as i64 + 1
        };
        let target = match below(&mut self.rng, 4) {
            0 => CompareTarget::Version(below(&mut self.rng, 4) as i64),
            1 => CompareTarget::CreateRevision(revision),
            2 => CompareTarget::ModRevision(revision),
            _ => CompareTarget::Value(self.value()),
        };
        Compare {
            key,
            range_end,
            result,
            target,
        }
    }

    fn request_op(&mut self, store: &Store, depth: u32) -> RequestOp {
        match below(&mut self.rng, 10) {
            0..=2 => {
                let mut range = self.range(store);
                if range.key.is_empty() {
                    range.key = self.key();
                }
                // Negative or zero revisions are not generated inside txns (see the module docs).
                RequestOp::Range(range)
            }
            3..=6 => {
                let mut put = self.put();
                if put.key.is_empty() && chance(&mut self.rng, 70) {
                    put.key = self.key();
                }
                RequestOp::Put(put)
            }
            7 | 8 => RequestOp::DeleteRange(self.delete()),
            _ if depth == 0 => RequestOp::Txn(self.txn(store, depth + 1)),
            _ => RequestOp::Put(PutRequest {
                key: self.key(),
                value: self.value(),
                ..Default::default()
            }),
        }
    }

    fn txn(&mut self, store: &Store, depth: u32) -> TxnRequest {
        let compares = below(&mut self.rng, 4);
        let successes = below(&mut self.rng, 4);
        let failures = below(&mut self.rng, 3);
        TxnRequest {
            compare: (0..compares).map(|_| self.compare(store)).collect(),
            success: (0..successes)
                .map(|_| self.request_op(store, depth))
                .collect(),
            failure: (0..failures)
                .map(|_| self.request_op(store, depth))
                .collect(),
        }
    }

    fn operation(
        &mut self,
        store: &Store,
        compaction_allowed: bool,
        watches_left: bool,
    ) -> Operation {
        match below(&mut self.rng, 100) {
            0..=21 => Operation::Range(self.range(store)),
            22..=51 => Operation::Put(self.put()),
            52..=62 => Operation::DeleteRange(self.delete()),
            63..=83 => Operation::Txn(self.txn(store, 0)),
            84..=89 if compaction_allowed => Operation::Compaction(CompactionRequest {
                revision: below(&mut self.rng, store.revision() as u64 + 1) as i64 + 1,
                physical: true,
            }),
            90..=92 => {
                let id = self.first_lease_id + self.leases_granted;
                self.leases_granted += 1;
                Operation::LeaseGrant(LeaseGrantRequest {
                    id,
                    ttl_seconds: 3600,
                })
            }
            93 | 94 => {
                let id = if self.leases_granted > 0 && chance(&mut self.rng, 80) {
                    self.first_lease_id + below(&mut self.rng, self.leases_granted as u64) as i64
                } else {
                    self.first_lease_id + 999
                };
                Operation::LeaseRevoke(LeaseRevokeRequest { id })
            }
            95..=99 if watches_left => {
                let (key, range_end) = self.key_range(true);
                let start_revision = if chance(&mut self.rng, 40) {
                    0
                } else {
                    below(&mut self.rng, store.revision() as u64) as i64 + 1
                };
                Operation::Watch(WatchRequest {
                    key,
                    range_end,
                    start_revision,
                    prev_kv: chance(&mut self.rng, 50),
                })
            }
            _ => Operation::Put(self.put()),
        }
    }
}

// ----- running one sequence --------------------------------------------------------------------

/// What the run covered, printed at the end so that a reader can see the comparison is not empty.
#[derive(Default, Debug)]
struct Coverage {
    operations: u64,
    errors: u64,
    txns_succeeded: u64,
    txns_failed: u64,
    sorted_ranges_over_twelve_keys: u64,
    compactions: u64,
    watches: u64,
    watch_events: u64,
}

impl Coverage {
    fn record(&mut self, answer: &Result<Answer, String>) {
        self.operations += 1;
        match answer {
            Err(_) => self.errors += 1,
            Ok(Answer::Txn(txn)) if txn.succeeded => self.txns_succeeded += 1,
            Ok(Answer::Txn(_)) => self.txns_failed += 1,
            Ok(Answer::Compaction(_)) => self.compactions += 1,
            _ => {}
        }
    }
}

struct OpenWatch {
    request: WatchRequest,
    id: WatchId,
    etcd: EtcdWatch,
    /// Set when the store cancelled the watch at creation because its start is compacted.
    canceled: Option<WatchResponse>,
}

/// A watch whose events are compared later: etcd replays history to a new watch only every
/// 100 ms, so the test checks watches in batches instead of waiting for each one.
struct PendingWatchCheck {
    seed: u64,
    log: String,
    request: WatchRequest,
    etcd: EtcdWatch,
    translate: Translate,
    expected: Expected,
}

enum Expected {
    /// The flattened events, the last of which is at `final_revision`.
    Events {
        events: Vec<Event>,
        final_revision: i64,
    },
    Canceled {
        compact_revision: i64,
    },
}

impl PendingWatchCheck {
    fn fail(&self, what: String) -> ! {
        panic!(
            "\nDIFFERENTIAL MISMATCH (seed {seed})\nwatch {request:?}\n{what}\n\noperations of this sequence:\n{log}\n\nreproduce with: DIFF_SEED={seed} cargo test -p mvcc --test differential_etcd\n",
            seed = self.seed,
            request = self.request,
            log = self.log,
        )
    }

    fn verify(mut self) {
        let t = self.translate;
        match &self.expected {
            Expected::Canceled { compact_revision } => {
                let compact_revision = *compact_revision;
                let Some(message) = self.etcd.next() else {
                    self.fail("etcd never cancelled it".to_string())
                };
                let etcd_view = (
                    flag(&message, "canceled"),
                    t.to_store(int(&message, "compact_revision")),
                );
                if etcd_view != (true, compact_revision) {
                    self.fail(format!("mvcc cancelled it with compact revision {compact_revision}; etcd sent {message}"));
                }
            }
            Expected::Events {
                events,
                final_revision,
            } => {
                let (events, final_revision) = (events.clone(), *final_revision);
                let mut etcd_events: Vec<Event> = Vec::new();
                while !etcd_events
                    .iter()
                    .any(|event| event.kv.mod_revision == final_revision)
                {
                    let Some(message) = self.etcd.next() else {
                        self.fail(format!("etcd stopped before the final write\n  mvcc events: {events:#?}\n  etcd events so far: {etcd_events:#?}"))
                    };
                    if flag(&message, "canceled") {
                        self.fail(format!(
                            "etcd cancelled it: {message}\n  mvcc events: {events:#?}"
                        ));
                    }
                    for event in message
                        .get("events")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default()
                    {
                        etcd_events.push(event_from(&event, t));
                    }
                }
                // Events of later sequences (a from-key watch sees them) come after the final write.
                if let Some(last) = etcd_events
                    .iter()
                    .rposition(|event| event.kv.mod_revision == final_revision)
                {
                    etcd_events.truncate(last + 1);
                }
                if events != etcd_events {
                    self.fail(format!(
                        "different events\n  mvcc: {events:#?}\n  etcd: {etcd_events:#?}"
                    ));
                }
            }
        }
    }
}

struct Sequence<'a> {
    seed: u64,
    coverage: &'a mut Coverage,
    http: &'a mut HttpClient,
    port: u16,
    store: Store,
    translate: Translate,
    log: Vec<String>,
    watches: Vec<OpenWatch>,
    /// Store watch responses drained so far.
    store_watch_responses: Vec<WatchResponse>,
}

impl Sequence<'_> {
    fn fail(&self, what: String) -> ! {
        panic!(
            "\nDIFFERENTIAL MISMATCH (seed {seed})\n{what}\n\noperations of this sequence so far:\n{log}\n\nreproduce with: DIFF_SEED={seed} cargo test -p mvcc --test differential_etcd\n",
            seed = self.seed,
            log = self.log.join("\n"),
        )
    }

    fn etcd_call(&mut self, path: &str, body: Value) -> Result<Value, String> {
        let (status, value) = match self.http.post(path, &body.to_string()) {
            Ok(answer) => answer,
            Err(error) => self.fail(format!("HTTP error talking to etcd: {error}")),
        };
        if status == 200 {
            Ok(value)
        } else {
            match value
                .get("message")
                .or_else(|| value.get("error"))
                .and_then(Value::as_str)
            {
                Some(message) => Err(message.to_string()),
                None => Err(format!("HTTP {status}: {value}")),
            }
        }
    }

    fn run(&mut self, operation: Operation) {
        self.log.push(format!("{operation:?}"));
        let t = self.translate;
        let (store_answer, etcd_answer): (Result<Answer, String>, Result<Answer, String>) = match &operation {
            Operation::Range(request) => (
                self.store.range(request).map(Answer::Range).map_err(|error| error.to_string()),
                self.etcd_call("/v3/kv/range", range_json(request, t)).map(|value| Answer::Range(range_from(&value, t))),
            ),
            Operation::Put(request) => (
                self.store.put(request.clone()).map(Answer::Put).map_err(|error| error.to_string()),
                self.etcd_call("/v3/kv/put", put_json(request)).map(|value| Answer::Put(put_from(&value, t))),
            ),
            Operation::DeleteRange(request) => (
                self.store.delete_range(request.clone()).map(Answer::DeleteRange).map_err(|error| error.to_string()),
                self.etcd_call("/v3/kv/deleterange", delete_json(request)).map(|value| Answer::DeleteRange(delete_from(&value, t))),
            ),
            Operation::Txn(request) => (
                self.store.txn(request.clone()).map(Answer::Txn).map_err(|error| error.to_string()),
                self.etcd_call("/v3/kv/txn", txn_json(request, t)).map(|value| Answer::Txn(txn_from(&value, t))),
            ),
            Operation::Compaction(request) => (
                self.store.compact(*request).map(Answer::Compaction).map_err(|error| error.to_string()),
                self.etcd_call(
                    "/v3/kv/compaction",
                    json!({"revision": t.to_etcd(request.revision).to_string(), "physical": request.physical}),
                )
                .map(|value| Answer::Compaction(CompactionResponse { header: header_from(&value, t) })),
            ),
            Operation::LeaseGrant(request) => (
                self.store.lease_grant(*request).map(Answer::LeaseGrant).map_err(|error| error.to_string()),
                self.etcd_call("/v3/lease/grant", json!({"ID": request.id.to_string(), "TTL": request.ttl_seconds.to_string()})).map(
                    |value| Answer::LeaseGrant(LeaseGrantResponse { header: header_from(&value, t), id: int(&value, "ID"), ttl_seconds: int(&value, "TTL") }),
                ),
            ),
            Operation::LeaseRevoke(request) => (
                self.store.lease_revoke(*request).map(Answer::LeaseRevoke).map_err(|error| error.to_string()),
                self.etcd_call("/v3/kv/lease/revoke", json!({"ID": request.id.to_string()}))
                    .map(|value| Answer::LeaseRevoke(LeaseRevokeResponse { header: header_from(&value, t) })),
            ),
            Operation::Watch(request) => {
                self.open_watch(request.clone());
                return self.after_step();
            }
        };
        if store_answer != etcd_answer {
            self.fail(format!(
                "operation: {operation:?}\n  mvcc: {store_answer:?}\n  etcd: {etcd_answer:?}"
            ));
        }
        self.coverage.record(&store_answer);
        if let (Operation::Range(request), Ok(Answer::Range(response))) =
            (&operation, &store_answer)
        {
            if (request.sort_order != SortOrder::None || request.sort_target != SortTarget::Key)
                && response.kvs.len() > 12
            {
                self.coverage.sorted_ranges_over_twelve_keys += 1;
            }
        }
        self.after_step();
    }

    fn after_step(&mut self) {
        if let Err(violation) = self.store.check_invariants() {
            self.fail(format!("store invariant broken: {violation}"));
        }
        let responses = self.store.take_watch_responses();
        self.store_watch_responses.extend(responses);
    }

    /// Creates the watch on both sides and compares the `created` responses (etcd sends that
    /// one at once, with the current revision in its header).
    fn open_watch(&mut self, request: WatchRequest) {
        let t = self.translate;
        let id = self.store.watch(request.clone());
        let responses = self.store.take_watch_responses();
        let mut etcd = EtcdWatch::open(self.port, &watch_json(&request, t));
        let Some(created) = etcd.next() else {
            self.fail(format!("etcd sent no created response for {request:?}"))
        };
        let etcd_created_revision = t.to_store(
            created
                .get("header")
                .map_or(0, |header| int(header, "revision")),
        );
        let store_created = responses.first().cloned();
        match &store_created {
            Some(response) if response.created && response.header.revision == etcd_created_revision && flag(&created, "created") => {}
            _ => self.fail(format!("watch {request:?} created differently:\n  mvcc: {store_created:?}\n  etcd: {created}")),
        }
        let canceled = responses.iter().find(|response| response.canceled).cloned();
        self.store_watch_responses.extend(responses);
        self.coverage.watches += 1;
        self.watches.push(OpenWatch {
            request,
            id,
            etcd,
            canceled,
        });
    }

    /// Writes every watched key once (so each watch ends with a known event), and hands the
    /// watches over for checking.
    fn finish_watches(&mut self) -> Vec<PendingWatchCheck> {
        let mut keys: Vec<Vec<u8>> = self
            .watches
            .iter()
            .filter(|watch| watch.canceled.is_none())
            .map(|watch| watch.request.key.clone())
            .collect();
        keys.sort();
        keys.dedup();
        if !keys.is_empty() {
            let final_txn = TxnRequest {
                compare: Vec::new(),
                success: keys
                    .into_iter()
                    .map(|key| {
                        RequestOp::Put(PutRequest {
                            key,
                            value: b"end".to_vec(),
                            ..Default::default()
                        })
                    })
                    .collect(),
                failure: Vec::new(),
            };
            self.run(Operation::Txn(final_txn));
        }
        let final_revision = self.store.revision();
        let log = self.log.join("\n");
        let mut checks = Vec::new();
        for watch in std::mem::take(&mut self.watches) {
            let events_expected = self
                .store_watch_responses
                .iter()
                .filter(|response| response.watch_id == watch.id)
                .map(|response| response.events.len() as u64)
                .sum::<u64>();
            self.coverage.watch_events += events_expected;
            let expected = match &watch.canceled {
                Some(canceled) => Expected::Canceled {
                    compact_revision: canceled.compact_revision,
                },
                None => Expected::Events {
                    events: self
                        .store_watch_responses
                        .iter()
                        .filter(|response| response.watch_id == watch.id)
                        .flat_map(|response| response.events.iter().cloned())
                        .collect(),
                    final_revision,
                },
            };
            checks.push(PendingWatchCheck {
                seed: self.seed,
                log: log.clone(),
                request: watch.request,
                etcd: watch.etcd,
                translate: self.translate,
                expected,
            });
        }
        checks
    }
}

/// Runs one sequence; its watches are appended to `pending` for checking later. Checks still
/// pending are done before the sequence's first compaction, because a compaction is global in
/// etcd and would cancel another sequence's watch that etcd has not synced yet.
fn run_sequence(
    seed: u64,
    http: &mut HttpClient,
    port: u16,
    pending: &mut Vec<PendingWatchCheck>,
    coverage: &mut Coverage,
) {
    // Start above every earlier compaction with a write outside all sequence prefixes.
    let (status, marker) = http
        .post(
            "/v3/kv/put",
            &json!({"key": base64_encode(b"\x01marker"), "value": base64_encode(b"x")}).to_string(),
        )
        .expect("put the sequence marker");
    assert_eq!(status, 200, "marker put failed: {marker}");
    let base = int(marker.get("header").expect("marker header"), "revision");
    let prefix = format!("s{seed:06}/").into_bytes();
    const SMALL: [&str; 10] = ["a", "b", "c", "d", "a/1", "a/2", "b/1", "c/1/x", "e", "f"];
    const LARGE: [&str; 20] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "a/1", "a/2", "a/3", "a/4", "a/5", "a/6",
        "a/7", "a/8", "b/1", "c/1/x",
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let large = chance(&mut rng, 25);
    let key_names: Vec<&'static str> = if large {
        LARGE.to_vec()
    } else {
        SMALL.to_vec()
    };
    let mut generator = Generator {
        rng,
        prefix,
        key_names,
        first_lease_id: seed as i64 * 1000 + 1,
        leases_granted: 0,
    };
    let mut sequence = Sequence {
        seed,
        coverage,
        http,
        port,
        store: Store::new(),
        translate: Translate { base },
        log: Vec::new(),
        watches: Vec::new(),
        store_watch_responses: Vec::new(),
    };
    let steps = below(&mut generator.rng, 26) + 5;
    // A quarter of the sequences compact (each check of pending watches costs up to 100 ms).
    let mut compaction_allowed = chance(&mut generator.rng, 25);
    if large {
        // Fill all twenty keys at once, so that sorted ranges of more than 12 keys (where Go's
        // unstable sort stops being an insertion sort) happen, with many ties.
        let names = generator.key_names.clone();
        let success = names
            .iter()
            .map(|name| {
                let value = generator.value();
                RequestOp::Put(PutRequest {
                    key: [generator.prefix.as_slice(), name.as_bytes()].concat(),
                    value,
                    ..Default::default()
                })
            })
            .collect();
        sequence.run(Operation::Txn(TxnRequest {
            compare: Vec::new(),
            success,
            failure: Vec::new(),
        }));
    }
    for _ in 0..steps {
        let operation = generator.operation(
            &sequence.store,
            compaction_allowed,
            sequence.watches.len() < 3,
        );
        if let Operation::Watch(request) = &operation {
            // A watch from a past revision stays unsynced inside etcd for up to 100 ms; a
            // compaction in that window would cancel it there but not here (the store replays at
            // once), so a sequence compacts no more once it has one.
            if request.start_revision != 0 && request.start_revision <= sequence.store.revision() {
                compaction_allowed = false;
            }
        }
        if matches!(operation, Operation::Compaction(_)) {
            pending.drain(..).for_each(PendingWatchCheck::verify);
        }
        sequence.run(operation);
    }
    pending.extend(sequence.finish_watches());
}

#[test]
fn random_operation_sequences_give_the_same_responses_as_a_real_etcd() {
    let Some(binary) = find_etcd() else {
        panic!(
            "etcd is not installed: this differential test needs a real etcd 3.4 (Debian's etcd-server). \
             Run scripts/setup (it installs etcd-server), or `apt-get install -y etcd-server`, then run the test again."
        );
    };
    let etcd = EtcdProcess::start(&binary);
    let mut http = HttpClient::connect(etcd.client_port).expect("connect to etcd");
    let seeds: Vec<u64> = match std::env::var("DIFF_SEED") {
        Ok(seed) => vec![seed.trim().parse().expect("DIFF_SEED must be a number")],
        Err(_) => {
            let count = std::env::var("DIFF_SEQUENCES")
                .ok()
                .and_then(|count| count.parse().ok())
                .unwrap_or(DEFAULT_SEQUENCES);
            (0..count).collect()
        }
    };
    let started = Instant::now();
    let mut pending: Vec<PendingWatchCheck> = Vec::new();
    let mut coverage = Coverage::default();
    for (index, seed) in seeds.iter().enumerate() {
        run_sequence(
            *seed,
            &mut http,
            etcd.client_port,
            &mut pending,
            &mut coverage,
        );
        if index % 20 == 19 {
            pending.drain(..).for_each(PendingWatchCheck::verify);
        }
    }
    pending.drain(..).for_each(PendingWatchCheck::verify);
    eprintln!(
        "{} sequences matched real etcd in {:.1} s: {coverage:?}",
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        coverage.operations > 0
            && (seeds.len() < 100
                || (coverage.errors > 0 && coverage.watch_events > 0 && coverage.txns_failed > 0))
    );
}
