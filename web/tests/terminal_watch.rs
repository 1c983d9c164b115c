//! A streaming `etcdctl watch` in the page's console, on the real simulation:
//! it shows each write as virtual time moves, and Ctrl-C or the Stop button
//! ends it. No sleeps: time moves by clicking → step, `flush()` renders.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

fn last_entry(root: &Element) -> String {
    let entries = root.query_selector_all("[data-testid='terminal-entry']").expect("valid selector");
    entries.item(entries.length().saturating_sub(1)).and_then(|node| node.text_content()).unwrap_or_default()
}

async fn step_until(root: &Element, what: &str, done: impl Fn(&Element) -> bool) {
    for _ in 0..5_000 {
        if done(root) {
            return;
        }
        click(&find(root, "[data-testid='step']"));
        yew::scheduler::flush().await;
    }
    panic!("after 5,000 steps still not: {what}");
}

async fn key_in_terminal(root: &Element, line: &str, key: &str, ctrl: bool) {
    let input: web_sys::HtmlInputElement = find(root, "[data-testid='terminal-input']").dyn_into().expect("an input");
    input.set_value(line);
    input.dispatch_event(&web_sys::InputEvent::new("input").expect("an input event")).expect("dispatch");
    yew::scheduler::flush().await;
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a keydown");
    input.dispatch_event(&event).expect("dispatch");
    yew::scheduler::flush().await;
}

async fn apply_manifest(root: &Element, manifest: &str) {
    let area: web_sys::HtmlTextAreaElement = find(root, "[data-testid='manifest']").dyn_into().expect("a textarea");
    area.set_value(manifest);
    area.dispatch_event(&web_sys::InputEvent::new("input").expect("an input event")).expect("dispatch");
    yew::scheduler::flush().await;
    click(&find(root, "[data-testid='apply']"));
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn a_watch_streams_a_new_configmap_into_the_console_until_ctrl_c_then_the_stop_button_ends_another() {
    let root = mount(21);
    yew::scheduler::flush().await;
    step_until(&root, "the default namespace exists", |root| exists(root, "[data-key='/registry/namespaces/default']")).await;
    assert!(!exists(&root, "[data-testid='terminal-stop']"), "nothing runs yet");

    key_in_terminal(&root, "etcdctl watch --prefix /registry/configmaps/", "Enter", false).await;
    assert!(exists(&root, "[data-testid='terminal-stop']"), "a running watch offers Stop (Ctrl-C)");
    assert_eq!(text(&find(&root, "[data-testid='terminal-stop']")), "Stop (Ctrl-C)");

    apply_manifest(&root, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: colors\ndata:\n  sky: blue\n").await;
    step_until(&root, "the watch shows the ConfigMap's PUT", |root| {
        last_entry(root).contains("PUT\n/registry/configmaps/default/colors\n")
    })
    .await;
    assert!(exists(&root, "[data-testid='terminal-stop']"), "still running after the event");

    key_in_terminal(&root, "", "c", true).await;
    assert!(!exists(&root, "[data-testid='terminal-stop']"), "Ctrl-C stopped it");
    assert!(last_entry(&root).ends_with("exit 130"), "{}", last_entry(&root));

    key_in_terminal(&root, "etcdctl watch /nothing", "Enter", false).await;
    click(&find(&root, "[data-testid='terminal-stop']"));
    yew::scheduler::flush().await;
    assert!(!exists(&root, "[data-testid='terminal-stop']"));
    assert!(last_entry(&root).starts_with("$ etcdctl watch /nothing") && last_entry(&root).ends_with("exit 130"), "{}", last_entry(&root));
    root.remove();
}
