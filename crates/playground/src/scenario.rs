//! A run as data: the seed, the configuration, and every user action with the
//! virtual time it happened at. Replaying a scenario reproduces the run.

use cluster::FaultAction;
use serde::{Deserialize, Serialize};

use crate::playground::PlaygroundConfig;

/// Bumped whenever a scenario saved by an older version would replay
/// differently.
pub const SCENARIO_FORMAT_VERSION: u32 = 1;

/// What the user did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UserAction {
    /// A fault or network change (crash, partition, drop a message, ...).
    Fault { fault: FaultAction },
    /// `kubectl apply -f` of a YAML or JSON manifest.
    Apply { manifest: String },
    /// The concurrent-update lab: two clients race to update one Deployment.
    Race { setup: crate::race::RaceSetup },
    /// A line typed in the console (`etcdctl ...`), with the text fed to its stdin (txn).
    Console { line: String, stdin: String },
    /// Ctrl-C: stops the console's running command (a watch; exit 130).
    StopCommand,
    /// `kubectl delete <resource> <name>`.
    Delete { resource: String, namespace: Option<String>, name: String },
}

/// One action and when it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedAction {
    /// Virtual time of the action, milliseconds since the run started.
    pub at_ms: u64,
    /// The action.
    pub action: UserAction,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// [`SCENARIO_FORMAT_VERSION`] when it was written.
    pub format_version: u32,
    /// How the run started.
    pub config: PlaygroundConfig,
    /// What the user did, in order.
    pub actions: Vec<TimedAction>,
    /// The virtual time the run had reached.
    pub end_ms: u64,
}

impl Scenario {
    /// A fixed run that touches every layer: elect a leader, apply a
    /// Deployment (controllers create its ReplicaSet and Pods), crash a
    /// member, race two clients, run etcdctl, heal. The determinism tests
    /// replay it natively and in the browser and compare trace hashes.
    pub fn determinism_check() -> Scenario {
        use cluster::{FaultAction, MemberId};
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n";
        let actions = vec![
            TimedAction { at_ms: 3_000, action: UserAction::Apply { manifest: deployment.into() } },
            TimedAction { at_ms: 6_000, action: UserAction::Fault { fault: FaultAction::Crash { member: MemberId(2) } } },
            TimedAction {
                at_ms: 7_000,
                action: UserAction::Race {
                    setup: crate::race::RaceSetup {
                        namespace: "default".into(),
                        name: "web".into(),
                        replicas_a: 3,
                        replicas_b: 4,
                        retry_on_conflict: true,
                    },
                },
            },
            TimedAction {
                at_ms: 9_000,
                action: UserAction::Console { line: "etcdctl get /registry --prefix --keys-only".into(), stdin: String::new() },
            },
            TimedAction { at_ms: 10_000, action: UserAction::Fault { fault: FaultAction::Restart { member: MemberId(2) } } },
        ];
        Scenario { format_version: SCENARIO_FORMAT_VERSION, config: PlaygroundConfig { seed: 42, member_count: 3 }, actions, end_ms: 15_000 }
    }
}
