//! The page's frame loop does bounded work: `advance_to_within` stops once
//! its step budget is spent (virtual time lags instead of one frame running
//! long), and a run advanced that way is exactly the run one `advance_to` or
//! a replay gives.

mod support;

use playground::{Playground, PlaygroundConfig, UserAction};

/// The page's frame at 100x: 50 ms of wall time, 5,000 virtual ms.
const FRAME_AT_100X_MS: u64 = 5_000;
/// A small budget, so the bound is met often.
const BUDGET_STEPS: u64 = 100;

/// The most steps one slice of `FRAME_SLICE_MS` may add on top of the budget
/// in a healthy 7-member run: a slice's own events plus one controller round
/// (whose apiserver calls wait for etcd inside the slice).
const SLICE_OVERSHOOT_STEPS: u64 = 120;

#[test]
fn seven_members_played_at_100x_never_run_more_than_the_budget_and_one_slice_in_a_frame() {
    let mut playground = Playground::new(PlaygroundConfig { seed: 1, member_count: 7 });
    playground.advance(3_000);
    assert!(playground.leader().is_some(), "a leader after 3 s");
    let mut most_steps = 0;
    let mut lagging_frames = 0;
    for _ in 0..20 {
        let steps_before = playground.cluster_steps();
        let target_ms = playground.now_ms() + FRAME_AT_100X_MS;
        if !playground.advance_to_within(target_ms, BUDGET_STEPS) {
            lagging_frames += 1;
            assert!(playground.now_ms() < target_ms, "a frame that stops early has not reached its target");
        }
        most_steps = most_steps.max(playground.cluster_steps() - steps_before);
    }
    assert!(most_steps <= BUDGET_STEPS + SLICE_OVERSHOOT_STEPS, "a frame ran {most_steps} steps");
    assert!(lagging_frames > 0, "at 100x the budget is met, so virtual time lags");

    // The same frame without a budget runs far more in one go: what made long tasks.
    let steps_before = playground.cluster_steps();
    playground.advance(FRAME_AT_100X_MS);
    let unbounded = playground.cluster_steps() - steps_before;
    assert!(unbounded > BUDGET_STEPS + SLICE_OVERSHOOT_STEPS, "an unbounded 100x frame ran only {unbounded} steps");
}

#[test]
fn a_run_played_in_budgeted_frames_is_the_run_its_scenario_replays() {
    let mut sliced = Playground::new(PlaygroundConfig { seed: 4, member_count: 5 });
    let mut frames = 0;
    let mut applied = false;
    while sliced.now_ms() < 9_000 {
        // Each frame asks for 500 virtual ms (10x) on a tight budget, as a slow page would.
        let target_ms = sliced.now_ms() + 500;
        sliced.advance_to_within(target_ms, 25);
        frames += 1;
        if !applied && sliced.now_ms() >= 4_000 {
            let outcome = sliced.apply(UserAction::Apply { manifest: support::DEPLOYMENT.into() }).expect("apply");
            assert_eq!(outcome.status_code, Some(201), "{}", outcome.message);
            applied = true;
        }
    }
    assert!(applied);
    assert!(frames > 18, "the budget split 9 s into {frames} frames: it lagged");

    let replayed = Playground::replay(&sliced.scenario()).expect("replay");
    assert_eq!(replayed.now_ms(), sliced.now_ms());
    assert_eq!(replayed.trace_hash(), sliced.trace_hash(), "the same run, event for event");
    assert_eq!(replayed.registry_keys(None), sliced.registry_keys(None));
    assert!(sliced.registry_keys(None).iter().any(|entry| entry.key.starts_with("/registry/pods/default/web-")), "the controllers ran");
}
