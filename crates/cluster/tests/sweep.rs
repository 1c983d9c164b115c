#![cfg(not(target_arch = "wasm32"))]
//! The seed sweep of the normal test run: 200 randomized runs (four tests of
//! 50, run in parallel) with crashes, restarts, partitions, one-way cuts,
//! lossy links and duplication, each judged for invariants, convergence after
//! healing and linearizability of the client history. The fault phase is short
//! here (`SweepPlan::quick`) to keep the debug-build suite fast; the long sweep runs 10 s of faults
//! per seed: `cargo run --release -p cluster --example sweep -- --seeds 10000`.

use cluster::scenario::reproduce_command;
use cluster::scenario::run_sweep_seed;
use cluster::scenario::SweepPlan;

const SEEDS_PER_TEST: u64 = 50;

fn sweep(first_seed: u64) {
    let mut failures = Vec::new();
    for seed in first_seed..first_seed + SEEDS_PER_TEST {
        if let Err(failure) = run_sweep_seed(seed, SweepPlan::quick()) {
            failures.push(format!("{failure}\n  reproduce: {}", reproduce_command(seed, SweepPlan::quick())));
        }
    }
    assert!(failures.is_empty(), "{} seeds failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn seeds_0_to_49_keep_raft_safe_and_histories_linearizable() {
    sweep(0);
}

#[test]
fn seeds_50_to_99_keep_raft_safe_and_histories_linearizable() {
    sweep(50);
}

#[test]
fn seeds_100_to_149_keep_raft_safe_and_histories_linearizable() {
    sweep(100);
}

#[test]
fn seeds_150_to_199_keep_raft_safe_and_histories_linearizable() {
    sweep(150);
}
