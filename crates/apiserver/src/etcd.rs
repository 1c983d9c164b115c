//! The seam between the apiserver and etcd: a synchronous client trait.
//!
//! The apiserver is the only holder of an [`Etcd`] (it keeps a private
//! `Box<dyn Etcd>`), exactly as in a real cluster where only kube-apiserver
//! talks to etcd. Each call is synchronous from the apiserver's point of view:
//! in the playground the cluster adapter sends the request to a member and
//! advances virtual time until the reply arrives or the client times out
//! (failing over to the next endpoint like client-go's etcd client). In tests
//! [`InMemoryEtcd`] answers at once from one `mvcc::Store`.
//!
//! Worked example (what `kubectl create` of a Deployment becomes):
//!
//! ```text
//! apiserver                                   Etcd
//! txn(If mod("/registry/deployments/default/nginx") = 0
//!     Then put(key, json))            ---->   TxnResponse { succeeded: true, header.revision: 2 }
//! resourceVersion = "2"
//! ```
//!
//! A call fails with [`EtcdError`]: `Server` carries etcd's own error (for
//! example "required revision has been compacted"), `Timeout` is what a client
//! sees when its member is in a minority partition.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use mvcc::{
    CompactionRequest, CompactionResponse, MvccError, RangeRequest, RangeResponse, Store,
    TxnRequest, TxnResponse, WatchId, WatchRequest, WatchResponse,
};

/// Why an etcd call failed, as the apiserver sees it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EtcdError {
    /// etcd answered with one of its own errors (the text is etcd's).
    #[error("{0}")]
    Server(MvccError),
    /// The client gave up waiting (minority member, dead member): client-go's
    /// context deadline.
    #[error("context deadline exceeded")]
    Timeout,
    /// The member's own request timeout fired (it had no quorum to commit).
    #[error("etcdserver: request timed out")]
    RequestTimedOut,
    /// A watch or linearizable request reached a member without a leader.
    #[error("etcdserver: no leader")]
    NoLeader,
    /// No endpoint could be reached at all; the text says why.
    #[error("{0}")]
    Unavailable(String),
}

/// Everything the apiserver asks of etcd. Implementations must be
/// deterministic: the same calls in the same order give the same answers.
pub trait Etcd {
    /// A linearizable Range.
    fn range(&mut self, request: RangeRequest) -> Result<RangeResponse, EtcdError>;
    /// A Txn (create, update, delete and compaction bookkeeping all use it).
    fn txn(&mut self, request: TxnRequest) -> Result<TxnResponse, EtcdError>;
    /// Compact the history up to `request.revision`.
    fn compact(&mut self, request: CompactionRequest) -> Result<CompactionResponse, EtcdError>;
    /// Open a watch; its responses arrive through [`Etcd::take_watch_responses`].
    fn watch(&mut self, request: WatchRequest) -> Result<WatchId, EtcdError>;
    /// Close a watch. Returns false if it was not open.
    fn cancel_watch(&mut self, id: WatchId) -> bool;
    /// Drain the watch responses that arrived since the last call, in order.
    fn take_watch_responses(&mut self) -> Vec<WatchResponse>;
    /// The virtual clock in milliseconds (creationTimestamp, compaction period).
    fn now_ms(&self) -> u64;
    /// The Raft log index of the entry that carried the most recent write, if
    /// the implementation knows it (the cluster adapter does, `InMemoryEtcd`
    /// has no Raft log and says `None`).
    fn last_raft_index(&self) -> Option<u64> {
        None
    }
}

/// An [`Etcd`] over a single `mvcc::Store`, answering at once. Cloning shares
/// the store and the clock, so a test can keep a clone to look at the raw keys
/// (the way `etcdctl` does in a real cluster) and to move the virtual clock.
#[derive(Clone, Default)]
pub struct InMemoryEtcd {
    store: Rc<RefCell<Store>>,
    now_ms: Rc<Cell<u64>>,
}

impl InMemoryEtcd {
    /// A fresh store (revision 1) with the clock at 0 ms.
    pub fn new() -> InMemoryEtcd {
        InMemoryEtcd {
            store: Rc::new(RefCell::new(Store::new())),
            now_ms: Rc::new(Cell::new(0)),
        }
    }

    /// Set the virtual clock (it never goes backwards in a well-formed test).
    pub fn set_now_ms(&self, now_ms: u64) {
        self.now_ms.set(now_ms);
    }

    /// Move the virtual clock forward.
    pub fn advance_ms(&self, delta_ms: u64) {
        self.now_ms.set(self.now_ms.get().saturating_add(delta_ms));
    }

    /// The current store revision.
    pub fn revision(&self) -> i64 {
        self.store.borrow().revision()
    }

    /// The compaction revision (0 if never compacted).
    pub fn compact_revision(&self) -> i64 {
        self.store.borrow().compact_revision()
    }

    /// Read one raw value, as `etcdctl get <key> --print-value-only` would.
    pub fn raw_get(&self, key: &str) -> Option<Vec<u8>> {
        let request = RangeRequest {
            key: key.as_bytes().to_vec(),
            ..RangeRequest::default()
        };
        let response = self.store.borrow().range(&request).ok()?;
        response.kvs.into_iter().next().map(|kv| kv.value)
    }

    /// All key-values under a prefix, sorted by key, as `etcdctl get --prefix -w json`.
    pub fn raw_range(&self, prefix: &str) -> Vec<mvcc::KeyValue> {
        let request = RangeRequest {
            keys_only: false,
            ..prefix_request(prefix)
        };
        self.store
            .borrow()
            .range(&request)
            .map(|response| response.kvs)
            .unwrap_or_default()
    }

    /// The store's content hash (equal stores, equal hash).
    pub fn content_hash(&self) -> u64 {
        self.store.borrow().content_hash()
    }

    /// All keys under a prefix, sorted, as `etcdctl get --prefix --keys-only`.
    pub fn raw_keys(&self, prefix: &str) -> Vec<String> {
        let request = RangeRequest {
            keys_only: true,
            ..prefix_request(prefix)
        };
        match self.store.borrow().range(&request) {
            Ok(response) => response
                .kvs
                .into_iter()
                .map(|kv| String::from_utf8_lossy(&kv.key).into_owned())
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// A range over every key starting with `prefix`; the empty prefix means all
/// keys (`etcdctl get "" --prefix`: key `\0`, range_end `\0`).
fn prefix_request(prefix: &str) -> RangeRequest {
    if prefix.is_empty() {
        return RangeRequest {
            key: vec![0],
            range_end: vec![0],
            ..RangeRequest::default()
        };
    }
    RangeRequest {
        key: prefix.as_bytes().to_vec(),
        range_end: mvcc::prefix_end(prefix.as_bytes()),
        ..RangeRequest::default()
    }
}

impl Etcd for InMemoryEtcd {
    fn range(&mut self, request: RangeRequest) -> Result<RangeResponse, EtcdError> {
        self.store
            .borrow()
            .range(&request)
            .map_err(EtcdError::Server)
    }

    fn txn(&mut self, request: TxnRequest) -> Result<TxnResponse, EtcdError> {
        self.store
            .borrow_mut()
            .txn(request)
            .map_err(EtcdError::Server)
    }

    fn compact(&mut self, request: CompactionRequest) -> Result<CompactionResponse, EtcdError> {
        self.store
            .borrow_mut()
            .compact(request)
            .map_err(EtcdError::Server)
    }

    fn watch(&mut self, request: WatchRequest) -> Result<WatchId, EtcdError> {
        Ok(self.store.borrow_mut().watch(request))
    }

    fn cancel_watch(&mut self, id: WatchId) -> bool {
        self.store.borrow_mut().cancel_watch(id)
    }

    fn take_watch_responses(&mut self) -> Vec<WatchResponse> {
        self.store.borrow_mut().take_watch_responses()
    }

    fn now_ms(&self) -> u64 {
        self.now_ms.get()
    }
}
