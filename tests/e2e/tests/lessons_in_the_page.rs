//! The lessons of the playground, done in the built page as a user would:
//! crash the leader, partition a member, heal, race two clients. Each state is
//! saved as a screenshot under `target/e2e-screenshots/` for people to look at.

use e2e::{dist_dir, Browser, StaticServer};
use serde_json::Value;

fn script(browser: &Browser, source: &str) -> Value {
    browser.execute(source).unwrap_or_else(|error| panic!("{source}: {error}"))
}

fn screenshot(browser: &Browser, name: &str) {
    let folder = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
    std::fs::create_dir_all(&folder).unwrap_or_else(|error| panic!("create {}: {error}", folder.display()));
    let png = browser.screenshot_png().unwrap_or_else(|error| panic!("screenshot: {error}"));
    std::fs::write(folder.join(format!("{name}.png")), png).unwrap_or_else(|error| panic!("write screenshot: {error}"));
}

/// Waits (bounded by the driver's script timeout) until a JavaScript condition holds.
fn wait_until(browser: &Browser, condition: &str) {
    let source = format!(
        "const done = arguments[0]; const check = () => {{ if ({condition}) {{ done(true); }} else {{ requestAnimationFrame(check); }} }}; check();"
    );
    browser.execute_async(&source).unwrap_or_else(|error| panic!("waiting for {condition}: {error}"));
}

const CLICK: &str = "el => el.dispatchEvent(new MouseEvent('click', { bubbles: true }))";

/// The store revision a member shows (`c.. a.. r<revision>`).
fn revision_of(browser: &Browser, member: &str) -> i64 {
    let text = script(browser, &format!("return document.querySelector(\"[data-testid='{member}']\").textContent"));
    text.as_str()
        .and_then(|text| text.rsplit(" r").next())
        .and_then(|revision| revision.trim().parse().ok())
        .unwrap_or_else(|| panic!("no revision in {text}"))
}

fn open_at_ten_times_speed(browser: &Browser, server: &StaticServer) {
    browser.open(&server.url("/")).unwrap_or_else(|error| panic!("{error}"));
    browser.find("g.member.leader").unwrap_or_else(|error| panic!("no leader: {error}"));
    script(browser, "const s = document.querySelector(\"[data-testid='speed']\"); s.value = '10'; s.dispatchEvent(new Event('change', { bubbles: true }));");
}

#[test]
fn crashing_the_leader_elects_a_new_one() {
    let server = StaticServer::serve(dist_dir()).unwrap_or_else(|error| panic!("{error}"));
    let browser = Browser::start().unwrap_or_else(|error| panic!("{error}"));
    open_at_ten_times_speed(&browser, &server);
    let old_leader = script(&browser, "return document.querySelector('g.member.leader').getAttribute('data-testid')");
    let old_leader = old_leader.as_str().expect("a leader id").to_string();
    screenshot(&browser, "01-leader-elected");

    script(&browser, &format!("({CLICK})(document.querySelector(\"[data-testid='{old_leader}']\"))"));
    wait_until(&browser, &format!("document.querySelector(\"[data-testid='{old_leader}']\").classList.contains('crashed')"));
    wait_until(&browser, &format!("document.querySelector(\"g.member.leader:not([data-testid='{old_leader}'])\") !== null"));
    screenshot(&browser, "02-new-leader-after-crash");
    assert!(browser.console_errors().unwrap_or_default().is_empty());
}

#[test]
fn a_partitioned_member_falls_behind_and_catches_up_after_healing() {
    let server = StaticServer::serve(dist_dir()).unwrap_or_else(|error| panic!("{error}"));
    let browser = Browser::start().unwrap_or_else(|error| panic!("{error}"));
    open_at_ten_times_speed(&browser, &server);
    wait_until(&browser, "document.querySelector(\"[data-key='/registry/namespaces/default']\") !== null");
    let follower = script(&browser, "return document.querySelector('g.member.follower').getAttribute('data-testid')");
    let follower = follower.as_str().expect("a follower").to_string();
    let number = follower.trim_start_matches("member-");

    // Put the follower alone in group B, then write through the majority.
    script(&browser, &format!("const s = document.querySelector(\"[data-testid='group-{number}']\"); s.value = 'B'; s.dispatchEvent(new Event('change', {{ bubbles: true }}));"));
    script(&browser, "document.querySelector(\"[data-testid='partition']\").click()");
    script(&browser, "document.querySelector(\"[data-testid='apply']\").click()");
    wait_until(&browser, "document.querySelectorAll(\"[data-key^='/registry/pods/default/web-']\").length === 2");
    let leader_revision = revision_of(&browser, script(&browser, "return document.querySelector('g.member.leader').getAttribute('data-testid')").as_str().expect("a leader"));
    let isolated_revision = revision_of(&browser, &follower);
    assert!(isolated_revision < leader_revision, "the cut-off member is at {isolated_revision}, the leader at {leader_revision}");
    screenshot(&browser, "03-partitioned-member-behind");

    script(&browser, "document.querySelector(\"[data-testid='heal']\").click()");
    wait_until(&browser, &format!(
        "(() => {{ const r = id => parseInt(document.querySelector(`[data-testid='${{id}}']`).textContent.split(' r').pop()); \
           const leader = document.querySelector('g.member.leader'); return leader !== null && r('{follower}') === r(leader.getAttribute('data-testid')); }})()"
    ));
    screenshot(&browser, "04-healed-and-caught-up");
    assert!(browser.console_errors().unwrap_or_default().is_empty());
}

#[test]
fn the_race_lab_shows_exactly_one_conflict() {
    let server = StaticServer::serve(dist_dir()).unwrap_or_else(|error| panic!("{error}"));
    let browser = Browser::start().unwrap_or_else(|error| panic!("{error}"));
    open_at_ten_times_speed(&browser, &server);
    wait_until(&browser, "document.querySelector(\"[data-key='/registry/namespaces/default']\") !== null");
    script(&browser, "document.querySelector(\"[data-testid='apply']\").click()");
    script(&browser, "document.querySelector(\"[data-testid='race-run']\").click()");
    browser.find("[data-testid='race-report']").unwrap_or_else(|error| panic!("no race report: {error}"));
    let conflicts = script(&browser, "return Array.from(document.querySelectorAll(\"[data-testid='race-step']\")).filter(r => r.textContent.includes('409')).length");
    assert_eq!(conflicts.as_u64(), Some(1));
    screenshot(&browser, "05-race-lab");
    assert!(browser.console_errors().unwrap_or_default().is_empty());
}
