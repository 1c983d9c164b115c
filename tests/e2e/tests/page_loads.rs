//! The built page (`dist/`, from `trunk build --release`) served over HTTP and
//! opened in headless Chromium: what a visitor gets.

use e2e::{dist_dir, Browser, StaticServer};

#[test]
fn the_page_renders_the_quorum_table_without_console_errors() {
    let server = StaticServer::serve(dist_dir()).unwrap_or_else(|error| panic!("{error}"));
    let browser = Browser::start().unwrap_or_else(|error| panic!("{error}"));
    browser.open(&server.url("/")).unwrap_or_else(|error| panic!("{error}"));

    let table = browser.find("[data-testid='quorum-table']").unwrap_or_else(|error| {
        let console = browser.console().unwrap_or_default();
        panic!("the app did not render: {error}\nbrowser console: {console:#?}")
    });
    let text = browser.text(&table).unwrap_or_else(|error| panic!("{error}"));
    assert!(text.contains("Failures tolerated"), "unexpected table text: {text}");
    let rows = browser.find_all("[data-testid^='quorum-row-']").unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(rows.len(), 7);

    // Clicking a row is handled by the wasm app, so the page is live, not just painted.
    browser.click(&rows[4]).unwrap_or_else(|error| panic!("{error}"));
    let summary = browser.find("[data-testid='quorum-summary']").unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(browser.text(&summary).unwrap_or_else(|error| panic!("{error}")), "With 5 members, 3 must agree and 2 can fail.");

    let crashed = browser.execute("return document.getElementById('panic-banner') !== null").unwrap_or_else(|error| panic!("{error}"));
    let errors = browser.console_errors().unwrap_or_else(|error| panic!("{error}"));
    assert!(errors.is_empty(), "the browser console shows errors: {errors:#?}");
    assert_eq!(crashed, serde_json::Value::Bool(false), "the page shows a crash banner");
}
