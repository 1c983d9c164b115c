//! The timeline: any past moment of a run rebuilt by replay, and forks that
//! keep the past and drop the future.

use cluster::{FaultAction, MemberId};
use playground::{timeline_marks, MarkKind, Playground, PlaygroundConfig, UserAction};

fn config_map(name: &str) -> UserAction {
    UserAction::Apply { manifest: format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  color: blue\n") }
}

fn has_key(playground: &Playground, key: &str) -> bool {
    playground.registry_keys(None).iter().any(|entry| entry.key == key)
}

/// A run the way the page drives it: frames of uneven length, single steps,
/// and actions in between. Returns the run and a copy stopped at `stop_ms`.
fn live_run_with_a_copy_stopped_at(stop_ms: u64) -> (Playground, Playground) {
    let config = PlaygroundConfig { seed: 11, member_count: 3 };
    let drive = |playground: &mut Playground, until_ms: u64| {
        let mut frame = 0;
        while playground.now_ms() < until_ms {
            frame += 1;
            if frame % 7 == 0 {
                playground.step();
            } else {
                let frame_ms = [50, 5, 500, 17][frame % 4];
                playground.advance(frame_ms.min(until_ms - playground.now_ms()));
            }
            if playground.now_ms() >= 2_000 && !has_action(playground, "first") {
                playground.apply(config_map("first")).expect("apply first");
            }
            if playground.now_ms() >= 4_000 && !has_action(playground, "crash") {
                playground.apply(UserAction::Fault { fault: FaultAction::Crash { member: MemberId(2) } }).expect("crash");
            }
            if playground.now_ms() >= 6_000 && !has_action(playground, "second") {
                playground.apply(config_map("second")).expect("apply second");
            }
        }
    };
    let mut live = Playground::new(config.clone());
    drive(&mut live, 9_000);
    let scenario = live.scenario();
    // The copy does exactly the same, but stops at `stop_ms`: it replays the
    // recorded actions, which is what a run that stopped there had done.
    let mut stopped = Playground::new(config);
    for timed in scenario.actions.iter().filter(|timed| timed.at_ms <= stop_ms) {
        stopped.advance_to(timed.at_ms);
        stopped.apply(timed.action.clone()).expect("the recorded action applies again");
    }
    stopped.advance_to(stop_ms);
    (live, stopped)
}

fn has_action(playground: &Playground, word: &str) -> bool {
    playground.scenario().actions.iter().any(|timed| timed.action.label().contains(word))
}

#[test]
fn a_run_driven_by_frames_and_steps_replays_to_the_same_trace_hash_and_keys() {
    let (live, _) = live_run_with_a_copy_stopped_at(0);
    let replayed = Playground::replay(&live.scenario()).expect("the run replays");
    assert_eq!(replayed.now_ms(), live.now_ms());
    assert_eq!(replayed.trace_hash(), live.trace_hash());
    assert_eq!(replayed.registry_keys(None), live.registry_keys(None));
    assert_eq!(replayed.view(), live.view());
}

#[test]
fn scrubbing_back_to_a_moment_rebuilds_exactly_what_the_run_had_then() {
    for stop_ms in [1_000, 2_500, 4_000, 5_321, 8_999] {
        let (live, stopped) = live_run_with_a_copy_stopped_at(stop_ms);
        let past = Playground::replay_until(&live.scenario(), stop_ms).expect("the past replays");
        // A controller's apiserver call waits for etcd, moving the clock with
        // it, so both may stand a little after `stop_ms`, but together.
        assert!(past.now_ms() >= stop_ms);
        assert_eq!(past.now_ms(), stopped.now_ms(), "clock at {stop_ms} ms");
        assert_eq!(past.trace_hash(), stopped.trace_hash(), "trace hash at {stop_ms} ms");
        assert_eq!(past.registry_keys(None), stopped.registry_keys(None), "keys at {stop_ms} ms");
        assert_eq!(past.view(), stopped.view(), "view at {stop_ms} ms");
    }
}

#[test]
fn before_an_action_its_key_is_absent_and_after_it_present() {
    let (live, _) = live_run_with_a_copy_stopped_at(0);
    let first_at_ms = live.scenario().actions[0].at_ms;
    let before = Playground::replay_until(&live.scenario(), first_at_ms - 1).expect("replay");
    assert!(!has_key(&before, "/registry/configmaps/default/first"));
    let after = Playground::replay_until(&live.scenario(), first_at_ms + 1_000).expect("replay");
    assert!(has_key(&after, "/registry/configmaps/default/first"));
    assert!(!has_key(&after, "/registry/configmaps/default/second"));
    assert!(has_key(&live, "/registry/configmaps/default/second"));
}

#[test]
fn forking_keeps_the_earlier_actions_drops_the_later_ones_and_goes_on_live() {
    let (live, _) = live_run_with_a_copy_stopped_at(0);
    let scenario = live.scenario();
    let fork_ms = 5_000;
    assert_eq!(scenario.actions_after(fork_ms), 1, "only the second ConfigMap comes later");

    let mut fork = Playground::replay_until(&scenario, fork_ms).expect("fork");
    fork.apply(config_map("other")).expect("a new action in the fork");
    fork.advance(2_000);
    let forked = fork.scenario();
    assert_eq!(forked.actions.len(), scenario.actions.len(), "one dropped, one added");
    assert_eq!(forked.actions[..2], scenario.actions[..2]);
    assert_eq!(forked.actions[2].at_ms, fork_ms);
    assert!(has_key(&fork, "/registry/configmaps/default/other"));
    assert!(!has_key(&fork, "/registry/configmaps/default/second"));
    // The fork is a run like any other: it replays too.
    assert_eq!(Playground::replay(&forked).expect("the fork replays").trace_hash(), fork.trace_hash());
}

#[test]
fn scrubbing_past_the_end_stops_at_the_end() {
    let (live, _) = live_run_with_a_copy_stopped_at(0);
    let scenario = live.scenario();
    assert_eq!(scenario.until(60_000), scenario);
    assert_eq!(scenario.actions_after(60_000), 0);
    assert_eq!(Playground::replay_until(&scenario, 60_000).expect("replay").trace_hash(), live.trace_hash());
}

#[test]
fn the_timeline_marks_every_action_and_the_recent_elections_and_crashes_in_time_order() {
    let (live, _) = live_run_with_a_copy_stopped_at(0);
    let marks = live.timeline_marks();
    assert_eq!(marks, timeline_marks(&live.scenario().actions, &live.recent_events(usize::MAX)));
    let actions: Vec<&str> = marks.iter().filter(|mark| mark.kind == MarkKind::Action).map(|mark| mark.label.as_str()).collect();
    assert_eq!(actions, ["kubectl apply ConfigMap first", "crash member-2", "kubectl apply ConfigMap second"]);
    assert!(marks.iter().any(|mark| mark.kind == MarkKind::Election), "{marks:?}");
    assert!(marks.iter().any(|mark| mark.kind == MarkKind::Crash && mark.at_ms == live.scenario().actions[1].at_ms), "{marks:?}");
    assert!(marks.windows(2).all(|pair| pair[0].at_ms <= pair[1].at_ms));
}
