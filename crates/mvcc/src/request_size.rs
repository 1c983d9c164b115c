//! How many bytes a write takes once etcd marshals it into its Raft entry (`InternalRaftRequest`),
//! because etcd's `--max-request-bytes` limit (1.5 MiB) applies to exactly that.
//!
//! Worked example from the golden transcript 07: key `/registry/configmaps/default/big-x` (34 bytes)
//! and a value of 1,572,807 bytes. The `PutRequest` is `1+1+34` (key) `+ 1+3+1,572,807` (value) =
//! 1,572,847 bytes; inside `InternalRaftRequest` field 4 it takes `1+3+1,572,847` = 1,572,851 bytes;
//! the request header (field 100 holding a 9-byte varint request id) adds 13: 1,572,864, exactly
//! the limit. One more value byte gives `etcdserver: request is too large`, as real etcd said.

use crate::types::{
    CompactionRequest, Compare, CompareResult, CompareTarget, DeleteRangeRequest,
    LeaseGrantRequest, LeaseRevokeRequest, PutRequest, RangeRequest, RequestOp, SortOrder,
    SortTarget, TxnRequest,
};

/// etcd's default `--max-request-bytes`.
pub const MAX_REQUEST_BYTES: usize = 1_572_864;

/// `RequestHeader` at field 100 (2-byte tag, 1-byte length) holding `ID` (1-byte tag + 9-byte varint:
/// etcd's request ids put the member id's low 16 bits at the top, so they are >= 2^56).
const RAFT_REQUEST_HEADER_BYTES: usize = 13;

fn varint_bytes(value: u64) -> usize {
    let mut bytes = 1;
    let mut rest = value >> 7;
    while rest != 0 {
        bytes += 1;
        rest >>= 7;
    }
    bytes
}

/// A length-delimited field with a one-byte tag.
fn nested(length: usize) -> usize {
    1 + varint_bytes(length as u64) + length
}

fn bytes_field(bytes: &[u8]) -> usize {
    if bytes.is_empty() {
        0
    } else {
        nested(bytes.len())
    }
}

fn int_field(value: i64) -> usize {
    if value == 0 {
        0
    } else {
        1 + varint_bytes(value as u64)
    }
}

fn bool_field(value: bool) -> usize {
    if value {
        2
    } else {
        0
    }
}

pub(crate) fn put_bytes(request: &PutRequest) -> usize {
    bytes_field(&request.key)
        + bytes_field(&request.value)
        + int_field(request.lease)
        + bool_field(request.prev_kv)
}

pub(crate) fn delete_range_bytes(request: &DeleteRangeRequest) -> usize {
    bytes_field(&request.key) + bytes_field(&request.range_end) + bool_field(request.prev_kv)
}

pub(crate) fn range_bytes(request: &RangeRequest) -> usize {
    let sort_order = match request.sort_order {
        SortOrder::None => 0,
        SortOrder::Ascend => 1,
        SortOrder::Descend => 2,
    };
    let sort_target = match request.sort_target {
        SortTarget::Key => 0,
        SortTarget::Version => 1,
        SortTarget::Create => 2,
        SortTarget::Mod => 3,
        SortTarget::Value => 4,
    };
    bytes_field(&request.key)
        + bytes_field(&request.range_end)
        + int_field(request.limit)
        + int_field(request.revision)
        + int_field(sort_order)
        + int_field(sort_target)
        + bool_field(request.keys_only)
        + bool_field(request.count_only)
}

fn compare_bytes(compare: &Compare) -> usize {
    let result = match compare.result {
        CompareResult::Equal => 0,
        CompareResult::Greater => 1,
        CompareResult::Less => 2,
        CompareResult::NotEqual => 3,
    };
    // The target is a protobuf oneof: it is encoded even when it holds a zero value.
    let (target, union) = match &compare.target {
        CompareTarget::Version(version) => (0, 1 + varint_bytes(*version as u64)),
        CompareTarget::CreateRevision(revision) => (1, 1 + varint_bytes(*revision as u64)),
        CompareTarget::ModRevision(revision) => (2, 1 + varint_bytes(*revision as u64)),
        CompareTarget::Value(value) => (3, nested(value.len())),
    };
    let range_end = if compare.range_end.is_empty() {
        0
    } else {
        // field 64: a two-byte tag
        2 + varint_bytes(compare.range_end.len() as u64) + compare.range_end.len()
    };
    int_field(result) + int_field(target) + bytes_field(&compare.key) + union + range_end
}

fn request_op_bytes(op: &RequestOp) -> usize {
    nested(match op {
        RequestOp::Range(request) => range_bytes(request),
        RequestOp::Put(request) => put_bytes(request),
        RequestOp::DeleteRange(request) => delete_range_bytes(request),
        RequestOp::Txn(request) => txn_bytes(request),
    })
}

pub(crate) fn txn_bytes(request: &TxnRequest) -> usize {
    request
        .compare
        .iter()
        .map(|compare| nested(compare_bytes(compare)))
        .sum::<usize>()
        + request.success.iter().map(request_op_bytes).sum::<usize>()
        + request.failure.iter().map(request_op_bytes).sum::<usize>()
}

pub(crate) fn compaction_bytes(request: &CompactionRequest) -> usize {
    int_field(request.revision) + bool_field(request.physical)
}

pub(crate) fn lease_grant_bytes(request: &LeaseGrantRequest) -> usize {
    int_field(request.ttl_seconds) + int_field(request.id)
}

pub(crate) fn lease_revoke_bytes(request: &LeaseRevokeRequest) -> usize {
    int_field(request.id)
}

/// The size of the whole Raft entry for a request whose own message is `message_bytes` long.
pub(crate) fn raft_entry_bytes(message_bytes: usize) -> usize {
    RAFT_REQUEST_HEADER_BYTES + nested(message_bytes)
}

pub(crate) fn fits(message_bytes: usize) -> bool {
    raft_entry_bytes(message_bytes) <= MAX_REQUEST_BYTES
}
