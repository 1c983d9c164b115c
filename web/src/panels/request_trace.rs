//! Follow one API call down the stack: the apiserver's request, the etcd
//! calls it made (the Txn compare that decided a write), the Raft entry
//! (index, term) that carried it, when each member committed and applied that
//! entry, the revision it produced, and the watch events it caused.

use std::rc::Rc;

use playground::{EtcdOutcome, RequestPath, TraceId};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::panels::time_controls::format_clock;

/// Calls offered in the picker, newest first.
pub const CALLS_LISTED: usize = 150;

/// One API call in the picker.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSummary {
    pub id: TraceId,
    pub summary: String,
    pub status_code: u16,
    /// It wrote (produced a revision).
    pub wrote: bool,
}

#[derive(Properties, PartialEq, Clone)]
pub struct RequestTraceProps {
    /// Recent calls, newest first.
    pub calls: Rc<Vec<CallSummary>>,
    /// The followed call, if one is still kept.
    pub path: Option<RequestPath>,
    pub on_select: Callback<TraceId>,
}

fn outcome_text(outcome: &EtcdOutcome) -> String {
    match outcome {
        EtcdOutcome::Answered { header_revision, succeeded: Some(true) } => format!("compare succeeded (then branch), header revision {header_revision}"),
        EtcdOutcome::Answered { header_revision, succeeded: Some(false) } => format!("compare failed (else branch), header revision {header_revision}"),
        EtcdOutcome::Answered { header_revision, succeeded: None } => format!("answered at revision {header_revision}"),
        EtcdOutcome::Failed(error) => format!("failed: {error}"),
    }
}

fn optional_time(at_ms: Option<u64>) -> String {
    at_ms.map(format_clock).unwrap_or_else(|| "—".into())
}

#[component]
pub fn RequestTrace(props: &RequestTraceProps) -> Html {
    let writes_only = use_state(|| true);
    let on_writes_only = {
        let writes_only = writes_only.clone();
        Callback::from(move |_: Event| writes_only.set(!*writes_only))
    };
    let on_select = props.on_select.reform(|event: Event| {
        let value = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .and_then(|select| select.value().parse::<u64>().ok())
            .unwrap_or_default();
        TraceId(value)
    });
    let selected = props.path.as_ref().map(|path| path.trace.id);
    let options = props.calls.iter().filter(|call| call.wrote || !*writes_only || Some(call.id) == selected).map(|call| {
        html! {
            <option value={call.id.0.to_string()} selected={Some(call.id) == selected}>
                { format!("#{} {} → {}", call.id.0, call.summary, call.status_code) }
            </option>
        }
    });
    html! {
        <section class="panel request-trace" data-testid="request-trace">
            <h2>{ "Follow a request" }</h2>
            <div class="request-trace-controls">
                <select data-testid="trace-select" onchange={on_select}
                    title="An API call made by you or a controller (newest first)">{ for options }</select>
                <label title="List only calls that wrote to etcd">
                    <input type="checkbox" checked={*writes_only} onchange={on_writes_only} />{ " writes only" }
                </label>
            </div>
            if let Some(path) = &props.path {
                <ol class="trace-path">
                    <li data-testid="trace-apiserver" title="The Kubernetes API call, as the apiserver answered it">
                        <strong>{ "apiserver " }</strong>
                        { format!("#{} {} → {} at {}", path.trace.id.0, path.trace.summary, path.trace.status_code, format_clock(path.trace.at_ms)) }
                    </li>
                    <li data-testid="trace-etcd" title="The etcd requests the apiserver made for this call">
                        <strong>{ "etcd" }</strong>
                        <ul>
                            { for path.trace.etcd_calls.iter().map(|call| html! {
                                <li><code>{ &call.description }</code>{ format!(" — {}", outcome_text(&call.outcome)) }</li>
                            }) }
                        </ul>
                    </li>
                    <li data-testid="trace-raft" title="The Raft log entry the leader appended for the write">
                        <strong>{ "Raft " }</strong>
                        { match (path.raft_index, path.raft_term) {
                            (Some(index), Some(term)) => format!("entry index {index}, term {term}"),
                            (Some(index), None) => format!("entry index {index}"),
                            (None, _) => "no entry: the call did not write (a read, a failed compare or an error)".into(),
                        } }
                    </li>
                    if path.raft_index.is_some() {
                        <li data-testid="trace-members" title="When each member's commit index reached the entry, and when it applied it to its store">
                            <strong>{ "commit and apply on each member" }</strong>
                            <table>
                                <thead><tr><th>{ "member" }</th><th>{ "committed" }</th><th>{ "applied" }</th></tr></thead>
                                <tbody>
                                    { for path.members.iter().map(|member| html! {
                                        <tr data-testid="trace-member">
                                            <td>{ member.member.to_string() }</td>
                                            <td>{ optional_time(member.committed_at_ms) }</td>
                                            <td>{ optional_time(member.applied_at_ms) }</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                        </li>
                    }
                    <li data-testid="trace-revision" title="The store revision the write produced: the object's new resourceVersion">
                        <strong>{ "revision " }</strong>
                        { path.trace.revision.map(|revision| revision.to_string()).unwrap_or_else(|| "none (no write)".into()) }
                    </li>
                    <li data-testid="trace-watch" title="Events the write sent to open watches (controllers' informers)">
                        <strong>{ format!("watch events ({})", path.trace.watch_events.len()) }</strong>
                        <ul>
                            { for path.trace.watch_events.iter().map(|event| html! {
                                <li>{ format!("watch #{}: {} {} @{}", event.watch.0, event.event_type, event.key, event.revision) }</li>
                            }) }
                        </ul>
                    </li>
                </ol>
            } else {
                <p class="hint">{ "No API call yet: the apiserver starts once a leader is elected." }</p>
            }
        </section>
    }
}
