//! The /registry tree with 10,000 keys from a real simulation: only the rows
//! near the viewport are in the DOM, and scrolling brings later keys in.
//! No sleeps: `yew::scheduler::flush()` renders.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeSet;
use std::rc::Rc;

use playground::{Playground, PlaygroundConfig, UserAction};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web::panels::registry_tree::{build_tree, flatten_rows, RegistrySelection, RegistryTree, RegistryTreeProps, Row, ROW_HEIGHT_PX};
use web_sys::HtmlElement;
use yew::Callback;

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

const KEYS: usize = 10_000;
/// etcd's default limit of operations in one txn.
const PUTS_PER_TXN: usize = 128;

/// A 3-member run in which etcdctl txns wrote `KEYS` keys under /registry/bench/.
fn playground_with_many_keys() -> Playground {
    let mut playground = Playground::new(PlaygroundConfig { seed: 5, member_count: 3 });
    playground.advance(3_000);
    for batch in 0..KEYS.div_ceil(PUTS_PER_TXN) {
        let puts: Vec<String> = (batch * PUTS_PER_TXN..((batch + 1) * PUTS_PER_TXN).min(KEYS))
            .map(|key| format!("put /registry/bench/key-{key:05} v{key}"))
            .collect();
        let outcome = playground
            .apply(UserAction::Console { line: "etcdctl txn".into(), stdin: format!("\n{}\n\n\n", puts.join("\n")) })
            .expect("a console line is always accepted");
        assert_eq!(outcome.console.map(|output| output.exit_code), Some(0), "batch {batch} committed");
    }
    playground
}

/// Scrolls the tree's container as a user would, and renders.
async fn scroll_to(tree: &HtmlElement, scroll_top_px: i32) {
    tree.set_scroll_top(scroll_top_px);
    tree.dispatch_event(&web_sys::Event::new("scroll").expect("a scroll event")).expect("dispatch");
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn ten_thousand_keys_render_only_the_visible_rows_and_scrolling_shows_later_keys() {
    let playground = playground_with_many_keys();
    let entries = playground.registry_keys(None);
    let bench_keys = entries.iter().filter(|entry| entry.key.starts_with("/registry/bench/")).count();
    assert_eq!(bench_keys, KEYS);
    let (store_revision, compact_revision) = playground.store_revisions(None).expect("a store");

    let root = new_root();
    let props = RegistryTreeProps {
        entries: Rc::new(entries.iter().cloned().map(Rc::new).collect()),
        error: None,
        members: playground.view().cluster.members.iter().map(|member| member.id).collect(),
        selection: RegistrySelection::default(),
        store_revision,
        compact_revision,
        on_select: Callback::noop(),
    };
    yew::Renderer::<RegistryTree>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;

    let rows = find_all(&root, "[data-testid='registry-key']").len();
    assert!(rows > 0 && rows <= 300, "{rows} key rows in the DOM for {} keys", entries.len());
    assert!(exists(&root, "[data-key='/registry/bench/key-00000']"), "the first key is visible at the top");
    assert!(!exists(&root, "[data-key='/registry/bench/key-09999']"), "the last key is not rendered yet");
    let summary = root.text_content().unwrap_or_default();
    assert!(summary.contains(&format!("{} keys", entries.len())), "the count covers every key");

    // The scroll bar is true: the container scrolls over every row.
    let tree: HtmlElement = root.query_selector("[data-testid='registry-tree']").ok().flatten().expect("the tree").dyn_into().expect("html");
    let all_rows_px = i32::try_from(entries.len()).expect("fits") * ROW_HEIGHT_PX as i32;
    assert!(tree.scroll_height() >= all_rows_px, "scroll height {} for {} keys", tree.scroll_height(), entries.len());

    // Scroll to where the last bench key sits: it comes in, the first ones leave.
    let tree_rows = flatten_rows(&build_tree(&entries), &BTreeSet::new());
    let last_bench_row = tree_rows
        .iter()
        .position(|row| matches!(row, Row::Key { entry, .. } if entry.key == "/registry/bench/key-09999"))
        .expect("the last bench key has a row");
    scroll_to(&tree, last_bench_row as i32 * ROW_HEIGHT_PX as i32).await;
    assert!(exists(&root, "[data-key='/registry/bench/key-09999']"), "after scrolling, the last bench key is rendered");
    assert!(!exists(&root, "[data-key='/registry/bench/key-00000']"), "and the first one is gone");
    let rows = find_all(&root, "[data-testid='registry-key']").len();
    assert!(rows <= 300, "{rows} key rows after scrolling");

    // And at the very bottom, the last row of the whole tree.
    scroll_to(&tree, tree.scroll_height()).await;
    let Some(Row::Key { entry: last_entry, .. }) = tree_rows.last() else { panic!("the tree ends with a key") };
    assert!(exists(&root, &format!("[data-key='{}']", last_entry.key)), "the last key of the tree at the bottom");

    // Closing the bench folder collapses 10,000 rows into one.
    let bench = find_all(&root, "[data-testid='registry-folder']")
        .into_iter()
        .find(|folder| folder.text_content().unwrap_or_default().contains("bench/"));
    if bench.is_none() {
        scroll_to(&tree, 0).await;
    }
    let bench = find_all(&root, "[data-testid='registry-folder']")
        .into_iter()
        .find(|folder| folder.text_content().unwrap_or_default().contains("bench/"))
        .expect("the bench folder row");
    assert!(bench.text_content().unwrap_or_default().contains(&format!("({KEYS})")));
    bench.dyn_ref::<HtmlElement>().expect("html").click();
    yew::scheduler::flush().await;
    assert!(!exists(&root, "[data-key^='/registry/bench/']"), "a closed folder hides its keys");
    assert!(tree.scroll_height() < all_rows_px, "and the scroll height shrinks");
    root.remove();
}

const CONFIG_MAP_KEY: &str = "/registry/configmaps/default/settings";

/// A 3-member run in which a ConfigMap was created and then deleted through
/// the apiserver: its key is a tombstone in every member's store.
fn playground_with_a_deleted_config_map() -> Playground {
    let mut playground = Playground::new(PlaygroundConfig { seed: 7, member_count: 3 });
    playground.advance(3_000);
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: dark\n";
    let applied = playground.apply(UserAction::Apply { manifest: manifest.into() }).expect("apply");
    assert_eq!(applied.status_code, Some(201), "{}", applied.message);
    let deleted = playground
        .apply(UserAction::Delete { resource: "configmaps".into(), namespace: Some("default".into()), name: "settings".into() })
        .expect("delete");
    assert_eq!(deleted.status_code, Some(200), "{}", deleted.message);
    playground
}

#[wasm_bindgen_test]
async fn a_deleted_object_shows_as_a_tombstone_row_and_the_toggle_hides_it() {
    let playground = playground_with_a_deleted_config_map();
    let entries = playground.registry_keys_and_tombstones_at(None, 0).expect("the latest revision is readable");
    let deleted_revision = entries
        .iter()
        .find(|entry| entry.key == CONFIG_MAP_KEY)
        .and_then(|entry| entry.deleted_revision)
        .expect("the listing holds the ConfigMap's tombstone");
    let live_keys = entries.iter().filter(|entry| !entry.is_deleted()).count();
    let (store_revision, compact_revision) = playground.store_revisions(None).expect("a store");

    let root = new_root();
    let props = RegistryTreeProps {
        entries: Rc::new(entries.into_iter().map(Rc::new).collect()),
        error: None,
        members: playground.view().cluster.members.iter().map(|member| member.id).collect(),
        selection: RegistrySelection::default(),
        store_revision,
        compact_revision,
        on_select: Callback::noop(),
    };
    yew::Renderer::<RegistryTree>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;

    let tombstone_selector = format!("[data-testid='registry-tombstone'][data-deleted-key='{CONFIG_MAP_KEY}']");
    let row = root.query_selector(&tombstone_selector).ok().flatten().expect("a tombstone row for the deleted ConfigMap");
    assert!(row.class_name().split_whitespace().any(|class| class == "deleted"), "drawn as deleted: {}", row.class_name());
    let row_text = row.text_content().unwrap_or_default();
    assert!(row_text.contains(&format!("deleted at r{deleted_revision}")), "{row_text}");
    let tooltip = row.get_attribute("title").unwrap_or_default();
    assert!(tooltip.contains("tombstone") && tooltip.contains("compaction"), "{tooltip}");
    assert!(!exists(&root, &format!("[data-key='{CONFIG_MAP_KEY}']")), "not drawn as a live key");
    let summary = root.text_content().unwrap_or_default();
    assert!(summary.contains(&format!("{live_keys} keys")), "live keys are counted apart: {summary}");
    assert!(summary.contains("1 deleted"), "{summary}");
    let live_rows = find_all(&root, "[data-testid='registry-key']").len();
    assert!(live_rows > 0, "the system keys are live rows");

    // "show deleted keys" starts on; unticking it hides the tombstone and nothing else.
    let toggle: web_sys::HtmlInputElement =
        root.query_selector("[data-testid='registry-show-deleted']").ok().flatten().expect("the toggle").dyn_into().expect("an input");
    assert!(toggle.checked(), "on by default");
    toggle.click();
    yew::scheduler::flush().await;
    assert!(!exists(&root, &tombstone_selector), "hidden once the toggle is off");
    assert_eq!(find_all(&root, "[data-testid='registry-key']").len(), live_rows, "live rows stay");
    toggle.click();
    yew::scheduler::flush().await;
    assert!(exists(&root, &tombstone_selector), "back when the toggle is on again");
    root.remove();
}
