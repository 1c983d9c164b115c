//! `cargo bench -p cluster`: committed writes per wall-clock second and virtual
//! seconds simulated per wall-clock second, for 3 and 5 members.
//!
//! Load: one client writes one key after another to the leader, each write
//! waiting for its commit (the 33,000 writes/s target). Idle: the
//! cluster only heartbeats (the 2,000 virtual s per wall s target). The same
//! workloads run in headless Chromium in tests/wasm_bench.rs. The cluster is
//! configured as the page runs it (trace on and drained, invariants off).
//!
//! A warm-up run comes first and is printed apart: in the browser the first
//! seconds run in V8's baseline tier, so only figures after it compare wasm
//! with native (the 1.5x). `scripts/bench-cluster` runs this and the
//! browser twin and prints the ratios.

use std::time::Instant;

use cluster::scenario::benchmark_cluster;
use cluster::scenario::WARM_UP_WRITES;
use cluster::scenario::idle_run;
use cluster::scenario::sequential_writes;

fn steady_writes(member_count: u64, writes: u64) {
    let mut cluster = benchmark_cluster(member_count);
    let virtual_start_ms = cluster.now_ms();
    let wall = Instant::now();
    let committed = sequential_writes(&mut cluster, writes);
    let seconds = wall.elapsed().as_secs_f64().max(1e-9);
    let virtual_seconds = (cluster.now_ms() - virtual_start_ms) as f64 / 1000.0;
    println!(
        "native: {member_count} members, one client, sequential puts: {committed} committed in {seconds:.2} s wall = {:.0} committed writes/s ({:.0} virtual s per wall s)",
        committed as f64 / seconds,
        virtual_seconds / seconds
    );
}

fn idle(member_count: u64, virtual_seconds: u64) {
    let mut cluster = benchmark_cluster(member_count);
    let wall = Instant::now();
    idle_run(&mut cluster, virtual_seconds * 1000);
    let seconds = wall.elapsed().as_secs_f64().max(1e-9);
    println!(
        "native: {member_count} members, no load: {virtual_seconds} virtual s in {seconds:.2} s wall = {:.0} virtual s per wall s",
        virtual_seconds as f64 / seconds
    );
}

fn main() {
    let wall = Instant::now();
    let committed = sequential_writes(&mut benchmark_cluster(3), WARM_UP_WRITES);
    println!("native: warm-up, 3 members: {committed} sequential puts in {:.2} s wall (not compared)", wall.elapsed().as_secs_f64());
    steady_writes(3, 20_000);
    steady_writes(5, 20_000);
    idle(3, 2_000);
    idle(5, 2_000);
}
