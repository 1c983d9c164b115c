//! A run as data: the seed, the configuration, and every user action with the
//! virtual time it happened at. Replaying a scenario reproduces the run.

use cluster::FaultAction;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use crate::playground::PlaygroundConfig;

/// Bumped whenever a scenario saved by an older version would replay
/// differently.
pub const SCENARIO_FORMAT_VERSION: u32 = 1;

/// What the user did: `{"kind": "console", "line": "etcdctl get a", "stdin": ""}`.
///
/// `Deserialize` is written by hand (see [`UserActionFields`]) for the page's
/// size; it reads every JSON the derived internally-tagged form wrote, and
/// differs from the derived reader only on JSON the page never writes (a
/// field of another kind with the wrong type is refused instead of ignored).
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// `kubectl get <resource> --watch --resource-version=<rv>`, for one
    /// moment: the events the watch has at once (or its 410 Gone), then it is
    /// closed, so replay never has to keep a watch open.
    Watch { resource: String, namespace: Option<String>, resource_version: Option<String> },
}

/// [`UserAction`]'s JSON read flat: the tag and every field any variant has.
///
/// Why not the derive: serde derives an internally tagged enum by buffering
/// the object into its private `Content` tree and running a visitor per
/// variant over it (17 KB of wasm here; `cluster::FaultAction` does the same).
/// Missing tag, unknown tag and missing field are still errors naming it.
#[derive(Deserialize)]
struct UserActionFields {
    kind: UserActionKind,
    fault: Option<FaultAction>,
    manifest: Option<String>,
    setup: Option<crate::race::RaceSetup>,
    line: Option<String>,
    stdin: Option<String>,
    resource: Option<String>,
    namespace: Option<String>,
    name: Option<String>,
    resource_version: Option<String>,
}

/// The `kind` tag of [`UserAction`]'s JSON.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum UserActionKind {
    Fault,
    Apply,
    Race,
    Console,
    StopCommand,
    Delete,
    Watch,
}

impl UserActionFields {
    /// The action the fields describe, or the name of a field it lacks.
    fn into_action(self) -> Result<UserAction, &'static str> {
        Ok(match self.kind {
            UserActionKind::Fault => UserAction::Fault { fault: self.fault.ok_or("fault")? },
            UserActionKind::Apply => UserAction::Apply { manifest: self.manifest.ok_or("manifest")? },
            UserActionKind::Race => UserAction::Race { setup: self.setup.ok_or("setup")? },
            UserActionKind::Console => UserAction::Console { line: self.line.ok_or("line")?, stdin: self.stdin.ok_or("stdin")? },
            UserActionKind::StopCommand => UserAction::StopCommand,
            UserActionKind::Delete => UserAction::Delete {
                resource: self.resource.ok_or("resource")?,
                namespace: self.namespace,
                name: self.name.ok_or("name")?,
            },
            UserActionKind::Watch => UserAction::Watch {
                resource: self.resource.ok_or("resource")?,
                namespace: self.namespace,
                resource_version: self.resource_version,
            },
        })
    }
}

impl<'de> Deserialize<'de> for UserAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        UserActionFields::deserialize(deserializer)?.into_action().map_err(D::Error::missing_field)
    }
}

/// Which tutorial is open and at which step (0-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TutorialPosition {
    /// The tutorial's stable slug ([`crate::tutorials::Tutorial::id`]).
    pub id: String,
    /// The step shown, 0 = the first.
    pub step: usize,
}

/// How the page was arranged. Not part of the run: replay ignores it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiLayout {
    /// Panels the user folded away, by name (`"events"`, `"race"`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collapsed_panels: Vec<String>,
    /// The member whose store the /registry tree shows (`None`: the leader's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_member: Option<u64>,
    /// The revision the /registry tree shows (0: the latest).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub registry_revision: i64,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

impl UiLayout {
    /// True for the layout a fresh page has (then it is left out of links).
    pub fn is_default(&self) -> bool {
        *self == UiLayout::default()
    }
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
    /// The open tutorial, if any (links made before tutorials existed have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tutorial: Option<TutorialPosition>,
    /// The page's arrangement (older links: the default).
    #[serde(default, skip_serializing_if = "UiLayout::is_default")]
    pub layout: UiLayout,
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
        Scenario { format_version: SCENARIO_FORMAT_VERSION, config: PlaygroundConfig { seed: 42, member_count: 3 }, actions,
            end_ms: 15_000,
            tutorial: None,
            layout: UiLayout::default(),
        }
    }

    /// A long teacher's run for the replay benchmark: `count` actions, one
    /// every 100 virtual ms after the first leader (etcdctl puts and reads,
    /// ConfigMap applies and deletes, a member crash and restart), seed 7,
    /// three members.
    pub fn replay_benchmark(count: usize) -> Scenario {
        use cluster::{FaultAction, MemberId};
        let actions = (0..count)
            .map(|index| {
                let action = match index % 10 {
                    0..=4 => UserAction::Console { line: format!("etcdctl put /bench/key{} value{index}", index % 50), stdin: String::new() },
                    5 | 6 => UserAction::Apply {
                        manifest: format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings{}\ndata:\n  round: \"{index}\"\n", index % 20),
                    },
                    7 => UserAction::Console { line: "etcdctl get /bench --prefix --keys-only".into(), stdin: String::new() },
                    8 => UserAction::Delete { resource: "configmaps".into(), namespace: Some("default".into()), name: format!("settings{}", (index + 7) % 20) },
                    _ if index % 200 == 9 => UserAction::Fault { fault: FaultAction::Crash { member: MemberId(3) } },
                    _ if index % 200 == 109 => UserAction::Fault { fault: FaultAction::Restart { member: MemberId(3) } },
                    _ => UserAction::Console { line: "etcdctl endpoint status".into(), stdin: String::new() },
                };
                TimedAction { at_ms: 3_000 + 100 * index as u64, action }
            })
            .collect::<Vec<_>>();
        let end_ms = 3_000 + 100 * count as u64 + 1_000;
        Scenario {
            format_version: SCENARIO_FORMAT_VERSION,
            config: PlaygroundConfig { seed: 7, member_count: 3 },
            actions,
            end_ms,
            tutorial: None,
            layout: UiLayout::default(),
        }
    }
}
