//! The concurrent-update lab: two clients GET the same Deployment, change
//! it, and PUT it back. Shows both resourceVersions, the winner, the 409 the
//! loser gets, its re-read and retry, and the etcd Txn that decided it.

use playground::{RaceClient, RaceReport, RaceSetup};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::panels::object_editor::pretty_json;

#[derive(Properties, PartialEq, Clone)]
pub struct RaceLabProps {
    pub report: Option<RaceReport>,
    pub on_run: Callback<RaceSetup>,
}

fn input_value(event: &Event) -> Option<web_sys::HtmlInputElement> {
    event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
}

#[component]
pub fn RaceLab(props: &RaceLabProps) -> Html {
    let name = use_state(|| "web".to_string());
    let retry = use_state(|| true);
    let replicas_a = use_state(|| 4_i64);
    let replicas_b = use_state(|| 5_i64);
    // A write of identical bytes is skipped (no revision, so no conflict): let the
    // user choose counts that differ from the Deployment's current ones.
    let on_replicas = |state: UseStateHandle<i64>| {
        Callback::from(move |event: Event| {
            if let Some(value) = input_value(&event).and_then(|input| input.value().trim().parse::<i64>().ok()) {
                state.set(value.clamp(0, 100));
            }
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = input_value(&event) {
                name.set(input.value());
            }
        })
    };
    let on_retry = {
        let retry = retry.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = input_value(&event) {
                retry.set(input.checked());
            }
        })
    };
    let on_run = {
        let (name, retry, replicas_a, replicas_b) = (name.clone(), retry.clone(), replicas_a.clone(), replicas_b.clone());
        props.on_run.reform(move |_: MouseEvent| RaceSetup {
            namespace: "default".into(),
            name: (*name).clone(),
            replicas_a: *replicas_a,
            replicas_b: *replicas_b,
            retry_on_conflict: *retry,
        })
    };
    let report = props.report.as_ref().map(|report| {
        let rows = report.steps.iter().map(|step| {
            let client = match step.client {
                RaceClient::A => "A",
                RaceClient::B => "B",
            };
            html! {
                <tr class={classes!(format!("client-{client}"), (step.status_code >= 400).then_some("failed"))} data-testid="race-step">
                    <td>{ client }</td>
                    <td>{ step.verb }</td>
                    <td title="resourceVersion the client sent with its PUT">{ step.resource_version_sent.clone().unwrap_or_default() }</td>
                    <td>{ step.status_code }</td>
                    <td title="resourceVersion in the answer: the key's etcd mod_revision">{ step.resource_version_received.clone().unwrap_or_default() }</td>
                    <td class="etcd-calls">{ step.etcd_calls.join("; ") }</td>
                </tr>
            }
        });
        let conflict = report.steps.iter().find(|step| step.status_code == 409).and_then(|step| step.status_body.clone());
        html! {
            <div data-testid="race-report">
                <table class="race-table">
                    <thead><tr>
                        <th>{ "client" }</th><th>{ "request" }</th><th>{ "rv sent" }</th>
                        <th>{ "status" }</th><th>{ "rv returned" }</th><th>{ "etcd requests" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <p data-testid="race-summary">{ match (report.winner, report.loser_final_status) {
                    (Some(_), Some(409)) => "A wrote first. B's PUT carried a stale resourceVersion: 409 Conflict, and B gave up.".to_string(),
                    (Some(_), Some(status)) => format!("A wrote first. B got 409 Conflict, re-read the new resourceVersion and retried: {status}."),
                    _ => "The race could not start: create the Deployment first (Object editor → Apply).".to_string(),
                } }</p>
                if let Some(body) = conflict {
                    <details><summary>{ "The 409 Status body B received" }</summary><pre>{ pretty_json(&body) }</pre></details>
                }
            </div>
        }
    });
    html! {
        <section class="panel race-lab" data-testid="race-lab">
            <h2>{ "Concurrent updates: optimistic locking" }</h2>
            <p class="hint">{ "Two clients read the same Deployment (same resourceVersion), A sets its replicas, then B. \
                etcd accepts a write only if the key's mod_revision still equals the resourceVersion the client read." }</p>
            <label>{ "Deployment " }<input data-testid="race-name" value={(*name).clone()} onchange={on_name} /></label>
            <label>{ "A: replicas " }<input data-testid="race-replicas-a" type="number" min="0" max="100" class="small-number"
                value={replicas_a.to_string()} onchange={on_replicas(replicas_a.clone())} /></label>
            <label>{ "B: replicas " }<input data-testid="race-replicas-b" type="number" min="0" max="100" class="small-number"
                value={replicas_b.to_string()} onchange={on_replicas(replicas_b.clone())} /></label>
            <label title="client-go's RetryOnConflict: re-read and apply the change again">
                <input type="checkbox" data-testid="race-retry" checked={*retry} onchange={on_retry} />{ " retry on conflict" }
            </label>
            <button data-testid="race-run" onclick={on_run}>{ "Race" }</button>
            { for report }
        </section>
    }
}
