//! Guided tutorials, written as data: each step says what to do and why, may
//! carry a scripted setup, and has a [`Check`] on the simulation that marks it
//! done. One function, [`evaluate`], reads a check against a [`Playground`];
//! nothing here changes the run except [`Setup::run`].
//!
//! ```
//! use playground::tutorials::{self, evaluate};
//! use playground::{Playground, PlaygroundConfig};
//!
//! let tutorial = tutorials::find("registry").expect("the /registry tutorial");
//! let mut playground = Playground::new(tutorial.config());
//! let first = &tutorial.steps[0];
//! assert!(!evaluate(&first.check, &playground)); // no namespaces before the apiserver starts
//! playground.advance(5_000); // a leader, then the apiserver writes /registry/namespaces/...
//! assert!(evaluate(&first.check, &playground));
//! ```
//!
//! A tutorial opens at its first step from the link `#t=<id>`
//! ([`crate::link::tutorial_fragment`]).

mod debug_commands;
mod odd_members;
mod optimistic_locking;
mod partition;
mod registry;
mod watch_compaction;

use cluster::{LinkState, MemberId};

use crate::playground::{Playground, PlaygroundConfig, PlaygroundError};
use crate::scenario::UserAction;

/// The seed every tutorial link starts from (so every learner sees the same run).
pub const TUTORIAL_SEED: u64 = 1;
/// How long [`Setup::run`] waits at most for the apiserver to be ready.
const SETUP_WAIT_LIMIT_MS: u64 = 30_000;
/// The slice [`Setup::run`] advances by while waiting.
const SETUP_WAIT_STEP_MS: u64 = 100;

/// One guided lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Tutorial {
    /// Stable slug, used in links (`#t=<id>`) and saved scenarios.
    pub id: &'static str,
    pub title: &'static str,
    /// Members the tutorial starts with.
    pub member_count: u8,
    pub steps: Vec<Step>,
}

/// One step of a tutorial.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub title: &'static str,
    /// What to do and why, a few sentences.
    pub text: &'static str,
    /// Scripted actions the learner can run with one click instead of by hand.
    pub setup: Option<Setup>,
    /// Passes once the step is done.
    pub check: Check,
}

/// A scripted start for a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// Start a new run with this many members first (same seed).
    pub fresh_members: Option<u8>,
    /// Advance time until the apiserver has written `/registry/namespaces/default` (bounded).
    pub wait_for_apiserver: bool,
    /// Then apply these actions, in order, at the time reached.
    pub actions: Vec<UserAction>,
}

/// A fact about the simulation that marks a step done.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// A leader exists.
    LeaderElected,
    /// No running member is leader.
    NoLeader,
    /// A leader exists and it is not `member` (a member cut off keeps
    /// calling itself leader until CheckQuorum; the newer term wins here).
    LeaderOtherThan { member: MemberId },
    /// The cluster has exactly this many members.
    ClusterSize { members: usize },
    /// At least this many members are crashed.
    MembersDown { at_least: usize },
    /// The leader's (or first running member's) store has a key starting with `prefix`.
    KeyExists { prefix: &'static str },
    /// Some action got this HTTP status (a race counts every request).
    StatusSeen { code: u16 },
    /// A race with retry-on-conflict whose loser got 409 and then succeeded.
    RaceRetried,
    /// A console command containing every word of `command` ran (`--flag=value`
    /// matches `--flag value` too), with
    /// `members_down_at_least` members crashed at the time; `output`, when
    /// set, must appear in what it printed; `succeeded`, when set, is
    /// whether its exit code was 0.
    ConsoleRan { command: &'static [&'static str], output: Option<&'static str>, succeeded: Option<bool>, members_down_at_least: usize },
    /// A watch action delivered an event of this type (`ADDED`, `MODIFIED`, `DELETED`).
    WatchEvent { event_type: &'static str },
    /// Every link to and from `member` is cut.
    MemberIsolated { member: MemberId },
    /// `member` runs and its store revision is below the newest running member's.
    StoreBehind { member: MemberId },
    /// No link is cut and every running member's store is at the same revision.
    StoresInSync,
    /// The store has been compacted past this revision (compact revision > it).
    Compacted { past_revision: i64 },
    /// Every one of these.
    All(Vec<Check>),
}

impl Tutorial {
    /// How a learner's run of this tutorial starts.
    pub fn config(&self) -> PlaygroundConfig {
        PlaygroundConfig { seed: TUTORIAL_SEED, member_count: self.member_count }
    }

    /// The step at `index`, if the tutorial has that many.
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index)
    }
}

/// Every tutorial, in the order the page lists them.
pub fn all() -> Vec<Tutorial> {
    vec![
        registry::tutorial(),
        optimistic_locking::tutorial(),
        odd_members::tutorial(),
        partition::tutorial(),
        debug_commands::tutorial(),
        watch_compaction::tutorial(),
    ]
}

/// The tutorial with this id.
pub fn find(id: &str) -> Option<Tutorial> {
    all().into_iter().find(|tutorial| tutorial.id == id)
}

impl Setup {
    /// Runs the setup on `playground` (replacing it with a fresh run first
    /// when [`Setup::fresh_members`] says so). Every action goes through
    /// [`Playground::apply`], so it is recorded and replays like the
    /// learner's own.
    pub fn run(&self, playground: &mut Playground) -> Result<(), PlaygroundError> {
        if let Some(members) = self.fresh_members {
            let seed = playground.config().seed;
            *playground = Playground::try_new(PlaygroundConfig { seed, member_count: members })?;
        }
        if self.wait_for_apiserver {
            let deadline_ms = playground.now_ms() + SETUP_WAIT_LIMIT_MS;
            while !playground.has_key_with_prefix("/registry/namespaces/default") && playground.now_ms() < deadline_ms {
                playground.advance(SETUP_WAIT_STEP_MS);
            }
        }
        for action in &self.actions {
            playground.apply(action.clone())?;
        }
        Ok(())
    }
}

/// Whether `check` holds for `playground` now. Cheap: the checks read the
/// action log, one key, or the members' revisions; none moves time.
pub fn evaluate(check: &Check, playground: &Playground) -> bool {
    match check {
        Check::LeaderElected => playground.leader().is_some(),
        Check::NoLeader => playground.leader().is_none(),
        Check::LeaderOtherThan { member } => playground.leader().is_some_and(|leader| leader != *member),
        Check::ClusterSize { members } => playground.member_revisions().len() == *members,
        Check::MembersDown { at_least } => playground.members_down() >= *at_least,
        Check::KeyExists { prefix } => playground.has_key_with_prefix(prefix),
        Check::StatusSeen { code } => playground.action_log().iter().any(|record| record.status_codes.contains(code)),
        Check::RaceRetried => playground.action_log().iter().any(|record| {
            matches!(&record.action, UserAction::Race { setup } if setup.retry_on_conflict)
                && record.status_codes.contains(&409)
                && record.status_codes.last().is_some_and(|code| (200..300).contains(code))
        }),
        Check::ConsoleRan { command, output, succeeded, members_down_at_least } => {
            playground.action_log().iter().any(|record| {
                let UserAction::Console { line, .. } = &record.action else {
                    return false;
                };
                // `--flag=value` and `--flag value` are the same to etcdctl.
                let normalized = line.replace('=', " ");
                let words: Vec<&str> = normalized.split_whitespace().collect();
                command.iter().flat_map(|word| word.split(['=', ' '])).all(|word| words.contains(&word))
                    && record.members_down >= *members_down_at_least
                    && output.is_none_or(|text| record.output.contains(text))
                    && succeeded.is_none_or(|wanted| record.exit_code.map(|code| code == 0) == Some(wanted))
            })
        }
        Check::WatchEvent { event_type } => playground.action_log().iter().any(|record| {
            matches!(record.action, UserAction::Watch { .. })
                && record.output.lines().any(|line| line.split_whitespace().next() == Some(event_type))
        }),
        Check::MemberIsolated { member } => {
            let others: Vec<MemberId> =
                playground.member_revisions().into_iter().map(|(id, _)| id).filter(|id| id != member).collect();
            let links = playground.view().cluster.links;
            let cut = |from: MemberId, to: MemberId| {
                links.iter().any(|link| link.from == from && link.to == to && link.state == LinkState::Cut)
            };
            !others.is_empty() && others.iter().all(|other| cut(*member, *other) && cut(*other, *member))
        }
        Check::StoreBehind { member } => {
            let revisions = playground.member_revisions();
            let newest = revisions.iter().filter_map(|(_, revision)| *revision).max();
            let own = revisions.iter().find(|(id, _)| id == member).and_then(|(_, revision)| *revision);
            matches!((own, newest), (Some(own), Some(newest)) if own < newest)
        }
        Check::StoresInSync => {
            let revisions: Vec<i64> = playground.member_revisions().into_iter().filter_map(|(_, revision)| revision).collect();
            let no_cut = playground.view().cluster.links.iter().all(|link| link.state != LinkState::Cut);
            no_cut && !revisions.is_empty() && revisions.iter().all(|revision| *revision == revisions[0])
        }
        Check::Compacted { past_revision } => {
            playground.store_revisions(None).is_some_and(|(_, compacted)| compacted > *past_revision)
        }
        Check::All(checks) => checks.iter().all(|check| evaluate(check, playground)),
    }
}
