//! Watches (ADDED / MODIFIED / DELETED, 410 after compaction) and the
//! apiserver's periodic compaction through `compact_rev_key`.

use apiserver::{ApiRequest, ApiServerConfig, Resource, WatchEventType};
use serde_json::json;

use crate::support::{cluster, cluster_with, create_text, get, update_object, NGINX_DEPLOYMENT};

const FIVE_MINUTES_MS: u64 = 5 * 60 * 1000;

fn watch(api: &mut apiserver::ApiServer, resource_version: Option<&str>) -> apiserver::ApiResponse {
    api.handle(ApiRequest::Watch {
        resource: Resource::Deployment,
        namespace: None,
        resource_version: resource_version.map(str::to_string),
    })
}

#[test]
fn a_watch_sees_added_modified_and_deleted_with_their_resource_versions() {
    let (mut api, _etcd) = cluster();
    let opened = watch(&mut api, Some("5"));
    assert_eq!(opened.status_code, 200);
    let handle = opened.watch_handle().unwrap_or(apiserver::WatchHandle(0));
    let created = create_text(&mut api, NGINX_DEPLOYMENT)
        .object()
        .cloned()
        .unwrap_or_default();
    let mut scaled = created.clone();
    scaled["spec"]["replicas"] = json!(2);
    assert_eq!(update_object(&mut api, scaled).status_code, 200);
    let deleted = api.handle(ApiRequest::Delete {
        resource: Resource::Deployment,
        namespace: Some("default".into()),
        name: "nginx".into(),
    });
    assert_eq!(deleted.status_code, 200);

    let events = api.take_watch_events(handle);
    let seen: Vec<(WatchEventType, serde_json::Value, serde_json::Value)> = events
        .iter()
        .map(|event| {
            (
                event.event_type,
                event.object["metadata"]["resourceVersion"].clone(),
                event.object["spec"]["replicas"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (WatchEventType::Added, json!("6"), json!(1)),
            (WatchEventType::Modified, json!("7"), json!(2)),
            (WatchEventType::Deleted, json!("8"), json!(2)),
        ]
    );
    assert!(
        api.take_watch_events(handle).is_empty(),
        "events are drained once"
    );
}

#[test]
fn a_watch_without_resource_version_starts_with_the_current_objects_as_added() {
    let (mut api, _etcd) = cluster();
    assert_eq!(create_text(&mut api, NGINX_DEPLOYMENT).status_code, 201);
    let handle = watch(&mut api, None)
        .watch_handle()
        .unwrap_or(apiserver::WatchHandle(0));
    let events = api.take_watch_events(handle);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, WatchEventType::Added);
    assert_eq!(events[0].object["metadata"]["name"], json!("nginx"));
}

#[test]
fn the_trace_links_a_call_to_its_txn_revision_and_the_watch_events_it_caused() {
    let (mut api, _etcd) = cluster();
    let handle = watch(&mut api, Some("5"))
        .watch_handle()
        .unwrap_or(apiserver::WatchHandle(0));
    let created = create_text(&mut api, NGINX_DEPLOYMENT);
    assert_eq!(api.take_watch_events(handle).len(), 1);
    let trace = api.trace(created.trace_id).cloned().expect("trace kept");
    assert_eq!(trace.summary, "create Deployment nginx");
    assert_eq!(trace.status_code, 201);
    assert_eq!(trace.revision, Some(6));
    let write = trace.write_call().cloned().expect("a write");
    assert_eq!(write.description, "txn If mod(/registry/deployments/default/nginx) = 0 Then put(/registry/deployments/default/nginx)");
    assert_eq!(
        write.raft_index, None,
        "InMemoryEtcd has no Raft log; the cluster adapter fills it"
    );
    assert_eq!(trace.watch_events.len(), 1);
    assert_eq!(trace.watch_events[0].event_type, "ADDED");
    assert_eq!(
        trace.watch_events[0].key,
        "/registry/deployments/default/nginx"
    );
    assert_eq!(trace.watch_events[0].revision, 6);
}

#[test]
fn the_apiserver_compacts_every_five_minutes_one_round_behind_through_compact_rev_key() {
    let (mut api, etcd) = cluster();
    etcd.advance_ms(FIVE_MINUTES_MS - 1);
    api.advance();
    assert_eq!(etcd.raw_get("compact_rev_key"), None, "not due yet");

    etcd.advance_ms(1);
    api.advance();
    // Bootstrap round: records "0", compacts nothing, remembers revision 6.
    assert_eq!(etcd.raw_get("compact_rev_key"), Some(b"0".to_vec()));
    assert_eq!((etcd.revision(), etcd.compact_revision()), (6, 0));

    assert_eq!(create_text(&mut api, NGINX_DEPLOYMENT).status_code, 201);
    etcd.advance_ms(FIVE_MINUTES_MS);
    api.advance();
    assert_eq!(etcd.raw_get("compact_rev_key"), Some(b"6".to_vec()));
    assert_eq!((etcd.revision(), etcd.compact_revision()), (8, 6));

    // An idle cluster still ticks one revision per round.
    etcd.advance_ms(FIVE_MINUTES_MS);
    api.advance();
    assert_eq!((etcd.revision(), etcd.compact_revision()), (9, 8));

    // Below the compaction: 410 Gone with the watch cache's text, nothing written.
    let too_old = watch(&mut api, Some("6"));
    assert_eq!(too_old.status_code, 410);
    assert_eq!(
        too_old.status().map(|status| status.message.as_str()),
        Some("too old resource version: 6 (7)")
    );
    assert_eq!(
        too_old.status().map(|status| status.reason.as_str()),
        Some("Expired")
    );
    // At the compaction revision itself, history is still there.
    assert_eq!(watch(&mut api, Some("7")).status_code, 200);
    assert_eq!(
        get(&mut api, Resource::Deployment, "default", "nginx").resource_version(),
        Some("7")
    );
}

#[test]
fn compaction_can_be_turned_off() {
    let config = ApiServerConfig {
        compaction_interval_ms: None,
        ..ApiServerConfig::default()
    };
    let (mut api, etcd) = cluster_with(config);
    etcd.advance_ms(60 * FIVE_MINUTES_MS);
    api.advance();
    assert_eq!(
        (etcd.revision(), etcd.raw_get("compact_rev_key")),
        (5, None)
    );
}
