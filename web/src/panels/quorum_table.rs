//! The quorum table of the etcd FAQ, with the current cluster size
//! highlighted and a note on why even sizes do not help.

use playground_core::quorum::{quorum_row, quorum_table, MemberCount};
use yew::prelude::*;

/// What the table shows.
#[derive(Properties, PartialEq, Clone)]
pub struct QuorumTableProps {
    /// The cluster size to highlight.
    pub selected: MemberCount,
    /// Called with the size of a row the user clicked.
    #[prop_or_default]
    pub on_select: Callback<MemberCount>,
}

/// Members, quorum and failures tolerated for 1 to 7 members.
#[component]
pub fn QuorumTable(props: &QuorumTableProps) -> Html {
    let selected = quorum_row(props.selected);
    let rows = quorum_table().into_iter().map(|row| {
        let is_selected = row.members == props.selected;
        let onclick = {
            let on_select = props.on_select.clone();
            let members = row.members;
            Callback::from(move |_| on_select.emit(members))
        };
        html! {
            <tr key={row.members.get()} class={classes!(is_selected.then_some("selected"))}
                data-testid={format!("quorum-row-{}", row.members)} {onclick}
                title="Click to see this cluster size explained">
                <td>{ row.members.get() }</td>
                <td>{ row.quorum_size }</td>
                <td>{ row.failures_tolerated }</td>
                <td class="note">{ row.even_size_note().unwrap_or_default() }</td>
            </tr>
        }
    });
    html! {
        <section class="panel quorum-table" data-testid="quorum-table">
            <h2>{ "Quorum: why etcd clusters have an odd size" }</h2>
            <p>
                { "A write commits once a majority of members (the quorum) has it. " }
                { "The cluster keeps working while at most " }
                <strong>{ "members − quorum" }</strong>{ " members are down." }
            </p>
            <table>
                <thead>
                    <tr>
                        <th title="Voting members in the cluster">{ "Members" }</th>
                        <th title="Members that must agree before a write commits: members / 2 + 1">{ "Quorum" }</th>
                        <th title="Members that can be down while writes still commit">{ "Failures tolerated" }</th>
                        <th>{ "" }</th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
            <p class="summary" data-testid="quorum-summary">
                { format!(
                    "With {} members, {} must agree and {} can fail.",
                    selected.members, selected.quorum_size, selected.failures_tolerated
                ) }
            </p>
        </section>
    }
}
