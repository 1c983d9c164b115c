//! The apiserver's etcd client: [`apiserver::Etcd`] over the simulated cluster.
//!
//! Like client-go's etcd client, it keeps one current endpoint and moves to
//! the next member when the current one cannot answer (crashed, unreachable,
//! or timing out in a minority). A request blocks in virtual time: the cluster
//! advances until the reply arrives or the request times out, so the world
//! keeps moving while the apiserver waits, as it would in a real cluster.
//!
//! Worked example, 3 members, member 1 crashed: a create would go to member
//! 1, but its connection is refused, so the client skips to member 2 (a
//! request that was never sent is safe to send elsewhere) and it commits. A timeout is not retried (the write may have committed), but the
//! next request starts at the next endpoint.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use apiserver::{Etcd, EtcdError};
use cluster::Cluster;
use etcd_member::{ClientError, ClientOp, ClientReply, MemberId, ReadConsistency};
use crate::trace_log::TraceLog;
use crate::watch_mailbox::WatchMailbox;
use mvcc::{
    CompactionRequest, CompactionResponse, RangeRequest, RangeResponse, TxnRequest, TxnResponse, WatchId,
    WatchRequest, WatchResponse,
};

/// etcd client timeout kube-apiserver effectively sees for one request.
pub const REQUEST_TIMEOUT_MS: u64 = 5_000;

/// The apiserver's connection to the cluster.
pub struct ClusterEtcd {
    cluster: Rc<RefCell<Cluster>>,
    trace_log: Rc<RefCell<TraceLog>>,
    /// The Raft index of the entry that carried the last write.
    last_raft_index: Option<u64>,
    endpoint_index: usize,
    /// Which member serves each etcd watch the apiserver opened.
    watch_members: BTreeMap<WatchId, MemberId>,
    /// Shared with the console, which watches the same stores.
    watch_mailbox: Rc<RefCell<WatchMailbox>>,
}

impl ClusterEtcd {
    /// A client that starts at the first member.
    pub fn new(
        cluster: Rc<RefCell<Cluster>>,
        trace_log: Rc<RefCell<TraceLog>>,
        watch_mailbox: Rc<RefCell<WatchMailbox>>,
    ) -> ClusterEtcd {
        ClusterEtcd {
            cluster,
            trace_log,
            last_raft_index: None,
            endpoint_index: 0,
            watch_members: BTreeMap::new(),
            watch_mailbox,
        }
    }

    /// Remembers which Raft entry produced `revision`.
    fn note_write(&mut self, revision: i64) {
        let mut log = self.trace_log.borrow_mut();
        log.drain_from(&mut self.cluster.borrow_mut());
        self.last_raft_index = log.raft_index_of_revision(revision);
    }

    fn endpoints(&self) -> Vec<MemberId> {
        self.cluster.borrow().member_ids()
    }

    /// The member requests go to now.
    pub fn current_endpoint(&self) -> Option<MemberId> {
        let endpoints = self.endpoints();
        (!endpoints.is_empty()).then(|| endpoints[self.endpoint_index % endpoints.len()])
    }

    fn is_running(&self, member: MemberId) -> bool {
        self.cluster.borrow().member_status(member).is_some()
    }

    fn call(&mut self, op: ClientOp) -> Result<ClientReply, EtcdError> {
        let endpoints = self.endpoints();
        let mut last_error = EtcdError::Unavailable("etcdclient: no available endpoints".into());
        for _ in 0..endpoints.len() {
            let member = endpoints[self.endpoint_index % endpoints.len()];
            if !self.is_running(member) {
                // gRPC's balancer sees the refused connection and skips the
                // endpoint without sending anything.
                self.endpoint_index = (self.endpoint_index + 1) % endpoints.len();
                last_error = EtcdError::Unavailable(format!("dial tcp {member}: connect: connection refused"));
                continue;
            }
            let result = self.cluster.borrow_mut().request(member, op.clone(), REQUEST_TIMEOUT_MS);
            match result {
                Ok(reply) => return Ok(reply),
                Err(error) => {
                    self.endpoint_index = (self.endpoint_index + 1) % endpoints.len();
                    let refused = matches!(error, ClientError::Stopped | ClientError::NotLeader);
                    last_error = etcd_error(error);
                    if !refused {
                        // The request may have reached etcd: do not repeat it.
                        return Err(last_error);
                    }
                }
            }
        }
        Err(last_error)
    }
}

fn etcd_error(error: ClientError) -> EtcdError {
    match error {
        ClientError::DeadlineExceeded => EtcdError::Timeout,
        ClientError::RequestTimedOut => EtcdError::RequestTimedOut,
        ClientError::NoLeader => EtcdError::NoLeader,
        ClientError::Mvcc(error) => EtcdError::Server(error),
        other => EtcdError::Unavailable(other.to_string()),
    }
}

fn unexpected(reply: &ClientReply) -> EtcdError {
    EtcdError::Unavailable(format!("unexpected reply from etcd: {reply:?}"))
}

impl Etcd for ClusterEtcd {
    fn range(&mut self, request: RangeRequest) -> Result<RangeResponse, EtcdError> {
        match self.call(ClientOp::Range { request, consistency: ReadConsistency::Linearizable })? {
            ClientReply::Range(response) => Ok(response),
            other => Err(unexpected(&other)),
        }
    }

    fn txn(&mut self, request: TxnRequest) -> Result<TxnResponse, EtcdError> {
        match self.call(ClientOp::Txn(request))? {
            ClientReply::Txn(response) => {
                self.note_write(response.header.revision);
                Ok(response)
            }
            other => Err(unexpected(&other)),
        }
    }

    fn compact(&mut self, request: CompactionRequest) -> Result<CompactionResponse, EtcdError> {
        match self.call(ClientOp::Compaction(request))? {
            ClientReply::Compaction(response) => Ok(response),
            other => Err(unexpected(&other)),
        }
    }

    fn watch(&mut self, request: WatchRequest) -> Result<WatchId, EtcdError> {
        let member = self.current_endpoint().ok_or_else(|| EtcdError::Unavailable("no members".into()))?;
        let id = self.cluster.borrow_mut().watch(member, request).map_err(etcd_error)?;
        self.watch_members.insert(id, member);
        Ok(id)
    }

    fn cancel_watch(&mut self, id: WatchId) -> bool {
        match self.watch_members.remove(&id) {
            Some(member) => self.cluster.borrow_mut().cancel_watch(member, id),
            None => false,
        }
    }

    fn take_watch_responses(&mut self) -> Vec<WatchResponse> {
        // Inserted, not collected: `BTreeSet::from_iter` sorts through a copy of the
        // standard sort of its own (page size, see `playground_core::sort`).
        let mut members = std::collections::BTreeSet::new();
        members.extend(self.watch_members.values().copied());
        let mut cluster = self.cluster.borrow_mut();
        let mut mailbox = self.watch_mailbox.borrow_mut();
        members.into_iter().flat_map(|member| mailbox.take_apiserver(&mut cluster, member)).collect()
    }

    fn now_ms(&self) -> u64 {
        self.cluster.borrow().now_ms()
    }

    fn last_raft_index(&self) -> Option<u64> {
        self.last_raft_index
    }
}
