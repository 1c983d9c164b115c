//! The timeline bar: the whole run from 0 to now, marks for the user's
//! actions (and recent elections and crashes), and a slider to scrub back.
//!
//! Scrubbing is a replay (see `playground::timeline`): the app rebuilds the
//! run at the chosen moment and keeps the live run aside, so "Back to live"
//! restores it untouched; "Fork from here" (or any action taken while in the
//! past) keeps the past and drops the later actions.

use std::rc::Rc;

use playground::{MarkKind, TimelineMark};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::panels::time_controls::format_clock;

/// Marks drawn at most (the newest win), so a long run stays cheap to draw.
pub const MARKS_SHOWN: usize = 200;

#[derive(Properties, PartialEq, Clone)]
pub struct TimelineProps {
    /// Where the live run is: the right end of the bar.
    pub end_ms: u64,
    /// The past moment shown, or `None` when showing the live run.
    pub viewing_ms: Option<u64>,
    pub marks: Rc<Vec<TimelineMark>>,
    /// Show the run as it was at this virtual time.
    pub on_scrub: Callback<u64>,
    /// The user grabbed the slider: stop the live clock under their hand.
    pub on_grab: Callback<()>,
    pub on_live: Callback<()>,
    pub on_fork: Callback<()>,
}

/// `12.3 s` for 12,345 ms: the timeline's coarser clock.
pub fn format_seconds(at_ms: u64) -> String {
    format!("{}.{} s", at_ms / 1000, at_ms % 1000 / 100)
}

/// Where `at_ms` sits on a bar ending at `end_ms`, in percent.
fn position_percent(at_ms: u64, end_ms: u64) -> f64 {
    if end_ms == 0 {
        return 0.0;
    }
    (at_ms.min(end_ms) as f64 / end_ms as f64 * 100.0).clamp(0.0, 100.0)
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let slider_value = |event: &Event| {
        event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.value().parse::<u64>().ok())
    };
    // Replay on release (change), not on every pixel of the drag (input).
    let on_change = {
        let on_scrub = props.on_scrub.clone();
        Callback::from(move |event: Event| {
            if let Some(at_ms) = slider_value(&event) {
                on_scrub.emit(at_ms);
            }
        })
    };
    let on_grab = props.on_grab.reform(|_: PointerEvent| ());
    let shown_ms = props.viewing_ms.unwrap_or(props.end_ms);
    let skip = props.marks.len().saturating_sub(MARKS_SHOWN);
    let marks = props.marks.iter().skip(skip).map(|mark| {
        let class = match mark.kind {
            MarkKind::Action => "mark-action",
            MarkKind::Election => "mark-election",
            MarkKind::Crash => "mark-crash",
        };
        let before_ms = mark.at_ms.saturating_sub(1);
        let onclick = props.on_scrub.reform(move |_: MouseEvent| before_ms);
        let title = format!("{} at {} — click to see the run just before", mark.label, format_clock(mark.at_ms));
        html! {
            <span class={classes!("mark", class)} data-testid="timeline-mark" data-at-ms={mark.at_ms.to_string()}
                style={format!("left: {:.3}%", position_percent(mark.at_ms, props.end_ms))} {title} {onclick} />
        }
    });
    html! {
        <section class={classes!("panel", "timeline", props.viewing_ms.is_some().then_some("in-past"))} data-testid="timeline">
            <div class="timeline-bar">
                <div class="timeline-marks">{ for marks }</div>
                <input type="range" data-testid="timeline-slider" min="0" max={props.end_ms.to_string()} step="100"
                    value={shown_ms.to_string()} onchange={on_change} onpointerdown={on_grab}
                    title="Drag back to see the whole run as it was then (a replay: exact, not a snapshot)" />
            </div>
            <div class="timeline-status">
                <span>{ "0 s" }</span>
                if let Some(viewing_ms) = props.viewing_ms {
                    <span class="timeline-past" data-testid="timeline-past" role="status">
                        { format!("Viewing the past at {} ", format_seconds(viewing_ms)) }
                        <button data-testid="timeline-live" onclick={props.on_live.reform(|_: MouseEvent| ())}
                            title="Return to the live run, exactly where it was">{ "Back to live" }</button>
                        <button data-testid="timeline-fork" onclick={props.on_fork.reform(|_: MouseEvent| ())}
                            title="Continue from this moment: actions after it are dropped">{ "Fork from here" }</button>
                    </span>
                } else {
                    <span class="timeline-live-label">{ "live" }</span>
                }
                <span data-testid="timeline-end">{ format_seconds(props.end_ms) }</span>
            </div>
        </section>
    }
}
