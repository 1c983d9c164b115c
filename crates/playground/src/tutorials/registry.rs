//! Tutorial 1: where your objects live in /registry.

use super::{Check, Setup, Step, Tutorial};
use crate::scenario::UserAction;

/// The Deployment the tutorials apply.
pub(crate) const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n";

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";

pub(super) fn tutorial() -> Tutorial {
    Tutorial {
        id: "registry",
        title: "Where your objects live in /registry",
        member_count: 3,
        steps: vec![
            Step {
                title: "Let the cluster start",
                text: "Press play (or → a few times). The members elect a leader, then the kube-apiserver writes the system \
                       namespaces. Every Kubernetes object is one etcd key: <prefix>/<resource>/<namespace>/<name>, with the \
                       prefix /registry. A Namespace is cluster-scoped, so its key has no namespace part: \
                       /registry/namespaces/default. Find it in the /registry tree.",
                setup: None,
                check: Check::KeyExists { prefix: "/registry/namespaces/default" },
            },
            Step {
                title: "Apply a Deployment",
                text: "Apply the Deployment in the editor (kubectl apply -f). The apiserver stores it under \
                       /registry/deployments/default/web: the plural resource name without its API group (no apps/ segment). \
                       The value is the object without its resourceVersion; resourceVersion is the key's mod_revision.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: true, actions: vec![UserAction::Apply { manifest: DEPLOYMENT.into() }] }),
                check: Check::KeyExists { prefix: "/registry/deployments/default/" },
            },
            Step {
                title: "Find what the controllers wrote",
                text: "Let time run for a few seconds: the Deployment controller creates a ReplicaSet, the ReplicaSet controller \
                       creates Pods, and each is one more key. List the pods' keys in the console with \
                       `etcdctl get /registry/pods --prefix --keys-only`.",
                setup: None,
                check: Check::ConsoleRan {
                    command: &["etcdctl", "get", "/registry/pods", "--prefix"],
                    output: Some("/registry/pods/default/web-"),
                    succeeded: Some(true),
                    members_down_at_least: 0,
                },
            },
            Step {
                title: "Services are special",
                text: "A few resources keep older key names. Apply a Service named web: it is stored under \
                       /registry/services/specs/default/web (and its endpoints under /registry/services/endpoints/), \
                       not /registry/services/default/web. Nodes, likewise, live under /registry/minions/.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: true, actions: vec![UserAction::Apply { manifest: SERVICE.into() }] }),
                check: Check::KeyExists { prefix: "/registry/services/specs/default/" },
            },
        ],
    }
}
