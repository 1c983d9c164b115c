//! The tutorial panel in a real browser over the real simulation: a learner
//! opens tutorial 1, does the step, and sees the ✓. No sleeps: time moves
//! only by clicking → (step), and `yew::scheduler::flush()` renders.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn pick_tutorial(root: &Element, id: &str) {
    let select: web_sys::HtmlSelectElement = find(root, "[data-testid='tutorial-pick']").dyn_into().expect("a select");
    select.set_value(id);
    select.dispatch_event(&web_sys::Event::new("change").expect("a change event")).expect("dispatch");
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn a_learner_opens_the_registry_tutorial_lets_the_cluster_start_and_sees_the_tick() {
    let root = mount(1);
    yew::scheduler::flush().await;
    assert!(!exists(&root, "[data-testid='tutorial-step']"), "no tutorial is open at first");

    pick_tutorial(&root, "registry").await;
    assert_eq!(text(&find(&root, "[data-testid='tutorial-step-title']")), "Step 1 of 4: Let the cluster start");
    assert!(text(&find(&root, "[data-testid='tutorial-text']")).contains("/registry/namespaces/default"));
    assert!(!exists(&root, "[data-testid='tutorial-done']"), "nothing done before time runs");

    // Do the step: press → until the apiserver has written the default namespace.
    for _ in 0..5_000 {
        if exists(&root, "[data-key='/registry/namespaces/default']") {
            break;
        }
        click(&find(&root, "[data-testid='step']"));
        yew::scheduler::flush().await;
    }
    assert!(exists(&root, "[data-key='/registry/namespaces/default']"), "the apiserver wrote the namespace");
    assert_eq!(text(&find(&root, "[data-testid='tutorial-done']")).trim(), "✓");

    // Next step: not done until its setup (apply the Deployment) runs.
    click(&find(&root, "[data-testid='tutorial-next']"));
    yew::scheduler::flush().await;
    assert!(text(&find(&root, "[data-testid='tutorial-step-title']")).starts_with("Step 2 of 4"));
    assert!(!exists(&root, "[data-testid='tutorial-done']"));
    click(&find(&root, "[data-testid='tutorial-setup']"));
    yew::scheduler::flush().await;
    assert!(exists(&root, "[data-key='/registry/deployments/default/web']"));
    assert!(exists(&root, "[data-testid='tutorial-done']"));

    click(&find(&root, "[data-testid='tutorial-back']"));
    yew::scheduler::flush().await;
    assert!(text(&find(&root, "[data-testid='tutorial-step-title']")).starts_with("Step 1 of 4"));
    root.remove();
}
