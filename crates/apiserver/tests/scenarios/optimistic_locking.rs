//! The optimistic-locking race: first write wins, the second retries.

use apiserver::client::{update_with_retry, DEFAULT_RETRY_ATTEMPTS};
use apiserver::{ApiServer, ApiServerConfig, Etcd, EtcdError, InMemoryEtcd, Resource};
use mvcc::{PutRequest, RequestOp, TxnRequest};
use serde_json::json;

use crate::support::{cluster, create_text, get, update_object, NGINX_DEPLOYMENT};

#[test]
fn two_clients_race_and_the_second_wins_on_its_second_try() {
    let (mut api, etcd) = cluster();
    assert_eq!(create_text(&mut api, NGINX_DEPLOYMENT).status_code, 201);

    // Both clients read version 6.
    let read_by_a = get(&mut api, Resource::Deployment, "default", "nginx")
        .object()
        .cloned()
        .unwrap_or_default();
    let read_by_b = get(&mut api, Resource::Deployment, "default", "nginx")
        .object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(read_by_a["metadata"]["resourceVersion"], json!("6"));
    assert_eq!(read_by_b["metadata"]["resourceVersion"], json!("6"));

    // A scales to 3 and commits first.
    let mut changed_by_a = read_by_a.clone();
    changed_by_a["spec"]["replicas"] = json!(3);
    let first = update_object(&mut api, changed_by_a);
    assert_eq!(
        (first.status_code, first.resource_version()),
        (200, Some("7"))
    );

    // B changes the image from its stale copy: 409 once, then re-read and success.
    let outcome = update_with_retry(
        &mut api,
        Resource::Deployment,
        Some("default"),
        "nginx",
        Some(read_by_b),
        DEFAULT_RETRY_ATTEMPTS,
        |deployment| {
            deployment["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28")
        },
    );
    assert_eq!(outcome.attempts, 2);
    assert_eq!(
        (
            outcome.response.status_code,
            outcome.response.resource_version()
        ),
        (200, Some("8"))
    );

    // Both changes survive: A's replicas and B's image, at revision 8.
    let final_state = get(&mut api, Resource::Deployment, "default", "nginx")
        .object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(final_state["spec"]["replicas"], json!(3));
    assert_eq!(
        final_state["spec"]["template"]["spec"]["containers"][0]["image"],
        json!("nginx:1.28")
    );
    assert_eq!(final_state["metadata"]["generation"], json!(3));
    assert_eq!(etcd.revision(), 8);

    // The 409 wrote nothing: three traces of updates, only two with a write.
    let update_traces: Vec<_> = api
        .traces()
        .filter(|trace| trace.summary.starts_with("update Deployment nginx"))
        .collect();
    assert_eq!(
        update_traces
            .iter()
            .map(|trace| trace.status_code)
            .collect::<Vec<_>>(),
        vec![200, 409, 200]
    );
    assert_eq!(
        update_traces
            .iter()
            .filter(|trace| trace.write_call().is_some())
            .count(),
        2
    );
    assert_eq!(
        update_traces
            .iter()
            .map(|trace| trace.revision)
            .collect::<Vec<_>>(),
        vec![Some(7), None, Some(8)]
    );
}

#[test]
fn a_client_that_never_rereads_gives_up_after_the_allowed_attempts() {
    let (mut api, _etcd) = cluster();
    assert_eq!(create_text(&mut api, NGINX_DEPLOYMENT).status_code, 201);
    let stale = get(&mut api, Resource::Deployment, "default", "nginx")
        .object()
        .cloned()
        .unwrap_or_default();
    let mut newer = stale.clone();
    newer["spec"]["replicas"] = json!(2);
    assert_eq!(update_object(&mut api, newer).status_code, 200);
    // Sending the stale copy again and again: every try is a 409.
    let mut tries = 0;
    for _ in 0..3 {
        tries += 1;
        assert_eq!(update_object(&mut api, stale.clone()).status_code, 409);
    }
    assert_eq!(tries, 3);
}

/// An etcd that lets another writer sneak in one put right before the next Txn,
/// the interleaving that makes kube-apiserver's own mod_revision CAS fail.
struct InterleavingEtcd {
    inner: InMemoryEtcd,
    sneak_before_next_txn: Option<(String, Vec<u8>)>,
}

impl Etcd for InterleavingEtcd {
    fn range(&mut self, request: mvcc::RangeRequest) -> Result<mvcc::RangeResponse, EtcdError> {
        self.inner.range(request)
    }
    fn txn(&mut self, request: TxnRequest) -> Result<mvcc::TxnResponse, EtcdError> {
        if let Some((key, value)) = self.sneak_before_next_txn.take() {
            let sneaky = TxnRequest {
                compare: Vec::new(),
                success: vec![RequestOp::Put(PutRequest {
                    key: key.into_bytes(),
                    value,
                    lease: 0,
                    prev_kv: false,
                })],
                failure: Vec::new(),
            };
            self.inner.txn(sneaky)?;
        }
        self.inner.txn(request)
    }
    fn compact(
        &mut self,
        request: mvcc::CompactionRequest,
    ) -> Result<mvcc::CompactionResponse, EtcdError> {
        self.inner.compact(request)
    }
    fn watch(&mut self, request: mvcc::WatchRequest) -> Result<mvcc::WatchId, EtcdError> {
        self.inner.watch(request)
    }
    fn cancel_watch(&mut self, id: mvcc::WatchId) -> bool {
        self.inner.cancel_watch(id)
    }
    fn take_watch_responses(&mut self) -> Vec<mvcc::WatchResponse> {
        self.inner.take_watch_responses()
    }
    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }
}

#[test]
fn an_update_without_resource_version_retries_the_cas_inside_the_apiserver_and_succeeds() {
    let inner = InMemoryEtcd::new();
    // The concurrent writer stores a Deployment with 5 replicas between the apiserver's read and its Txn.
    let mut setup = ApiServer::new(Box::new(inner.clone()), ApiServerConfig::default());
    setup.bootstrap();
    assert_eq!(create_text(&mut setup, NGINX_DEPLOYMENT).status_code, 201);
    let current = inner
        .raw_get("/registry/deployments/default/nginx")
        .unwrap_or_default();
    let mut concurrent: serde_json::Value = serde_json::from_slice(&current).unwrap_or_default();
    concurrent["metadata"]["labels"]["touched"] = json!("yes");
    let etcd = InterleavingEtcd {
        inner: inner.clone(),
        sneak_before_next_txn: Some((
            "/registry/deployments/default/nginx".into(),
            serde_json::to_vec(&concurrent).unwrap_or_default(),
        )),
    };
    let mut api = ApiServer::new(Box::new(etcd), ApiServerConfig::default());
    let mut scaled = serde_json::from_slice::<serde_json::Value>(&current).unwrap_or_default();
    scaled["spec"]["replicas"] = json!(4);
    let response = update_object(&mut api, scaled);
    assert_eq!(
        (response.status_code, response.resource_version()),
        (200, Some("8"))
    );
    let trace = api.trace(response.trace_id).cloned();
    let txns: Vec<_> = trace
        .iter()
        .flat_map(|trace| trace.etcd_calls.iter())
        .filter(|call| call.operation == apiserver::trace::EtcdOperation::Txn)
        .collect();
    assert_eq!(
        txns.len(),
        2,
        "first CAS lost to the sneaky put, the retry on mod_revision 7 won"
    );
    assert_eq!(txns[1].description, "txn If mod(/registry/deployments/default/nginx) = 7 Then put(/registry/deployments/default/nginx) Else get(/registry/deployments/default/nginx)");
}

#[test]
fn an_update_with_resource_version_that_loses_the_cas_is_a_conflict_and_writes_nothing() {
    let inner = InMemoryEtcd::new();
    let mut setup = ApiServer::new(Box::new(inner.clone()), ApiServerConfig::default());
    setup.bootstrap();
    let created = create_text(&mut setup, NGINX_DEPLOYMENT)
        .object()
        .cloned()
        .unwrap_or_default();
    let current = inner
        .raw_get("/registry/deployments/default/nginx")
        .unwrap_or_default();
    let etcd = InterleavingEtcd {
        inner: inner.clone(),
        sneak_before_next_txn: Some(("/registry/deployments/default/nginx".into(), current)),
    };
    let mut api = ApiServer::new(Box::new(etcd), ApiServerConfig::default());
    let mut scaled = created;
    scaled["spec"]["replicas"] = json!(4);
    let response = update_object(&mut api, scaled);
    assert_eq!(response.status_code, 409);
    assert_eq!(inner.revision(), 7, "only the concurrent writer's put");
}
