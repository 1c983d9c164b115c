//! etcdctl 3.4's printers (`printer_simple.go`, `printer_json.go`, `printer_fields.go`,
//! `printer_table.go`) over the console's response values.
//!
//! Example (simple): a get of one key prints `key\nvalue\n`; with `--keys-only` the value is
//! empty, which is why every key is followed by a blank line.

use mvcc::{
    DeleteRangeResponse, Event, EventType, KeyValue, PutResponse, RangeResponse, ResponseOp,
    TxnResponse, WatchResponse,
};

use super::text::{go_quote, hex_escaped, json_list, JsonObject};
use crate::backend::{Member, Served};

/// `-w`: etcdctl's output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Simple,
    Json,
    Fields,
    /// Like simple, except for the commands that have a table (member list, endpoint ...).
    Table,
}

/// What every printer needs: the format and `--hex`; `value_only` is `--print-value-only`.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub format: Format,
    pub hex: bool,
    pub value_only: bool,
}

/// The header fields of a response; inner txn responses have only a revision.
#[derive(Debug, Clone, Copy, Default)]
pub struct Header {
    pub cluster_id: u64,
    pub member_id: u64,
    pub revision: i64,
    pub raft_term: u64,
}

impl Header {
    pub fn of<T>(served: &Served<T>, revision: i64) -> Header {
        Header {
            cluster_id: served.cluster_id,
            member_id: served.member_id,
            revision,
            raft_term: served.raft_term,
        }
    }

    pub fn revision_only(revision: i64) -> Header {
        Header {
            revision,
            ..Header::default()
        }
    }

    pub fn json(&self) -> String {
        JsonObject::new()
            .number_omit_zero("cluster_id", self.cluster_id)
            .number_omit_zero("member_id", self.member_id)
            .number_omit_zero("revision", self.revision)
            .number_omit_zero("raft_term", self.raft_term)
            .finish()
    }

    fn fields(&self, out: &mut String) {
        out.push_str(&format!(
            "\"ClusterID\" : {}\n\"MemberID\" : {}\n\"Revision\" : {}\n\"RaftTerm\" : {}\n",
            self.cluster_id, self.member_id, self.revision, self.raft_term
        ));
    }
}

pub fn key_value_json(kv: &KeyValue) -> String {
    JsonObject::new()
        .bytes_omit_empty("key", &kv.key)
        .number_omit_zero("create_revision", kv.create_revision)
        .number_omit_zero("mod_revision", kv.mod_revision)
        .number_omit_zero("version", kv.version)
        .bytes_omit_empty("value", &kv.value)
        .number_omit_zero("lease", kv.lease)
        .finish()
}

fn key_value_fields(prefix: &str, kv: &KeyValue, out: &mut String) {
    out.push_str(&format!("\"{prefix}Key\" : {}\n", go_quote(&kv.key)));
    out.push_str(&format!(
        "\"{prefix}CreateRevision\" : {}\n",
        kv.create_revision
    ));
    out.push_str(&format!("\"{prefix}ModRevision\" : {}\n", kv.mod_revision));
    out.push_str(&format!("\"{prefix}Version\" : {}\n", kv.version));
    out.push_str(&format!("\"{prefix}Value\" : {}\n", go_quote(&kv.value)));
    out.push_str(&format!("\"{prefix}Lease\" : {}\n", kv.lease));
}

impl Printer {
    fn bytes(&self, bytes: &[u8]) -> String {
        if self.hex {
            hex_escaped(bytes)
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        }
    }

    /// `printKV`: the key line (unless value-only), then the value line.
    fn key_value_simple(&self, kv: &KeyValue, out: &mut String) {
        if !self.value_only {
            out.push_str(&self.bytes(&kv.key));
            out.push('\n');
        }
        out.push_str(&self.bytes(&kv.value));
        out.push('\n');
    }

    pub fn get(&self, header: Header, response: &RangeResponse, out: &mut String) {
        match self.format {
            Format::Simple | Format::Table => {
                for kv in &response.kvs {
                    self.key_value_simple(kv, out);
                }
            }
            Format::Json => {
                out.push_str(&range_json(header, response));
                out.push('\n');
            }
            Format::Fields => {
                header.fields(out);
                for kv in &response.kvs {
                    key_value_fields("", kv, out);
                }
                out.push_str(&format!(
                    "\"More\" : {}\n\"Count\" : {}\n",
                    response.more, response.count
                ));
            }
        }
    }

    pub fn put(&self, header: Header, response: &PutResponse, out: &mut String) {
        match self.format {
            Format::Simple | Format::Table => {
                out.push_str("OK\n");
                if let Some(previous) = &response.prev_kv {
                    self.key_value_simple(previous, out);
                }
            }
            Format::Json => {
                out.push_str(&put_json(header, response));
                out.push('\n');
            }
            Format::Fields => {
                header.fields(out);
                if let Some(previous) = &response.prev_kv {
                    key_value_fields("Prev", previous, out);
                }
            }
        }
    }

    pub fn delete(&self, header: Header, response: &DeleteRangeResponse, out: &mut String) {
        match self.format {
            Format::Simple | Format::Table => {
                out.push_str(&format!("{}\n", response.deleted));
                for previous in &response.prev_kvs {
                    self.key_value_simple(previous, out);
                }
            }
            Format::Json => {
                out.push_str(&delete_json(header, response));
                out.push('\n');
            }
            Format::Fields => {
                header.fields(out);
                out.push_str(&format!("\"Deleted\" : {}\n", response.deleted));
                for (index, previous) in response.prev_kvs.iter().enumerate() {
                    key_value_fields(&format!("Prev[{index}]"), previous, out);
                }
            }
        }
    }

    pub fn txn(&self, header: Header, response: &TxnResponse, out: &mut String) {
        match self.format {
            Format::Simple | Format::Table => {
                out.push_str(if response.succeeded {
                    "SUCCESS\n"
                } else {
                    "FAILURE\n"
                });
                for inner in &response.responses {
                    out.push('\n');
                    self.response_op(inner, out);
                }
            }
            Format::Json => {
                out.push_str(&txn_json(header, response));
                out.push('\n');
            }
            Format::Fields => {
                header.fields(out);
                out.push_str(&format!("\"Succeeded\" : {}\n", response.succeeded));
                for inner in &response.responses {
                    self.response_op(inner, out);
                }
            }
        }
    }

    fn response_op(&self, response: &ResponseOp, out: &mut String) {
        match response {
            ResponseOp::Range(range) => {
                self.get(Header::revision_only(range.header.revision), range, out)
            }
            ResponseOp::Put(put) => self.put(Header::revision_only(put.header.revision), put, out),
            ResponseOp::DeleteRange(delete) => {
                self.delete(Header::revision_only(delete.header.revision), delete, out)
            }
            // etcdctl's txn language cannot nest txns; a backend never answers one here.
            ResponseOp::Txn(_) => out.push_str("unexpected response (nested txn)\n"),
        }
    }

    /// One watch response (only the responses etcdctl's client hands to the printer).
    pub fn watch(&self, header: Header, response: &WatchResponse, out: &mut String) {
        match self.format {
            Format::Simple | Format::Table => {
                for event in &response.events {
                    out.push_str(event_type_name(event.kind));
                    out.push('\n');
                    if let Some(previous) = &event.prev_kv {
                        self.key_value_simple(previous, out);
                    }
                    self.key_value_simple(&event.kv, out);
                }
            }
            Format::Json => {
                let events: Vec<String> = response.events.iter().map(event_json).collect();
                let text = JsonObject::new()
                    .raw("Header", &header.json())
                    .raw("Events", &json_list(&events))
                    .number("CompactRevision", response.compact_revision)
                    .bool("Canceled", response.canceled)
                    .bool("Created", response.created)
                    .finish();
                out.push_str(&text);
                out.push('\n');
            }
            Format::Fields => {
                header.fields(out);
                for event in &response.events {
                    out.push_str(&format!("\"Type\" : {}\n", event_type_name(event.kind)));
                    if let Some(previous) = &event.prev_kv {
                        key_value_fields("Prev", previous, out);
                    }
                    key_value_fields("", &event.kv, out);
                }
            }
        }
    }
}

pub fn event_type_name(kind: EventType) -> &'static str {
    match kind {
        EventType::Put => "PUT",
        EventType::Delete => "DELETE",
    }
}

fn event_json(event: &Event) -> String {
    let mut object = JsonObject::new();
    if event.kind == EventType::Delete {
        object.number("type", 1);
    }
    object.raw("kv", &key_value_json(&event.kv));
    if let Some(previous) = &event.prev_kv {
        object.raw("prev_kv", &key_value_json(previous));
    }
    object.finish()
}

fn range_json(header: Header, response: &RangeResponse) -> String {
    let mut object = JsonObject::new();
    object.raw("header", &header.json());
    if !response.kvs.is_empty() {
        let kvs: Vec<String> = response.kvs.iter().map(key_value_json).collect();
        object.raw("kvs", &json_list(&kvs));
    }
    object
        .bool_omit_false("more", response.more)
        .number_omit_zero("count", response.count)
        .finish()
}

fn put_json(header: Header, response: &PutResponse) -> String {
    let mut object = JsonObject::new();
    object.raw("header", &header.json());
    if let Some(previous) = &response.prev_kv {
        object.raw("prev_kv", &key_value_json(previous));
    }
    object.finish()
}

fn delete_json(header: Header, response: &DeleteRangeResponse) -> String {
    let mut object = JsonObject::new();
    object
        .raw("header", &header.json())
        .number_omit_zero("deleted", response.deleted);
    if !response.prev_kvs.is_empty() {
        let kvs: Vec<String> = response.prev_kvs.iter().map(key_value_json).collect();
        object.raw("prev_kvs", &json_list(&kvs));
    }
    object.finish()
}

fn txn_json(header: Header, response: &TxnResponse) -> String {
    let mut object = JsonObject::new();
    object
        .raw("header", &header.json())
        .bool_omit_false("succeeded", response.succeeded);
    if !response.responses.is_empty() {
        let items: Vec<String> = response
            .responses
            .iter()
            .map(|inner| {
                let (name, body) = match inner {
                    ResponseOp::Range(range) => (
                        "ResponseRange",
                        range_json(Header::revision_only(range.header.revision), range),
                    ),
                    ResponseOp::Put(put) => (
                        "ResponsePut",
                        put_json(Header::revision_only(put.header.revision), put),
                    ),
                    ResponseOp::DeleteRange(delete) => (
                        "ResponseDeleteRange",
                        delete_json(Header::revision_only(delete.header.revision), delete),
                    ),
                    ResponseOp::Txn(txn) => (
                        "ResponseTxn",
                        txn_json(Header::revision_only(txn.header.revision), txn),
                    ),
                };
                let wrapped = JsonObject::new().raw(name, &body).finish();
                JsonObject::new().raw("Response", &wrapped).finish()
            })
            .collect();
        object.raw("responses", &json_list(&items));
    }
    object.finish()
}

/// `member list` rows: ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS LEARNER.
pub fn member_rows(members: &[Member]) -> Vec<Vec<String>> {
    members
        .iter()
        .map(|member| {
            vec![
                format!("{:x}", member.id),
                if member.name.is_empty() {
                    "unstarted".to_string()
                } else {
                    "started".to_string()
                },
                member.name.clone(),
                member.peer_urls.join(","),
                member.client_urls.join(","),
                member.is_learner.to_string(),
            ]
        })
        .collect()
}

pub const MEMBER_HEADER: [&str; 6] = [
    "ID",
    "STATUS",
    "NAME",
    "PEER ADDRS",
    "CLIENT ADDRS",
    "IS LEARNER",
];

pub fn member_json(member: &Member) -> String {
    let mut object = JsonObject::new();
    object
        .number_omit_zero("ID", member.id)
        .string_omit_empty("name", &member.name);
    if !member.peer_urls.is_empty() {
        let urls: Vec<String> = member
            .peer_urls
            .iter()
            .map(|url| super::text::json_string(url))
            .collect();
        object.raw("peerURLs", &json_list(&urls));
    }
    if !member.client_urls.is_empty() {
        let urls: Vec<String> = member
            .client_urls
            .iter()
            .map(|url| super::text::json_string(url))
            .collect();
        object.raw("clientURLs", &json_list(&urls));
    }
    object
        .bool_omit_false("isLearner", member.is_learner)
        .finish()
}

/// Lets callers print raw bytes of a key (completion shows keys like `get` does).
pub fn display_key(key: &[u8]) -> String {
    String::from_utf8_lossy(key).into_owned()
}
