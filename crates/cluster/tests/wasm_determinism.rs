#![cfg(target_arch = "wasm32")]
//! In headless Chromium: the fixed scenario gives the trace hash recorded in
//! tests/determinism.hash, the same file the native test reads. So a run in the
//! browser and a run in a native test are the same run.

use wasm_bindgen_test::wasm_bindgen_test;
use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

const EXPECTED_HASH: &str = include_str!("determinism.hash");

#[wasm_bindgen_test]
fn the_browser_computes_the_same_trace_hash_as_the_native_test() {
    let cluster = cluster::scenario::determinism_scenario();
    assert_eq!(format!("{:016x}", cluster.trace_hash()), EXPECTED_HASH.trim());
    assert!(cluster.violations().is_empty());
}

#[wasm_bindgen_test]
fn the_runtime_passes_openraft_conformance_suite_in_the_browser() {
    openraft_rt::testing::Suite::<sim_runtime::SimRuntime>::test_all();
}
