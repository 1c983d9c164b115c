//! The playground page in a real browser: the live simulation drawn, and the
//! user's clicks reaching it. No sleeps: time moves only through the app's
//! own messages, and `yew::scheduler::flush()` renders.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

fn roles(root: &Element) -> Vec<String> {
    find_all(root, "[data-testid^='member-'] [data-testid='role']").iter().map(text).collect()
}

/// Steps until a leader exists (bounded), the way a user presses → repeatedly.
async fn step_until_leader(root: &Element) {
    for _ in 0..5_000 {
        if roles(root).iter().any(|role| role == "leader") {
            return;
        }
        click(&find(root, "[data-testid='step']"));
        yew::scheduler::flush().await;
    }
    panic!("no leader after 5,000 steps: roles {:?}", roles(root));
}

/// Steps until the apiserver has written the `default` namespace (bounded).
async fn step_until_default_namespace(root: &Element) {
    step_until_leader(root).await;
    for _ in 0..5_000 {
        if root.query_selector("[data-key='/registry/namespaces/default']").ok().flatten().is_some() {
            return;
        }
        click(&find(root, "[data-testid='step']"));
        yew::scheduler::flush().await;
    }
    panic!("the apiserver never wrote /registry/namespaces/default");
}

#[wasm_bindgen_test]
async fn three_members_start_as_followers_and_elect_one_leader_by_stepping() {
    let root = mount(1);
    yew::scheduler::flush().await;
    assert_eq!(roles(&root).len(), 3);
    assert_eq!(text(&find(&root, "[data-testid='clock']")), "0.000 s");

    step_until_leader(&root).await;
    let roles = roles(&root);
    assert_eq!(roles.iter().filter(|role| *role == "leader").count(), 1, "{roles:?}");
    assert_ne!(text(&find(&root, "[data-testid='clock']")), "0.000 s");
    root.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_member_crashes_it_and_clicking_again_restarts_it() {
    let root = mount(2);
    yew::scheduler::flush().await;
    let member = find(&root, "[data-testid='member-2']");
    click(&member);
    yew::scheduler::flush().await;
    assert_eq!(text(&find(&root, "[data-testid='member-2'] [data-testid='role']")), "crashed");

    click(&find(&root, "[data-testid='member-2']"));
    yew::scheduler::flush().await;
    assert_ne!(text(&find(&root, "[data-testid='member-2'] [data-testid='role']")), "crashed");
    root.remove();
}

#[wasm_bindgen_test]
async fn an_applied_deployment_appears_in_the_registry_tree() {
    let root = mount(3);
    yew::scheduler::flush().await;
    step_until_default_namespace(&root).await;

    click(&find(&root, "[data-testid='apply']"));
    yew::scheduler::flush().await;
    let result = text(&find(&root, "[data-testid='apply-result']"));
    assert!(result.contains("201") && result.contains("deployment.apps/web created"), "{result}");

    let key = find(&root, "[data-key='/registry/deployments/default/web']");
    click(&key);
    yew::scheduler::flush().await;
    let value = text(&find(&root, "[data-testid='registry-value']"));
    assert!(value.contains("\"kind\": \"Deployment\""), "{value}");
    assert!(value.contains("mod_revision"), "{value}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_malformed_manifest_shows_a_kubernetes_error_and_changes_nothing() {
    let root = mount(4);
    yew::scheduler::flush().await;
    step_until_leader(&root).await;
    let keys_before = find_all(&root, "[data-testid='registry-key']").len();

    let area: web_sys::HtmlTextAreaElement = find(&root, "[data-testid='manifest']").dyn_into().expect("a textarea");
    area.set_value("kind: [unclosed");
    area.dispatch_event(&web_sys::InputEvent::new("input").expect("an input event")).expect("dispatch");
    yew::scheduler::flush().await;
    click(&find(&root, "[data-testid='apply']"));
    yew::scheduler::flush().await;

    let banner = text(&find(&root, "[data-testid='banner']"));
    assert!(!banner.is_empty());
    let result = text(&find(&root, "[data-testid='apply-result']"));
    assert!(result.starts_with("400"), "{result}");
    assert_eq!(find_all(&root, "[data-testid='registry-key']").len(), keys_before);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_race_lab_shows_the_loser_getting_409_and_retrying() {
    let root = mount(5);
    yew::scheduler::flush().await;
    step_until_default_namespace(&root).await;
    click(&find(&root, "[data-testid='apply']"));
    yew::scheduler::flush().await;

    click(&find(&root, "[data-testid='race-run']"));
    yew::scheduler::flush().await;
    let steps: Vec<String> = find_all(&root, "[data-testid='race-step']").iter().map(text).collect();
    assert_eq!(steps.len(), 6, "{steps:?}");
    assert!(steps[3].starts_with("BPUT") && steps[3].contains("409"), "{steps:?}");
    let summary = text(&find(&root, "[data-testid='race-summary']"));
    assert!(summary.contains("retried: 200"), "{summary}");
    root.remove();
}

async fn type_line(root: &Element, line: &str, key: &str) {
    let input: web_sys::HtmlInputElement = find(root, "[data-testid='terminal-input']").dyn_into().expect("an input");
    input.set_value(line);
    input.dispatch_event(&web_sys::InputEvent::new("input").expect("an input event")).expect("dispatch");
    yew::scheduler::flush().await;
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a keydown");
    input.dispatch_event(&event).expect("dispatch");
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn etcdctl_in_the_console_lists_keys_completes_and_recalls_history() {
    let root = mount(6);
    yew::scheduler::flush().await;
    step_until_default_namespace(&root).await;

    type_line(&root, "etcdctl get /registry/namespaces/ --prefix --keys-only", "Enter").await;
    let output = text(&find(&root, "[data-testid='terminal-entry']"));
    assert!(output.contains("/registry/namespaces/default"), "{output}");
    assert!(output.contains("/registry/namespaces/kube-system"), "{output}");

    type_line(&root, "etcdctl endpoint sta", "Tab").await;
    let input: web_sys::HtmlInputElement = find(&root, "[data-testid='terminal-input']").dyn_into().expect("an input");
    assert_eq!(input.value(), "etcdctl endpoint status");

    type_line(&root, "", "ArrowUp").await;
    assert_eq!(input.value(), "etcdctl get /registry/namespaces/ --prefix --keys-only");

    type_line(&root, "etcdctl frobnicate", "Enter").await;
    let entries = find_all(&root, "[data-testid='terminal-entry']");
    let last = text(entries.last().expect("two entries"));
    assert!(last.contains("unknown command \"frobnicate\""), "{last}");
    root.remove();
}

#[wasm_bindgen_test]
async fn kubectl_applies_the_editors_text_and_edit_loads_the_object_back_into_it() {
    let root = mount(8);
    yew::scheduler::flush().await;
    step_until_default_namespace(&root).await;

    // The editor opens on the Deployment template; `-f -` reads it.
    type_line(&root, "kubectl apply -f -", "Enter").await;
    let output = text(&find(&root, "[data-testid='terminal-entry']"));
    assert!(output.contains("deployment.apps/web created"), "{output}");

    type_line(&root, "kubectl edit deploy/web", "Enter").await;
    yew::scheduler::flush().await;
    let manifest: web_sys::HtmlTextAreaElement = find(&root, "[data-testid='manifest']").dyn_into().expect("a textarea");
    let yaml = manifest.value();
    assert!(yaml.starts_with("# Please edit the object below."), "{yaml}");
    assert!(yaml.contains("\n  name: web\n") && yaml.contains("resourceVersion: "), "{yaml}");
    root.remove();
}

#[wasm_bindgen_test]
async fn adding_a_member_grows_the_cluster_and_a_held_message_stays_in_flight() {
    let root = mount(7);
    yew::scheduler::flush().await;
    step_until_leader(&root).await;
    click(&find(&root, "[data-testid='add-member']"));
    yew::scheduler::flush().await;
    assert_eq!(roles(&root).len(), 4, "{:?}", roles(&root));
    assert!(root.query_selector("[data-testid='member-4']").ok().flatten().is_some());

    // Step until a message is in flight, select it and hold it.
    for _ in 0..5_000 {
        if root.query_selector("[data-testid='message']").ok().flatten().is_some() {
            break;
        }
        click(&find(&root, "[data-testid='step']"));
        yew::scheduler::flush().await;
    }
    click(&find(&root, "[data-testid='message']"));
    yew::scheduler::flush().await;
    click(&find(&root, "[data-testid='hold-message']"));
    yew::scheduler::flush().await;
    assert!(root.query_selector("circle.message.held").ok().flatten().is_some(), "the held message is drawn as held");
    for _ in 0..50 {
        click(&find(&root, "[data-testid='step']"));
    }
    yew::scheduler::flush().await;
    assert!(root.query_selector("circle.message.held").ok().flatten().is_some(), "a held message is not delivered");
    click(&find(&root, "[data-testid='release-message']"));
    yew::scheduler::flush().await;
    root.remove();
}

#[wasm_bindgen_test]
async fn an_interactive_txn_reads_its_three_sections_from_the_following_lines_then_runs_once() {
    let root = mount(9);
    yew::scheduler::flush().await;
    step_until_leader(&root).await;

    type_line(&root, "etcdctl txn -i", "Enter").await;
    assert!(find_all(&root, "[data-testid='terminal-entry']").is_empty(), "the txn waits for its stdin before it runs");
    let typing = text(&find(&root, "[data-testid='terminal-txn']"));
    assert!(typing.contains("etcdctl txn -i"), "{typing}");
    for line in ["mod(\"/color\") = \"0\"", "", "put /color blue", ""] {
        type_line(&root, line, "Enter").await;
    }
    assert!(find_all(&root, "[data-testid='terminal-entry']").is_empty(), "two sections are not a whole txn");
    type_line(&root, "", "Enter").await;
    let entries = find_all(&root, "[data-testid='terminal-entry']");
    assert_eq!(entries.len(), 1, "the third empty line runs the txn once");
    let output = text(&entries[0]);
    assert!(output.contains("compares:") && output.contains("SUCCESS") && output.contains("OK"), "{output}");

    type_line(&root, "etcdctl get /color --print-value-only", "Enter").await;
    let entries = find_all(&root, "[data-testid='terminal-entry']");
    let last = text(entries.last().expect("two entries"));
    assert!(last.contains("blue"), "the txn's put committed: {last}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_click_on_a_panel_heading_folds_the_panel_and_a_second_click_unfolds_it() {
    let root = mount(10);
    yew::scheduler::flush().await;
    let slot = find(&root, "[data-panel='console']");
    assert!(!slot.class_name().split_whitespace().any(|class| class == "collapsed"));

    // A click inside the panel's content does not fold it.
    click(&find(&root, "[data-testid='terminal-input']"));
    yew::scheduler::flush().await;
    assert!(!find(&root, "[data-panel='console']").class_name().split_whitespace().any(|class| class == "collapsed"));

    click(&find(&root, "[data-panel='console'] h2"));
    yew::scheduler::flush().await;
    let slot = find(&root, "[data-panel='console']");
    assert!(slot.class_name().split_whitespace().any(|class| class == "collapsed"), "the heading folds its panel");
    assert!(!find(&root, "[data-panel='registry']").class_name().split_whitespace().any(|class| class == "collapsed"), "other panels stay open");

    click(&find(&root, "[data-panel='console'] h2"));
    yew::scheduler::flush().await;
    assert!(!find(&root, "[data-panel='console']").class_name().split_whitespace().any(|class| class == "collapsed"), "a second click unfolds it");
    root.remove();
}

/// The tree is refreshed from the keys that changed (not read whole each
/// frame): a put, a second put and a delete each show in the key's row, and
/// the terminal keeps every command's entry.
#[wasm_bindgen_test]
async fn a_key_put_twice_then_deleted_in_the_console_updates_its_row_in_the_registry_tree_each_time() {
    let root = mount(9);
    yew::scheduler::flush().await;
    step_until_default_namespace(&root).await;

    type_line(&root, "etcdctl put /registry/aaa/first one", "Enter").await;
    let row = text(&find(&root, "[data-key='/registry/aaa/first']"));
    assert!(row.contains("v1"), "{row}");

    type_line(&root, "etcdctl put /registry/aaa/first two", "Enter").await;
    let row = text(&find(&root, "[data-key='/registry/aaa/first']"));
    assert!(row.contains("v2"), "the row shows the second put: {row}");

    type_line(&root, "etcdctl del /registry/aaa/first", "Enter").await;
    assert!(!exists(&root, "[data-key='/registry/aaa/first']"), "no live row after the delete");
    let tombstone = text(&find(&root, "[data-deleted-key='/registry/aaa/first']"));
    assert!(tombstone.contains("deleted at r"), "{tombstone}");
    assert!(exists(&root, "[data-key='/registry/namespaces/default']"), "the other keys stay listed");
    assert_eq!(find_all(&root, "[data-testid='terminal-entry']").len(), 3, "one terminal entry per command");
    root.remove();
}
