#![cfg(target_arch = "wasm32")]
//! The benchmark workloads of benches/cluster_bench.rs, in headless Chromium.
//! Ignored in the normal run (it measures, it does not check); run it with
//! `cargo test --profile bench --target wasm32-unknown-unknown --test wasm_bench -- --include-ignored`
//! and compare with `cargo bench -p cluster` for the wasm/native ratio
//! (`scripts/bench-cluster` runs both and prints it). The warm-up run is
//! printed apart: V8 runs the first seconds in its baseline tier.

use cluster::scenario::benchmark_cluster;
use cluster::scenario::idle_run;
use cluster::scenario::sequential_writes;
use cluster::scenario::WARM_UP_WRITES;
use wasm_bindgen_test::console_log;
use wasm_bindgen_test::wasm_bindgen_test;
use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

fn now_seconds() -> f64 {
    js_sys::Date::now() / 1000.0
}

#[wasm_bindgen_test]
#[ignore]
fn benchmark_in_the_browser() {
    let started = now_seconds();
    let committed = sequential_writes(&mut benchmark_cluster(3), WARM_UP_WRITES);
    console_log!("wasm: warm-up, 3 members: {committed} sequential puts in {:.2} s wall (not compared)", now_seconds() - started);
    for member_count in [3_u64, 5] {
        let mut cluster = benchmark_cluster(member_count);
        let started = now_seconds();
        let committed = sequential_writes(&mut cluster, 20_000);
        let seconds = (now_seconds() - started).max(1e-9);
        console_log!(
            "wasm: {member_count} members, one client, sequential puts: {committed} committed in {seconds:.2} s wall = {:.0} committed writes/s",
            committed as f64 / seconds
        );
    }
    for member_count in [3_u64, 5] {
        let mut cluster = benchmark_cluster(member_count);
        let started = now_seconds();
        idle_run(&mut cluster, 2_000_000);
        let seconds = (now_seconds() - started).max(1e-9);
        console_log!(
            "wasm: {member_count} members, no load: 2000 virtual s in {seconds:.2} s wall = {:.0} virtual s per wall s",
            2000.0 / seconds
        );
    }
}
