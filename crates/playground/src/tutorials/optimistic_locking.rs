//! Tutorial 2: optimistic locking and the 409 Conflict.

use super::registry::DEPLOYMENT;
use super::{Check, Setup, Step, Tutorial};
use crate::race::RaceSetup;
use crate::scenario::UserAction;

fn race(replicas_a: i64, replicas_b: i64, retry_on_conflict: bool) -> UserAction {
    UserAction::Race { setup: RaceSetup { namespace: "default".into(), name: "web".into(), replicas_a, replicas_b, retry_on_conflict } }
}

pub(super) fn tutorial() -> Tutorial {
    Tutorial {
        id: "optimistic-locking",
        title: "Optimistic locking and the 409",
        member_count: 3,
        steps: vec![
            Step {
                title: "A Deployment to fight over",
                text: "Run the setup: it waits for the apiserver and applies Deployment web. Its resourceVersion is the \
                       mod_revision of /registry/deployments/default/web in etcd.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: true, actions: vec![UserAction::Apply { manifest: DEPLOYMENT.into() }] }),
                check: Check::KeyExists { prefix: "/registry/deployments/default/web" },
            },
            Step {
                title: "Two writers, one wins",
                text: "In the race lab, untick retry and run the race. Clients A and B both GET web at the same \
                       resourceVersion. A's PUT becomes an etcd Txn(If mod_revision(key) = rv Then put) and succeeds. \
                       B sends the old resourceVersion: the apiserver answers 409 Conflict, \"the object has been modified; \
                       please apply your changes to the latest version and try again\", and writes nothing. (A must change \
                       something: a write of identical bytes is skipped, creates no revision, and then nobody conflicts.)",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: false, actions: vec![race(3, 4, false)] }),
                check: Check::StatusSeen { code: 409 },
            },
            Step {
                title: "Retry on conflict",
                text: "Tick retry, pick replica counts different from the current ones, and run the race again. After its 409, B re-reads web (getting the new resourceVersion), \
                       applies its change to that copy and writes again: 200. This is client-go's RetryOnConflict, which \
                       every controller uses. Nothing is locked; a stale write is simply refused.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: false, actions: vec![race(5, 6, true)] }),
                check: Check::RaceRetried,
            },
        ],
    }
}
