//! etcd v3's MVCC key-value store, faithful to etcd 3.4, as a sans-IO state machine.
//!
//! [`Store`] is the whole state machine of one etcd member: every committed Raft entry is one
//! [`WriteRequest`] given to [`Store::apply`]; reads ([`Store::range`]) and watches
//! ([`Store::watch`], drained with [`Store::take_watch_responses`]) need no log entry. Nothing
//! here does IO, reads a clock or draws random numbers, so the same requests always give the
//! same responses, natively and in wasm.
//!
//! # Worked example: the key index
//!
//! The store keeps, per key, a *key index*: a list of **generations**. A generation begins with
//! the put that creates the key and ends with the **tombstone** written by its delete; the last
//! generation is the open one. Each revision is written `main.sub`: `main` is the store revision
//! of the request, `sub` the position of the change inside it. This is etcd's `key_index.go`.
//!
//! ```
//! use mvcc::{CompactionRequest, DeleteRangeRequest, MvccError, PutRequest, RangeRequest, Store};
//!
//! let mut store = Store::new();
//! assert_eq!(store.revision(), 1); // a brand-new store is at revision 1
//! let put = |value: &str| PutRequest { key: b"foo".to_vec(), value: value.into(), ..Default::default() };
//! let read_at = |store: &Store, revision: i64| {
//!     store.range(&RangeRequest { key: b"foo".to_vec(), revision, ..Default::default() })
//! };
//!
//! // put foo=a at revision 2: the first generation starts   {2.0}
//! store.put(put("a")).unwrap();
//! assert_eq!(store.key_index_text(b"foo").unwrap(), "{2.0}");
//!
//! // put foo=b at revision 3: same generation, version 2    {2.0, 3.0}
//! store.put(put("b")).unwrap();
//! assert_eq!(store.key_index_text(b"foo").unwrap(), "{2.0, 3.0}");
//!
//! // delete foo at revision 4: the tombstone closes it, a new empty generation opens
//! let deleted = store.delete_range(DeleteRangeRequest { key: b"foo".to_vec(), ..Default::default() }).unwrap();
//! assert_eq!((deleted.deleted, deleted.header.revision), (1, 4));
//! assert_eq!(store.key_index_text(b"foo").unwrap(), "{2.0, 3.0, 4.0(t)} {empty}");
//!
//! // put foo=c at revision 5: a new generation; create_revision 5, version back to 1
//! store.put(put("c")).unwrap();
//! assert_eq!(store.key_index_text(b"foo").unwrap(), "{2.0, 3.0, 4.0(t)} {5.0}");
//! let now = read_at(&store, 0).unwrap();
//! assert_eq!((now.kvs[0].create_revision, now.kvs[0].mod_revision, now.kvs[0].version), (5, 5, 1));
//! // History is still there: at revision 3 foo was "b", version 2, created at 2 ...
//! let then = read_at(&store, 3).unwrap();
//! assert_eq!((then.header.revision, then.kvs[0].value.as_slice(), then.kvs[0].version), (5, &b"b"[..], 2));
//! // ... and at revision 4 it did not exist.
//! assert_eq!(read_at(&store, 4).unwrap().count, 0);
//!
//! // compact at 3: revision 3 stays readable, 2.0 is dropped; 3.0 keeps version 2
//! store.compact(CompactionRequest { revision: 3, physical: true }).unwrap();
//! assert_eq!(store.key_index_text(b"foo").unwrap(), "{3.0, 4.0(t)} {5.0}");
//! assert_eq!(read_at(&store, 3).unwrap().kvs[0].version, 2);
//! assert_eq!(read_at(&store, 2), Err(MvccError::Compacted));
//! assert_eq!(read_at(&store, 2).unwrap_err().to_string(), "etcdserver: mvcc: required revision has been compacted");
//!
//! // compact at 5: the generation that ended at 4 is gone entirely   {5.0}
//! store.compact(CompactionRequest { revision: 5, physical: true }).unwrap();
//! assert_eq!(store.key_index_text(b"foo").unwrap(), "{5.0}");
//! assert_eq!(store.revision(), 5); // compaction never creates a revision
//! ```
//!
//! # Layout
//! - [`types`]: requests and responses (etcd's protobuf messages as data);
//! - `key_index`: one key's generations (the history lives here, values inline);
//! - `store`: range, put, delete, txn, compaction, leases, snapshot and hash;
//! - `watch`: watchers, replay from history, events per write;
//! - `txn_checks`, `request_size`: the gRPC-layer checks and the 1.5 MiB request limit;
//! - `go_sort`: Go's unstable sort, so that sorted ranges tie-break like etcd;
//! - `invariants/`: one invariant per file, checked by the tests after every step.

mod error;
mod go_sort;
mod invariants;
mod key_index;
mod request_size;
mod store;
mod txn_checks;
pub mod types;
mod watch;

pub use error::MvccError;
pub use invariants::InvariantViolation;
pub use request_size::MAX_REQUEST_BYTES;
pub use store::{Store, StoreSnapshot};
pub use txn_checks::MAX_TXN_OPERATIONS;
pub use types::*;

/// The end of the range of all keys that start with `prefix` (etcd's `clientv3.GetPrefixRangeEnd`):
/// the prefix with its last byte that is not 0xff incremented and everything after it dropped.
/// A prefix of only 0xff bytes (or an empty one) gives `[0]`, meaning "every key from here on".
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn the_prefix_end_increments_the_last_byte_that_can_be_incremented() {
        assert_eq!(prefix_end(b"/registry/pods/"), b"/registry/pods0".to_vec());
        assert_eq!(prefix_end(&[b'a', 0xff]), vec![b'b']);
        assert_eq!(prefix_end(&[0xff, 0xff]), vec![0]);
        assert_eq!(prefix_end(b""), vec![0]);
    }
}
