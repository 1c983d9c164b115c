//! The long seed sweep: `cargo run --release -p cluster --example sweep -- --seeds 10000`
//! (`--first N` to start elsewhere, `--seed N` to replay one seed; `--fault-ms`,
//! `--client-timeout-ms`, `--settle-ms` change the plan, 10 s of faults by
//! default). Prints seeds/s; on a failure prints the seed and the command that
//! reproduces it, and exits 1.

use cluster::scenario::reproduce_command;
use cluster::scenario::run_sweep_seed;
use cluster::scenario::SweepPlan;

fn argument(arguments: &[String], name: &str) -> Option<u64> {
    let position = arguments.iter().position(|argument| argument == name)?;
    arguments.get(position + 1)?.parse().ok()
}

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    let long = SweepPlan::long();
    let plan = SweepPlan {
        fault_phase_ms: argument(&arguments, "--fault-ms").unwrap_or(long.fault_phase_ms),
        client_timeout_ms: argument(&arguments, "--client-timeout-ms").unwrap_or(long.client_timeout_ms),
        settle_ms: argument(&arguments, "--settle-ms").unwrap_or(long.settle_ms),
    };
    let (first, count) = match argument(&arguments, "--seed") {
        Some(seed) => (seed, 1),
        None => (argument(&arguments, "--first").unwrap_or(0), argument(&arguments, "--seeds").unwrap_or(1_000)),
    };
    println!("sweep: seeds {first}..{} with {plan:?}", first + count);
    let started = std::time::Instant::now();
    let mut failures = 0_u64;
    let mut virtual_ms = 0_u64;
    let mut operations = 0_u64;
    for seed in first..first + count {
        match run_sweep_seed(seed, plan) {
            Ok(report) => {
                virtual_ms += report.virtual_ms;
                operations += report.operations;
                if count == 1 {
                    println!("{report:?}");
                }
            }
            Err(failure) => {
                failures += 1;
                println!("FAILED {failure}");
                println!("reproduce: {}", reproduce_command(seed, plan));
            }
        }
        let done = seed - first + 1;
        if done % 1_000 == 0 {
            let seconds = started.elapsed().as_secs_f64();
            println!("{done} seeds, {:.1} seeds/s, {failures} failures", done as f64 / seconds);
        }
    }
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    println!(
        "{count} seeds in {seconds:.1} s: {:.1} seeds/s ({:.0} virtual s simulated, {operations} client operations), {failures} failures",
        count as f64 / seconds,
        virtual_ms as f64 / 1000.0
    );
    if failures > 0 {
        std::process::exit(1);
    }
}
