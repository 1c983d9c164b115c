//! One etcd member: openraft (on the simulated runtime) with the MVCC store as
//! its state machine.
//!
//! The member does no IO. Everything it says to a peer goes through a
//! [`Transport`] the owner provides (the cluster crate turns each call into a
//! visible in-flight message); everything durable lives in a [`DurableState`]
//! the owner keeps across crashes.
//!
//! What survives a crash, as in etcd: the Raft vote, the log, the committed
//! index and the last snapshot (etcd's WAL and snap files). What does not: the
//! in-memory state machine (rebuilt from the snapshot plus the committed log
//! on restart), watches, in-flight requests.
//!
//! Worked example (the cluster crate does this for every member):
//!
//! ```ignore
//! let durable = DurableState::new();                 // kept by the owner
//! let member = Member::start(&runtime, MemberId(1), settings, durable.clone(), transport);
//! member.initialize(&[MemberId(1), MemberId(2), MemberId(3)]);  // on one member only
//! // later: runtime.spawn_in(member.task_group(), member.serve_client(op)) ...
//! ```

mod client;
mod log_store;
mod member;
mod network;
mod state_machine;
mod types;

pub use client::ClientError;
pub use client::ClientOp;
pub use client::ClientReply;
pub use client::ReadConsistency;
pub use log_store::DurableState;
pub use member::Member;
pub use member::MemberSettings;
pub use member::leader_lease_ms;
pub use member::peer_rpc_timeout_ms;
pub use member::tick_interval_ms;
pub use member::MemberStatus;
pub use member::Role;
pub use network::MessageSummary;
pub use network::PeerReply;
pub use network::PeerRequest;
pub use network::Transport;
pub use state_machine::SnapshotPayload;
pub use types::Applied;
pub use types::LogCommand;
pub use types::MemberId;
pub use types::TypeConfig;

/// The MVCC crate this member runs, re-exported so callers name one version.
pub use mvcc;
