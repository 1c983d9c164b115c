//! The console: type `etcdctl ...` or `kubectl ...` as in a shell next to a real cluster.
//! Enter runs the line, ↑/↓ walk the history, Tab completes commands, flags
//! and keys. A command that keeps running (`etcdctl watch`) streams into its
//! entry while virtual time moves; "Stop (Ctrl-C)" or Ctrl-C in the input
//! stops it (a Ctrl-C with text selected is left to the browser's copy).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// One command and what it printed.
#[derive(Debug, Clone, PartialEq)]
pub struct TerminalEntry {
    pub line: String,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
    /// Still running (a watch): its output grows as time moves.
    pub running: bool,
    /// The playground's number for a streaming command (matches its output chunks).
    pub command_number: Option<u64>,
}

/// What the app does for the terminal.
#[derive(Debug, Clone, PartialEq)]
pub enum TerminalRequest {
    Run(String),
    HistoryUp(String),
    HistoryDown,
    Complete(String),
    /// Ctrl-C: stop the running command, or drop the typed line if none runs.
    Interrupt,
}

#[derive(Properties, PartialEq, Clone)]
pub struct TerminalProps {
    /// Everything run so far, oldest first (the app keeps the last few hundred).
    pub entries: Rc<Vec<Rc<TerminalEntry>>>,
    /// The text of the input line (the app owns it so history and completion can set it).
    pub input: String,
    /// Candidates from the last Tab when there was more than one.
    #[prop_or_default]
    pub candidates: Vec<String>,
    /// `etcdctl txn` being typed: its command line and the lines read so far.
    #[prop_or_default]
    pub txn_input: Option<(String, String)>,
    pub on_request: Callback<TerminalRequest>,
    pub on_input: Callback<String>,
}

#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let on_input = props.on_input.reform(|event: InputEvent| {
        event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    });
    let on_keydown = {
        let on_request = props.on_request.clone();
        Callback::from(move |event: KeyboardEvent| {
            // Read the field itself: typing does not re-render, so props may lag.
            let input = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|input| input.value())
                .unwrap_or_default();
            let has_selection = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
                .is_some_and(|input| input.selection_start().ok().flatten() != input.selection_end().ok().flatten());
            let request = match event.key().as_str() {
                "c" | "C" if event.ctrl_key() && !has_selection => TerminalRequest::Interrupt,
                "Enter" => TerminalRequest::Run(input.clone()),
                "ArrowUp" => TerminalRequest::HistoryUp(input.clone()),
                "ArrowDown" => TerminalRequest::HistoryDown,
                "Tab" => TerminalRequest::Complete(input.clone()),
                _ => return,
            };
            event.prevent_default();
            on_request.emit(request);
        })
    };
    let running = props.entries.last().is_some_and(|entry| entry.running);
    let on_stop = props.on_request.reform(|_: MouseEvent| TerminalRequest::Interrupt);
    let entries = props.entries.iter().map(|entry| {
        html! {
            <div class={classes!("terminal-entry", entry.running.then_some("terminal-running"))} data-testid="terminal-entry">
                <div class="terminal-line">{ "$ " }{ &entry.line }</div>
                if !entry.stdout.is_empty() { <pre class="terminal-stdout">{ &entry.stdout }</pre> }
                if !entry.stderr.is_empty() { <pre class="terminal-stderr">{ &entry.stderr }</pre> }
                if !entry.running && entry.command_number.is_some() {
                    <div class="terminal-exit" data-testid="terminal-exit">{ format!("exit {}", entry.exit_code) }</div>
                }
            </div>
        }
    });
    html! {
        <section class="panel terminal" data-testid="terminal">
            <h2>{ "Console" }</h2>
            <p class="hint">{ "etcdctl 3.4 against the simulated members: member 1 is 127.0.0.1:2379, member 2 127.0.0.1:22379, member 3 127.0.0.1:32379. \
                Try: etcdctl get /registry --prefix --keys-only, etcdctl endpoint status --cluster -w table, \
                etcdctl watch --prefix /registry/ (it streams until Ctrl-C). \
                kubectl talks to the simulated apiserver: kubectl get pods -o wide, kubectl get pods -w, kubectl describe deploy web, kubectl scale deploy web --replicas=3, \
                kubectl edit deploy/web (opens the editor); -f reads the editor's text (kubectl apply -f -)." }</p>
            <div class="terminal-output">{ for entries }</div>
            if !props.candidates.is_empty() {
                <div class="terminal-candidates" data-testid="terminal-candidates">{ props.candidates.join("  ") }</div>
            }
            if running {
                <button class="terminal-stop" data-testid="terminal-stop" onclick={on_stop}
                    title="Stop the running command, like Ctrl-C in a shell">{ "Stop (Ctrl-C)" }</button>
            }
            if let Some((command, read)) = &props.txn_input {
                <div class="terminal-entry terminal-running" data-testid="terminal-txn">
                    <div class="terminal-line">{ "$ " }{ command }</div>
                    if !read.is_empty() { <pre class="terminal-stdout">{ read }</pre> }
                    <div class="hint">{ "etcdctl reads the txn from stdin: compares, an empty line, success requests                         (get, put, del), an empty line, failure requests, an empty line. Ctrl-C cancels." }</div>
                </div>
            }
            <div class="terminal-prompt">
                { if props.txn_input.is_some() { "> " } else { "$ " } }
                <input data-testid="terminal-input" spellcheck="false" autocomplete="off" value={props.input.clone()}
                    oninput={on_input} onkeydown={on_keydown} placeholder="etcdctl get /registry --prefix --keys-only" />
            </div>
        </section>
    }
}
