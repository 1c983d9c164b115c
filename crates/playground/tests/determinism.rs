//! The same scenario gives the same run: twice natively, and (in web's
//! browser tests) in headless Chromium, all compared with the hash in
//! `tests/determinism.hash`. If the scenario or the simulation changes on
//! purpose, the failure prints the new hash to write into that file.

use playground::{Playground, Scenario};

fn replay_hash() -> u64 {
    let playground = Playground::replay(&Scenario::determinism_check()).expect("the fixed scenario replays");
    playground.trace_hash()
}

#[test]
fn the_fixed_scenario_replays_to_the_same_trace_twice_and_matches_the_recorded_hash() {
    let first = replay_hash();
    assert_eq!(first, replay_hash(), "two native replays differ");
    let expected = include_str!("determinism.hash").trim();
    assert_eq!(
        format!("{first:016x}"),
        expected,
        "the trace hash changed; if on purpose, write {first:016x} into crates/playground/tests/determinism.hash"
    );
}
