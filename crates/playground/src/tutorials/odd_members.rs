//! Tutorial 3: why odd member counts (the quorum table, proven by crashes).

use super::{Check, Setup, Step, Tutorial};
use crate::scenario::UserAction;
use cluster::{FaultAction, MemberId};

pub(super) fn tutorial() -> Tutorial {
    Tutorial {
        id: "odd-members",
        title: "Why odd member counts",
        member_count: 3,
        steps: vec![
            Step {
                title: "Read the quorum table",
                text: "A write commits once a majority, (n/2)+1 members, has it. From 1 to 7 members the quorum is \
                       1, 2, 2, 3, 3, 4, 4 and the failures tolerated are 0, 0, 1, 1, 2, 2, 3. Click 4 in the quorum table: \
                       4 members need 3, so they survive one failure, no more than 3 members do, with one more machine to fail.",
                setup: Some(Setup { fresh_members: Some(4), wait_for_apiserver: false, actions: vec![] }),
                check: Check::ClusterSize { members: 4 },
            },
            Step {
                title: "Back to three",
                text: "Click 3 in the quorum table and let the members elect a leader. Three members need two for a quorum.",
                setup: Some(Setup { fresh_members: Some(3), wait_for_apiserver: true, actions: vec![] }),
                check: Check::All(vec![Check::ClusterSize { members: 3 }, Check::LeaderElected]),
            },
            Step {
                title: "Crash one member",
                text: "Click member 3 to crash it, then let time run. If it was the leader, the other two elect a new one \
                       after an election timeout: two of three is still a majority.",
                setup: Some(Setup { fresh_members: None, wait_for_apiserver: false, actions: vec![UserAction::Fault { fault: FaultAction::Crash { member: MemberId(3) } }] }),
                check: Check::All(vec![Check::MembersDown { at_least: 1 }, Check::LeaderElected]),
            },
            Step {
                title: "Writes still work",
                text: "Run `etcdctl put /demo/key one` in the console (etcdctl talks to member 1, 127.0.0.1:2379, unless \
                       --endpoints says otherwise). The two running members form a quorum, so the write commits: OK.",
                setup: None,
                check: Check::ConsoleRan { command: &["etcdctl", "put"], output: None, succeeded: Some(true), members_down_at_least: 1 },
            },
            Step {
                title: "Crash a second member",
                text: "Crash member 2 and let a few seconds pass. One member out of three cannot win an election, and a \
                       leader that hears from no quorum steps down after an election timeout (CheckQuorum): the cluster has no leader.",
                setup: None,
                check: Check::All(vec![Check::MembersDown { at_least: 2 }, Check::NoLeader]),
            },
            Step {
                title: "Writes stop",
                text: "Run `etcdctl put /demo/key two` again. Nothing can commit without a quorum: after the 5 s command timeout \
                       etcdctl prints an error (context deadline exceeded). Restart a member and writes resume.",
                setup: None,
                check: Check::ConsoleRan { command: &["etcdctl", "put"], output: None, succeeded: Some(false), members_down_at_least: 2 },
            },
        ],
    }
}
