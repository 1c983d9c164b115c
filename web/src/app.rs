//! The root component: page header and the panels.

use playground_core::quorum::MemberCount;
use yew::prelude::*;

use crate::panels::quorum_table::QuorumTable;

/// The whole playground.
#[component]
pub fn App() -> Html {
    // The cluster issue replaces this with the live member count.
    let member_count = use_state(|| MemberCount::new(3).unwrap_or(MemberCount::MIN));
    let on_select = {
        let member_count = member_count.clone();
        Callback::from(move |members: MemberCount| member_count.set(members))
    };
    html! {
        <main class="app" data-testid="app">
            <header class="app-header">
                <h1>{ "Kubernetes on etcd" }</h1>
                <p class="tagline">
                    { "An etcd cluster and a kube-apiserver running in your browser tab." }
                </p>
            </header>
            <QuorumTable selected={*member_count} {on_select} />
        </main>
    }
}
