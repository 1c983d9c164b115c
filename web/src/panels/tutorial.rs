//! The guided tutorial panel: pick a tutorial, read the current step, see a ✓
//! when the step's check passes, go back and forth, and run a step's scripted
//! setup. A pure view: the app evaluates the check (once per render) and owns
//! the position.

use std::rc::Rc;

use playground::link::tutorial_fragment;
use playground::tutorials::Tutorial;
use playground::TutorialPosition;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct TutorialPanelProps {
    /// Every tutorial, built once by the app.
    pub tutorials: Rc<Vec<Tutorial>>,
    /// The open tutorial and step, if any.
    pub position: Option<TutorialPosition>,
    /// Whether the current step's check passes.
    pub done: bool,
    /// Open a tutorial by id (at step 1), or close it (`None`).
    pub on_open: Callback<Option<String>>,
    /// Go to this step (0-based).
    pub on_step: Callback<usize>,
    /// Run the current step's setup.
    pub on_setup: Callback<()>,
}

/// Step text with `code` spans in backticks.
fn rich_text(text: &str) -> Html {
    let parts = text.split('`').enumerate().map(|(index, part)| {
        if index % 2 == 1 {
            html! { <code>{ part }</code> }
        } else {
            html! { { part } }
        }
    });
    html! { <p class="tutorial-text" data-testid="tutorial-text">{ for parts }</p> }
}

#[component]
pub fn TutorialPanel(props: &TutorialPanelProps) -> Html {
    let on_pick = props.on_open.reform(|event: Event| {
        let value = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|select| select.value());
        value.filter(|id| !id.is_empty())
    });
    let open = props.position.as_ref().and_then(|position| {
        let tutorial = props.tutorials.iter().find(|tutorial| tutorial.id == position.id)?;
        Some((tutorial, position.step.min(tutorial.steps.len().saturating_sub(1))))
    });
    let selected = open.map(|(tutorial, _)| tutorial.id).unwrap_or("");
    let options = props.tutorials.iter().enumerate().map(|(index, tutorial)| {
        html! { <option value={tutorial.id} selected={tutorial.id == selected}>{ format!("{}. {}", index + 1, tutorial.title) }</option> }
    });
    let body = open.and_then(|(tutorial, index)| {
        let step = tutorial.steps.get(index)?;
        let count = tutorial.steps.len();
        let back = props.on_step.reform(move |_: MouseEvent| index.saturating_sub(1));
        let next = props.on_step.reform(move |_: MouseEvent| index + 1);
        let setup = props.on_setup.reform(|_: MouseEvent| ());
        Some(html! {
            <div class="tutorial-step" data-testid="tutorial-step" data-step={(index + 1).to_string()}>
                <h3>
                    <span data-testid="tutorial-step-title">{ format!("Step {} of {count}: {}", index + 1, step.title) }</span>
                    if props.done {
                        <span class="tutorial-done" data-testid="tutorial-done" title="Done: the simulation shows this step happened">{ " ✓" }</span>
                    }
                </h3>
                { rich_text(step.text) }
                <div class="tutorial-buttons">
                    <button data-testid="tutorial-back" disabled={index == 0} onclick={back}>{ "Back" }</button>
                    if step.setup.is_some() {
                        <button data-testid="tutorial-setup" onclick={setup}
                            title="Do this step's actions for you (they are recorded like your own)">{ "Run setup" }</button>
                    }
                    <button data-testid="tutorial-next" disabled={index + 1 >= count} onclick={next}>{ "Next" }</button>
                    // Shown, not followed: a link in the address bar would replace the
                    // autosaved session on the next reload.
                    <span class="tutorial-link" title="Append to the page's address to open this tutorial at step 1 on a fresh playground">
                        { "link: " }<code data-testid="tutorial-link">{ format!("#{}", tutorial_fragment(tutorial.id)) }</code>
                    </span>
                </div>
            </div>
        })
    });
    html! {
        <section class="panel tutorial" data-testid="tutorial">
            <h2>{ "Guided tutorials" }</h2>
            <select data-testid="tutorial-pick" onchange={on_pick}>
                <option value="" selected={selected.is_empty()}>{ "Choose a tutorial…" }</option>
                { for options }
            </select>
            { for body }
        </section>
    }
}
