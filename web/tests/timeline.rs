//! The timeline against the real simulation: scrub back before an action and
//! see the run without it, go back to live and see it again, fork from the
//! past and be told what was dropped. No sleeps: `yew::scheduler::flush()`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const DEPLOYMENT_KEY: &str = "[data-key='/registry/deployments/default/web']";

/// Virtual ms shown by the clock (`12.345 s`).
fn clock_ms(root: &Element) -> u64 {
    let clock = text(&find(root, "[data-testid='clock']"));
    let digits: String = clock.chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("a clock reading: {clock}"))
}

/// Steps until the apiserver has written the `default` namespace (bounded).
async fn step_until_default_namespace(root: &Element) {
    for _ in 0..10_000 {
        if exists(root, "[data-key='/registry/namespaces/default']") {
            return;
        }
        click(&find(root, "[data-testid='step']"));
        yew::scheduler::flush().await;
    }
    panic!("the apiserver never wrote /registry/namespaces/default");
}

/// Moves the timeline slider to `at_ms` and releases it, as a drag ends.
async fn scrub_to(root: &Element, at_ms: u64) {
    let slider: HtmlInputElement = find(root, "[data-testid='timeline-slider']").dyn_into().expect("an input");
    slider.set_value(&at_ms.to_string());
    slider.dispatch_event(&web_sys::Event::new("change").expect("a change event")).expect("dispatch");
    yew::scheduler::flush().await;
}

/// A run with the Deployment applied at some time; returns that time.
async fn run_with_a_deployment(root: &Element) -> u64 {
    yew::scheduler::flush().await;
    step_until_default_namespace(root).await;
    let applied_at_ms = clock_ms(root);
    click(&find(root, "[data-testid='apply']"));
    yew::scheduler::flush().await;
    for _ in 0..20 {
        click(&find(root, "[data-testid='step']"));
    }
    yew::scheduler::flush().await;
    assert!(exists(root, DEPLOYMENT_KEY), "the applied Deployment is in the tree");
    assert!(exists(root, "[data-testid='timeline-mark']"), "the apply is marked on the timeline");
    applied_at_ms
}

#[wasm_bindgen_test]
async fn scrubbing_before_an_apply_hides_its_key_and_back_to_live_shows_it_again() {
    let root = mount(31);
    let applied_at_ms = run_with_a_deployment(&root).await;
    let live_clock = text(&find(&root, "[data-testid='clock']"));
    let live_ms = clock_ms(&root);
    assert!(!exists(&root, "[data-testid='timeline-past']"), "live at first");

    // The slider moves in 100 ms steps: aim safely before the apply.
    let before_ms = (applied_at_ms / 100).saturating_sub(1) * 100;
    scrub_to(&root, before_ms).await;
    let past = text(&find(&root, "[data-testid='timeline-past']"));
    assert!(past.contains("Viewing the past at"), "{past}");
    assert!(!exists(&root, DEPLOYMENT_KEY), "before the apply, the Deployment does not exist");
    assert!(exists(&root, "[data-key='/registry/namespaces/default']"), "but what came before it does");
    assert!(clock_ms(&root) < live_ms, "the clock shows the past");

    click(&find(&root, "[data-testid='timeline-live']"));
    yew::scheduler::flush().await;
    assert!(!exists(&root, "[data-testid='timeline-past']"));
    assert!(exists(&root, DEPLOYMENT_KEY), "back to live, the Deployment is there again");
    assert_eq!(text(&find(&root, "[data-testid='clock']")), live_clock, "live resumes exactly where it was");
    root.remove();
}

#[wasm_bindgen_test]
async fn acting_in_the_past_forks_and_says_the_later_apply_was_dropped() {
    let root = mount(32);
    let applied_at_ms = run_with_a_deployment(&root).await;
    scrub_to(&root, (applied_at_ms / 100).saturating_sub(1) * 100).await;
    assert!(!exists(&root, DEPLOYMENT_KEY));

    // A console command is an action: taking it in the past forks the run.
    let input: HtmlInputElement = find(&root, "[data-testid='terminal-input']").dyn_into().expect("an input");
    input.set_value("etcdctl put /fork yes");
    input.dispatch_event(&web_sys::InputEvent::new("input").expect("an input event")).expect("dispatch");
    yew::scheduler::flush().await;
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a keydown")).expect("dispatch");
    yew::scheduler::flush().await;

    let banner = text(&find(&root, "[data-testid='banner']"));
    assert!(banner.contains("Forked from") && banner.contains("1 later action was dropped"), "{banner}");
    assert!(!exists(&root, "[data-testid='timeline-past']"), "the fork is the live run now");
    for _ in 0..50 {
        click(&find(&root, "[data-testid='step']"));
    }
    yew::scheduler::flush().await;
    assert!(!exists(&root, DEPLOYMENT_KEY), "the dropped apply never happens in the fork");
    root.remove();
}

#[wasm_bindgen_test]
async fn fork_from_here_keeps_the_past_and_time_goes_on_from_it() {
    let root = mount(33);
    let applied_at_ms = run_with_a_deployment(&root).await;
    scrub_to(&root, (applied_at_ms / 100).saturating_sub(1) * 100).await;
    let past_ms = clock_ms(&root);
    click(&find(&root, "[data-testid='timeline-fork']"));
    yew::scheduler::flush().await;
    let banner = text(&find(&root, "[data-testid='banner']"));
    assert!(banner.contains("1 later action was dropped"), "{banner}");
    click(&find(&root, "[data-testid='step']"));
    yew::scheduler::flush().await;
    assert!(clock_ms(&root) > past_ms, "stepping goes on from the fork");
    assert!(!exists(&root, DEPLOYMENT_KEY));
    root.remove();
}

#[wasm_bindgen_test]
async fn clicking_the_mark_of_an_apply_shows_the_run_just_before_it() {
    let root = mount(34);
    run_with_a_deployment(&root).await;
    let list = root.query_selector_all("[data-testid='timeline-mark']").expect("valid selector");
    let mark = (0..list.length())
        .filter_map(|index| list.item(index))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .find(|mark| mark.get_attribute("title").unwrap_or_default().contains("kubectl apply Deployment web"))
        .expect("the apply has a mark");
    click(&mark);
    yew::scheduler::flush().await;
    assert!(exists(&root, "[data-testid='timeline-past']"), "the page shows the past");
    assert!(!exists(&root, DEPLOYMENT_KEY), "just before the apply, the Deployment does not exist");
    root.remove();
}
