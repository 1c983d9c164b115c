//! openraft's type configuration and the data that travels through the log.

use std::fmt;

use serde::Deserialize;
use serde::Serialize;

/// A member's id (etcd prints member ids in hex; the playground uses 1–7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct MemberId(pub u64);

impl fmt::Display for MemberId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "member-{}", self.0)
    }
}

/// One log entry's application payload: one etcd write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogCommand {
    pub request: mvcc::WriteRequest,
}

impl fmt::Display for LogCommand {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.request {
            mvcc::WriteRequest::Put(put) => write!(formatter, "put {}", String::from_utf8_lossy(&put.key)),
            mvcc::WriteRequest::DeleteRange(delete) => {
                write!(formatter, "delete {}", String::from_utf8_lossy(&delete.key))
            }
            mvcc::WriteRequest::Txn(_) => formatter.write_str("txn"),
            mvcc::WriteRequest::Compaction(compaction) => write!(formatter, "compact {}", compaction.revision),
            #[allow(unreachable_patterns)]
            _ => formatter.write_str("write"),
        }
    }
}

/// What applying one entry produced on this member's store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// `None` for entries that carry no write (blank, membership).
    pub result: Option<Result<mvcc::WriteResponse, mvcc::MvccError>>,
    /// Store revision after the apply.
    pub revision: i64,
}

openraft::declare_raft_types!(
    /// The member's openraft configuration: standard (one vote per term)
    /// leader ids as in the Raft paper and etcd, the simulated runtime.
    pub TypeConfig:
        D = LogCommand,
        R = Applied,
        NodeId = u64,
        Node = (),
        Term = u64,
        LeaderId = openraft::impls::leader_id_std::LeaderId<u64, u64>,
        AsyncRuntime = sim_runtime::SimRuntime,
);
