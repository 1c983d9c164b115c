//! Put members into partition groups, heal, or cut a single link one way.

use std::collections::BTreeMap;

use cluster::{FaultAction, LinkState, LinkView, MemberId};
use wasm_bindgen::JsCast;
use yew::prelude::*;

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
    let (from, to) = (*link_from, *link_to);
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
            <div class="link-cut-editor">
                { "Link " }{ member_select(link_from.clone(), "link-from") }{ " → " }{ member_select(link_to.clone(), "link-to") }
                <button data-testid="cut-link" onclick={on_link}
                    title="Messages from the first member to the second are lost; the other direction still works">
                    { if is_cut { "Restore" } else { "Cut one way" } }
                </button>
            </div>
        </section>
    }
}
