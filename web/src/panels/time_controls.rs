//! Play, pause, step, speed and the virtual clock.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The speeds offered, as multiples of real time.
pub const SPEEDS: [f64; 7] = [0.1, 0.25, 0.5, 1.0, 2.0, 10.0, 100.0];

#[derive(Properties, PartialEq, Clone)]
pub struct TimeControlsProps {
    pub now_ms: u64,
    pub playing: bool,
    pub speed: f64,
    pub on_toggle: Callback<()>,
    pub on_step: Callback<()>,
    pub on_speed: Callback<f64>,
}

/// `12.345 s` for 12,345 virtual milliseconds.
pub fn format_clock(now_ms: u64) -> String {
    format!("{}.{:03} s", now_ms / 1000, now_ms % 1000)
}

#[component]
pub fn TimeControls(props: &TimeControlsProps) -> Html {
    let on_toggle = props.on_toggle.reform(|_: MouseEvent| ());
    let on_step = props.on_step.reform(|_: MouseEvent| ());
    let on_speed = props.on_speed.reform(|event: Event| {
        event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .and_then(|select| select.value().parse::<f64>().ok())
            .unwrap_or(1.0)
    });
    html! {
        <section class="panel time-controls" data-testid="time-controls">
            <button data-testid="play" onclick={on_toggle} title="Play or pause virtual time (space)">
                { if props.playing { "⏸ Pause" } else { "▶ Play" } }
            </button>
            <button data-testid="step" onclick={on_step} title="Run to the next event: a message delivery or a timer (→)">
                { "⏭ Step" }
            </button>
            <label title="How fast virtual time runs compared to real time">
                { "Speed " }
                <select data-testid="speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|speed| html! {
                        <option value={speed.to_string()} selected={(*speed - props.speed).abs() < 1e-9}>{ format!("{speed}×") }</option>
                    }) }
                </select>
            </label>
            <span class="clock" data-testid="clock" title="Virtual time since the run started">
                { format_clock(props.now_ms) }
            </span>
        </section>
    }
}
