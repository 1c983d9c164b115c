//! Controllers through the apiserver: Deployment → ReplicaSet → Pods → Nodes,
//! and cascading deletion by owner.

use apiserver::client::{update_with_retry, DEFAULT_RETRY_ATTEMPTS};
use apiserver::controllers::{ControllerAction, ControllerManager};
use apiserver::invariants::{check_all, InvariantContext};
use apiserver::{ApiRequest, ApiServer, InMemoryEtcd, Resource};
use serde_json::json;
use std::collections::BTreeSet;

use crate::support::{cluster, create_text, NGINX_DEPLOYMENT};

const MAX_ROUNDS: usize = 20;

/// Step until quiet, checking the storage invariants after every round.
fn settle_checked(
    manager: &mut ControllerManager,
    api: &mut ApiServer,
    etcd: &InMemoryEtcd,
) -> Vec<ControllerAction> {
    let mut actions = Vec::new();
    for round_index in 0..MAX_ROUNDS {
        let round = manager.step(api);
        let violations = check_all(&etcd.raw_range("/registry/"), &InvariantContext::default());
        assert_eq!(violations, vec![], "after round {round_index}");
        if round.is_empty() {
            assert!(
                actions.iter().all(|action: &ControllerAction| (200..300)
                    .contains(&action.status_code)
                    || action.status_code == 409),
                "{actions:#?}"
            );
            return actions;
        }
        actions.extend(round);
    }
    panic!("controllers did not settle within {MAX_ROUNDS} rounds");
}

fn settle(manager: &mut ControllerManager, api: &mut ApiServer) -> Vec<ControllerAction> {
    let (actions, settled) = manager.run_until_settled(api, MAX_ROUNDS);
    assert!(settled, "controllers settle within {MAX_ROUNDS} rounds");
    assert!(
        actions
            .iter()
            .all(|action| (200..300).contains(&action.status_code) || action.status_code == 409),
        "{actions:#?}"
    );
    actions
}

fn shape(actions: &[ControllerAction]) -> Vec<(String, String, Resource, u16)> {
    actions
        .iter()
        .map(|action| {
            (
                action.controller.clone(),
                action.verb.clone(),
                action.resource,
                action.status_code,
            )
        })
        .collect()
}

fn scale(api: &mut ApiServer, replicas: i64) {
    // Like `kubectl scale`: no resourceVersion precondition on the first try.
    let outcome = update_with_retry(
        api,
        Resource::Deployment,
        Some("default"),
        "nginx",
        None,
        DEFAULT_RETRY_ATTEMPTS,
        |deployment| {
            deployment["spec"]["replicas"] = json!(replicas);
        },
    );
    assert_eq!((outcome.response.status_code, outcome.attempts), (200, 1));
}

/// Every key under /registry was last written by a traced API call.
fn assert_every_key_was_written_through_the_api(api: &ApiServer, etcd: &InMemoryEtcd) {
    let traced: BTreeSet<i64> = api.traces().filter_map(|trace| trace.revision).collect();
    for kv in etcd.raw_range("/registry/") {
        assert!(
            traced.contains(&kv.mod_revision),
            "{} at revision {} has no API trace",
            String::from_utf8_lossy(&kv.key),
            kv.mod_revision
        );
    }
}

fn text(value: &str) -> String {
    value.to_string()
}

#[test]
fn scaling_a_deployment_to_three_yields_one_replicaset_and_three_running_pods_under_the_right_keys()
{
    let (mut api, etcd) = cluster();
    let mut manager = ControllerManager::new(&["node-1", "node-2"]);
    assert_eq!(create_text(&mut api, NGINX_DEPLOYMENT).status_code, 201);
    settle_checked(&mut manager, &mut api, &etcd);
    scale(&mut api, 3);
    let actions = settle_checked(&mut manager, &mut api, &etcd);
    let replicaset_controller = text("replicaset-controller");
    assert_eq!(
        shape(&actions),
        vec![
            (
                text("deployment-controller"),
                text("update"),
                Resource::ReplicaSet,
                200
            ),
            (
                text("deployment-controller"),
                text("update status"),
                Resource::Deployment,
                200
            ),
            (
                replicaset_controller.clone(),
                text("create"),
                Resource::Pod,
                201
            ),
            (
                replicaset_controller.clone(),
                text("create"),
                Resource::Pod,
                201
            ),
            (text("scheduler"), text("bind"), Resource::Pod, 200),
            (text("scheduler"), text("bind"), Resource::Pod, 200),
            (
                text("kubelet node-1"),
                text("update status"),
                Resource::Pod,
                200
            ),
            (
                text("kubelet node-2"),
                text("update status"),
                Resource::Pod,
                200
            ),
            (
                replicaset_controller,
                text("update status"),
                Resource::ReplicaSet,
                200
            ),
            (
                text("deployment-controller"),
                text("update status"),
                Resource::Deployment,
                200
            ),
        ]
    );

    let replicasets = etcd.raw_keys("/registry/replicasets/");
    assert_eq!(replicasets.len(), 1);
    let replicaset_name = replicasets[0]
        .trim_start_matches("/registry/replicasets/default/")
        .to_string();
    assert!(replicaset_name.starts_with("nginx-"));
    let pods = etcd.raw_keys("/registry/pods/");
    assert_eq!(pods.len(), 3);
    for pod in &pods {
        let suffix = pod.trim_start_matches(&format!("/registry/pods/default/{replicaset_name}-"));
        assert_eq!(suffix.len(), 5, "{pod}");
    }
    assert_eq!(
        etcd.raw_keys("/registry/minions/"),
        vec![
            text("/registry/minions/node-1"),
            text("/registry/minions/node-2")
        ]
    );

    let listed = api.handle(ApiRequest::List {
        resource: Resource::Pod,
        namespace: Some(text("default")),
    });
    let items = listed
        .object()
        .and_then(|list| list["items"].as_array().cloned())
        .unwrap_or_default();
    let nodes: Vec<&str> = items
        .iter()
        .filter_map(|pod| pod["spec"]["nodeName"].as_str())
        .collect();
    assert_eq!(nodes.iter().filter(|node| **node == "node-1").count(), 2);
    assert_eq!(nodes.iter().filter(|node| **node == "node-2").count(), 1);
    assert!(items
        .iter()
        .all(|pod| pod["status"]["phase"] == json!("Running")));
    assert!(items.iter().all(
        |pod| pod["metadata"]["labels"]["pod-template-hash"].as_str()
            == replicaset_name.strip_prefix("nginx-")
    ));

    let deployment = crate::support::get(&mut api, Resource::Deployment, "default", "nginx")
        .object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        deployment["status"],
        json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 3})
    );
    assert_every_key_was_written_through_the_api(&api, &etcd);

    // Settled means settled: another round writes nothing.
    assert_eq!(manager.step(&mut api), vec![]);
}

#[test]
fn deleting_a_deployment_cascades_to_its_replicaset_and_pods_by_owner() {
    let (mut api, etcd) = cluster();
    let mut manager = ControllerManager::new(&["node-1"]);
    assert_eq!(
        create_text(
            &mut api,
            &NGINX_DEPLOYMENT.replace("replicas: 1", "replicas: 2")
        )
        .status_code,
        201
    );
    settle(&mut manager, &mut api);
    assert_eq!(
        (
            etcd.raw_keys("/registry/replicasets/").len(),
            etcd.raw_keys("/registry/pods/").len()
        ),
        (1, 2)
    );

    let deleted = api.handle(ApiRequest::Delete {
        resource: Resource::Deployment,
        namespace: Some(text("default")),
        name: text("nginx"),
    });
    assert_eq!(deleted.status_code, 200);
    let actions = settle_checked(&mut manager, &mut api, &etcd);
    let collected: Vec<(String, String, Resource)> = actions
        .iter()
        .map(|action| {
            (
                action.controller.clone(),
                action.verb.clone(),
                action.resource,
            )
        })
        .collect();
    assert_eq!(
        collected,
        vec![
            (
                text("garbage-collector"),
                text("delete"),
                Resource::ReplicaSet
            ),
            (text("garbage-collector"), text("delete"), Resource::Pod),
            (text("garbage-collector"), text("delete"), Resource::Pod),
        ]
    );
    assert!(etcd.raw_keys("/registry/deployments/").is_empty());
    assert!(etcd.raw_keys("/registry/replicasets/").is_empty());
    assert!(etcd.raw_keys("/registry/pods/").is_empty());
    assert_eq!(
        etcd.raw_keys("/registry/minions/").len(),
        1,
        "nodes are not owned"
    );
}

#[test]
fn a_new_template_gets_a_new_replicaset_and_the_old_one_is_scaled_to_zero() {
    let (mut api, etcd) = cluster();
    let mut manager = ControllerManager::new(&["node-1"]);
    assert_eq!(create_text(&mut api, NGINX_DEPLOYMENT).status_code, 201);
    settle(&mut manager, &mut api);
    let first = etcd.raw_keys("/registry/replicasets/");
    let outcome = update_with_retry(
        &mut api,
        Resource::Deployment,
        Some("default"),
        "nginx",
        None,
        DEFAULT_RETRY_ATTEMPTS,
        |deployment| {
            deployment["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
        },
    );
    assert_eq!(outcome.response.status_code, 200);
    settle(&mut manager, &mut api);
    let replicasets = etcd.raw_keys("/registry/replicasets/");
    assert_eq!(replicasets.len(), 2);
    let old = crate::support::get(
        &mut api,
        Resource::ReplicaSet,
        "default",
        first[0].trim_start_matches("/registry/replicasets/default/"),
    );
    assert_eq!(
        old.object()
            .map(|replicaset| replicaset["spec"]["replicas"].clone()),
        Some(json!(0))
    );
    let pods = api.handle(ApiRequest::List {
        resource: Resource::Pod,
        namespace: None,
    });
    let images: Vec<serde_json::Value> = pods
        .object()
        .and_then(|list| list["items"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|pod| pod["spec"]["containers"][0]["image"].clone())
        .collect();
    assert_eq!(images, vec![json!("nginx:1.28")]);
}

#[test]
fn the_same_seed_gives_the_same_cluster_state() {
    let run = || {
        let (mut api, etcd) = cluster();
        let mut manager = ControllerManager::new(&["node-1", "node-2"]);
        create_text(
            &mut api,
            &NGINX_DEPLOYMENT.replace("replicas: 1", "replicas: 4"),
        );
        settle(&mut manager, &mut api);
        (etcd.raw_keys("/"), etcd.content_hash())
    };
    let first = run();
    assert_eq!(
        first
            .0
            .iter()
            .filter(|key| key.starts_with("/registry/pods/"))
            .count(),
        4
    );
    assert_eq!(first, run());
}

#[test]
fn the_invariants_catch_a_hand_written_bad_value() {
    use apiserver::Etcd;
    let (_api, etcd) = cluster();
    let mut handle = etcd.clone();
    let bad = serde_json::json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x","namespace":"default","resourceVersion":"3"}});
    let put = mvcc::RequestOp::Put(mvcc::PutRequest {
        key: b"/registry/pods/default/x".to_vec(),
        value: serde_json::to_vec(&bad).unwrap_or_default(),
        lease: 0,
        prev_kv: false,
    });
    assert!(handle
        .txn(mvcc::TxnRequest {
            compare: vec![],
            success: vec![put],
            failure: vec![]
        })
        .is_ok());
    let invariants: Vec<&str> = check_all(
        &etcd.raw_range("/registry/"),
        &InvariantContext {
            secrets_encrypted: true,
        },
    )
    .iter()
    .map(|violation| violation.invariant)
    .collect();
    assert_eq!(
        invariants,
        vec![
            "stored objects match their keys",
            "stored values carry no resourceVersion"
        ]
    );
}

#[test]
fn deleting_a_namespace_refuses_new_content_empties_it_and_then_removes_it() {
    let (mut api, etcd) = cluster();
    let mut manager = ControllerManager::new(&["node-1"]);
    assert_eq!(
        create_text(
            &mut api,
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
        )
        .status_code,
        201
    );
    assert_eq!(
        create_text(
            &mut api,
            &NGINX_DEPLOYMENT.replace("  name: nginx\n", "  name: nginx\n  namespace: shop\n")
        )
        .status_code,
        201
    );
    assert_eq!(
        create_text(
            &mut api,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n"
        )
        .status_code,
        201
    );
    settle_checked(&mut manager, &mut api, &etcd);
    assert_eq!(etcd.raw_keys("/registry/pods/shop/").len(), 1);

    let deleted = api.handle(ApiRequest::Delete {
        resource: Resource::Namespace,
        namespace: None,
        name: text("shop"),
    });
    assert_eq!(deleted.status_code, 200);
    assert_eq!(
        deleted
            .object()
            .map(|namespace| namespace["status"]["phase"].clone()),
        Some(json!("Terminating"))
    );
    let refused = create_text(
        &mut api,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n  namespace: shop\n",
    );
    assert_eq!(
        refused.status().map(|status| status.kubectl_error_line(Some(("creating", "late.yaml")))),
        Some(text("Error from server (Forbidden): error when creating \"late.yaml\": configmaps \"late\" is forbidden: unable to create new content in namespace shop because it is being terminated"))
    );
    let early_finalize = api.handle(ApiRequest::FinalizeNamespace { name: text("shop") });
    assert_eq!(early_finalize.status_code, 409, "content is still there");

    let actions = settle_checked(&mut manager, &mut api, &etcd);
    let last = actions.last().map(|action| {
        (
            action.controller.clone(),
            action.verb.clone(),
            action.status_code,
        )
    });
    assert_eq!(
        last,
        Some((text("namespace-controller"), text("finalize"), 200))
    );
    let left: Vec<String> = etcd
        .raw_keys("/registry/")
        .into_iter()
        .filter(|key| key.contains("/shop"))
        .collect();
    assert_eq!(left, Vec::<String>::new());
}

#[test]
fn a_service_gets_endpoints_for_its_ready_pods_and_loses_them_with_the_service() {
    let (mut api, etcd) = cluster();
    let mut manager = ControllerManager::new(&["node-1", "node-2"]);
    assert_eq!(
        create_text(
            &mut api,
            &NGINX_DEPLOYMENT.replace("replicas: 1", "replicas: 2")
        )
        .status_code,
        201
    );
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  selector:\n    app: nginx\n  ports:\n  - port: 80\n    targetPort: 8080\n";
    assert_eq!(create_text(&mut api, service).status_code, 201);
    settle_checked(&mut manager, &mut api, &etcd);
    let endpoints = crate::support::get(&mut api, Resource::Endpoints, "default", "nginx")
        .object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        etcd.raw_keys("/registry/services/"),
        vec![
            text("/registry/services/endpoints/default/nginx"),
            text("/registry/services/specs/default/nginx")
        ]
    );
    let ips: Vec<serde_json::Value> = endpoints["subsets"][0]["addresses"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|address| address["ip"].clone())
        .collect();
    assert_eq!(ips, vec![json!("10.244.0.2"), json!("10.244.1.2")]);
    assert_eq!(
        endpoints["subsets"][0]["ports"],
        json!([{"port": 8080, "protocol": "TCP"}])
    );

    scale(&mut api, 0);
    settle_checked(&mut manager, &mut api, &etcd);
    let endpoints = crate::support::get(&mut api, Resource::Endpoints, "default", "nginx")
        .object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(endpoints.get("subsets"), None);

    assert_eq!(
        api.handle(ApiRequest::Delete {
            resource: Resource::Service,
            namespace: Some(text("default")),
            name: text("nginx")
        })
        .status_code,
        200
    );
    settle_checked(&mut manager, &mut api, &etcd);
    assert!(etcd.raw_keys("/registry/services/").is_empty());
}

/// An etcd whose member loses its leader once: every open watch is cancelled
/// with "no leader", as etcd does for watches opened WithRequireLeader.
struct LeaderLossEtcd {
    inner: InMemoryEtcd,
    open_watches: Vec<mvcc::WatchId>,
    lose_leader: std::rc::Rc<std::cell::Cell<bool>>,
}

impl apiserver::Etcd for LeaderLossEtcd {
    fn range(
        &mut self,
        request: mvcc::RangeRequest,
    ) -> Result<mvcc::RangeResponse, apiserver::EtcdError> {
        self.inner.range(request)
    }
    fn txn(
        &mut self,
        request: mvcc::TxnRequest,
    ) -> Result<mvcc::TxnResponse, apiserver::EtcdError> {
        self.inner.txn(request)
    }
    fn compact(
        &mut self,
        request: mvcc::CompactionRequest,
    ) -> Result<mvcc::CompactionResponse, apiserver::EtcdError> {
        self.inner.compact(request)
    }
    fn watch(
        &mut self,
        request: mvcc::WatchRequest,
    ) -> Result<mvcc::WatchId, apiserver::EtcdError> {
        let id = self.inner.watch(request)?;
        self.open_watches.push(id);
        Ok(id)
    }
    fn cancel_watch(&mut self, id: mvcc::WatchId) -> bool {
        self.open_watches.retain(|open| *open != id);
        self.inner.cancel_watch(id)
    }
    fn take_watch_responses(&mut self) -> Vec<mvcc::WatchResponse> {
        let mut responses = self.inner.take_watch_responses();
        if self.lose_leader.replace(false) {
            for id in std::mem::take(&mut self.open_watches) {
                self.inner.cancel_watch(id);
                responses.push(mvcc::WatchResponse {
                    watch_id: id,
                    header: mvcc::ResponseHeader {
                        revision: self.inner.revision(),
                    },
                    events: vec![],
                    compact_revision: 0,
                    canceled: true,
                    created: false,
                });
            }
        }
        responses
    }
    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }
}

#[test]
fn informers_relist_after_etcd_cancels_their_watches_and_the_controllers_carry_on() {
    let inner = InMemoryEtcd::new();
    let lose_leader = std::rc::Rc::new(std::cell::Cell::new(false));
    let etcd = LeaderLossEtcd {
        inner: inner.clone(),
        open_watches: vec![],
        lose_leader: lose_leader.clone(),
    };
    let mut api = ApiServer::new(Box::new(etcd), apiserver::ApiServerConfig::default());
    api.bootstrap();
    let mut manager = ControllerManager::new(&["node-1"]);
    assert_eq!(create_text(&mut api, NGINX_DEPLOYMENT).status_code, 201);
    settle_checked(&mut manager, &mut api, &inner);
    let lists_before = manager.replicasets.pod_informer_list_count();

    // A watcher sees the ERROR event with etcd's text.
    let handle = api
        .handle(ApiRequest::Watch {
            resource: Resource::Pod,
            namespace: None,
            resource_version: None,
        })
        .watch_handle()
        .unwrap_or(apiserver::WatchHandle(0));
    api.take_watch_events(handle);
    lose_leader.set(true);
    let events = api.take_watch_events(handle);
    assert_eq!(
        events
            .last()
            .map(|event| (event.event_type, event.object["message"].clone())),
        Some((
            apiserver::WatchEventType::Error,
            json!("etcdserver: no leader")
        ))
    );
    assert!(!api.watch_is_open(handle));

    scale(&mut api, 2);
    settle_checked(&mut manager, &mut api, &inner);
    assert_eq!(
        manager.replicasets.pod_informer_list_count(),
        lists_before + 1,
        "one relist after the cancelled watch"
    );
    assert_eq!(inner.raw_keys("/registry/pods/").len(), 2);
}
