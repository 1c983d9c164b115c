//! The cluster as an SVG: members on a circle, links, and every message in
//! flight as a dot travelling from sender to receiver.

use cluster::{ClusterView, FaultAction, LinkState, MemberId, MemberView, MessageId, Role};
use yew::prelude::*;

const CENTER_X: f64 = 220.0;
const CENTER_Y: f64 = 190.0;
const RING_RADIUS: f64 = 135.0;
const MEMBER_RADIUS: f64 = 42.0;

#[derive(Properties, PartialEq, Clone)]
pub struct ClusterDiagramProps {
    pub view: ClusterView,
    /// Click on a member: crash it, or restart it if crashed.
    pub on_member: Callback<MemberId>,
    /// Hold, release or drop a message in flight.
    pub on_message: Callback<FaultAction>,
}

/// Where member `index` of `count` sits.
pub fn member_position(index: usize, count: usize) -> (f64, f64) {
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * index as f64 / count.max(1) as f64;
    // The browser's Math.cos/sin, not f64's: those compile Rust's own libm
    // into the page (with its large-argument reduction, about 8 KB of wasm)
    // for the one place the page needs a sine.
    (CENTER_X + RING_RADIUS * js_sys::Math::cos(angle), CENTER_Y + RING_RADIUS * js_sys::Math::sin(angle))
}

/// The role as the diagram names it.
pub fn role_label(member: &MemberView) -> &'static str {
    if !member.running {
        return "crashed";
    }
    match member.role {
        Some(Role::Leader) => "leader",
        Some(Role::Candidate) => "candidate",
        Some(Role::Follower) => "follower",
        Some(Role::Learner) => "learner",
        Some(Role::Shutdown) | None => "stopped",
    }
}

#[component]
pub fn ClusterDiagram(props: &ClusterDiagramProps) -> Html {
    let selected_message = use_state(|| None::<MessageId>);
    let view = &props.view;
    let count = view.members.len();
    let position_of = |id: MemberId| {
        view.members.iter().position(|member| member.id == id).map(|index| member_position(index, count))
    };
    let cut_links = view.links.iter().filter(|link| link.state == LinkState::Cut).filter_map(|link| {
        let (x1, y1) = position_of(link.from)?;
        let (x2, y2) = position_of(link.to)?;
        Some(html! {
            <line class="link-cut" x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()}>
                <title>{ format!("{} → {} is cut", link.from, link.to) }</title>
            </line>
        })
    });
    let messages = view.messages.iter().filter_map(|message| {
        let (x1, y1) = position_of(message.from)?;
        let (x2, y2) = position_of(message.to)?;
        let span = message.deliver_ms.saturating_sub(message.sent_ms).max(1) as f64;
        let progress = (view.now_ms.saturating_sub(message.sent_ms) as f64 / span).clamp(0.0, 1.0);
        let (x, y) = (x1 + (x2 - x1) * progress, y1 + (y2 - y1) * progress);
        let id = message.id;
        let on_click = {
            let selected_message = selected_message.clone();
            Callback::from(move |_: MouseEvent| selected_message.set(Some(id)))
        };
        Some(html! {
            <circle class={classes!("message", message.held.then_some("held"))} cx={x.to_string()} cy={y.to_string()} r="6"
                data-testid="message" onclick={on_click}>
                <title>{ format!("{} {} → {}: {} (click to hold, release or drop it)", message.kind, message.from, message.to, message.summary) }</title>
            </circle>
        })
    });
    let members = view.members.iter().enumerate().map(|(index, member)| {
        let (x, y) = member_position(index, count);
        let id = member.id;
        let on_click = props.on_member.reform(move |_: MouseEvent| id);
        let role = role_label(member);
        html! {
            <g class={classes!("member", role)} data-testid={format!("member-{}", member.id.0)} onclick={on_click}>
                <title>{ format!(
                    "{}: {role}, term {}, voted for {}, last log index {}, commit index {}, applied index {}, store revision {}. Click to {}.",
                    member.id, member.term,
                    member.voted_for.map(|vote| vote.to_string()).unwrap_or_else(|| "nobody".into()),
                    member.last_log_index, member.commit_index, member.applied_index, member.store_revision,
                    if member.running { "crash it" } else { "restart it" }
                ) }</title>
                <circle cx={x.to_string()} cy={y.to_string()} r={MEMBER_RADIUS.to_string()} />
                <text x={x.to_string()} y={(y - 18.0).to_string()} class="member-name">{ member.id.to_string() }</text>
                <text x={x.to_string()} y={(y - 3.0).to_string()} data-testid="role">{ role }</text>
                <text x={x.to_string()} y={(y + 12.0).to_string()}>{ format!("term {}", member.term) }</text>
                <text x={x.to_string()} y={(y + 27.0).to_string()}>{ format!("c{} a{} r{}", member.commit_index, member.applied_index, member.store_revision) }</text>
            </g>
        }
    });
    let leader = view.leader.map(|leader| leader.to_string()).unwrap_or_else(|| "none".into());
    html! {
        <section class="panel cluster" data-testid="cluster">
            <h2>{ "etcd cluster" }</h2>
            <p class="hint">{ format!("Leader: {leader}. Click a member to crash or restart it, a message to hold or drop it. ") }
                { "c = commit index, a = applied index, r = store revision." }</p>
            <svg viewBox="0 0 440 380" class="cluster-svg" role="img" aria-label="etcd members and messages in flight">
                { for cut_links }
                { for members }
                { for messages }
            </svg>
            { for selected_message.and_then(|id| view.messages.iter().find(|message| message.id == id)).map(|message| {
                let id = message.id;
                let act = |fault: FaultAction| {
                    let on_message = props.on_message.clone();
                    Callback::from(move |_: MouseEvent| on_message.emit(fault.clone()))
                };
                html! {
                    <div class="message-actions" data-testid="message-actions">
                        { format!("{} {} → {}: {} ", message.kind, message.from, message.to, message.summary) }
                        if message.held {
                            <button data-testid="release-message" onclick={act(FaultAction::ReleaseMessage { message: id })}>{ "Release" }</button>
                        } else {
                            <button data-testid="hold-message" onclick={act(FaultAction::HoldMessage { message: id })}
                                title="Keep it in flight until released">{ "Hold" }</button>
                        }
                        <button data-testid="drop-message" onclick={act(FaultAction::DropMessage { message: id })}>{ "Drop" }</button>
                    </div>
                }
            }) }
        </section>
    }
}
