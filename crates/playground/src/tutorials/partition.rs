//! Tutorial 4: a partition; the minority is read-only and stale, then heals.

use super::{Check, Setup, Step, Tutorial};
use crate::scenario::UserAction;
use cluster::{FaultAction, MemberId};

fn console(line: &str) -> UserAction {
    UserAction::Console { line: line.into(), stdin: String::new() }
}

pub(super) fn tutorial() -> Tutorial {
    Tutorial {
        id: "partition",
        title: "A partition: the minority is stale, then catches up",
        member_count: 3,
        steps: vec![
            Step {
                title: "A value everyone agrees on",
                text: "Run the setup: it waits for a leader and runs `etcdctl put /demo/color blue`. All three members apply it.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: true, actions: vec![console("etcdctl put /demo/color blue")] }),
                check: Check::ConsoleRan { command: &["put", "/demo/color", "blue"], output: None, succeeded: Some(true), members_down_at_least: 0 },
            },
            Step {
                title: "Cut member 1 off",
                text: "In the partition editor put member 1 alone in one group and members 2 and 3 in the other. Members 2 and 3 \
                       are a majority and keep (or elect) a leader. Member 1 cannot reach a quorum: if it was the leader it steps down \
                       after an election timeout (CheckQuorum) and 2 and 3 elect a new one in a higher term. Wait for it.",
                setup: Some(Setup {
                    fresh_members: None,
                    wait_for_apiserver: false,
                    actions: vec![UserAction::Fault { fault: FaultAction::Partition { groups: vec![vec![MemberId(1)], vec![MemberId(2), MemberId(3)]] } }],
                }),
                check: Check::All(vec![Check::MemberIsolated { member: MemberId(1) }, Check::LeaderOtherThan { member: MemberId(1) }]),
            },
            Step {
                title: "Write on the majority",
                text: "Run `etcdctl --endpoints=127.0.0.1:22379 put /demo/color green` (member 2). The majority commits it; \
                       member 1's store stays at the older revision.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: false, actions: vec![console("etcdctl --endpoints=127.0.0.1:22379 put /demo/color green")] }),
                check: Check::All(vec![
                    Check::ConsoleRan { command: &["put", "/demo/color", "green"], output: None, succeeded: Some(true), members_down_at_least: 0 },
                    Check::StoreBehind { member: MemberId(1) },
                ]),
            },
            Step {
                title: "Read on the minority",
                text: "Run `etcdctl --endpoints=127.0.0.1:2379 get /demo/color --consistency=s`. A serializable read is answered \
                       from member 1's own store without asking the leader: it still says blue, a stale value. The default \
                       linearizable read needs the leader (ReadIndex) and fails after 5 s with context deadline exceeded, \
                       and so does any write there.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: false, actions: vec![console("etcdctl --endpoints=127.0.0.1:2379 get /demo/color --consistency=s")] }),
                check: Check::ConsoleRan {
                    // Member 2 or 3 would say green: blue can only come from member 1.
                    command: &["get", "/demo/color", "--consistency=s"],
                    output: Some("blue"),
                    succeeded: Some(true),
                    members_down_at_least: 0,
                },
            },
            Step {
                title: "Heal and catch up",
                text: "Click heal and let a second pass. The leader sends member 1 the entries it missed; its store reaches the \
                       same revision as the others, and a serializable read there now says green.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: false, actions: vec![UserAction::Fault { fault: FaultAction::Heal }] }),
                check: Check::StoresInSync,
            },
        ],
    }
}
