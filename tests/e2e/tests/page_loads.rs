//! The built page (`dist/`, from `trunk build --release`) served over HTTP and
//! opened in headless Chromium: what a visitor gets.

use e2e::{dist_dir, Browser, StaticServer};

#[test]
fn the_page_renders_the_quorum_table_without_console_errors() {
    let server = StaticServer::serve(dist_dir()).unwrap_or_else(|error| panic!("{error}"));
    let browser = Browser::start().unwrap_or_else(|error| panic!("{error}"));
    browser.open(&server.url("/")).unwrap_or_else(|error| panic!("{error}"));

    browser.find("[data-testid='quorum-table']").unwrap_or_else(|error| {
        let console = browser.console().unwrap_or_default();
        panic!("the app did not render: {error}\nbrowser console: {console:#?}")
    });
    // The page re-renders every frame, so read and click through single
    // script calls rather than element references that may go stale.
    let script = |source: &str| browser.execute(source).unwrap_or_else(|error| panic!("{source}: {error}"));
    let table = script("return document.querySelector(\"[data-testid='quorum-table']\").textContent");
    assert!(table.as_str().is_some_and(|text| text.contains("Failures tolerated")), "unexpected table text: {table}");
    let rows = script("return document.querySelectorAll(\"[data-testid^='quorum-row-']\").length");
    assert_eq!(rows.as_u64(), Some(7));

    // The simulation runs by itself: within a few virtual seconds (played at
    // 1x) the three members elect a leader. The driver waits for it.
    browser.find("g.member.leader").unwrap_or_else(|error| panic!("no leader was elected: {error}"));
    let leader = script("return document.querySelector('g.member.leader').textContent");
    assert!(leader.as_str().is_some_and(|text| text.contains("leader")), "{leader}");

    // Clicking a row is handled by the wasm app, so the page is live, not just painted.
    script("document.querySelector(\"[data-testid='quorum-row-5']\").click()");
    let summary = script("return document.querySelector(\"[data-testid='quorum-summary']\").textContent");
    assert_eq!(summary.as_str(), Some("With 5 members, 3 must agree and 2 can fail."));
    let members = script("return document.querySelectorAll('g.member').length");
    assert_eq!(members.as_u64(), Some(5), "clicking the 5-member row starts a 5-member run");

    let crashed = browser.execute("return document.getElementById('panic-banner') !== null").unwrap_or_else(|error| panic!("{error}"));
    let errors = browser.console_errors().unwrap_or_else(|error| panic!("{error}"));
    assert!(errors.is_empty(), "the browser console shows errors: {errors:#?}");
    assert_eq!(crashed, serde_json::Value::Bool(false), "the page shows a crash banner");
}
