//! The quorum table, rendered in a real browser (headless Chromium through
//! wasm-bindgen-test-runner). Run by `scripts/test`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::mount;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn text_of(root: &Element, test_id: &str) -> String {
    root.query_selector(&format!("[data-testid='{test_id}']"))
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("no element with data-testid={test_id}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_page_shows_seven_rows_with_the_faq_numbers() {
    let root = mount(1);
    yew::scheduler::flush().await;

    let rows = root.query_selector_all("[data-testid^='quorum-row-']").expect("valid selector");
    assert_eq!(rows.length(), 7);
    let cells: Vec<String> = (1..=7)
        .map(|members| {
            let row = root
                .query_selector(&format!("[data-testid='quorum-row-{members}']"))
                .expect("valid selector")
                .expect("row exists");
            let cells = row.query_selector_all("td").expect("valid selector");
            (0..3)
                .map(|index| cells.item(index).and_then(|cell| cell.text_content()).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    assert_eq!(cells, ["1/1/0", "2/2/0", "3/2/1", "4/3/1", "5/3/2", "6/4/2", "7/4/3"]);
    assert!(text_of(&root, "quorum-row-4").contains("no better than 3"));
    root.remove();
}

#[wasm_bindgen_test]
async fn three_members_are_highlighted_at_start_and_a_click_selects_another_size() {
    let root = mount(1);
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "quorum-summary"), "With 3 members, 2 must agree and 1 can fail.");
    let selected = root.query_selector("tr.selected").expect("valid selector").expect("one row is selected");
    assert_eq!(selected.get_attribute("data-testid").as_deref(), Some("quorum-row-3"));

    let five: HtmlElement = root
        .query_selector("[data-testid='quorum-row-5']")
        .expect("valid selector")
        .expect("row 5 exists")
        .dyn_into()
        .expect("a table row is an HtmlElement");
    five.click();
    yew::scheduler::flush().await;

    assert_eq!(text_of(&root, "quorum-summary"), "With 5 members, 3 must agree and 2 can fail.");
    root.remove();
}
