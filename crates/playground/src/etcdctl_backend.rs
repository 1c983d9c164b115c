//! The console's etcdctl talking to the simulated cluster: the
//! [`console::EtcdctlBackend`] calls, each sent to a member and answered in
//! virtual time.
//!
//! Endpoints are the addresses the reference transcripts use: member 1 is
//! `127.0.0.1:2379`, member 2 `127.0.0.1:22379`, member 3 `127.0.0.1:32379`,
//! and so on (member n at port n·10000 + 2379, member 1 at 2379). So
//! `etcdctl --endpoints=127.0.0.1:22379 get /registry --prefix --keys-only`
//! reads through member 2, and `--consistency=s` reads member 2's own store,
//! stale if it is cut off.
//!
//! Not simulated here (answered with a clear error): leases, member
//! add/remove and move-leader through etcdctl; the cluster panel does
//! membership and crashes.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use cluster::{ClientError, ClientOp, ClientReply, Cluster, MemberId, ReadConsistency, Role};
use console::backend::{
    endpoint_host_port, Consistency, EndpointStatus, EtcdctlBackend, HashKv, HealthCheck, LeaseTimeToLive, Member,
    RpcCode, RpcError, Served, WatchHandle, WatchPoll,
};
use crate::watch_mailbox::WatchMailbox;
use mvcc::{
    CompactionRequest, CompactionResponse, DeleteRangeRequest, DeleteRangeResponse, PutRequest, PutResponse,
    RangeRequest, RangeResponse, TxnRequest, TxnResponse, WatchRequest,
};

/// The client port of a member, as in the reference transcripts.
pub fn client_port(member: MemberId) -> u64 {
    if member.0 <= 1 {
        2379
    } else {
        member.0 * 10_000 + 2379
    }
}

/// `127.0.0.1:<port>` of a member.
pub fn client_endpoint(member: MemberId) -> String {
    format!("127.0.0.1:{}", client_port(member))
}

/// etcd prints member ids as 16 hex digits; derive stable ones from the member number.
pub fn etcd_member_id(member: MemberId) -> u64 {
    let mut value = member.0.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x8E9E_05C5_2164_694D;
    value = (value ^ (value >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    value ^ (value >> 29)
}

/// The cluster id every member reports.
pub const CLUSTER_ID: u64 = 0x4DF8_1819_4E3A_8C32;

fn not_simulated(what: &str) -> RpcError {
    RpcError::new(RpcCode::Unknown, format!("{what} is not simulated in the playground's cluster yet"))
}

/// etcdctl's view of the cluster.
pub struct ClusterEtcdctl {
    cluster: Rc<RefCell<Cluster>>,
    timeout_ms: u64,
    watches: BTreeMap<WatchHandle, ConsoleWatch>,
    /// Shared with the apiserver's client, which drains the same stores.
    watch_mailbox: Rc<RefCell<WatchMailbox>>,
    next_handle: u64,
}

/// Where one `etcdctl watch` stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConsoleWatch {
    /// Served by this member's store (`incarnation` tells a restarted store apart).
    Serving { member: MemberId, id: mvcc::WatchId, incarnation: u64 },
    /// Refused at start (`WithRequireLeader` on a member without a leader): the first poll says so.
    RefusedNoLeader,
    /// Its member crashed: etcdctl keeps waiting silently while the client redials.
    Lost,
}

impl ClusterEtcdctl {
    pub fn new(cluster: Rc<RefCell<Cluster>>, watch_mailbox: Rc<RefCell<WatchMailbox>>) -> ClusterEtcdctl {
        ClusterEtcdctl { cluster, timeout_ms: 5_000, watches: BTreeMap::new(), watch_mailbox, next_handle: 1 }
    }

    fn member_of(&self, endpoint: &str) -> Option<MemberId> {
        let host_port = endpoint_host_port(endpoint);
        self.cluster.borrow().member_ids().into_iter().find(|member| client_endpoint(*member) == host_port)
    }

    fn is_running(&self, member: MemberId) -> bool {
        self.cluster.borrow().member_status(member).is_some()
    }

    /// The first endpoint whose member is up, like clientv3's balancer.
    fn pick(&self, endpoints: &[String]) -> Result<MemberId, RpcError> {
        endpoints
            .iter()
            .filter_map(|endpoint| self.member_of(endpoint))
            .find(|member| self.is_running(*member))
            .ok_or_else(RpcError::unreachable)
    }

    /// Changes whenever the member crashes or restarts (0 while it is down).
    fn incarnation(&self, member: MemberId) -> u64 {
        self.incarnation_in(&self.cluster.borrow(), member)
    }

    fn incarnation_in(&self, cluster: &Cluster, member: MemberId) -> u64 {
        cluster.member_incarnation(member).unwrap_or(0)
    }

    fn served<T>(&self, member: MemberId, response: T) -> Served<T> {
        let raft_term = self.cluster.borrow().member_status(member).map(|status| status.term).unwrap_or(0);
        Served { cluster_id: CLUSTER_ID, member_id: etcd_member_id(member), raft_term, response }
    }

    fn call(&mut self, endpoints: &[String], op: ClientOp) -> Result<(MemberId, ClientReply), RpcError> {
        let member = self.pick(endpoints)?;
        let result = self.cluster.borrow_mut().request(member, op, self.timeout_ms);
        result.map(|reply| (member, reply)).map_err(|error| rpc_error(&error))
    }
}

fn rpc_error(error: &ClientError) -> RpcError {
    match error {
        ClientError::Mvcc(error) => RpcError::from_mvcc(error),
        ClientError::DeadlineExceeded => RpcError::deadline_exceeded(),
        ClientError::RequestTimedOut => RpcError::new(RpcCode::Unavailable, "etcdserver: request timed out"),
        ClientError::NoLeader => RpcError::new(RpcCode::Unavailable, "etcdserver: no leader"),
        ClientError::LeaderChanged => RpcError::new(RpcCode::Unavailable, "etcdserver: leader changed"),
        other => RpcError::new(RpcCode::Unavailable, other.to_string()),
    }
}

fn unexpected(reply: &ClientReply) -> RpcError {
    RpcError::new(RpcCode::Unknown, format!("unexpected reply {reply:?}"))
}

macro_rules! expect_reply {
    ($reply:expr, $variant:ident) => {
        match $reply {
            ClientReply::$variant(response) => Ok(response),
            other => Err(unexpected(&other)),
        }
    };
}

impl EtcdctlBackend for ClusterEtcdctl {
    fn default_endpoints(&self) -> Vec<String> {
        vec![client_endpoint(MemberId(1))]
    }

    fn now_milliseconds(&self) -> u64 {
        self.cluster.borrow().now_ms()
    }

    fn set_command_timeout_nanoseconds(&mut self, timeout_nanoseconds: u64) {
        self.timeout_ms = (timeout_nanoseconds / 1_000_000).max(1);
    }

    fn range(&mut self, endpoints: &[String], request: RangeRequest, consistency: Consistency) -> Result<Served<RangeResponse>, RpcError> {
        let consistency = match consistency {
            Consistency::Linearizable => ReadConsistency::Linearizable,
            Consistency::Serializable => ReadConsistency::Serializable,
        };
        let (member, reply) = self.call(endpoints, ClientOp::Range { request, consistency })?;
        Ok(self.served(member, expect_reply!(reply, Range)?))
    }

    fn put(&mut self, endpoints: &[String], request: PutRequest) -> Result<Served<PutResponse>, RpcError> {
        let (member, reply) = self.call(endpoints, ClientOp::Put(request))?;
        Ok(self.served(member, expect_reply!(reply, Put)?))
    }

    fn delete_range(&mut self, endpoints: &[String], request: DeleteRangeRequest) -> Result<Served<DeleteRangeResponse>, RpcError> {
        let (member, reply) = self.call(endpoints, ClientOp::DeleteRange(request))?;
        Ok(self.served(member, expect_reply!(reply, DeleteRange)?))
    }

    fn txn(&mut self, endpoints: &[String], request: TxnRequest) -> Result<Served<TxnResponse>, RpcError> {
        let (member, reply) = self.call(endpoints, ClientOp::Txn(request))?;
        Ok(self.served(member, expect_reply!(reply, Txn)?))
    }

    fn compact(&mut self, endpoints: &[String], request: CompactionRequest) -> Result<Served<CompactionResponse>, RpcError> {
        let (member, reply) = self.call(endpoints, ClientOp::Compaction(request))?;
        Ok(self.served(member, expect_reply!(reply, Compaction)?))
    }

    fn watch(&mut self, endpoints: &[String], request: WatchRequest) -> Result<WatchHandle, RpcError> {
        let member = self.pick(endpoints)?;
        let handle = WatchHandle(self.next_handle);
        self.next_handle += 1;
        let started = self.cluster.borrow_mut().watch(member, request);
        match started {
            Ok(id) => {
                self.watch_mailbox.borrow_mut().register_console_watch(member, id);
                let incarnation = self.incarnation(member);
                self.watches.insert(handle, ConsoleWatch::Serving { member, id, incarnation });
            }
            Err(ClientError::NoLeader) => {
                self.watches.insert(handle, ConsoleWatch::RefusedNoLeader);
            }
            Err(error) => return Err(rpc_error(&error)),
        }
        Ok(handle)
    }

    fn poll_watch(&mut self, handle: WatchHandle) -> WatchPoll {
        match self.watches.get(&handle).copied() {
            Some(ConsoleWatch::Serving { member, id, incarnation }) => {
                if self.incarnation(member) != incarnation {
                    // The member crashed (and maybe restarted with a fresh store that
                    // numbers watches anew): this watch is gone from it.
                    self.watches.insert(handle, ConsoleWatch::Lost);
                    self.watch_mailbox.borrow_mut().unregister_console_watch(&mut self.cluster.borrow_mut(), member, id);
                    return WatchPoll::Responses(Vec::new());
                }
                let responses = self.watch_mailbox.borrow_mut().take_console(&mut self.cluster.borrow_mut(), member, id);
                WatchPoll::Responses(responses.into_iter().map(|response| self.served(member, response)).collect())
            }
            Some(ConsoleWatch::RefusedNoLeader) => {
                self.watches.insert(handle, ConsoleWatch::Lost);
                WatchPoll::Canceled("etcdserver: no leader".into())
            }
            Some(ConsoleWatch::Lost) | None => WatchPoll::Responses(Vec::new()),
        }
    }

    fn cancel_watch(&mut self, handle: WatchHandle) {
        if let Some(ConsoleWatch::Serving { member, id, incarnation }) = self.watches.remove(&handle) {
            let mut cluster = self.cluster.borrow_mut();
            if self.incarnation_in(&cluster, member) == incarnation {
                cluster.cancel_watch(member, id);
            }
            self.watch_mailbox.borrow_mut().unregister_console_watch(&mut cluster, member, id);
        }
    }

    fn member_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<Member>>, RpcError> {
        let member = self.pick(endpoints)?;
        let members = self
            .cluster
            .borrow()
            .member_ids()
            .into_iter()
            .map(|id| Member {
                id: etcd_member_id(id),
                name: format!("infra{}", id.0),
                peer_urls: vec![format!("http://127.0.0.1:{}", client_port(id) + 1)],
                client_urls: vec![format!("http://{}", client_endpoint(id))],
                is_learner: false,
            })
            .collect();
        Ok(self.served(member, members))
    }

    fn member_add(&mut self, _endpoints: &[String], _peer_urls: Vec<String>, _is_learner: bool) -> Result<Served<(Member, Vec<Member>)>, RpcError> {
        Err(not_simulated("member add through etcdctl (use the cluster panel)"))
    }

    fn member_remove(&mut self, _endpoints: &[String], _member_id: u64) -> Result<Served<Vec<Member>>, RpcError> {
        Err(not_simulated("member remove through etcdctl (use the cluster panel)"))
    }

    fn move_leader(&mut self, _endpoint: &str, _target_member_id: u64) -> Result<Served<()>, RpcError> {
        Err(not_simulated("move-leader"))
    }

    fn status(&mut self, endpoint: &str) -> Result<Served<EndpointStatus>, RpcError> {
        let member = self.member_of(endpoint).ok_or_else(|| RpcError::status_unreachable(endpoint))?;
        let status = self.cluster.borrow().member_status(member).ok_or_else(|| RpcError::status_unreachable(endpoint))?;
        let db_size_bytes = self.cluster.borrow().store(member).map(|store| 20_480 + 4_096 * (store.revision() / 8)).unwrap_or(20_480);
        let result = EndpointStatus {
            header_revision: status.store_revision,
            version: "3.4.23".into(),
            db_size_bytes,
            db_size_in_use_bytes: db_size_bytes,
            leader: status.leader.map(etcd_member_id).unwrap_or(0),
            raft_index: status.last_log_index,
            raft_term: status.term,
            raft_applied_index: status.applied_index,
            is_learner: status.role == Role::Learner,
            errors: if status.leader.is_none() { vec!["etcdserver: no leader".into()] } else { Vec::new() },
        };
        Ok(self.served(member, result))
    }

    fn health(&mut self, endpoint: &str) -> HealthCheck {
        let started_ms = self.now_milliseconds();
        let request = RangeRequest { key: b"health".to_vec(), ..RangeRequest::default() };
        let error = match self.member_of(endpoint) {
            None => Some(RpcError::unreachable()),
            Some(_) => self.range(&[endpoint.to_string()], request, Consistency::Linearizable).err(),
        };
        let took_nanoseconds = self.now_milliseconds().saturating_sub(started_ms).saturating_mul(1_000_000);
        HealthCheck { took_nanoseconds, error }
    }

    fn alarm_list(&mut self, endpoints: &[String]) -> Result<Served<()>, RpcError> {
        let member = self.pick(endpoints)?;
        Ok(self.served(member, ()))
    }

    fn lease_grant(&mut self, _endpoints: &[String], _ttl_seconds: i64) -> Result<Served<mvcc::LeaseGrantResponse>, RpcError> {
        Err(not_simulated("lease grant"))
    }

    fn lease_revoke(&mut self, _endpoints: &[String], _id: i64) -> Result<Served<mvcc::LeaseRevokeResponse>, RpcError> {
        Err(not_simulated("lease revoke"))
    }

    fn lease_time_to_live(&mut self, _endpoints: &[String], _id: i64) -> Result<Served<LeaseTimeToLive>, RpcError> {
        Err(not_simulated("lease timetolive"))
    }

    fn lease_list(&mut self, _endpoints: &[String]) -> Result<Served<Vec<i64>>, RpcError> {
        Err(not_simulated("lease list"))
    }

    fn hash_kv(&mut self, endpoint: &str, _revision: i64) -> Result<Served<HashKv>, RpcError> {
        let member = self.member_of(endpoint).ok_or_else(RpcError::unreachable)?;
        let (hash, compact_revision) = {
            let cluster = self.cluster.borrow();
            let store = cluster.store(member).ok_or_else(RpcError::unreachable)?;
            (store.content_hash() as u32, store.compact_revision())
        };
        Ok(self.served(member, HashKv { hash, compact_revision }))
    }
}
