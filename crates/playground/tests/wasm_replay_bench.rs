#![cfg(target_arch = "wasm32")]
//! Opening a 1,000-action share link in headless Chromium: decode + replay to
//! the final state. Target: at most 250 ms, and the figure that counts is the
//! cold one (the first open in a fresh page, as a visitor meets it). Ignored in the normal run (it
//! measures, it does not check); run it with
//! `cargo test --profile bench --target wasm32-unknown-unknown -p playground --test wasm_replay_bench -- --include-ignored`
//! and compare with `cargo bench -p playground --bench replay`.

use playground::link::{encode_fragment, open_fragment};
use playground::Scenario;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
#[ignore]
fn a_thousand_action_link_replays_in_the_browser() {
    let scenario = Scenario::replay_benchmark(1_000);
    let fragment = encode_fragment(&scenario);
    let mut best_ms = f64::MAX;
    let mut cold_ms = 0.0;
    for round in 1..=5 {
        let started = js_sys::Date::now();
        let playground = open_fragment(&fragment).expect("the benchmark link opens");
        let elapsed_ms = js_sys::Date::now() - started;
        best_ms = best_ms.min(elapsed_ms);
        if round == 1 {
            // What a visitor opening the link meets: the engine has not yet
            // optimised this page's code (V8 starts in its baseline tier).
            cold_ms = elapsed_ms;
        }
        console_log!(
            "round {round}: decode + replay {elapsed_ms:.0} ms (store revision {:?})",
            playground.store_revisions(None)
        );
    }
    console_log!(
        "wasm: 1,000-action link ({} characters, {:.1} virtual s) replayed in {cold_ms:.0} ms cold (first open), {best_ms:.0} ms warm (best of 5); target 250 ms",
        fragment.len(),
        scenario.end_ms as f64 / 1000.0
    );
}
