//! Errors a user can cause, with the exact text etcd 3.4 sends (`etcdserver/api/v3rpc/rpctypes/error.go`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum MvccError {
    /// A read or compaction below the compaction revision (and compacting at or below it again).
    #[error("etcdserver: mvcc: required revision has been compacted")]
    Compacted,
    /// A read or compaction above the current store revision.
    #[error("etcdserver: mvcc: required revision is a future revision")]
    FutureRevision,
    /// An empty key in a range, put, delete or compare.
    #[error("etcdserver: key is not provided")]
    EmptyKey,
    /// The marshalled Raft request is larger than `--max-request-bytes` (1.5 MiB).
    #[error("etcdserver: request is too large")]
    RequestTooLarge,
    /// The same key is written twice in one txn (two puts, or a put inside a deleted range).
    #[error("etcdserver: duplicate key given in txn request")]
    DuplicateKey,
    /// More than 128 operations (`--max-txn-ops`) in one branch or compare list of a txn.
    #[error("etcdserver: too many operations in txn request")]
    TooManyOperations,
    /// A put names a lease that does not exist, or a revoke names an unknown lease.
    #[error("etcdserver: requested lease not found")]
    LeaseNotFound,
    /// A grant names a lease id that is in use.
    #[error("etcdserver: lease already exists")]
    LeaseExists,
    /// A grant asks for more than etcd's maximum TTL (9,000,000,000 s).
    #[error("etcdserver: too large lease TTL")]
    LeaseTtlTooLarge,
}
