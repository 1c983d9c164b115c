//! Share links in the built page: a link opens the author's run, a bad link
//! explains itself and leaves the autosave alone.

use cluster::{FaultAction, MemberId};
use e2e::{dist_dir, Browser, StaticServer};
use playground::link::encode_fragment;
use playground::{Playground, PlaygroundConfig, UserAction};
use serde_json::Value;

fn script(browser: &Browser, source: &str) -> Value {
    browser.execute(source).unwrap_or_else(|error| panic!("{source}: {error}"))
}

#[test]
fn a_shared_link_opens_with_the_authors_roles_revision_and_registry_keys() {
    // The author's run, made natively.
    let mut author = Playground::new(PlaygroundConfig { seed: 77, member_count: 3 });
    author.advance(3_000);
    author.apply(UserAction::Apply { manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n".into() }).expect("apply");
    author.apply(UserAction::Fault { fault: FaultAction::Crash { member: MemberId(3) } }).expect("crash");
    author.advance(2_000);
    let fragment = encode_fragment(&author.scenario());
    let view = author.view().cluster;
    let expected_roles: Vec<String> = view
        .members
        .iter()
        .map(|member| if !member.running { "crashed".into() } else { format!("{:?}", member.role.expect("a running member has a role")).to_lowercase() })
        .collect();
    let expected_keys: Vec<String> = author.registry_keys(None).into_iter().map(|entry| entry.key).collect();
    let expected_revision = author.store_revisions(None).expect("a store").0;

    let server = StaticServer::serve(dist_dir()).unwrap_or_else(|error| panic!("{error}"));
    let browser = Browser::start().unwrap_or_else(|error| panic!("{error}"));
    browser.open(&server.url(&format!("/#{fragment}"))).unwrap_or_else(|error| panic!("{error}"));
    browser.find("g.member").unwrap_or_else(|error| panic!("the app did not render: {error}"));

    let roles = script(&browser, "return Array.from(document.querySelectorAll(\"g.member [data-testid='role']\")).map(e => e.textContent)");
    let roles: Vec<String> = serde_json::from_value(roles).expect("a list of roles");
    assert_eq!(roles, expected_roles);
    let keys = script(&browser, "return Array.from(document.querySelectorAll('[data-key]')).map(e => e.getAttribute('data-key'))");
    let keys: Vec<String> = serde_json::from_value(keys).expect("a list of keys");
    assert_eq!(keys, expected_keys);
    let revision = script(&browser, "return document.querySelector(\"[data-testid='registry-revision']\").value");
    assert_eq!(revision.as_str(), Some(expected_revision.to_string().as_str()));
    let banner = script(&browser, "return document.querySelector(\"[data-testid='banner']\").textContent");
    assert!(banner.as_str().is_some_and(|text| text.contains("Opened a shared run")), "{banner}");
    assert!(browser.console_errors().unwrap_or_default().is_empty());
}

#[test]
fn a_damaged_link_says_what_is_wrong_opens_a_fresh_playground_and_keeps_the_autosave() {
    let server = StaticServer::serve(dist_dir()).unwrap_or_else(|error| panic!("{error}"));
    let browser = Browser::start().unwrap_or_else(|error| panic!("{error}"));
    browser.open(&server.url("/")).unwrap_or_else(|error| panic!("{error}"));
    browser.find("g.member").unwrap_or_else(|error| panic!("the app did not render: {error}"));
    script(&browser, "localStorage.setItem('k8s-etcd-playground.autosave.v1', 'my precious work')");

    browser.open(&server.url("/#s=not*a*link")).unwrap_or_else(|error| panic!("{error}"));
    // A hash change alone does not reload the page: reload to start from the link.
    script(&browser, "location.reload()");
    browser.find("[data-testid='banner']").unwrap_or_else(|error| panic!("no banner: {error}"));
    let banner = script(&browser, "return document.querySelector(\"[data-testid='banner']\").textContent");
    assert!(banner.as_str().is_some_and(|text| text.contains("damaged") && text.contains("fresh playground")), "{banner}");
    let members = script(&browser, "return document.querySelectorAll('g.member').length");
    assert_eq!(members.as_u64(), Some(3));
    // Let the fresh playground play for a while: the autosave must stay as it was.
    // Autosave would run every 2 s of play; wait for 4 virtual seconds (played at 1x).
    browser.wait_for_virtual_seconds(4.0).unwrap_or_else(|error| panic!("the clock did not reach 4 s: {error}"));
    let saved = script(&browser, "return localStorage.getItem('k8s-etcd-playground.autosave.v1')");
    assert_eq!(saved.as_str(), Some("my precious work"));
    assert!(browser.console_errors().unwrap_or_default().is_empty());
}
