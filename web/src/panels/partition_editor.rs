//! Put members into partition groups, heal, or cut a single link one way.

use std::collections::BTreeMap;

use cluster::{FaultAction, LinkState, LinkView, MemberId};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The largest one-way latency the editor accepts. Round trips up to 750 ms
/// work (the members' peer RPC timeout, see "Timeouts" in docs/ARCHITECTURE.md);
/// on slower links every reply comes too late, the leader's lease lapses and
/// writes fail, which is the lesson.
pub const MAX_LATENCY_MS: u64 = 1_000;

/// The groups a member can be put in.
pub const GROUPS: [char; 3] = ['A', 'B', 'C'];

#[derive(Properties, PartialEq, Clone)]
pub struct PartitionEditorProps {
    pub members: Vec<MemberId>,
    pub links: Vec<LinkView>,
    pub on_fault: Callback<FaultAction>,
}

/// The partition that puts each member in its chosen group (empty groups dropped).
pub fn partition_groups(members: &[MemberId], chosen: &BTreeMap<MemberId, char>) -> Vec<Vec<MemberId>> {
    GROUPS
        .iter()
        .map(|group| members.iter().copied().filter(|member| chosen.get(member).unwrap_or(&'A') == group).collect::<Vec<_>>())
        .filter(|group| !group.is_empty())
        .collect()
}

fn select_value(event: &Event) -> Option<String> {
    event.target().and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|select| select.value())
}

#[component]
pub fn PartitionEditor(props: &PartitionEditorProps) -> Html {
    let chosen = use_state(BTreeMap::<MemberId, char>::new);
    let link_from = use_state(|| MemberId(1));
    let link_to = use_state(|| MemberId(2));

    let rows = props.members.iter().map(|member| {
        let member = *member;
        let current = *chosen.get(&member).unwrap_or(&'A');
        let on_change = {
            let chosen = chosen.clone();
            Callback::from(move |event: Event| {
                if let Some(group) = select_value(&event).and_then(|value| value.chars().next()) {
                    let mut next = (*chosen).clone();
                    next.insert(member, group);
                    chosen.set(next);
                }
            })
        };
        html! {
            <label class="group-choice">
                { member.to_string() }
                <select data-testid={format!("group-{}", member.0)} onchange={on_change}>
                    { for GROUPS.iter().map(|group| html! { <option value={group.to_string()} selected={*group == current}>{ group.to_string() }</option> }) }
                </select>
            </label>
        }
    });
    let on_partition = {
        let members = props.members.clone();
        let chosen = chosen.clone();
        props.on_fault.reform(move |_: MouseEvent| FaultAction::Partition { groups: partition_groups(&members, &chosen) })
    };
    let on_heal = {
        let chosen = chosen.clone();
        props.on_fault.reform(move |_: MouseEvent| {
            chosen.set(BTreeMap::new());
            FaultAction::Heal
        })
    };
    let member_select = |state: UseStateHandle<MemberId>, test_id: &'static str| {
        let on_change = {
            let state = state.clone();
            Callback::from(move |event: Event| {
                if let Some(id) = select_value(&event).and_then(|value| value.parse::<u64>().ok()) {
                    state.set(MemberId(id));
                }
            })
        };
        html! {
            <select data-testid={test_id} onchange={on_change}>
                { for props.members.iter().map(|member| html! {
                    <option value={member.0.to_string()} selected={*member == *state}>{ member.to_string() }</option>
                }) }
            </select>
        }
    };
    let remove_choice = use_state(|| MemberId(1));
    let next_member = MemberId(props.members.iter().map(|member| member.0).max().unwrap_or(0) + 1);
    let on_add = props.on_fault.reform(move |_: MouseEvent| FaultAction::AddMember { member: next_member });
    let on_remove = {
        let remove_choice = remove_choice.clone();
        props.on_fault.reform(move |_: MouseEvent| FaultAction::RemoveMember { member: *remove_choice })
    };
    let latency_of = props.links.iter().find(|link| link.from == *link_from && link.to == *link_to).map(|link| (link.latency_ms_min, link.latency_ms_max, link.loss_probability));
    let (from, to) = (*link_from, *link_to);
    let on_latency = props.on_fault.reform(move |event: Event| {
        let milliseconds = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.value().parse::<u64>().ok())
            .unwrap_or(10)
            .min(MAX_LATENCY_MS);
        FaultAction::SetLinkLatency { from, to, latency_ms_min: milliseconds, latency_ms_max: milliseconds.saturating_mul(3) }
    });
    let on_loss = props.on_fault.reform(move |event: Event| {
        let percent = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.value().parse::<u32>().ok())
            .unwrap_or(0)
            .min(100);
        FaultAction::SetLinkLoss { from, to, loss_probability: f64::from(percent) / 100.0 }
    });
    let is_cut = props.links.iter().any(|link| link.from == from && link.to == to && link.state == LinkState::Cut);
    let on_link = props.on_fault.reform(move |_: MouseEvent| {
        if is_cut {
            FaultAction::RestoreLink { from, to, both_directions: false }
        } else {
            FaultAction::CutLink { from, to, both_directions: false }
        }
    });
    html! {
        <section class="panel partition-editor" data-testid="partition-editor">
            <h2>{ "Network" }</h2>
            <p class="hint">{ "Members in different groups cannot reach each other." }</p>
            <div class="groups">{ for rows }</div>
            <button data-testid="partition" onclick={on_partition}>{ "Partition" }</button>
            <button data-testid="heal" onclick={on_heal} title="Reconnect every member and restore every link">{ "Heal" }</button>
            <div class="membership">
                <button data-testid="add-member" onclick={on_add} disabled={props.members.len() >= 7}
                    title="Raft membership change: the new member joins as a learner, catches up, then votes">{ "Add member" }</button>
                { " " }{ member_select(remove_choice.clone(), "remove-choice") }
                <button data-testid="remove-member" onclick={on_remove} disabled={props.members.len() <= 1}
                    title="Raft membership change: the member leaves the voters and stops">{ "Remove" }</button>
            </div>
            <div class="link-cut-editor">
                { "Link " }{ member_select(link_from.clone(), "link-from") }{ " → " }{ member_select(link_to.clone(), "link-to") }
                <button data-testid="cut-link" onclick={on_link}
                    title="Messages from the first member to the second are lost; the other direction still works">
                    { if is_cut { "Restore" } else { "Cut one way" } }
                </button>
                if let Some((latency_min, latency_max, loss)) = latency_of {
                    <label title="One-way delay of this link: each message takes between this and three times this">
                        { format!(" latency {latency_min}–{latency_max} ms, min ") }
                        <input type="number" min="0" max={MAX_LATENCY_MS.to_string()} data-testid="link-latency" value={latency_min.to_string()} onchange={on_latency} />
                    </label>
                    <label title="Share of messages on this link that are lost">
                        { " loss % " }
                        <input type="number" min="0" max="100" data-testid="link-loss" value={((loss * 100.0).round() as u32).to_string()} onchange={on_loss} />
                    </label>
                }
            </div>
        </section>
    }
}
