//! Tutorial 6: watches, compaction and 410 Gone.

use super::{Check, Setup, Step, Tutorial};
use crate::scenario::UserAction;

const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n";

/// `kubectl get configmaps --watch --resource-version=1`.
fn watch_from_the_start() -> UserAction {
    UserAction::Watch { resource: "configmaps".into(), namespace: Some("default".into()), resource_version: Some("1".into()) }
}

pub(super) fn tutorial() -> Tutorial {
    Tutorial {
        id: "watch-compaction",
        title: "Watches, compaction and 410 Gone",
        member_count: 3,
        steps: vec![
            Step {
                title: "Something to watch",
                text: "Run the setup: it waits for the apiserver and applies ConfigMap settings, stored at \
                       /registry/configmaps/default/settings.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: true, actions: vec![UserAction::Apply { manifest: CONFIG_MAP.into() }] }),
                check: Check::KeyExists { prefix: "/registry/configmaps/default/settings" },
            },
            Step {
                title: "Watch from an old resourceVersion",
                text: "Run the setup: it watches configmaps from resourceVersion 1. The apiserver opens an etcd watch on \
                       /registry/configmaps/default/ from revision 2 (the Kubernetes resourceVersion is exclusive, etcd's start \
                       revision inclusive), and etcd replays the history: ADDED settings.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: false, actions: vec![watch_from_the_start()] }),
                check: Check::WatchEvent { event_type: "ADDED" },
            },
            Step {
                title: "Compact the history",
                text: "Read the store revision (`etcdctl endpoint status -w json` shows it in header.revision), then run \
                       `etcdctl compaction <that revision>`. Revisions below it are gone; only the latest version of every \
                       live key remains. Kubernetes does the same by itself every 5 minutes.",
                setup: None,
                check: Check::Compacted { past_revision: 2 },
            },
            Step {
                title: "410 Gone",
                text: "Run the setup: the same watch from resourceVersion 1. etcd can no longer replay from revision 2 \
                       (required revision has been compacted), so the apiserver answers 410 Gone, reason Expired. A client \
                       that gets it lists again and watches from the list's resourceVersion.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: false, actions: vec![watch_from_the_start()] }),
                check: Check::StatusSeen { code: 410 },
            },
        ],
    }
}
