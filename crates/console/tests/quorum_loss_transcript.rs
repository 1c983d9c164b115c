//! The second half of transcript 12 (both variants): two of three members killed, the lone
//! survivor has no leader. Replayed against `LoneSurvivor`, a backend in exactly that state:
//! the two dead endpoints refuse connections; the survivor answers `status` (at first still
//! as leader; once a request has waited out etcdctl's 5 s deadline — longer than the election
//! timeout after which CheckQuorum makes it step down — with no leader; frozen term 4 and index 12), `member list` (served locally in 3.4) and serializable reads from its
//! applied state (revision 3), while linearizable reads, deletes, compactions and lease grants
//! run into etcdctl's 5 s deadline and watches are cancelled with `etcdserver: no leader`.
//!
//! Run but not compared: the puts, health checks and the compaction of the outage, whose error
//! variant (`request timed out`, `Unknown desc = context deadline exceeded` or `context deadline
//! exceeded`) depends on timing (etcd-semantics.md §5, point 5; the compaction got a different
//! variant in each of the two captures). `sleep 5; ...` is a shell line and is not run.

mod common;

use common::{compare, golden_directory, parse_transcript};
use console::backend::*;
use console::{Console, Execution, StopReason};
use mvcc::Store;

const CLUSTER_ID: u64 = 17237436991929493444;
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
/// The survivor's applied state: the term and index of its last applied entry.
const FROZEN_TERM: u64 = 4;
const FROZEN_INDEX: u64 = 12;

struct LoneSurvivor {
    survivor: u64,
    store: Store,
    /// CheckQuorum: false until one request has waited out the client deadline.
    stepped_down: bool,
}

impl LoneSurvivor {
    fn new(survivor: u64) -> LoneSurvivor {
        // What transcript 11 wrote before the crashes (revisions 2 and 3).
        let mut store = Store::new();
        let put = |key: &str, value: &str| mvcc::PutRequest {
            key: key.into(),
            value: value.into(),
            ..Default::default()
        };
        store
            .put(put(
                "/registry/namespaces/default",
                r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"default"}}"#,
            ))
            .expect("put");
        store
            .put(put(
                "/registry/deployments/default/nginx",
                r#"{"kind":"Deployment","spec":{"replicas":3}}"#,
            ))
            .expect("put");
        LoneSurvivor {
            survivor,
            store,
            stepped_down: false,
        }
    }

    fn alive(&self, endpoint: &str) -> bool {
        MEMBERS.iter().any(|(id, _, _, client)| {
            *id == self.survivor && endpoint_host_port(client) == endpoint_host_port(endpoint)
        })
    }

    fn reach(&self, endpoints: &[String]) -> Result<(), RpcError> {
        if endpoints.iter().any(|endpoint| self.alive(endpoint)) {
            Ok(())
        } else {
            Err(RpcError::unreachable())
        }
    }

    /// Anything that needs a quorum waits until etcdctl's deadline (5 s of virtual time, after
    /// which the survivor has stepped down).
    fn needs_leader<T>(&mut self, endpoints: &[String]) -> Result<T, RpcError> {
        self.reach(endpoints)?;
        self.stepped_down = true;
        Err(RpcError::deadline_exceeded())
    }

    fn served<T>(&self, response: T) -> Served<T> {
        Served {
            cluster_id: CLUSTER_ID,
            member_id: self.survivor,
            raft_term: FROZEN_TERM,
            response,
        }
    }
}

impl EtcdctlBackend for LoneSurvivor {
    fn now_milliseconds(&self) -> u64 {
        0
    }
    fn range(
        &mut self,
        endpoints: &[String],
        request: mvcc::RangeRequest,
        consistency: Consistency,
    ) -> Result<Served<mvcc::RangeResponse>, RpcError> {
        self.reach(endpoints)?;
        match consistency {
            Consistency::Linearizable => self.needs_leader(endpoints),
            Consistency::Serializable => self
                .store
                .range(&request)
                .map(|response| self.served(response))
                .map_err(|error| RpcError::from_mvcc(&error)),
        }
    }
    fn put(
        &mut self,
        endpoints: &[String],
        _: mvcc::PutRequest,
    ) -> Result<Served<mvcc::PutResponse>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn delete_range(
        &mut self,
        endpoints: &[String],
        _: mvcc::DeleteRangeRequest,
    ) -> Result<Served<mvcc::DeleteRangeResponse>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn txn(
        &mut self,
        endpoints: &[String],
        _: mvcc::TxnRequest,
    ) -> Result<Served<mvcc::TxnResponse>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn compact(
        &mut self,
        endpoints: &[String],
        _: mvcc::CompactionRequest,
    ) -> Result<Served<mvcc::CompactionResponse>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn watch(
        &mut self,
        endpoints: &[String],
        _: mvcc::WatchRequest,
    ) -> Result<WatchHandle, RpcError> {
        self.reach(endpoints)?;
        Ok(WatchHandle(1))
    }
    fn poll_watch(&mut self, _: WatchHandle) -> WatchPoll {
        WatchPoll::Canceled("etcdserver: no leader".to_string())
    }
    fn cancel_watch(&mut self, _: WatchHandle) {}
    fn member_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<Member>>, RpcError> {
        self.reach(endpoints)?;
        let members = MEMBERS
            .iter()
            .map(|(id, name, peer, client)| Member {
                id: *id,
                name: name.to_string(),
                peer_urls: vec![peer.to_string()],
                client_urls: vec![client.to_string()],
                is_learner: false,
            })
            .collect();
        Ok(self.served(members))
    }
    fn member_add(
        &mut self,
        endpoints: &[String],
        _: Vec<String>,
        _: bool,
    ) -> Result<Served<(Member, Vec<Member>)>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn member_remove(
        &mut self,
        endpoints: &[String],
        _: u64,
    ) -> Result<Served<Vec<Member>>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn move_leader(&mut self, endpoint: &str, _: u64) -> Result<Served<()>, RpcError> {
        self.needs_leader(&[endpoint.to_string()])
    }
    fn status(&mut self, endpoint: &str) -> Result<Served<EndpointStatus>, RpcError> {
        if !self.alive(endpoint) {
            return Err(RpcError::status_unreachable(endpoint));
        }
        let status = EndpointStatus {
            header_revision: self.store.revision(),
            version: "3.4.23".to_string(),
            db_size_bytes: 20480,
            db_size_in_use_bytes: 16384,
            leader: if self.stepped_down { 0 } else { self.survivor },
            raft_index: FROZEN_INDEX,
            raft_term: FROZEN_TERM,
            raft_applied_index: FROZEN_INDEX,
            is_learner: false,
            errors: if self.stepped_down {
                vec!["etcdserver: no leader".to_string()]
            } else {
                Vec::new()
            },
        };
        Ok(self.served(status))
    }
    fn health(&mut self, _: &str) -> HealthCheck {
        self.stepped_down = true;
        HealthCheck {
            took_nanoseconds: 5_000_758_242,
            error: Some(RpcError::deadline_exceeded()),
        }
    }
    fn alarm_list(&mut self, endpoints: &[String]) -> Result<Served<()>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn lease_grant(
        &mut self,
        endpoints: &[String],
        _: i64,
    ) -> Result<Served<mvcc::LeaseGrantResponse>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn lease_revoke(
        &mut self,
        endpoints: &[String],
        _: i64,
    ) -> Result<Served<mvcc::LeaseRevokeResponse>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn lease_time_to_live(
        &mut self,
        endpoints: &[String],
        _: i64,
    ) -> Result<Served<LeaseTimeToLive>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn lease_list(&mut self, endpoints: &[String]) -> Result<Served<Vec<i64>>, RpcError> {
        self.needs_leader(endpoints)
    }
    fn hash_kv(&mut self, endpoint: &str, _: i64) -> Result<Served<HashKv>, RpcError> {
        self.needs_leader(&[endpoint.to_string()])
    }
}

fn timing_dependent(command: &str) -> bool {
    command.contains(" put ")
        || command.contains("endpoint health")
        || command.contains(" compaction ")
}

fn replay_after_second_crash(file: &str, survivor: u64) {
    let text = std::fs::read_to_string(golden_directory().join(file)).expect("transcript readable");
    let steps = parse_transcript(file, &text);
    let second_kill = steps
        .iter()
        .enumerate()
        .filter(|(_, step)| step.command.starts_with("kill -9"))
        .nth(1)
        .map(|(index, _)| index)
        .expect("two crashes");
    let mut backend = LoneSurvivor::new(survivor);
    let mut console = Console::new();
    let mut failures = Vec::new();
    let mut replayed = 0;
    for step in &steps[second_kill + 1..] {
        let command = step.command.trim_start_matches("timeout 4 ");
        if !command.starts_with("etcdctl ") {
            continue;
        }
        let output = match console.execute(&step.command, &step.stdin, &mut backend) {
            Execution::Finished(output) => output,
            Execution::Watching(mut session) => {
                let mut output = session.poll(&mut backend);
                if !session.is_finished() {
                    output = session.stop(&mut backend, StopReason::Timeout);
                }
                output
            }
        };
        if !timing_dependent(command) {
            replayed += 1;
            compare(step, &output, &mut failures);
        }
    }
    eprintln!("{file}: compared {replayed} commands after the second crash");
    assert!(replayed >= 12, "{file}: only {replayed} commands");
    assert!(
        failures.is_empty(),
        "{} commands differ:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_lone_survivor_of_three_answers_status_and_stale_reads_but_nothing_that_needs_a_leader() {
    replay_after_second_crash("12-cluster-quorum-loss.txt", 0xfd422379fda50e48);
}

#[test]
fn the_lone_survivor_answers_the_same_way_with_pre_vote() {
    replay_after_second_crash("12-cluster-prevote-quorum-loss.txt", 0x91bc3c398fb3c146);
}
