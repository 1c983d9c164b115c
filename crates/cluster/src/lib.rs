//! The simulated etcd cluster: 1–7 members running real Raft (openraft) on a
//! virtual clock, joined by a virtual network the user can break.
//!
//! Everything happens in [`Cluster`]: it owns the deterministic runtime, the
//! members, the network (links, partitions, latency, loss, duplication, every
//! message in flight), the clients and the trace. Time moves only through
//! [`Cluster::step`] (to the next event) and [`Cluster::advance`].
//!
//! Worked example: a 3-member cluster elects a leader and commits a put.
//!
//! ```
//! use cluster::{Cluster, ClusterConfig, ClientOp, MemberId};
//!
//! let mut cluster = Cluster::new(ClusterConfig { seed: 7, member_count: 3, ..ClusterConfig::default() });
//! cluster.advance(3_000);                                   // an election happens
//! assert!(cluster.view().leader.is_some());
//! let put = mvcc::PutRequest { key: b"/registry/pods/a".to_vec(), value: b"v1".to_vec(), ..Default::default() };
//! let reply = cluster.request(MemberId(2), ClientOp::Put(put), 5_000);   // member 2 forwards to the leader
//! assert!(reply.is_ok());
//! assert!(cluster.violations().is_empty());
//! ```
//!
//! The same seed and the same timed actions give the same [`Cluster::trace_hash`],
//! natively and in the browser.

mod actions;
mod client;
mod cluster;
mod config;
pub mod invariants;
pub mod linearizability;
mod network;
pub mod scenario;
mod trace;
mod view;

pub use actions::ClusterError;
pub use actions::FaultAction;
pub use client::ClientRequest;
pub use client::ClientRequestId;
pub use client::ClientResponse;
pub use cluster::Cluster;
pub use config::ClusterConfig;
pub use etcd_member::ClientError;
pub use etcd_member::ClientOp;
pub use etcd_member::ClientReply;
pub use etcd_member::MemberId;
pub use etcd_member::MessageSummary;
pub use etcd_member::ReadConsistency;
pub use etcd_member::Role;
pub use invariants::InvariantViolation;
pub use network::LinkState;
pub use network::MessageId;
pub use trace::TraceEvent;
pub use trace::TraceHasher;
pub use trace::TraceRecord;
pub use view::ClusterView;
pub use view::LinkView;
pub use view::MemberView;
pub use view::MessageView;

/// The MVCC crate the members run, re-exported so callers name one version.
pub use mvcc;

/// The most members a cluster may have (etcd's advice: no more than seven).
pub const MAX_MEMBERS: u64 = 7;
