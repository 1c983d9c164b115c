//! The concurrent-update lab: two clients read the same Deployment, both
//! change it, both write it back. The first write wins; the second carries a
//! stale `resourceVersion` and gets `409 Conflict`, then (if told to) re-reads
//! and retries, as client-go's `RetryOnConflict` does.
//!
//! Worked example (Deployment `web` at resourceVersion 12):
//!
//! ```text
//! A  GET  web                      -> 200 rv 12
//! B  GET  web                      -> 200 rv 12
//! A  PUT  web (rv 12, replicas 4)  -> 200 rv 13   etcd: txn If mod(/registry/deployments/default/web) = 12 Then put(...)
//! B  PUT  web (rv 12, replicas 5)  -> 409 Conflict "... the object has been modified; please apply your changes to the latest version and try again"
//! B  GET  web                      -> 200 rv 13
//! B  PUT  web (rv 13, replicas 5)  -> 200 rv 14
//! ```

use apiserver::{ApiRequest, ApiServer, RequestBody, Resource};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The two racing clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RaceClient {
    A,
    B,
}

/// What the user set up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceSetup {
    pub namespace: String,
    pub name: String,
    /// The replicas each client writes (A's first, then B's).
    pub replicas_a: i64,
    pub replicas_b: i64,
    /// B re-reads and retries after its 409 (client-go's RetryOnConflict); otherwise it gives up.
    pub retry_on_conflict: bool,
}

/// One request of the race, as the lab shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaceStep {
    pub client: RaceClient,
    /// `GET` or `PUT`.
    pub verb: &'static str,
    /// The resourceVersion the client sent (PUT) or received (GET).
    pub resource_version_sent: Option<String>,
    pub status_code: u16,
    /// The resourceVersion in the answer (the new one after a write).
    pub resource_version_received: Option<String>,
    /// The etcd requests the apiserver made for it, etcdctl style.
    pub etcd_calls: Vec<String>,
    /// The whole answer when it is an error Status.
    pub status_body: Option<String>,
}

/// The whole race.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaceReport {
    pub steps: Vec<RaceStep>,
    /// Who wrote first.
    pub winner: Option<RaceClient>,
    /// B's final status code (200 after a retry, 409 if it gave up).
    pub loser_final_status: Option<u16>,
}

/// Runs the race against the apiserver, strictly interleaved: A GET, B GET, A PUT, B PUT, (B GET, B PUT).
pub fn run_race(api: &mut ApiServer, setup: &RaceSetup) -> RaceReport {
    let mut steps = Vec::new();
    let read_a = get(api, setup, RaceClient::A, &mut steps);
    let read_b = get(api, setup, RaceClient::B, &mut steps);
    let (Some(copy_a), Some(copy_b)) = (read_a, read_b) else {
        return RaceReport { steps, winner: None, loser_final_status: None };
    };
    let status_a = put(api, setup, RaceClient::A, copy_a, setup.replicas_a, &mut steps);
    let mut status_b = put(api, setup, RaceClient::B, copy_b, setup.replicas_b, &mut steps);
    if status_b == 409 && setup.retry_on_conflict {
        if let Some(fresh) = get(api, setup, RaceClient::B, &mut steps) {
            status_b = put(api, setup, RaceClient::B, fresh, setup.replicas_b, &mut steps);
        }
    }
    let winner = if (200..300).contains(&status_a) { Some(RaceClient::A) } else if (200..300).contains(&status_b) { Some(RaceClient::B) } else { None };
    RaceReport { steps, winner, loser_final_status: Some(status_b) }
}

fn etcd_calls(api: &ApiServer, trace_id: apiserver::TraceId) -> Vec<String> {
    api.trace(trace_id).map(|trace| trace.etcd_calls.iter().map(|call| call.description.clone()).collect()).unwrap_or_default()
}

fn get(api: &mut ApiServer, setup: &RaceSetup, client: RaceClient, steps: &mut Vec<RaceStep>) -> Option<Value> {
    let response = api.handle(ApiRequest::Get {
        resource: Resource::Deployment,
        namespace: Some(setup.namespace.clone()),
        name: setup.name.clone(),
    });
    steps.push(RaceStep {
        client,
        verb: "GET",
        resource_version_sent: None,
        status_code: response.status_code,
        resource_version_received: response.resource_version().map(str::to_string),
        etcd_calls: etcd_calls(api, response.trace_id),
        status_body: response.status().map(|_| response.body_json()),
    });
    response.object().cloned()
}

fn put(api: &mut ApiServer, setup: &RaceSetup, client: RaceClient, mut object: Value, replicas: i64, steps: &mut Vec<RaceStep>) -> u16 {
    if let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert("replicas".into(), Value::from(replicas));
    }
    let sent = object.pointer("/metadata/resourceVersion").and_then(Value::as_str).map(str::to_string);
    let response = api.handle(ApiRequest::Update { namespace: Some(setup.namespace.clone()), body: RequestBody::Object(object) });
    steps.push(RaceStep {
        client,
        verb: "PUT",
        resource_version_sent: sent,
        status_code: response.status_code,
        resource_version_received: response.resource_version().map(str::to_string),
        etcd_calls: etcd_calls(api, response.trace_id),
        status_body: response.status().map(|_| response.body_json()),
    });
    response.status_code
}
