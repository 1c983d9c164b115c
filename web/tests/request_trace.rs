//! The request trace panel against the real simulation: apply a Deployment,
//! follow its create call down to the Raft entry, each member's commit and
//! apply, and the revision the registry tree shows. No sleeps.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlSelectElement};

mod support;
use support::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn step(root: &Element, times: usize) {
    for _ in 0..times {
        find(root, "[data-testid='step']").dyn_ref::<HtmlElement>().expect("a button").click();
    }
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn the_create_call_of_a_deployment_is_followed_to_its_raft_entry_members_and_revision() {
    let root = mount(41);
    yew::scheduler::flush().await;
    for _ in 0..10_000 {
        if root.query_selector("[data-key='/registry/namespaces/default']").ok().flatten().is_some() {
            break;
        }
        step(&root, 1).await;
    }
    find(&root, "[data-testid='apply']").dyn_ref::<HtmlElement>().expect("a button").click();
    yew::scheduler::flush().await;
    step(&root, 30).await;

    // Pick the Deployment's create among the calls.
    let select: HtmlSelectElement = find(&root, "[data-testid='trace-select']").dyn_into().expect("a select");
    let option = find_all(&root, "[data-testid='trace-select'] option")
        .into_iter()
        .find(|option| text(option).contains("create Deployment web"))
        .expect("the create call is listed");
    select.set_value(&option.get_attribute("value").expect("a value"));
    select.dispatch_event(&web_sys::Event::new("change").expect("a change event")).expect("dispatch");
    yew::scheduler::flush().await;

    let apiserver = text(&find(&root, "[data-testid='trace-apiserver']"));
    assert!(apiserver.contains("create Deployment web") && apiserver.contains("201"), "{apiserver}");
    let etcd = text(&find(&root, "[data-testid='trace-etcd']"));
    assert!(etcd.contains("/registry/deployments/default/web") && etcd.contains("compare succeeded"), "{etcd}");
    let raft = text(&find(&root, "[data-testid='trace-raft']"));
    assert!(raft.contains("entry index") && raft.contains("term"), "{raft}");
    let members: Vec<String> = find_all(&root, "[data-testid='trace-member']").iter().map(text).collect();
    assert_eq!(members.len(), 3, "{members:?}");
    assert!(members.iter().all(|row| row.matches(" s").count() == 2), "every member committed and applied: {members:?}");

    // The revision is the key's create_revision in the /registry tree.
    let revision = text(&find(&root, "[data-testid='trace-revision']"));
    let key = text(&find(&root, "[data-key='/registry/deployments/default/web'] .key-numbers"));
    let create_revision = key.split_whitespace().next().expect("c<revision>").trim_start_matches('c');
    assert!(revision.ends_with(create_revision), "trace says {revision}, the tree says {key}");
    root.remove();
}
