//! Ready-made runs: the fixed determinism scenario and the randomized sweep run.
//!
//! A sweep run (`run_sweep_seed`) is one seed's story: 3 or 5 members with
//! duplication on the wire, three clients writing unique values to two keys
//! and reading them back (linearizable), and a fault every 150–450 ms for the
//! fault phase (crash, restart, partition, heal, one-way cuts, lossy links).
//! Then everything is healed and restarted, the clients finish, and the run is
//! judged: no invariant violation, every member converged to the same store,
//! and the recorded history is linearizable (which also means no acknowledged
//! write was lost: the final reads must be explained by the writes).

use std::collections::BTreeMap;

use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use rand_core::SeedableRng;

use crate::actions::FaultAction;
use crate::client::ClientRequest;
use crate::client::ClientRequestId;
use crate::cluster::Cluster;
use crate::config::ClusterConfig;
use crate::linearizability;
use crate::linearizability::Operation;
use crate::linearizability::OperationKind;
use etcd_member::ClientOp;
use etcd_member::ClientReply;
use etcd_member::MemberId;
use etcd_member::ReadConsistency;

/// The fixed scenario whose trace hash the native and the browser tests both
/// compare with `tests/determinism.hash`: 3 members, an election, writes
/// through a follower, the leader crashed, a new election, a restart.
pub fn determinism_scenario() -> Cluster {
    let mut cluster = Cluster::new(ClusterConfig { seed: 42, member_count: 3, ..ClusterConfig::default() });
    cluster.advance(2_500);
    for round in 0..5_u32 {
        let put = mvcc::PutRequest {
            key: format!("/registry/pods/default/pod-{round}").into_bytes(),
            value: format!("v{round}").into_bytes(),
            ..Default::default()
        };
        let _ = cluster.request(MemberId(2), ClientOp::Put(put), 5_000);
    }
    if let Some(leader) = cluster.view().leader {
        let _ = cluster.apply_action(FaultAction::Crash { member: leader });
        cluster.advance(3_000);
        let _ = cluster.apply_action(FaultAction::Restart { member: leader });
    }
    cluster.advance(2_000);
    cluster
}

/// The benchmark's cluster, configured as the playground's page runs it:
/// etcd timings, the trace recorded (and hashed), the invariant checks off
/// (the optimised page skips them; every test still runs them). Run until it
/// has a leader.
pub fn benchmark_cluster(member_count: u64) -> Cluster {
    let config = ClusterConfig { seed: 1, member_count, check_invariants: false, ..ClusterConfig::default() };
    let mut cluster = Cluster::new(config);
    for _ in 0..40 {
        if cluster.view().leader.is_some() {
            break;
        }
        cluster.advance(250);
    }
    let _ = cluster.take_trace();
    cluster
}

/// Benchmark load: one client writes one key after another to the leader,
/// each write waiting for its commit. The trace is drained after each write,
/// as the page drains it after each request. Returns the writes committed.
pub fn sequential_writes(cluster: &mut Cluster, writes: u64) -> u64 {
    let Some(leader) = cluster.view().leader else { return 0 };
    let mut committed = 0;
    for round in 0..writes {
        let put = mvcc::PutRequest {
            key: b"/registry/bench/key".to_vec(),
            value: round.to_le_bytes().to_vec(),
            ..Default::default()
        };
        if cluster.request(leader, ClientOp::Put(put), 5_000).is_ok() {
            committed += 1;
        }
        let _ = cluster.take_trace();
    }
    committed
}

/// Writes of the benchmarks' warm-up run, before anything is measured: long
/// enough for V8 to optimise the hot code (its first seconds run in the
/// baseline tier, 2-3x slower), so the figures after it compare wasm with
/// native code rather than with V8's start-up.
pub const WARM_UP_WRITES: u64 = 10_000;

/// How much virtual time the page advances between two drains of the trace
/// (its controllers' period).
pub const BENCHMARK_FRAME_MS: u64 = 200;

/// Benchmark idle load: advances `virtual_ms` in frames of
/// [`BENCHMARK_FRAME_MS`], draining the trace after each, as the page does.
pub fn idle_run(cluster: &mut Cluster, virtual_ms: u64) {
    let target_ms = cluster.now_ms().saturating_add(virtual_ms);
    while cluster.now_ms() < target_ms {
        let frame_ms = BENCHMARK_FRAME_MS.min(target_ms - cluster.now_ms());
        cluster.advance(frame_ms);
        let _ = cluster.take_trace();
    }
}

/// Summary of one successful sweep run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub seed: u64,
    pub member_count: u64,
    pub operations: u64,
    pub acknowledged_writes: u64,
    pub faults: u64,
    pub steps: u64,
    pub virtual_ms: u64,
}

/// How long each phase of a sweep run lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepPlan {
    /// Faults keep coming for this long.
    pub fault_phase_ms: u64,
    /// Each client request's timeout.
    pub client_timeout_ms: u64,
    /// Quiet time after healing before the final reads.
    pub settle_ms: u64,
}

impl SweepPlan {
    /// The long sweep's plan: 10 virtual seconds of faults.
    pub fn long() -> SweepPlan {
        SweepPlan { fault_phase_ms: 10_000, client_timeout_ms: 1_500, settle_ms: 1_500 }
    }

    /// The test suite's plan: a short burst of faults (debug builds are slow).
    pub fn quick() -> SweepPlan {
        SweepPlan { fault_phase_ms: 600, client_timeout_ms: 600, settle_ms: 400 }
    }
}

/// The command that replays one seed (printed with every failure).
pub fn reproduce_command(seed: u64, plan: SweepPlan) -> String {
    format!(
        "cargo run --release -p cluster --example sweep -- --seed {seed} --fault-ms {} --client-timeout-ms {} --settle-ms {}",
        plan.fault_phase_ms, plan.client_timeout_ms, plan.settle_ms
    )
}

const KEYS: [&[u8]; 2] = [b"/registry/configmaps/default/a", b"/registry/configmaps/default/b"];
const CLIENTS: u64 = 3;
/// Keeps each key's history within the checker's limit.
const MAX_OPERATIONS: u64 = 90;

struct ClientState {
    outstanding: Option<(ClientRequestId, Operation)>,
    next_at_ms: u64,
    writes: u64,
}

fn draw(rng: &mut ChaCha8Rng, below: u64) -> u64 {
    if below == 0 {
        0
    } else {
        rng.next_u64() % below
    }
}

fn pick(rng: &mut ChaCha8Rng, members: &[MemberId]) -> Option<MemberId> {
    if members.is_empty() {
        None
    } else {
        members.get(draw(rng, members.len() as u64) as usize).copied()
    }
}

fn random_fault(rng: &mut ChaCha8Rng, cluster: &Cluster, crashed: &[MemberId]) -> FaultAction {
    let ids = cluster.member_ids();
    let running: Vec<MemberId> = ids.iter().copied().filter(|id| !crashed.contains(id)).collect();
    let choice = draw(rng, 8);
    match choice {
        0 if !running.is_empty() => FaultAction::Crash { member: pick(rng, &running).unwrap_or(MemberId(1)) },
        1 if !crashed.is_empty() => FaultAction::Restart { member: pick(rng, crashed).unwrap_or(MemberId(1)) },
        2 | 3 => {
            let mut groups: Vec<Vec<MemberId>> = vec![Vec::new(), Vec::new()];
            for id in &ids {
                groups[draw(rng, 2) as usize].push(*id);
            }
            FaultAction::Partition { groups }
        }
        4 => {
            let from = pick(rng, &ids).unwrap_or(MemberId(1));
            let others: Vec<MemberId> = ids.iter().copied().filter(|id| *id != from).collect();
            let to = pick(rng, &others).unwrap_or(MemberId(2));
            FaultAction::CutLink { from, to, both_directions: draw(rng, 2) == 0 }
        }
        5 => {
            let from = pick(rng, &ids).unwrap_or(MemberId(1));
            let others: Vec<MemberId> = ids.iter().copied().filter(|id| *id != from).collect();
            let to = pick(rng, &others).unwrap_or(MemberId(2));
            FaultAction::SetLinkLoss { from, to, loss_probability: (draw(rng, 40) as f64) / 100.0 }
        }
        _ => FaultAction::Heal,
    }
}

fn outcome_of(operation: Operation, reply: &Result<ClientReply, etcd_member::ClientError>, completed_ms: u64) -> Option<Operation> {
    match (&operation.kind, reply) {
        (OperationKind::Write { .. }, Ok(_)) => Some(Operation { completed_ms: Some(completed_ms), ..operation }),
        // A failed or timed-out write may still commit later: unknown outcome.
        (OperationKind::Write { .. }, Err(_)) => Some(Operation { completed_ms: None, ..operation }),
        (OperationKind::Read { .. }, Ok(ClientReply::Range(range))) => Some(Operation {
            kind: OperationKind::Read { observed: range.kvs.first().map(|kv| kv.value.clone()) },
            completed_ms: Some(completed_ms),
            ..operation
        }),
        // Failed reads had no effect.
        (OperationKind::Read { .. }, _) => None,
    }
}

/// Runs one randomized seed (see the module doc) with the phases of `plan`.
pub fn run_sweep_seed(seed: u64, plan: SweepPlan) -> Result<SweepReport, String> {
    let SweepPlan { fault_phase_ms, client_timeout_ms, settle_ms } = plan;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(7_777);
    let member_count = if draw(&mut rng, 2) == 0 { 3 } else { 5 };
    let duplication_probability = draw(&mut rng, 4) as f64 / 100.0;
    let config = ClusterConfig { duplication_probability, ..ClusterConfig::fast(seed, member_count) };
    let mut cluster = Cluster::new(config);
    let mut clients: Vec<ClientState> =
        (0..CLIENTS).map(|_| ClientState { outstanding: None, next_at_ms: 300, writes: 0 }).collect();
    let mut history: Vec<Operation> = Vec::new();
    let mut crashed: Vec<MemberId> = Vec::new();
    let mut faults: u64 = 0;
    let mut operations: u64 = 0;
    let mut next_fault_ms: u64 = 400;
    let fault_end_ms = 300 + fault_phase_ms;
    let drain_end_ms = fault_end_ms + client_timeout_ms + settle_ms;
    const SLICE_MS: u64 = 10;
    let slices = drain_end_ms / SLICE_MS + 1;
    for _slice in 0..slices {
        let now_ms = cluster.now_ms();
        if now_ms >= drain_end_ms {
            break;
        }
        // Faults, then the final heal.
        if now_ms >= next_fault_ms && now_ms < fault_end_ms {
            let action = random_fault(&mut rng, &cluster, &crashed);
            match &action {
                FaultAction::Crash { member } => crashed.push(*member),
                FaultAction::Restart { member } => crashed.retain(|id| id != member),
                _ => {}
            }
            cluster.apply_action(action).map_err(|error| format!("seed {seed}: action refused: {error}"))?;
            faults += 1;
            next_fault_ms = now_ms + 150 + draw(&mut rng, 300);
        }
        if now_ms >= fault_end_ms && (next_fault_ms != u64::MAX) {
            next_fault_ms = u64::MAX;
            cluster.apply_action(FaultAction::Heal).map_err(|error| error.to_string())?;
            for member in cluster.member_ids() {
                for other in cluster.member_ids() {
                    if member != other {
                        let reset = FaultAction::SetLinkLoss { from: member, to: other, loss_probability: 0.0 };
                        cluster.apply_action(reset).map_err(|error| error.to_string())?;
                    }
                }
            }
            for member in std::mem::take(&mut crashed) {
                cluster.apply_action(FaultAction::Restart { member }).map_err(|error| error.to_string())?;
            }
        }
        // Clients.
        let running: Vec<MemberId> = cluster.member_ids().into_iter().filter(|id| !crashed.contains(id)).collect();
        for (client_index, client) in clients.iter_mut().enumerate() {
            if client.outstanding.is_some() || now_ms < client.next_at_ms || now_ms >= fault_end_ms {
                continue;
            }
            if operations >= MAX_OPERATIONS * KEYS.len() as u64 {
                continue;
            }
            let key = KEYS[draw(&mut rng, KEYS.len() as u64) as usize].to_vec();
            let target = pick(&mut rng, &running).unwrap_or(MemberId(1));
            let (op, kind) = if draw(&mut rng, 2) == 0 {
                client.writes += 1;
                let value = format!("c{client_index}-w{}", client.writes).into_bytes();
                let put = mvcc::PutRequest { key: key.clone(), value: value.clone(), ..Default::default() };
                (ClientOp::Put(put), OperationKind::Write { value })
            } else {
                let range = mvcc::RangeRequest { key: key.clone(), ..Default::default() };
                (
                    ClientOp::Range { request: range, consistency: ReadConsistency::Linearizable },
                    OperationKind::Read { observed: None },
                )
            };
            let id = cluster.submit(ClientRequest { member: target, op, timeout_ms: client_timeout_ms });
            operations += 1;
            client.outstanding = Some((id, Operation { key, kind, invoked_ms: now_ms, completed_ms: None }));
        }
        cluster.advance(SLICE_MS);
        let responses = cluster.take_client_responses();
        for response in responses {
            for client in clients.iter_mut() {
                let matches = client.outstanding.as_ref().map(|(id, _)| *id == response.id).unwrap_or(false);
                if !matches {
                    continue;
                }
                if let Some((_, operation)) = client.outstanding.take() {
                    if let Some(done) = outcome_of(operation, &response.result, response.completed_ms) {
                        history.push(done);
                    }
                }
                client.next_at_ms = cluster.now_ms() + draw(&mut rng, 30);
            }
        }
    }
    // Final reads through every member: they must succeed and agree.
    let mut acknowledged_writes = 0;
    for operation in &history {
        if matches!(operation.kind, OperationKind::Write { .. }) && operation.completed_ms.is_some() {
            acknowledged_writes += 1;
        }
    }
    for member in cluster.member_ids() {
        for key in KEYS {
            let invoked_ms = cluster.now_ms();
            let range = mvcc::RangeRequest { key: key.to_vec(), ..Default::default() };
            let op = ClientOp::Range { request: range, consistency: ReadConsistency::Linearizable };
            let reply = cluster.request(member, op, 3_000);
            let completed_ms = cluster.now_ms();
            match &reply {
                Ok(ClientReply::Range(range)) => history.push(Operation {
                    key: key.to_vec(),
                    kind: OperationKind::Read { observed: range.kvs.first().map(|kv| kv.value.clone()) },
                    invoked_ms,
                    completed_ms: Some(completed_ms),
                }),
                other => {
                    return Err(format!(
                        "seed {seed}: final linearizable read on {member} failed after healing: {other:?}"
                    ))
                }
            }
        }
    }
    cluster.advance(settle_ms);
    if let Some(violation) = cluster.violations().first() {
        return Err(format!(
            "seed {seed}: invariant '{}' violated at {} ms: {}",
            violation.invariant, violation.at_ms, violation.detail
        ));
    }
    let view = cluster.view();
    let applied: BTreeMap<u64, Vec<MemberId>> = view.members.iter().fold(BTreeMap::new(), |mut map, member| {
        map.entry(member.applied_index).or_default().push(member.id);
        map
    });
    if applied.len() != 1 {
        return Err(format!("seed {seed}: members did not converge after healing: applied indexes {applied:?}"));
    }
    let hashes: Vec<u64> =
        cluster.member_ids().iter().filter_map(|id| cluster.store(*id).map(|store| store.content_hash())).collect();
    if hashes.windows(2).any(|pair| pair[0] != pair[1]) {
        return Err(format!("seed {seed}: stores differ after healing"));
    }
    linearizability::check(&history).map_err(|error| format!("seed {seed}: {error}"))?;
    Ok(SweepReport {
        seed,
        member_count,
        operations,
        acknowledged_writes,
        faults,
        steps: cluster.steps(),
        virtual_ms: cluster.now_ms(),
    })
}
