//! The page's frame loop does bounded work: `advance_to_within` stops once
//! its step budget is spent, between two rounds or between two parts of a
//! controller round (virtual time lags instead of one frame running long),
//! and a run advanced that way is exactly the run one `advance_to` or a
//! replay gives.

mod support;

use playground::{Playground, PlaygroundConfig, UserAction};

/// The page's frame at 100x: 50 ms of wall time, 5,000 virtual ms.
const FRAME_AT_100X_MS: u64 = 5_000;
/// A small budget, so the bound is met often.
const BUDGET_STEPS: u64 = 100;

/// The most steps one part may add on top of the budget in a healthy
/// 7-member run: a round's cluster events (at most 200 virtual ms), one
/// system namespace created or one controller's reconcile (its apiserver
/// calls wait for etcd by running the cluster).
const PART_OVERSHOOT_STEPS: u64 = 40;

#[test]
fn seven_members_played_at_100x_never_run_more_than_the_budget_and_one_round_in_a_frame() {
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
    assert!(most_steps <= BUDGET_STEPS + PART_OVERSHOOT_STEPS, "a frame ran {most_steps} steps");
    assert!(lagging_frames > 0, "at 100x the budget is met, so virtual time lags");

    // The same frame without a budget runs far more in one go: what made long tasks.
    let steps_before = playground.cluster_steps();
    playground.advance(FRAME_AT_100X_MS);
    let unbounded = playground.cluster_steps() - steps_before;
    assert!(unbounded > BUDGET_STEPS + PART_OVERSHOOT_STEPS, "an unbounded 100x frame ran only {unbounded} steps");
}

#[test]
fn a_fresh_seven_member_run_spreads_the_apiserver_bootstrap_over_frames_and_is_the_same_run_as_one_shot() {
    let budget = 60;
    let frame = |budget: u64| {
        let mut playground = Playground::new(PlaygroundConfig { seed: 1, member_count: 7 });
        let mut most_steps = 0;
        // 10x: each frame asks for 500 virtual ms; the election and the
        // apiserver's first round (namespaces, node registration) fall in these 8 s.
        while playground.now_ms() < 8_000 {
            let steps_before = playground.cluster_steps();
            let target_ms = playground.now_ms() + 500;
            playground.advance_to_within(target_ms, budget);
            most_steps = most_steps.max(playground.cluster_steps() - steps_before);
        }
        playground.advance_to(9_000);
        (playground, most_steps)
    };
    let (one_shot, one_shot_most) = frame(u64::MAX);
    let (budgeted, budgeted_most) = frame(budget);
    assert!(one_shot_most > budget + PART_OVERSHOOT_STEPS, "without a budget the bootstrap frame ran only {one_shot_most} steps");
    assert!(budgeted_most <= budget + PART_OVERSHOOT_STEPS, "a budgeted frame ran {budgeted_most} steps");
    assert_eq!(budgeted.trace_hash(), one_shot.trace_hash(), "the same run, event for event");
    assert_eq!(budgeted.registry_keys(None), one_shot.registry_keys(None));
    assert!(budgeted.has_key_with_prefix("/registry/namespaces/kube-system"), "the apiserver bootstrapped");
    assert!(budgeted.has_key_with_prefix("/registry/minions/node-1"), "the kubelets registered their nodes");
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

#[test]
fn a_run_stopped_in_the_middle_of_a_controller_round_is_shared_as_it_is_shown_once_the_round_is_finished() {
    let mut sliced = Playground::new(PlaygroundConfig { seed: 2, member_count: 5 });
    sliced.advance(3_000);
    sliced.apply(UserAction::Apply { manifest: support::DEPLOYMENT.into() }).expect("apply");
    // Tiny frames until one stops inside a round: its scenario then replays
    // to more than the page shows (the replay finishes the round).
    let mut stopped_mid_round = false;
    for _ in 0..2_000 {
        let target_ms = sliced.now_ms() + 500;
        if !sliced.advance_to_within(target_ms, 3) && Playground::replay(&sliced.scenario()).expect("replay").trace_hash() != sliced.trace_hash() {
            stopped_mid_round = true;
            break;
        }
    }
    assert!(stopped_mid_round, "no frame stopped inside a controller round");

    sliced.finish_round();
    let replayed = Playground::replay(&sliced.scenario()).expect("replay");
    assert_eq!(replayed.trace_hash(), sliced.trace_hash(), "the link replays to exactly what the page shows");
    assert_eq!(replayed.registry_keys(None), sliced.registry_keys(None));
}
