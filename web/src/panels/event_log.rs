//! The newest cluster events, newest first: messages, elections, commits,
//! applies, client requests, faults.

use cluster::{TraceEvent, TraceRecord};
use yew::prelude::*;

/// Events shown (the list is short so every frame stays cheap).
pub const EVENTS_SHOWN: usize = 40;

#[derive(Properties, PartialEq, Clone)]
pub struct EventLogProps {
    pub records: Vec<TraceRecord>,
    /// Show message sends and deliveries too (they are most of the traffic).
    #[prop_or(false)]
    pub show_messages: bool,
}

/// One line of text for an event.
pub fn describe(event: &TraceEvent) -> String {
    match event {
        TraceEvent::MessageSent { from, to, kind, summary, .. } => format!("{from} → {to}: {kind} {summary}"),
        TraceEvent::MessageDuplicated { id, .. } => format!("message {} duplicated by the network", id.0),
        TraceEvent::MessageDelivered { from, to, kind, .. } => format!("{to} received {kind} from {from}"),
        TraceEvent::MessageDropped { from, to, kind, reason, .. } => format!("{kind} {from} → {to} lost: {reason}"),
        TraceEvent::MessageHeld { id } => format!("message {} held", id.0),
        TraceEvent::MessageReleased { id } => format!("message {} released", id.0),
        TraceEvent::RoleChanged { member, role, term } => format!("{member} is now {role:?} (term {term})"),
        TraceEvent::TermChanged { member, term } => format!("{member} moved to term {term}"),
        TraceEvent::LeaderChanged { member, leader } => match leader {
            Some(leader) => format!("{member} follows leader {leader}"),
            None => format!("{member} knows no leader"),
        },
        TraceEvent::Committed { member, index } => format!("{member} committed up to index {index}"),
        TraceEvent::Applied { member, index, revision, .. } => format!("{member} applied index {index}: store revision {revision}"),
        TraceEvent::ClientRequestSent { member, op, .. } => format!("client → {member}: {op}"),
        TraceEvent::ClientResponded { member, outcome, .. } => format!("{member} → client: {outcome}"),
        TraceEvent::MemberCrashed { member } => format!("{member} crashed"),
        TraceEvent::MemberRestarted { member } => format!("{member} restarted"),
        TraceEvent::MemberAdded { member } => format!("{member} added"),
        TraceEvent::MemberRemoved { member } => format!("{member} removed"),
        TraceEvent::MembershipChangeFailed { member, error } => format!("membership change for {member} failed: {error}"),
        TraceEvent::LinkChanged { from, to, state } => format!("link {from} → {to}: {state}"),
        TraceEvent::Partitioned { groups } => format!(
            "partitioned into {}",
            groups.iter().map(|group| group.iter().map(|member| member.to_string()).collect::<Vec<_>>().join(", ")).collect::<Vec<_>>().join(" | ")
        ),
        TraceEvent::Healed => "network healed".to_string(),
        TraceEvent::InvariantViolated { invariant, detail } => format!("INVARIANT VIOLATED {invariant}: {detail}"),
    }
}

fn is_message(event: &TraceEvent) -> bool {
    matches!(event, TraceEvent::MessageSent { .. } | TraceEvent::MessageDelivered { .. })
}

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let lines = props
        .records
        .iter()
        .rev()
        .filter(|record| props.show_messages || !is_message(&record.event))
        .take(EVENTS_SHOWN)
        .map(|record| {
            html! {
                <li data-testid="event">
                    <span class="event-time">{ crate::panels::time_controls::format_clock(record.at_ms) }</span>
                    { " " }{ describe(&record.event) }
                </li>
            }
        });
    html! {
        <section class="panel event-log" data-testid="event-log">
            <h2>{ "Events" }</h2>
            <ul>{ for lines }</ul>
        </section>
    }
}
