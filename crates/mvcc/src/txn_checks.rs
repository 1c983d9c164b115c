//! The checks etcd's gRPC layer runs on a txn before it reaches the store
//! (`etcdserver/api/v3rpc/key.go`: `checkTxnRequest`, `checkIntervals`).
//!
//! Example: `Txn(Then: put a, delete [a, c))` is rejected with "duplicate key given in txn request"
//! because the put of `a` lies inside the deleted range; `Txn(Then: put a, Else: put a)` is fine,
//! because only one branch runs.

use std::collections::BTreeSet;

use crate::error::MvccError;
use crate::types::{RequestOp, TxnRequest};

/// etcd's default `--max-txn-ops`.
pub const MAX_TXN_OPERATIONS: usize = 128;

/// Empty keys and operation counts, recursively (etcd's `checkTxnRequest`).
pub(crate) fn check_txn_request(
    request: &TxnRequest,
    max_operations: usize,
) -> Result<(), MvccError> {
    let operations = request
        .compare
        .len()
        .max(request.success.len())
        .max(request.failure.len());
    if operations > max_operations {
        return Err(MvccError::TooManyOperations);
    }
    if request.compare.iter().any(|compare| compare.key.is_empty()) {
        return Err(MvccError::EmptyKey);
    }
    for op in request.success.iter().chain(request.failure.iter()) {
        check_request_op(op, max_operations - operations)?;
    }
    Ok(())
}

fn check_request_op(op: &RequestOp, max_operations: usize) -> Result<(), MvccError> {
    match op {
        RequestOp::Range(request) if request.key.is_empty() => Err(MvccError::EmptyKey),
        RequestOp::Put(request) if request.key.is_empty() => Err(MvccError::EmptyKey),
        RequestOp::DeleteRange(request) if request.key.is_empty() => Err(MvccError::EmptyKey),
        RequestOp::Txn(request) => check_txn_request(request, max_operations),
        _ => Ok(()),
    }
}

/// A deleted interval `[begin, end)`; a single-key delete is `[key, key + "\0")`.
#[derive(Debug, Clone)]
struct DeletedInterval {
    begin: Vec<u8>,
    /// None: the single key `begin`.
    end: Option<Vec<u8>>,
}

impl DeletedInterval {
    /// etcd compares `range_end` as plain bytes here, so a `"\0"` (from-key) delete covers nothing
    /// in this check, and an inverted range covers nothing either.
    fn contains(&self, key: &[u8]) -> bool {
        match &self.end {
            None => self.begin.as_slice() == key,
            Some(end) => self.begin.as_slice() <= key && key < end.as_slice(),
        }
    }
}

/// Rejects a txn branch that puts one key twice or puts a key it also deletes (etcd's `checkIntervals`).
pub(crate) fn check_intervals(ops: &[RequestOp]) -> Result<(), MvccError> {
    collect_intervals(ops, 0).map(|_| ())
}

/// Nesting depth is bounded by the request's own structure; the depth guard keeps a hostile
/// request from overflowing the stack.
const MAX_NESTING_DEPTH: usize = 130;

fn collect_intervals(
    ops: &[RequestOp],
    depth: usize,
) -> Result<(BTreeSet<Vec<u8>>, Vec<DeletedInterval>), MvccError> {
    if depth > MAX_NESTING_DEPTH {
        return Err(MvccError::TooManyOperations);
    }
    let mut deleted: Vec<DeletedInterval> = Vec::new();
    for op in ops {
        if let RequestOp::DeleteRange(request) = op {
            deleted.push(DeletedInterval {
                begin: request.key.clone(),
                end: if request.range_end.is_empty() {
                    None
                } else {
                    Some(request.range_end.clone())
                },
            });
        }
    }
    let mut puts: BTreeSet<Vec<u8>> = BTreeSet::new();
    for op in ops {
        let RequestOp::Txn(nested) = op else { continue };
        let (puts_then, deleted_then) = collect_intervals(&nested.success, depth + 1)?;
        let (puts_else, deleted_else) = collect_intervals(&nested.failure, depth + 1)?;
        for key in &puts_then {
            if puts.contains(key) || deleted.iter().any(|interval| interval.contains(key)) {
                return Err(MvccError::DuplicateKey);
            }
            puts.insert(key.clone());
        }
        for key in &puts_else {
            // The same key in Then and Else is fine: only one of them runs.
            if puts.contains(key) && !puts_then.contains(key) {
                return Err(MvccError::DuplicateKey);
            }
            if deleted.iter().any(|interval| interval.contains(key)) {
                return Err(MvccError::DuplicateKey);
            }
            puts.insert(key.clone());
        }
        deleted.extend(deleted_then);
        deleted.extend(deleted_else);
    }
    for op in ops {
        let RequestOp::Put(request) = op else {
            continue;
        };
        if puts.contains(&request.key)
            || deleted
                .iter()
                .any(|interval| interval.contains(&request.key))
        {
            return Err(MvccError::DuplicateKey);
        }
        puts.insert(request.key.clone());
    }
    Ok((puts, deleted))
}
