//! Scrubbing back through a run and forking from the past.
//!
//! A run is `seed + config + [(time, action)]` and replays exactly, so "the
//! run as it was at `t`" needs no snapshots: replay the actions stamped at or
//! before `t`, then advance the clock to `t`. Forking is the same replay with
//! the later actions thrown away, after which the run goes on live.
//!
//! The clock of the rebuilt run can stand a little after `t`: an apiserver
//! call (a controller's, or the user's) waits for etcd's answer and moves
//! virtual time while it waits, exactly as it did in the original run.
//!
//! ```
//! use playground::{Playground, PlaygroundConfig, UserAction};
//!
//! let mut live = Playground::new(PlaygroundConfig { seed: 3, member_count: 3 });
//! live.advance(3_000);
//! let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n";
//! live.apply(UserAction::Apply { manifest: manifest.into() }).unwrap();
//! live.advance(1_000);
//!
//! // Look at 2.5 s: the ConfigMap does not exist yet.
//! let past = Playground::replay_until(&live.scenario(), 2_500).unwrap();
//! assert!(past.now_ms() >= 2_500);
//! assert!(!past.registry_keys(None).iter().any(|entry| entry.key.ends_with("/later")));
//! // Forking from there drops the one later action.
//! assert_eq!(live.scenario().actions_after(2_500), 1);
//! ```

use cluster::{FaultAction, Role, TraceEvent, TraceRecord};

use crate::playground::{Playground, PlaygroundError};
use crate::scenario::{Scenario, TimedAction, UserAction};

impl Scenario {
    /// The run cut at `at_ms`: the actions stamped at or before it, ending
    /// there. (An action at exactly `at_ms` is kept: a run stopped at `at_ms`
    /// right after it had already done it.) Never extends the run.
    pub fn until(&self, at_ms: u64) -> Scenario {
        let at_ms = at_ms.min(self.end_ms);
        Scenario {
            actions: self.actions.iter().filter(|timed| timed.at_ms <= at_ms).cloned().collect(),
            end_ms: at_ms,
            ..self.clone()
        }
    }

    /// How many actions a fork at `at_ms` throws away.
    pub fn actions_after(&self, at_ms: u64) -> usize {
        self.actions.iter().filter(|timed| timed.at_ms > at_ms).count()
    }
}

impl Playground {
    /// The run of `scenario` as it stood at virtual time `at_ms` (clamped to
    /// the scenario's end): the same trace hash, views and stores as the
    /// original run had when its clock showed `at_ms`.
    pub fn replay_until(scenario: &Scenario, at_ms: u64) -> Result<Playground, PlaygroundError> {
        Playground::replay(&scenario.until(at_ms))
    }
}

/// What a mark on the timeline stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    /// Something the user did (kept in the scenario, so never forgotten).
    Action,
    /// A member became leader (from the recent trace log only).
    Election,
    /// A member crashed (from the recent trace log only).
    Crash,
}

/// One mark on the timeline bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineMark {
    pub at_ms: u64,
    pub kind: MarkKind,
    /// A short description for the tooltip.
    pub label: String,
}

/// The marks of a run: every action of `actions`, plus the elections and
/// crashes among `records` (the trace log keeps only recent ones), by time.
pub fn timeline_marks<'a>(actions: &[TimedAction], records: impl IntoIterator<Item = &'a TraceRecord>) -> Vec<TimelineMark> {
    let actions = actions.iter().map(|TimedAction { at_ms, action }| TimelineMark {
        at_ms: *at_ms,
        kind: MarkKind::Action,
        label: action.label(),
    });
    let events = records.into_iter().filter_map(|record| {
        let (kind, label) = match &record.event {
            TraceEvent::RoleChanged { member, role: Role::Leader, term } => (MarkKind::Election, format!("{member} elected leader in term {term}")),
            TraceEvent::MemberCrashed { member } => (MarkKind::Crash, format!("{member} crashed")),
            _ => return None,
        };
        Some(TimelineMark { at_ms: record.at_ms, kind, label })
    });
    let mut marks: Vec<TimelineMark> = actions.chain(events).collect();
    playground_core::sort::sort_by_key(&mut marks, |mark| (mark.at_ms, mark.kind));
    marks
}

impl Playground {
    /// The marks of this run's timeline: its actions and the elections and
    /// crashes still in the trace log. Reads the log in place (no copy), so
    /// it is cheap enough for every frame.
    pub fn timeline_marks(&self) -> Vec<TimelineMark> {
        let log = self.trace_log();
        timeline_marks(self.actions(), log.records())
    }
}

impl UserAction {
    /// One short line naming the action, for tooltips and banners.
    pub fn label(&self) -> String {
        match self {
            UserAction::Fault { fault } => match fault {
                FaultAction::Crash { member } => format!("crash {member}"),
                FaultAction::Restart { member } => format!("restart {member}"),
                other => format!("{other:?}"),
            },
            UserAction::Apply { manifest } => {
                let field = |name: &str| {
                    manifest
                        .lines()
                        .map(str::trim)
                        .find_map(|line| line.strip_prefix(name).map(|rest| rest.trim().trim_matches('"').to_string()))
                        .unwrap_or_default()
                };
                format!("kubectl apply {} {}", field("kind:"), field("name:")).trim_end().to_string()
            }
            UserAction::Race { setup } => format!("concurrent update of deployment {}", setup.name),
            UserAction::Console { line, .. } => line.clone(),
            UserAction::Delete { resource, name, .. } => format!("kubectl delete {resource} {name}"),
            UserAction::StopCommand => "Ctrl-C".to_string(),
            UserAction::Watch { resource, resource_version, .. } => match resource_version {
                Some(version) => format!("watch {resource} from resourceVersion {version}"),
                None => format!("watch {resource}"),
            },
        }
    }
}
