//! Speed of the simulated apiserver, printed (never asserted).
//! Run: `cargo bench -p apiserver --bench apiserver_bench`.
//! A bench may read the wall clock: it measures the code, it is not the simulation.

use std::time::Instant;

use apiserver::client::{update_with_retry, DEFAULT_RETRY_ATTEMPTS};
use apiserver::controllers::ControllerManager;
use apiserver::{ApiRequest, ApiServer, ApiServerConfig, InMemoryEtcd, RequestBody, Resource};
use serde_json::json;

fn fresh() -> (ApiServer, InMemoryEtcd) {
    let etcd = InMemoryEtcd::new();
    let mut api = ApiServer::new(Box::new(etcd.clone()), ApiServerConfig::default());
    api.bootstrap();
    (api, etcd)
}

fn report(label: &str, operations: u64, started: Instant) {
    let elapsed = started.elapsed();
    let per_second = operations as f64 / elapsed.as_secs_f64().max(1e-9);
    println!(
        "{label:<58} {operations:>6} ops in {:>8.2} ms = {per_second:>10.0} ops/s",
        elapsed.as_secs_f64() * 1000.0
    );
}

fn main() {
    let (mut api, _etcd) = fresh();
    let started = Instant::now();
    for index in 0..1000u64 {
        let body = json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":format!("cm-{index}")},"data":{"k":"v"}});
        let response = api.handle(ApiRequest::Create {
            namespace: None,
            body: RequestBody::Object(body),
        });
        assert_eq!(response.status_code, 201);
    }
    report("create ConfigMap (Txn mod=0)", 1000, started);

    let started = Instant::now();
    for _ in 0..100 {
        let list = api.handle(ApiRequest::List {
            resource: Resource::ConfigMap,
            namespace: None,
        });
        assert_eq!(list.status_code, 200);
    }
    report("list 1000 ConfigMaps", 100, started);

    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n";
    let started = Instant::now();
    let (mut parse_api, _) = fresh();
    for index in 0..500u64 {
        let text = yaml.replace("name: web\nspec", &format!("name: web-{index}\nspec"));
        let response = parse_api.handle(ApiRequest::Create {
            namespace: None,
            body: RequestBody::Text(text),
        });
        assert_eq!(response.status_code, 201);
    }
    report(
        "create Deployment from YAML (parse+validate+default)",
        500,
        started,
    );

    let started = Instant::now();
    for replicas in 0..1000i64 {
        let outcome = update_with_retry(
            &mut parse_api,
            Resource::Deployment,
            Some("default"),
            "web-0",
            None,
            DEFAULT_RETRY_ATTEMPTS,
            |deployment| {
                deployment["spec"]["replicas"] = json!(replicas % 7);
            },
        );
        assert!(outcome.response.is_success());
    }
    report("get + update Deployment (Txn mod=rv)", 1000, started);

    let (mut api, etcd) = fresh();
    let nodes: Vec<String> = (1..=10).map(|index| format!("node-{index}")).collect();
    let node_names: Vec<&str> = nodes.iter().map(String::as_str).collect();
    let mut manager = ControllerManager::new(&node_names);
    let started = Instant::now();
    let response = api.handle(ApiRequest::Create {
        namespace: None,
        body: RequestBody::Text(yaml.replace("replicas: 1", "replicas: 100")),
    });
    assert_eq!(response.status_code, 201);
    let (actions, settled) = manager.run_until_settled(&mut api, 100);
    assert!(settled);
    report(
        "Deployment to 100 running Pods on 10 nodes (controller writes)",
        actions.len() as u64,
        started,
    );
    println!(
        "  -> {} pods, etcd revision {}, {} API traces kept",
        etcd.raw_keys("/registry/pods/").len(),
        etcd.revision(),
        api.traces().count()
    );
}
