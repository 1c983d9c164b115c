#![cfg(target_arch = "wasm32")]
//! Importing an exported run through the page's file input, as a user does:
//! the browser reads the file asynchronously (FileReader), the app replays it.
//! The test waits for the page to change (a MutationObserver), never for a
//! fixed time.

mod support;

use cluster::{FaultAction, MemberId};
use playground::link::encode_json;
use playground::{Playground, PlaygroundConfig, UserAction};
use support::{find, find_all, mount, text};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// How many page changes or frames to wait through before giving up on a banner.
const WAITS_MAX: usize = 300;

/// Puts a file with this name and text into the page's import input and
/// fires `change`, exactly what choosing it in the file dialog does.
fn choose_file(root: &Element, file_name: &str, contents: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let options = web_sys::FilePropertyBag::new();
    options.set_type("application/json");
    let file = web_sys::File::new_with_str_sequence_and_options(&parts, file_name, &options)
        .expect("a file");
    let transfer = web_sys::DataTransfer::new().expect("a DataTransfer");
    transfer.items().add_with_file(&file).expect("add the file");
    let input: HtmlInputElement = find(root, "[data-testid='import']")
        .dyn_into()
        .expect("an input element");
    input.set_files(transfer.files().as_ref());
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init).expect("a change event");
    input.dispatch_event(&change).expect("dispatch change");
}

/// Resolves at the next change anywhere under `root`, or at the next
/// animation frame if nothing changes (so a page that never reacts fails the
/// test instead of hanging it).
async fn next_mutation_or_frame(root: &Element) {
    let mut resolve_slot: Option<js_sys::Function> = None;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| resolve_slot = Some(resolve));
    let resolve = resolve_slot.expect("the promise executor runs at once");
    let callback = Closure::once(
        move |_records: JsValue, observer: web_sys::MutationObserver| {
            observer.disconnect();
            resolve.call0(&JsValue::NULL).ok();
        },
    );
    let observer =
        web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).expect("an observer");
    let options = web_sys::MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    options.set_character_data(true);
    options.set_attributes(true);
    observer
        .observe_with_options(root, &options)
        .expect("observe");
    let frame = js_sys::Promise::new(&mut |resolve, _reject| {
        web_sys::window()
            .expect("a window")
            .request_animation_frame(&resolve)
            .expect("an animation frame");
    });
    JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&promise, &frame)))
        .await
        .ok();
    observer.disconnect();
    drop(callback);
}

/// Waits until the page shows a banner, and returns its text.
async fn banner_text(root: &Element) -> String {
    for _ in 0..WAITS_MAX {
        yew::scheduler::flush().await;
        if let Ok(Some(banner)) = root.query_selector("[data-testid='banner']") {
            return text(&banner);
        }
        next_mutation_or_frame(root).await;
    }
    panic!("no banner after {WAITS_MAX} page changes or frames");
}

fn member_roles(root: &Element) -> Vec<String> {
    find_all(root, "g.member [data-testid='role']")
        .iter()
        .map(text)
        .collect()
}

fn registry_keys(root: &Element) -> Vec<String> {
    find_all(root, "[data-key]")
        .iter()
        .filter_map(|row| row.get_attribute("data-key"))
        .collect()
}

fn author_run() -> Playground {
    let mut author = Playground::new(PlaygroundConfig {
        seed: 31,
        member_count: 3,
    });
    author.advance(3_000);
    author
        .apply(UserAction::Apply {
            manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: imported\n".into(),
        })
        .expect("apply");
    author
        .apply(UserAction::Fault {
            fault: FaultAction::Crash {
                member: MemberId(2),
            },
        })
        .expect("crash");
    author.advance(2_000);
    author
}

#[wasm_bindgen_test]
async fn an_imported_file_opens_the_authors_run_with_its_roles_revision_and_keys() {
    let author = author_run();
    let expected_keys: Vec<String> = author
        .registry_keys(None)
        .into_iter()
        .map(|entry| entry.key)
        .collect();
    let expected_revision = author.store_revisions(None).expect("a store").0;
    assert!(
        expected_keys
            .iter()
            .any(|key| key == "/registry/configmaps/default/imported"),
        "{expected_keys:?}"
    );

    let root = mount(5);
    yew::scheduler::flush().await;
    assert!(!registry_keys(&root).contains(&"/registry/configmaps/default/imported".to_string()));

    choose_file(&root, "lesson.json", &encode_json(&author.scenario()));
    let banner = banner_text(&root).await;
    assert!(banner.contains("Imported lesson.json"), "{banner}");

    let roles = member_roles(&root);
    assert_eq!(roles.len(), 3);
    assert_eq!(roles[1], "crashed", "{roles:?}");
    assert_eq!(
        roles.iter().filter(|role| *role == "leader").count(),
        1,
        "{roles:?}"
    );
    assert_eq!(registry_keys(&root), expected_keys);
    let revision: HtmlInputElement = find(&root, "[data-testid='registry-revision']")
        .dyn_into()
        .expect("a range input");
    assert_eq!(revision.value(), expected_revision.to_string());
}

#[wasm_bindgen_test]
async fn a_broken_file_says_what_is_wrong_and_keeps_the_current_run() {
    let root = mount(6);
    yew::scheduler::flush().await;
    let roles_before = member_roles(&root);
    let keys_before = registry_keys(&root);
    let clock_before = text(&find(&root, "[data-testid='clock']"));

    choose_file(&root, "notes.json", "{\"format_version\": 1, \"seed\": ");
    let banner = banner_text(&root).await;
    assert!(banner.contains("Could not import notes.json"), "{banner}");
    assert!(banner.contains("Your current run is unchanged"), "{banner}");

    assert_eq!(member_roles(&root), roles_before);
    assert_eq!(registry_keys(&root), keys_before);
    assert_eq!(text(&find(&root, "[data-testid='clock']")), clock_before);
}
