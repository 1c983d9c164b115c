//! Transcript 11 (a healthy 3-member etcd 3.4.23 cluster, with and without pre-vote) replayed
//! against `ThreeMembers`, a test backend that is a healthy cluster by construction: every
//! member applies every write to one shared store, and one member is the leader. It checks the
//! console's multi-endpoint behaviour (member list, `endpoint status/health --cluster`, rows in
//! endpoint order, a put through one endpoint read through another with that member's id,
//! `move-leader` refused by a follower and accepted by the leader). The crash and partition
//! transcripts (12–14) need the real simulated cluster; they are listed by the golden test.
//!
//! The fake follows the `EtcdctlBackend` contract with etcd's numbers: after bootstrap every
//! member is at raft index 8 (3 conf changes, the leader's empty entry, 3 attribute publishes,
//! the cluster version), term 2; each write adds one entry; a leader transfer starts term 3 with
//! the new leader's empty entry.

mod common;

use common::{compare, describe, golden_directory, parse_transcript};
use console::backend::*;
use console::{Console, Execution, StopReason};
use mvcc::{Store, WatchId};

const CLUSTER_ID: u64 = 17237436991929493444;
/// (id, name, peer URL, client URL) as `cluster.sh` started them.
const MEMBERS: [(u64, &str, &str, &str); 3] = [
    (
        0x8211f1d0f64f3269,
        "infra1",
        "http://127.0.0.1:12380",
        "http://127.0.0.1:2379",
    ),
    (
        0x91bc3c398fb3c146,
        "infra2",
        "http://127.0.0.1:22380",
        "http://127.0.0.1:22379",
    ),
    (
        0xfd422379fda50e48,
        "infra3",
        "http://127.0.0.1:32380",
        "http://127.0.0.1:32379",
    ),
];

struct ThreeMembers {
    store: Store,
    leader: u64,
    term: u64,
    raft_index: u64,
    watch_queues: std::collections::BTreeMap<WatchId, Vec<mvcc::WatchResponse>>,
}

impl ThreeMembers {
    fn new(leader: u64) -> ThreeMembers {
        ThreeMembers {
            store: Store::new(),
            leader,
            term: 2,
            raft_index: 8,
            watch_queues: Default::default(),
        }
    }

    fn member_at(endpoint: &str) -> Option<u64> {
        MEMBERS
            .iter()
            .find(|(_, _, _, client)| endpoint_host_port(client) == endpoint_host_port(endpoint))
            .map(|(id, ..)| *id)
    }

    /// clientv3's balancer: the first endpoint that names a member.
    fn answering(endpoints: &[String]) -> Result<u64, RpcError> {
        endpoints
            .iter()
            .find_map(|endpoint| ThreeMembers::member_at(endpoint))
            .ok_or_else(RpcError::unreachable)
    }

    fn served<T>(&self, member_id: u64, response: T) -> Served<T> {
        Served {
            cluster_id: CLUSTER_ID,
            member_id,
            raft_term: self.term,
            response,
        }
    }

    fn write<T>(
        &mut self,
        endpoints: &[String],
        write: impl FnOnce(&mut Store) -> Result<T, mvcc::MvccError>,
    ) -> Result<Served<T>, RpcError> {
        let member = ThreeMembers::answering(endpoints)?;
        let result = write(&mut self.store).map_err(|error| RpcError::from_mvcc(&error))?;
        self.raft_index += 1;
        for response in self.store.take_watch_responses() {
            if let Some(queue) = self.watch_queues.get_mut(&response.watch_id) {
                queue.push(response);
            }
        }
        Ok(self.served(member, result))
    }

    fn members() -> Vec<Member> {
        MEMBERS
            .iter()
            .map(|(id, name, peer, client)| Member {
                id: *id,
                name: name.to_string(),
                peer_urls: vec![peer.to_string()],
                client_urls: vec![client.to_string()],
                is_learner: false,
            })
            .collect()
    }
}

impl EtcdctlBackend for ThreeMembers {
    fn now_milliseconds(&self) -> u64 {
        0
    }
    fn range(
        &mut self,
        endpoints: &[String],
        request: mvcc::RangeRequest,
        _: Consistency,
    ) -> Result<Served<mvcc::RangeResponse>, RpcError> {
        let member = ThreeMembers::answering(endpoints)?;
        let response = self
            .store
            .range(&request)
            .map_err(|error| RpcError::from_mvcc(&error))?;
        Ok(self.served(member, response))
    }
    fn put(
        &mut self,
        endpoints: &[String],
        request: mvcc::PutRequest,
    ) -> Result<Served<mvcc::PutResponse>, RpcError> {
        self.write(endpoints, |store| store.put(request))
    }
    fn delete_range(
        &mut self,
        endpoints: &[String],
        request: mvcc::DeleteRangeRequest,
    ) -> Result<Served<mvcc::DeleteRangeResponse>, RpcError> {
        self.write(endpoints, |store| store.delete_range(request))
    }
    fn txn(
        &mut self,
        endpoints: &[String],
        request: mvcc::TxnRequest,
    ) -> Result<Served<mvcc::TxnResponse>, RpcError> {
        self.write(endpoints, |store| store.txn(request))
    }
    fn compact(
        &mut self,
        endpoints: &[String],
        request: mvcc::CompactionRequest,
    ) -> Result<Served<mvcc::CompactionResponse>, RpcError> {
        self.write(endpoints, |store| store.compact(request))
    }
    fn watch(
        &mut self,
        endpoints: &[String],
        request: mvcc::WatchRequest,
    ) -> Result<WatchHandle, RpcError> {
        ThreeMembers::answering(endpoints)?;
        let id = self.store.watch(request);
        self.watch_queues
            .insert(id, self.store.take_watch_responses());
        Ok(WatchHandle(id.0 as u64))
    }
    fn poll_watch(&mut self, handle: WatchHandle) -> WatchPoll {
        let responses = self
            .watch_queues
            .get_mut(&WatchId(handle.0 as i64))
            .map(std::mem::take)
            .unwrap_or_default();
        WatchPoll::Responses(
            responses
                .into_iter()
                .map(|response| self.served(self.leader, response))
                .collect(),
        )
    }
    fn cancel_watch(&mut self, handle: WatchHandle) {
        self.store.cancel_watch(WatchId(handle.0 as i64));
        self.watch_queues.remove(&WatchId(handle.0 as i64));
    }
    fn member_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<Member>>, RpcError> {
        let member = ThreeMembers::answering(endpoints)?;
        Ok(self.served(member, ThreeMembers::members()))
    }
    fn member_add(
        &mut self,
        _: &[String],
        _: Vec<String>,
        _: bool,
    ) -> Result<Served<(Member, Vec<Member>)>, RpcError> {
        Err(RpcError::new(
            RpcCode::Unavailable,
            "not in this transcript",
        ))
    }
    fn member_remove(&mut self, _: &[String], _: u64) -> Result<Served<Vec<Member>>, RpcError> {
        Err(RpcError::new(
            RpcCode::Unavailable,
            "not in this transcript",
        ))
    }
    fn move_leader(&mut self, endpoint: &str, target: u64) -> Result<Served<()>, RpcError> {
        let member = ThreeMembers::member_at(endpoint).ok_or_else(RpcError::unreachable)?;
        assert_eq!(
            member, self.leader,
            "the console must send move-leader to the leader's endpoint"
        );
        self.leader = target;
        self.term += 1;
        self.raft_index += 1; // the new leader's empty entry
        Ok(self.served(member, ()))
    }
    fn status(&mut self, endpoint: &str) -> Result<Served<EndpointStatus>, RpcError> {
        let member = ThreeMembers::member_at(endpoint)
            .ok_or_else(|| RpcError::status_unreachable(endpoint))?;
        let status = EndpointStatus {
            header_revision: self.store.revision(),
            version: "3.4.23".to_string(),
            db_size_bytes: 20480,
            db_size_in_use_bytes: 16384,
            leader: self.leader,
            raft_index: self.raft_index,
            raft_term: self.term,
            raft_applied_index: self.raft_index,
            is_learner: false,
            errors: Vec::new(),
        };
        Ok(self.served(member, status))
    }
    fn health(&mut self, endpoint: &str) -> HealthCheck {
        match ThreeMembers::member_at(endpoint) {
            Some(_) => HealthCheck {
                took_nanoseconds: 1_500_000,
                error: None,
            },
            None => HealthCheck {
                took_nanoseconds: 5_000_000_000,
                error: Some(RpcError::deadline_exceeded()),
            },
        }
    }
    fn alarm_list(&mut self, endpoints: &[String]) -> Result<Served<()>, RpcError> {
        self.write(endpoints, |_| Ok(()))
    }
    fn lease_grant(
        &mut self,
        endpoints: &[String],
        ttl_seconds: i64,
    ) -> Result<Served<mvcc::LeaseGrantResponse>, RpcError> {
        self.write(endpoints, |store| {
            store.lease_grant(mvcc::LeaseGrantRequest { id: 0, ttl_seconds })
        })
    }
    fn lease_revoke(
        &mut self,
        endpoints: &[String],
        id: i64,
    ) -> Result<Served<mvcc::LeaseRevokeResponse>, RpcError> {
        self.write(endpoints, |store| {
            store.lease_revoke(mvcc::LeaseRevokeRequest { id })
        })
    }
    fn lease_time_to_live(
        &mut self,
        _: &[String],
        _: i64,
    ) -> Result<Served<LeaseTimeToLive>, RpcError> {
        Err(RpcError::new(
            RpcCode::Unavailable,
            "not in this transcript",
        ))
    }
    fn lease_list(&mut self, _: &[String]) -> Result<Served<Vec<i64>>, RpcError> {
        Err(RpcError::new(
            RpcCode::Unavailable,
            "not in this transcript",
        ))
    }
    fn hash_kv(&mut self, endpoint: &str, _: i64) -> Result<Served<HashKv>, RpcError> {
        let member = ThreeMembers::member_at(endpoint).ok_or_else(RpcError::unreachable)?;
        Ok(self.served(
            member,
            HashKv {
                hash: 1,
                compact_revision: 0,
            },
        ))
    }
}

fn replay(file: &str, initial_leader: u64) {
    let text = std::fs::read_to_string(golden_directory().join(file)).expect("transcript readable");
    let steps = parse_transcript(file, &text);
    let mut backend = ThreeMembers::new(initial_leader);
    let mut console = Console::new();
    let mut failures = Vec::new();
    let mut replayed = 0;
    for step in steps
        .iter()
        .filter(|step| step.command.starts_with("etcdctl "))
    {
        replayed += 1;
        let output = match console.execute(&step.command, &step.stdin, &mut backend) {
            Execution::Finished(output) => output,
            Execution::Watching(session) => session.stop(&mut backend, StopReason::Timeout),
        };
        compare(step, &output, &mut failures);
    }
    eprintln!(
        "{file}: replayed {replayed} commands; first: {}",
        steps.first().map(describe).unwrap_or_default()
    );
    assert!(replayed >= 10, "{file}: only {replayed} commands");
    assert!(
        failures.is_empty(),
        "{} commands differ:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_healthy_three_member_cluster_answers_like_the_real_one_without_pre_vote() {
    replay("11-cluster-healthy.txt", 0xfd422379fda50e48);
}

#[test]
fn a_healthy_three_member_cluster_answers_like_the_real_one_with_pre_vote() {
    replay("11-cluster-prevote-healthy.txt", 0x91bc3c398fb3c146);
}
