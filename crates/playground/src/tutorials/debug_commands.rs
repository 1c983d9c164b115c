//! Tutorial 5: the etcdctl commands to debug a cluster.

use super::{Check, Setup, Step, Tutorial};
use crate::scenario::UserAction;
use cluster::{FaultAction, MemberId};

pub(super) fn tutorial() -> Tutorial {
    Tutorial {
        id: "debug-commands",
        title: "The etcdctl debug commands",
        member_count: 3,
        steps: vec![
            Step {
                title: "Is every member healthy?",
                text: "Once a leader is elected, run `etcdctl endpoint health --cluster`. --cluster asks the first endpoint for \
                       the member list and checks every member: a member is healthy when a linearizable read through it \
                       commits in time.",
                setup: None,
                check: Check::ConsoleRan {
                    command: &["etcdctl", "endpoint", "health", "--cluster"],
                    output: Some("is healthy"),
                    succeeded: Some(true),
                    members_down_at_least: 0,
                },
            },
            Step {
                title: "What is stored?",
                text: "Run `etcdctl get /registry --prefix --keys-only`: every key Kubernetes wrote, sorted, without the values \
                       (which are large). Each object is one key.",
                setup: None,
                check: Check::ConsoleRan {
                    command: &["etcdctl", "get", "/registry", "--prefix", "--keys-only"],
                    output: Some("/registry/namespaces/default"),
                    succeeded: Some(true),
                    members_down_at_least: 0,
                },
            },
            Step {
                title: "Who leads, at which index?",
                text: "Run `etcdctl endpoint status --cluster -w table`: one row per member with its id, version, database \
                       size, whether it is the leader, its Raft term and Raft index.",
                setup: None,
                check: Check::ConsoleRan { command: &["etcdctl", "endpoint", "status", "--cluster"], output: None, succeeded: Some(true), members_down_at_least: 0 },
            },
            Step {
                title: "Spot the sick member",
                text: "Run the setup (it crashes member 3), then `etcdctl endpoint health --cluster` again. Member 3's endpoint \
                       is reported unhealthy and etcdctl exits with an error, while the other two stay healthy.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: false, actions: vec![UserAction::Fault { fault: FaultAction::Crash { member: MemberId(3) } }] }),
                check: Check::ConsoleRan {
                    command: &["etcdctl", "endpoint", "health", "--cluster"],
                    output: Some("is unhealthy"),
                    succeeded: Some(false),
                    members_down_at_least: 1,
                },
            },
        ],
    }
}
