//! The fixed scenario of `crates/playground/tests/determinism.rs`, replayed in
//! headless Chromium: the trace hash must equal the one the native test
//! asserts (both read the same file), so a shared link replays the same run
//! in any browser as natively.
#![cfg(target_arch = "wasm32")]

use playground::{Playground, Scenario};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_fixed_scenario_has_the_same_trace_hash_in_the_browser_as_natively() {
    let playground = Playground::replay(&Scenario::determinism_check()).expect("the fixed scenario replays");
    let expected = include_str!("../../crates/playground/tests/determinism.hash").trim();
    assert_eq!(format!("{:016x}", playground.trace_hash()), expected);
}
