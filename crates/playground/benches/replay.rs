//! What opening a long share link costs natively: a link carrying 1,000
//! actions, decoded and replayed to its final state. The browser figure
//! (target: at most 250 ms) comes from `tests/wasm_replay_bench.rs`.
//! `cargo bench -p playground --bench replay`

use std::time::Instant;

use playground::link::{encode_fragment, open_fragment};
use playground::{Scenario, UserAction};

const ROUNDS: u32 = 5;

/// Which actions one line of the breakdown keeps.
type KeepAction = fn(&UserAction) -> bool;

fn main() {
    let scenario = Scenario::replay_benchmark(1_000);
    let fragment = encode_fragment(&scenario);
    println!("link: {} actions, {} characters, {:.1} virtual s", scenario.actions.len(), fragment.len(), scenario.end_ms as f64 / 1000.0);
    let mut best_ms = f64::MAX;
    for round in 1..=ROUNDS {
        let started = Instant::now();
        let playground = match open_fragment(&fragment) {
            Ok(playground) => playground,
            Err(error) => {
                println!("the link does not open: {error}");
                return;
            }
        };
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        best_ms = best_ms.min(elapsed_ms);
        println!("round {round}: decode + replay {elapsed_ms:.1} ms (store revision {:?})", playground.store_revisions(None));
    }
    println!("native: 1,000-action link replayed in {best_ms:.1} ms (best of {ROUNDS}; browser target 250 ms)");

    // Where the time goes: the same virtual span with no actions, with and
    // without the apiserver's controllers, against the full replay.
    let span_ms = scenario.end_ms;
    let started = Instant::now();
    let mut cluster = cluster::Cluster::new(cluster::ClusterConfig {
        seed: scenario.config.seed,
        member_count: u64::from(scenario.config.member_count),
        latency_ms_min: playground::NETWORK_LATENCY_MS_MIN,
        latency_ms_max: playground::NETWORK_LATENCY_MS_MAX,
        // As the optimised playground runs it.
        check_invariants: false,
        ..cluster::ClusterConfig::default()
    });
    cluster.advance(span_ms);
    let raft_ms = started.elapsed().as_secs_f64() * 1000.0;
    let idle = Scenario { actions: Vec::new(), ..scenario.clone() };
    let started = Instant::now();
    std::hint::black_box(playground::Playground::replay(&idle).map(|playground| playground.now_ms()).ok());
    let idle_ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "breakdown: cluster alone for {:.1} virtual s {raft_ms:.1} ms; + apiserver/controllers (no actions) {idle_ms:.1} ms; + 1,000 actions {best_ms:.1} ms",
        span_ms as f64 / 1000.0
    );
    // And per kind of action: the same scenario keeping only one kind.
    let kinds: [(&str, KeepAction); 5] = [
        ("etcdctl put", |action| matches!(action, UserAction::Console { line, .. } if line.contains(" put "))),
        ("etcdctl get/status", |action| matches!(action, UserAction::Console { line, .. } if !line.contains(" put "))),
        ("kubectl apply", |action| matches!(action, UserAction::Apply { .. })),
        ("kubectl delete", |action| matches!(action, UserAction::Delete { .. })),
        ("crash/restart", |action| matches!(action, UserAction::Fault { .. })),
    ];
    for (name, keep) in kinds {
        let only = Scenario { actions: scenario.actions.iter().filter(|timed| keep(&timed.action)).cloned().collect(), ..scenario.clone() };
        let started = Instant::now();
        std::hint::black_box(playground::Playground::replay(&only).map(|playground| playground.now_ms()).ok());
        println!("  only {:>4} x {name:<20} {:>7.1} ms", only.actions.len(), started.elapsed().as_secs_f64() * 1000.0);
    }
}
