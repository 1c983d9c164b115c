//! The request trace: one API call, the etcd requests it made, the revision it
//! produced, the Raft entry that carried it, and the watch events it caused.
//!
//! Worked example (`kubectl scale deployment nginx --replicas=3`, traced):
//!
//! ```text
//! #7 update deployments.apps default/nginx -> 200
//!    etcd range /registry/deployments/default/nginx            rev 5
//!    etcd txn If mod(/registry/deployments/default/nginx) = 5
//!             Then put Else get                                 succeeded, rev 6, raft index (from the cluster)
//!    watch #1 MODIFIED /registry/deployments/default/nginx @6   (the deployment controller's informer)
//! ```

use serde::{Deserialize, Serialize};

/// A trace's id: the order in which the apiserver received requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TraceId(pub u64);

/// A Kubernetes watch handed out by the apiserver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct WatchHandle(pub u64);

/// The kind of etcd request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EtcdOperation {
    Range,
    Txn,
    Compact,
    Watch,
}

/// How an etcd request ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EtcdOutcome {
    /// Answered; `succeeded` is the Txn's compare result (None for non-Txn).
    Answered {
        header_revision: i64,
        succeeded: Option<bool>,
    },
    /// Failed with this error text.
    Failed(String),
}

/// One etcd request made on behalf of an API call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtcdCall {
    pub operation: EtcdOperation,
    /// etcdctl-like description: `txn If mod(k) = 0 Then put(k)`.
    pub description: String,
    pub outcome: EtcdOutcome,
    /// The Raft log index of the entry that carried a write (filled by the cluster adapter).
    pub raft_index: Option<u64>,
}

/// A watch event the call's revision produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracedWatchEvent {
    pub watch: WatchHandle,
    pub event_type: String,
    pub key: String,
    pub revision: i64,
}

/// Everything one API call did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestTrace {
    pub id: TraceId,
    pub at_ms: u64,
    /// `create deployments.apps default/nginx`.
    pub summary: String,
    pub status_code: u16,
    pub etcd_calls: Vec<EtcdCall>,
    /// The MVCC revision the call's write produced, if it wrote.
    pub revision: Option<i64>,
    pub watch_events: Vec<TracedWatchEvent>,
}

impl RequestTrace {
    /// The successful write Txn, if the call wrote.
    pub fn write_call(&self) -> Option<&EtcdCall> {
        self.etcd_calls.iter().find(|call| {
            call.operation == EtcdOperation::Txn
                && matches!(
                    call.outcome,
                    EtcdOutcome::Answered {
                        succeeded: Some(true),
                        ..
                    }
                )
        })
    }
}
