//! Seeded random API traffic from two racing clients, with the controllers and
//! the compactor running in between. After every step: the storage invariants
//! hold, every answer matches a model of what was acknowledged, and a watch
//! mirror built from ADDED/MODIFIED/DELETED events equals the model.
//!
//! A failure prints its seed and the command that replays exactly that run.

use std::collections::BTreeMap;

use apiserver::client::{update_with_retry, DEFAULT_RETRY_ATTEMPTS};
use apiserver::controllers::ControllerManager;
use apiserver::invariants::{check_all, InvariantContext};
use apiserver::{
    ApiRequest, ApiServer, InMemoryEtcd, RequestBody, Resource, WatchEventType, WatchHandle,
};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::support::{cluster, create_text, NGINX_DEPLOYMENT};

const STEPS_PER_SEED: u32 = 250;
const SEEDS: u64 = 8;
const NAMES: [&str; 4] = ["alpha", "beta", "gamma", "delta"];

/// What the clients were told: name -> (data value, resourceVersion).
type Model = BTreeMap<String, (String, i64)>;

struct Run {
    seed: u64,
    api: ApiServer,
    etcd: InMemoryEtcd,
    manager: ControllerManager,
    model: Model,
    /// Each client's last read copy of each ConfigMap (possibly stale).
    caches: [BTreeMap<String, Value>; 2],
    watch: Option<WatchHandle>,
    mirror: BTreeMap<String, String>,
    step: u32,
    /// How often each interesting outcome happened (so the test is not vacuous).
    coverage: BTreeMap<&'static str, u32>,
}

impl Run {
    fn fail(&self, what: &str) -> ! {
        panic!(
            "seed {seed}, step {step}: {what}\nreproduce: APISERVER_TRAFFIC_SEED={seed} cargo test -p apiserver --test scenarios random_api_traffic",
            seed = self.seed,
            step = self.step
        );
    }

    fn expect(&self, condition: bool, what: impl FnOnce() -> String) {
        if !condition {
            self.fail(&what());
        }
    }

    fn saw(&mut self, outcome: &'static str) {
        *self.coverage.entry(outcome).or_insert(0) += 1;
    }

    fn config_map(name: &str, value: &str) -> Value {
        json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":name,"namespace":"default"},"data":{"value":value}})
    }

    fn resource_version(object: &Value) -> i64 {
        object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .and_then(|text| text.parse().ok())
            .unwrap_or(-1)
    }

    fn data(object: &Value) -> String {
        object
            .pointer("/data/value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    fn open_watch(&mut self) {
        let listed = self.api.handle(ApiRequest::List {
            resource: Resource::ConfigMap,
            namespace: Some("default".into()),
        });
        let items = listed
            .object()
            .and_then(|list| list["items"].as_array().cloned())
            .unwrap_or_default();
        self.mirror = items
            .iter()
            .map(|item| {
                (
                    item["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    Run::data(item),
                )
            })
            .collect();
        let version = listed.resource_version().map(str::to_string);
        self.watch = self
            .api
            .handle(ApiRequest::Watch {
                resource: Resource::ConfigMap,
                namespace: Some("default".into()),
                resource_version: version,
            })
            .watch_handle();
        self.expect(self.watch.is_some(), || {
            "a watch from a fresh list opens".into()
        });
    }

    fn check_watch_mirror(&mut self) {
        let Some(handle) = self.watch else { return };
        for event in self.api.take_watch_events(handle) {
            let name = event
                .object
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            match event.event_type {
                WatchEventType::Added | WatchEventType::Modified => {
                    self.mirror.insert(name, Run::data(&event.object));
                }
                WatchEventType::Deleted => {
                    self.mirror.remove(&name);
                }
                WatchEventType::Error => {
                    // Like a reflector: relist and watch again.
                    self.api.stop_watch(handle);
                    self.open_watch();
                    return;
                }
            }
        }
        let expected: BTreeMap<String, String> = self
            .model
            .iter()
            .map(|(name, (value, _))| (name.clone(), value.clone()))
            .collect();
        self.expect(self.mirror == expected, || {
            format!("watch mirror {:?} != model {expected:?}", self.mirror)
        });
    }

    fn step_once(&mut self, rng: &mut ChaCha8Rng) {
        let name = NAMES[(rng.next_u32() % NAMES.len() as u32) as usize].to_string();
        let client = (rng.next_u32() % 2) as usize;
        let value = format!("v{}", rng.next_u32() % 1000);
        match rng.next_u32() % 9 {
            0 => {
                let response = self.api.handle(ApiRequest::Create {
                    namespace: None,
                    body: RequestBody::Object(Run::config_map(&name, &value)),
                });
                if self.model.contains_key(&name) {
                    self.expect(response.status_code == 409, || {
                        format!("create of existing {name}: {}", response.body_json())
                    });
                } else {
                    self.expect(response.status_code == 201, || {
                        format!("create of new {name}: {}", response.body_json())
                    });
                    let object = response.object().cloned().unwrap_or_default();
                    self.model
                        .insert(name, (value, Run::resource_version(&object)));
                    self.saw("created");
                }
            }
            1 => {
                let response = self.api.handle(ApiRequest::Get {
                    resource: Resource::ConfigMap,
                    namespace: Some("default".into()),
                    name: name.clone(),
                });
                match self.model.get(&name) {
                    Some((expected, revision)) => {
                        let object = response.object().cloned().unwrap_or_default();
                        self.expect(
                            response.status_code == 200
                                && Run::data(&object) == *expected
                                && Run::resource_version(&object) == *revision,
                            || format!("get {name}: {}", response.body_json()),
                        );
                        self.caches[client].insert(name, object);
                    }
                    None => self.expect(response.status_code == 404, || {
                        format!("get of missing {name}: {}", response.body_json())
                    }),
                }
            }
            2 => {
                // An update from the client's cached copy, resourceVersion included.
                let Some(mut cached) = self.caches[client].get(&name).cloned() else {
                    return;
                };
                cached["data"]["value"] = json!(value);
                let sent_revision = Run::resource_version(&cached);
                let response = self.api.handle(ApiRequest::Update {
                    namespace: None,
                    body: RequestBody::Object(cached),
                });
                match self.model.get(&name).cloned() {
                    None => self.expect(response.status_code == 404, || {
                        format!("update of deleted {name}: {}", response.body_json())
                    }),
                    Some((_, revision)) if revision == sent_revision => {
                        self.expect(response.status_code == 200, || {
                            format!("fresh update of {name}: {}", response.body_json())
                        });
                        let object = response.object().cloned().unwrap_or_default();
                        self.model
                            .insert(name.clone(), (value, Run::resource_version(&object)));
                        self.caches[client].insert(name, object);
                        self.saw("fresh update");
                    }
                    Some(_) => {
                        let conflict = response.status().map(|status| status.message.clone());
                        let expected = format!("Operation cannot be fulfilled on configmaps {name:?}: the object has been modified; please apply your changes to the latest version and try again");
                        self.expect(
                            response.status_code == 409
                                && conflict.as_deref() == Some(expected.as_str()),
                            || format!("stale update of {name}: {}", response.body_json()),
                        );
                        self.saw("conflict");
                    }
                }
            }
            3 => {
                let outcome = update_with_retry(
                    &mut self.api,
                    Resource::ConfigMap,
                    Some("default"),
                    &name,
                    None,
                    DEFAULT_RETRY_ATTEMPTS,
                    |object| {
                        object["data"]["value"] = json!(value);
                    },
                );
                match self.model.contains_key(&name) {
                    true => {
                        self.expect(
                            outcome.response.status_code == 200 && outcome.attempts == 1,
                            || format!("read-modify-write of {name}: {outcome:?}"),
                        );
                        let object = outcome.response.object().cloned().unwrap_or_default();
                        self.model
                            .insert(name, (value, Run::resource_version(&object)));
                    }
                    false => self.expect(outcome.response.status_code == 404, || {
                        format!("read-modify-write of missing {name}: {outcome:?}")
                    }),
                }
            }
            4 => {
                let response = self.api.handle(ApiRequest::Delete {
                    resource: Resource::ConfigMap,
                    namespace: Some("default".into()),
                    name: name.clone(),
                });
                let existed = self.model.remove(&name).is_some();
                self.expect(
                    response.status_code == if existed { 200 } else { 404 },
                    || format!("delete {name}: {}", response.body_json()),
                );
                if existed {
                    self.saw("deleted");
                }
            }
            5 => {
                self.manager.step(&mut self.api);
            }
            6 => {
                // Two and a half virtual minutes: a compaction round every other time.
                let compacted_before = self.etcd.compact_revision();
                self.etcd.advance_ms(150_000);
                self.api.advance();
                if self.etcd.compact_revision() > compacted_before {
                    self.saw("compacted");
                }
            }
            7 => {
                let replicas = i64::from(rng.next_u32() % 4);
                let outcome = update_with_retry(
                    &mut self.api,
                    Resource::Deployment,
                    Some("default"),
                    "nginx",
                    None,
                    DEFAULT_RETRY_ATTEMPTS,
                    |deployment| {
                        deployment["spec"]["replicas"] = json!(replicas);
                    },
                );
                self.expect(outcome.response.status_code == 200, || {
                    format!("scale: {outcome:?}")
                });
            }
            _ => self.check_watch_mirror(),
        }
    }
}

fn run_seed(seed: u64) -> BTreeMap<&'static str, u32> {
    let (mut api, etcd) = cluster();
    if create_text(&mut api, NGINX_DEPLOYMENT).status_code != 201 {
        panic!("seed {seed}: setup failed");
    }
    let mut run = Run {
        seed,
        api,
        etcd,
        manager: ControllerManager::new(&["node-1", "node-2"]),
        model: Model::new(),
        caches: [BTreeMap::new(), BTreeMap::new()],
        watch: None,
        mirror: BTreeMap::new(),
        step: 0,
        coverage: BTreeMap::new(),
    };
    run.open_watch();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for step in 0..STEPS_PER_SEED {
        run.step = step;
        run.step_once(&mut rng);
        let violations = check_all(
            &run.etcd.raw_range("/registry/"),
            &InvariantContext::default(),
        );
        run.expect(violations.is_empty(), || {
            format!("invariants: {violations:?}")
        });
    }
    run.check_watch_mirror();
    run.coverage
}

#[test]
fn random_api_traffic_keeps_every_answer_consistent_with_what_was_acknowledged() {
    let seeds: Vec<u64> = match std::env::var("APISERVER_TRAFFIC_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
    {
        Some(seed) => vec![seed],
        None => (0..SEEDS).collect(),
    };
    let mut coverage: BTreeMap<&'static str, u32> = BTreeMap::new();
    for seed in seeds {
        for (outcome, count) in run_seed(seed) {
            *coverage.entry(outcome).or_insert(0) += count;
        }
    }
    for outcome in [
        "created",
        "fresh update",
        "conflict",
        "deleted",
        "compacted",
    ] {
        assert!(
            coverage.get(outcome).is_some_and(|count| *count > 0),
            "no {outcome:?} happened: {coverage:?}"
        );
    }
}
