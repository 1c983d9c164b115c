//! The one owner of a simulation: an etcd cluster, the kube-apiserver in front
//! of it and the controllers behind it, driven by timed user actions.
//!
//! Everything the UI does goes through [`Playground::apply`] with a
//! [`UserAction`], stamped with the virtual time it happened at, so a run is
//! `seed + config + [(time, action)]` ([`Scenario`]) and replays exactly.
//!
//! ```
//! use playground::{Playground, PlaygroundConfig, UserAction};
//!
//! let mut playground = Playground::new(PlaygroundConfig { seed: 7, member_count: 3, ..Default::default() });
//! playground.advance(3_000); // elect a leader
//! assert!(playground.view().cluster.leader.is_some());
//! let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n";
//! let outcome = playground.apply(UserAction::Apply { manifest: manifest.into() }).unwrap();
//! assert_eq!(outcome.status_code, Some(201));
//! let keys = playground.registry_keys(None);
//! assert!(keys.iter().any(|entry| entry.key == "/registry/configmaps/default/settings"));
//! ```

mod etcd_client;
pub mod link;
mod etcdctl_backend;
mod foreground;
mod playground;
mod race;
mod registry_listing;
mod request_path;
mod scenario;
mod sha1;
mod timeline;
mod trace_log;
mod watch_mailbox;
pub mod tutorials;

pub use etcd_client::{ClusterEtcd, REQUEST_TIMEOUT_MS};
pub use etcdctl_backend::{client_endpoint, etcd_member_id, ClusterEtcdctl};
pub use console::CommandOutput;
pub use foreground::{ConsoleStream, ForegroundCommand};
/// `kubectl get -w` as a session (the playground streams it as a foreground command).
pub use kubectl::{Effect as KubectlEffect, WatchSession as KubectlWatchSession};
pub use playground::{NETWORK_LATENCY_MS_MAX, NETWORK_LATENCY_MS_MIN, ActionOutcome, ActionRecord, Playground, PlaygroundConfig, PlaygroundError, PlaygroundView, RegistryEntry};
pub use registry_listing::{ListingRead, RegistryListing};
pub use request_path::{MemberPath, RequestPath};
/// The apiserver's trace types, for panels that show a [`RequestPath`].
pub use apiserver::trace::{EtcdCall, EtcdOperation, EtcdOutcome, RequestTrace, TraceId, TracedWatchEvent};
pub use race::{RaceClient, RaceReport, RaceSetup, RaceStep};
pub use timeline::{timeline_marks, MarkKind, TimelineMark};
pub use trace_log::{TraceLog, TRACE_LOG_CAPACITY};
pub use watch_mailbox::WatchMailbox;
pub use scenario::{Scenario, TimedAction, TutorialPosition, UiLayout, UserAction, SCENARIO_FORMAT_VERSION};
