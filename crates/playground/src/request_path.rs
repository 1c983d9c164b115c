//! One API call followed all the way down: the apiserver's request, the etcd
//! Txn that decided it, the Raft entry (index, term) that carried the write,
//! when each member committed and applied that entry, the store revision it
//! produced, and the watch events it caused.
//!
//! The apiserver keeps the call (`apiserver::RequestTrace`); the cluster's
//! trace log ([`crate::TraceLog`]) keeps when members committed and applied.
//! Both are bounded, so old calls lose their member timings first.
//!
//! ```
//! use playground::{Playground, PlaygroundConfig, UserAction};
//!
//! let mut playground = Playground::new(PlaygroundConfig { seed: 7, member_count: 3 });
//! playground.advance(3_000);
//! let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: traced\n";
//! playground.apply(UserAction::Apply { manifest: manifest.into() }).unwrap();
//! playground.advance(500);
//! let create = playground.apiserver().traces().find(|trace| trace.summary.contains("traced")).unwrap().id;
//! let path = playground.request_path(create).unwrap();
//! assert!(path.raft_index.is_some());
//! assert!(path.members.iter().all(|member| member.applied_at_ms.is_some()));
//! ```

use apiserver::{RequestTrace, TraceId};
use cluster::{MemberId, TraceEvent};

use crate::playground::Playground;

/// One member's part in carrying a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPath {
    pub member: MemberId,
    /// When its commit index first reached the entry (virtual ms), if seen.
    pub committed_at_ms: Option<u64>,
    /// When it first applied the entry to its store, if seen.
    pub applied_at_ms: Option<u64>,
}

/// An API call and everything it did below the apiserver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPath {
    /// The call as the apiserver traced it: etcd calls, revision, watch events.
    pub trace: RequestTrace,
    /// The Raft log entry that carried the write (`None` for a read or a failed write).
    pub raft_index: Option<u64>,
    /// The term of that entry, if a member's apply of it is still in the log.
    pub raft_term: Option<u64>,
    /// Every member of the cluster, ascending.
    pub members: Vec<MemberPath>,
}

impl Playground {
    /// Follows API call `id` (see `apiserver().traces()`) down to the members,
    /// while the apiserver still keeps it.
    pub fn request_path(&self, id: TraceId) -> Option<RequestPath> {
        let trace = self.apiserver().trace(id)?.clone();
        let raft_index = trace.write_call().and_then(|call| call.raft_index);
        let log = self.trace_log();
        let mut raft_term = None;
        // The member ids alone: the page asks every frame, a whole view would be wasted.
        let mut members: Vec<MemberPath> = self
            .member_ids()
            .into_iter()
            .map(|member| MemberPath { member, committed_at_ms: None, applied_at_ms: None })
            .collect();
        if let Some(entry) = raft_index {
            for record in log.records().filter(|record| record.at_ms >= trace.at_ms.saturating_sub(crate::REQUEST_TIMEOUT_MS)) {
                let (member, reached, applied) = match record.event {
                    TraceEvent::Committed { member, index } => (member, index >= entry, false),
                    TraceEvent::Applied { member, index, term, .. } => {
                        if index == entry {
                            raft_term.get_or_insert(term);
                        }
                        (member, index >= entry, true)
                    }
                    _ => continue,
                };
                let Some(path) = members.iter_mut().find(|path| path.member == member) else { continue };
                let slot = if applied { &mut path.applied_at_ms } else { &mut path.committed_at_ms };
                if reached && slot.is_none() {
                    *slot = Some(record.at_ms);
                }
            }
        }
        Some(RequestPath { trace, raft_index, raft_term, members })
    }
}
