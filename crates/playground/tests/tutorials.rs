//! Every tutorial, done as a learner would: each step's check is false before
//! the step is done and true after. The learner's actions are the ones the
//! step text asks for (typed in the console, clicked in a panel, or the
//! step's own setup), with virtual time passing as if they pressed play.

use cluster::{FaultAction, MemberId};
use playground::link::{decode_fragment, encode_fragment, open_fragment, tutorial_fragment};
use playground::tutorials::{self, evaluate, Tutorial};
use playground::{Playground, PlaygroundConfig, RaceSetup, UserAction};

/// A learner working through one tutorial.
struct Learner {
    tutorial: Tutorial,
    playground: Playground,
    step: usize,
}

impl Learner {
    /// Opens the tutorial's link, as a learner clicking it would.
    fn open(id: &str) -> Learner {
        let fragment = tutorial_fragment(id);
        let scenario = decode_fragment(&fragment).expect("the tutorial link decodes");
        let position = scenario.tutorial.clone().expect("the link opens a tutorial");
        assert_eq!((position.id.as_str(), position.step), (id, 0), "the link opens at step 1");
        let playground = open_fragment(&fragment).expect("the tutorial link opens");
        Learner { tutorial: tutorials::find(id).expect("a known tutorial"), playground, step: 0 }
    }

    fn check_passes(&self) -> bool {
        evaluate(&self.tutorial.steps[self.step].check, &self.playground)
    }

    /// The step is not done yet.
    fn expect_not_done(&self) {
        let step = &self.tutorial.steps[self.step];
        assert!(!self.check_passes(), "{} step {} ({:?}) passed before it was done", self.tutorial.id, self.step + 1, step.title);
    }

    /// Asserts the check passes now, then goes to the next step.
    fn expect_done_and_next(&mut self) {
        let step = &self.tutorial.steps[self.step];
        assert!(self.check_passes(), "{} step {} ({:?}) did not pass after it was done", self.tutorial.id, self.step + 1, step.title);
        self.step += 1;
    }

    /// Clicks "Run setup" on the current step.
    fn run_setup(&mut self) {
        let setup = self.tutorial.steps[self.step].setup.clone().expect("this step has a setup");
        setup.run(&mut self.playground).expect("the setup runs");
    }

    fn console(&mut self, line: &str) -> playground::CommandOutput {
        let outcome = self.playground.apply(UserAction::Console { line: line.into(), stdin: String::new() }).expect("a console line");
        outcome.console.expect("console output")
    }

    fn fault(&mut self, fault: FaultAction) {
        self.playground.apply(UserAction::Fault { fault }).expect("the fault applies");
    }

    /// Presses play for `duration_ms` of virtual time.
    fn wait(&mut self, duration_ms: u64) {
        self.playground.advance(duration_ms);
    }

    fn finished(&self) -> bool {
        self.step == self.tutorial.steps.len()
    }
}

#[test]
fn a_learner_finds_the_namespace_their_deployment_its_pods_and_a_service_under_registry() {
    let mut learner = Learner::open("registry");
    learner.expect_not_done();
    learner.wait(5_000);
    learner.expect_done_and_next();

    learner.expect_not_done();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n";
    let outcome = learner.playground.apply(UserAction::Apply { manifest: deployment.into() }).expect("apply");
    assert_eq!(outcome.status_code, Some(201));
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.wait(5_000);
    learner.expect_not_done(); // the pods exist now, but the learner has not looked yet
    let output = learner.console("etcdctl get /registry/pods --prefix --keys-only");
    assert!(output.stdout.contains("/registry/pods/default/web-"), "{output:?}");
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.run_setup();
    assert!(learner.playground.has_key_with_prefix("/registry/services/specs/default/web"));
    learner.expect_done_and_next();
    assert!(learner.finished());
}

#[test]
fn a_learner_loses_a_race_with_409_and_wins_it_by_retrying() {
    let mut learner = Learner::open("optimistic-locking");
    learner.expect_not_done();
    learner.run_setup();
    learner.expect_done_and_next();

    learner.expect_not_done();
    let setup = RaceSetup { namespace: "default".into(), name: "web".into(), replicas_a: 5, replicas_b: 6, retry_on_conflict: false };
    let outcome = learner.playground.apply(UserAction::Race { setup: setup.clone() }).expect("race");
    assert_eq!(outcome.status_code, Some(409), "B gave up on its conflict: {outcome:?}");
    learner.expect_done_and_next();

    learner.expect_not_done(); // a race without retry does not count
    learner.wait(1_000);
    // New replica counts: rewriting the current ones would change nothing and conflict with nothing.
    let retry = RaceSetup { replicas_a: 7, replicas_b: 8, retry_on_conflict: true, ..setup };
    let outcome = learner.playground.apply(UserAction::Race { setup: retry }).expect("race");
    assert_eq!(outcome.status_code, Some(200), "B's retry succeeded: {outcome:?}");
    learner.expect_done_and_next();
    assert!(learner.finished());
}

#[test]
fn a_learner_sees_three_members_survive_one_crash_but_not_two() {
    let mut learner = Learner::open("odd-members");
    learner.expect_not_done();
    // Clicking 4 in the quorum table starts a new run with 4 members.
    learner.playground = Playground::new(PlaygroundConfig { seed: 1, member_count: 4 });
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.playground = Playground::new(PlaygroundConfig { seed: 1, member_count: 3 });
    learner.expect_not_done(); // three members, but no leader yet
    learner.wait(5_000);
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.fault(FaultAction::Crash { member: MemberId(3) });
    learner.wait(5_000);
    learner.expect_done_and_next();

    learner.expect_not_done();
    let output = learner.console("etcdctl put /demo/key one");
    assert_eq!(output.stdout, "OK\n", "{output:?}");
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.fault(FaultAction::Crash { member: MemberId(2) });
    learner.wait(5_000);
    learner.expect_done_and_next();

    learner.expect_not_done();
    let output = learner.console("etcdctl put /demo/key two");
    assert_ne!(output.exit_code, 0, "{output:?}");
    learner.expect_done_and_next();
    assert!(learner.finished());
}

#[test]
fn a_learner_cuts_off_member_one_reads_a_stale_value_there_and_watches_it_catch_up() {
    let mut learner = Learner::open("partition");
    learner.expect_not_done();
    learner.run_setup();
    learner.wait(1_000);
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.fault(FaultAction::Partition { groups: vec![vec![MemberId(1)], vec![MemberId(2), MemberId(3)]] });
    learner.wait(5_000);
    learner.expect_done_and_next();

    learner.expect_not_done();
    let output = learner.console("etcdctl --endpoints=127.0.0.1:22379 put /demo/color green");
    assert_eq!(output.stdout, "OK\n", "{output:?}");
    learner.wait(1_000);
    learner.expect_done_and_next();

    learner.expect_not_done();
    let linearizable = learner.console("etcdctl --endpoints=127.0.0.1:2379 get /demo/color");
    assert_ne!(linearizable.exit_code, 0, "the minority cannot do a linearizable read: {linearizable:?}");
    learner.expect_not_done();
    let stale = learner.console("etcdctl --endpoints=127.0.0.1:2379 get /demo/color --consistency=s");
    assert_eq!(stale.stdout, "/demo/color\nblue\n", "{stale:?}");
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.fault(FaultAction::Heal);
    learner.wait(3_000);
    learner.expect_done_and_next();
    let fresh = learner.console("etcdctl --endpoints=127.0.0.1:2379 get /demo/color --consistency=s");
    assert_eq!(fresh.stdout, "/demo/color\ngreen\n", "member 1 caught up: {fresh:?}");
    assert!(learner.finished());
}

#[test]
fn a_learner_checks_health_lists_keys_reads_status_and_spots_a_crashed_member() {
    let mut learner = Learner::open("debug-commands");
    learner.wait(5_000);
    learner.expect_not_done();
    let output = learner.console("etcdctl endpoint health --cluster");
    assert_eq!(output.exit_code, 0, "{output:?}");
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.console("etcdctl get /registry --prefix --keys-only");
    learner.expect_done_and_next();

    learner.expect_not_done();
    let output = learner.console("etcdctl endpoint status --cluster -w table");
    assert!(output.stdout.contains("RAFT TERM"), "{output:?}");
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.console("etcdctl endpoint health --cluster");
    learner.expect_not_done(); // all healthy: nothing to spot yet
    learner.run_setup();
    learner.wait(1_000);
    let output = learner.console("etcdctl endpoint health --cluster");
    assert!(output.stderr.contains("unhealthy") || output.stdout.contains("unhealthy"), "{output:?}");
    learner.expect_done_and_next();
    assert!(learner.finished());
}

#[test]
fn a_learner_watches_from_an_old_version_compacts_and_gets_410_gone() {
    let mut learner = Learner::open("watch-compaction");
    learner.expect_not_done();
    learner.run_setup();
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.run_setup();
    learner.expect_done_and_next();

    learner.expect_not_done();
    let (revision, _) = learner.playground.store_revisions(None).expect("a running member");
    let output = learner.console(&format!("etcdctl compaction {revision}"));
    assert_eq!(output.stdout, format!("compacted revision {revision}\n"), "{output:?}");
    learner.wait(500);
    learner.expect_done_and_next();

    learner.expect_not_done();
    learner.run_setup();
    let last = learner.playground.action_log().last().expect("the watch").clone();
    assert_eq!(last.status_codes, vec![410], "{last:?}");
    learner.expect_done_and_next();
    assert!(learner.finished());
}

#[test]
fn every_tutorial_has_a_short_link_that_opens_it_at_step_one() {
    for tutorial in tutorials::all() {
        let fragment = tutorial_fragment(tutorial.id);
        assert!(fragment.len() < 2_000, "{}: {} characters", tutorial.id, fragment.len());
        let scenario = decode_fragment(&fragment).expect("decodes");
        assert_eq!(scenario.tutorial.as_ref().map(|position| (position.id.as_str(), position.step)), Some((tutorial.id, 0)));
        assert_eq!(scenario.config, tutorial.config());
        // The long form of the same start is short too, and means the same.
        let long = encode_fragment(&scenario);
        assert!(long.len() < 2_000, "{}: {} characters", tutorial.id, long.len());
        assert_eq!(decode_fragment(&long), Ok(scenario));
    }
    assert!(decode_fragment("t=no-such-tutorial").is_err());
}

#[test]
fn every_tutorial_has_distinct_slugs_and_at_least_three_steps() {
    let all = tutorials::all();
    let mut ids: Vec<&str> = all.iter().map(|tutorial| tutorial.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    assert!(all.len() >= 6);
    for tutorial in &all {
        assert!(tutorial.steps.len() >= 3, "{}", tutorial.id);
        assert!(tutorial.steps.iter().all(|step| !step.text.is_empty() && !step.title.is_empty()));
    }
}

#[test]
fn every_check_evaluates_without_panicking_on_a_fresh_playground_of_every_size() {
    for members in 1..=7u8 {
        let mut playground = Playground::new(PlaygroundConfig { seed: 3, member_count: members });
        for round in 0..2 {
            for tutorial in tutorials::all() {
                for step in &tutorial.steps {
                    // The answer depends on the size; not panicking is the point.
                    std::hint::black_box(evaluate(&step.check, &playground));
                }
            }
            if round == 0 {
                playground.advance(3_000);
            }
        }
    }
}

#[test]
fn the_race_and_partition_tutorials_can_be_done_with_their_setup_buttons_alone() {
    for id in ["optimistic-locking", "partition"] {
        let mut learner = Learner::open(id);
        while !learner.finished() {
            learner.expect_not_done();
            learner.run_setup();
            learner.wait(5_000);
            learner.expect_done_and_next();
        }
    }
}
