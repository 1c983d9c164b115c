//! The simulated kube-apiserver: the one and only holder of an etcd client.
//!
//! Worked example:
//!
//! ```text
//! let mut api = ApiServer::new(Box::new(InMemoryEtcd::new()), ApiServerConfig::default());
//! api.bootstrap();                                  // namespaces default, kube-system, kube-public, kube-node-lease
//! let created = api.handle(ApiRequest::Create { namespace: None, body: RequestBody::Text(yaml) });
//! created.status_code == 201, created.resource_version() == Some("6")
//! ```
//!
//! Inputs are [`ApiServer::handle`] and [`ApiServer::advance`] (periodic
//! compaction); outputs are the returned [`ApiResponse`]s, watch events
//! drained with [`ApiServer::take_watch_events`] and traces read with
//! [`ApiServer::trace`]. The etcd client is a private field: controllers,
//! the scheduler and the UI get `&mut ApiServer` and can reach etcd only
//! through the API.

mod compaction;
mod objects;
pub mod request;
mod watch;

use std::collections::{BTreeMap, VecDeque};

use mvcc::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, PutRequest, RangeRequest, RequestOp,
    ResponseOp, TxnRequest, TxnResponse, WatchId,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use serde_json::Value;

use crate::etcd::{Etcd, EtcdError};
use crate::resource::Resource;
use crate::status::Status;
use crate::storage::encryption::{EncryptionProvider, Transformer};
use crate::trace::{EtcdCall, EtcdOperation, EtcdOutcome, RequestTrace, TraceId, WatchHandle};

pub use compaction::COMPACT_REV_KEY;
pub use request::{ApiRequest, ApiResponse, RequestBody, ResponseBody, WatchEvent, WatchEventType};

/// How the apiserver is set up.
#[derive(Debug, Clone)]
pub struct ApiServerConfig {
    /// Seeds uids, generated names and encryption IVs (split per use).
    pub seed: u64,
    /// How Secrets are stored.
    pub secrets_encryption: EncryptionProvider,
    /// `--etcd-compaction-interval` (kube-apiserver default 5 minutes); None turns it off.
    pub compaction_interval_ms: Option<u64>,
    /// The wall-clock time (Unix ms) that virtual time 0 stands for, for creationTimestamp.
    pub clock_origin_unix_ms: u64,
    /// How often an update or delete retries its Txn when the object moved underneath it.
    pub max_storage_retries: u32,
    /// How many request traces are kept (oldest dropped first).
    pub trace_capacity: usize,
}

impl Default for ApiServerConfig {
    fn default() -> ApiServerConfig {
        ApiServerConfig {
            seed: 0,
            secrets_encryption: EncryptionProvider::Identity,
            compaction_interval_ms: Some(5 * 60 * 1000),
            // 2026-01-01T00:00:00Z
            clock_origin_unix_ms: 1_767_225_600_000,
            max_storage_retries: 16,
            trace_capacity: 512,
        }
    }
}

/// The namespaces a cluster starts with.
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-node-lease", "kube-public", "kube-system"];

/// One open Kubernetes watch.
struct KubeWatch {
    resource: Resource,
    etcd_watch: Option<WatchId>,
    requested_resource_version: i64,
    pending: VecDeque<WatchEvent>,
}

/// The simulated kube-apiserver.
pub struct ApiServer {
    /// Private on purpose: nothing outside this crate can reach etcd through the apiserver.
    etcd: Box<dyn Etcd>,
    config: ApiServerConfig,
    name_rng: ChaCha20Rng,
    transformer: Transformer,
    next_service_ip: u32,
    compactor: compaction::Compactor,
    watches: BTreeMap<WatchHandle, KubeWatch>,
    watch_by_etcd_id: BTreeMap<WatchId, WatchHandle>,
    next_watch_handle: u64,
    traces: VecDeque<RequestTrace>,
    next_trace_id: u64,
    /// Calls made by the request being handled (moved into its trace at the end).
    current_calls: Vec<EtcdCall>,
    current_revision: Option<i64>,
    /// `Deployment nginx` once the handler has parsed the body.
    current_target: Option<String>,
    trace_by_revision: BTreeMap<i64, TraceId>,
}

/// Split one seed into independent streams (SplitMix64 step).
fn derive_seed(seed: u64, stream: u64) -> u64 {
    let mut value = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    value ^ (value >> 31)
}

pub(crate) fn prefix_range_end(prefix: &str) -> Vec<u8> {
    mvcc::prefix_end(prefix.as_bytes())
}

impl ApiServer {
    /// An apiserver over `etcd`. It writes nothing until asked (see [`ApiServer::bootstrap`]).
    pub fn new(etcd: Box<dyn Etcd>, config: ApiServerConfig) -> ApiServer {
        let now_ms = etcd.now_ms();
        ApiServer {
            name_rng: ChaCha20Rng::seed_from_u64(derive_seed(config.seed, 1)),
            transformer: Transformer::new(
                config.secrets_encryption.clone(),
                derive_seed(config.seed, 2),
            ),
            compactor: compaction::Compactor::new(config.compaction_interval_ms, now_ms),
            etcd,
            config,
            // 10.96.0.1 is the `kubernetes` service; user services start after it.
            next_service_ip: 10,
            watches: BTreeMap::new(),
            watch_by_etcd_id: BTreeMap::new(),
            next_watch_handle: 1,
            traces: VecDeque::new(),
            next_trace_id: 1,
            current_calls: Vec::new(),
            current_revision: None,
            current_target: None,
            trace_by_revision: BTreeMap::new(),
        }
    }

    /// Create the system namespaces (idempotent: existing ones are left alone).
    /// Returns how many were created.
    pub fn bootstrap(&mut self) -> usize {
        SYSTEM_NAMESPACES
            .iter()
            .filter(|name| self.bootstrap_namespace(name))
            .count()
    }

    /// Create one system namespace, as [`ApiServer::bootstrap`] does for each
    /// (a caller that spreads the work over several turns calls it per name).
    /// True if it was created now.
    pub fn bootstrap_namespace(&mut self, name: &str) -> bool {
        let namespace =
            serde_json::json!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":name}});
        let response = self.handle(ApiRequest::Create {
            namespace: None,
            body: RequestBody::Object(namespace),
        });
        response.status_code == 201
    }

    /// The virtual clock, read from the etcd client.
    pub fn now_ms(&self) -> u64 {
        self.etcd.now_ms()
    }

    /// The virtual clock as an RFC 3339 timestamp (what creationTimestamp shows).
    pub fn now_timestamp(&self) -> String {
        crate::defaults::rfc3339_from_unix_ms(
            self.config
                .clock_origin_unix_ms
                .saturating_add(self.etcd.now_ms()),
        )
    }

    /// Switch how new Secret writes are stored (old values stay readable).
    pub fn set_secrets_encryption(&mut self, provider: EncryptionProvider) {
        self.transformer.set_provider(provider);
    }

    /// Handle one request.
    pub fn handle(&mut self, request: ApiRequest) -> ApiResponse {
        self.current_calls.clear();
        self.current_revision = None;
        self.current_target = None;
        let result = match request.clone() {
            ApiRequest::Create { namespace, body } => self.create(namespace, body),
            ApiRequest::Get {
                resource,
                namespace,
                name,
            } => self.get(resource, namespace.as_deref(), &name),
            ApiRequest::List {
                resource,
                namespace,
            } => self.list(resource, namespace.as_deref()),
            ApiRequest::Update { namespace, body } => self.update(namespace, body, false),
            ApiRequest::UpdateStatus { namespace, body } => self.update(namespace, body, true),
            ApiRequest::Delete {
                resource,
                namespace,
                name,
            } => self.delete(resource, namespace.as_deref(), &name, false),
            ApiRequest::FinalizeNamespace { name } => self.finalize_namespace(&name),
            ApiRequest::Watch {
                resource,
                namespace,
                resource_version,
            } => self.open_watch(resource, namespace.as_deref(), resource_version.as_deref()),
        };
        let (status_code, body) = match result {
            Ok(success) => success,
            Err(failure) => {
                let failure = failure.into_status(&request);
                (failure.code, ResponseBody::Status(failure))
            }
        };
        let summary = objects::summarize(&request, self.current_target.take());
        let trace_id = self.finish_trace(summary, status_code);
        ApiResponse {
            status_code,
            body,
            trace_id,
        }
    }

    /// Let virtual time pass: runs the periodic compaction when it is due and
    /// routes watch responses. Call it after the clock moved.
    pub fn advance(&mut self) {
        self.pump_watches();
        if self.compactor.is_due(self.etcd.now_ms()) {
            self.current_calls.clear();
            self.current_revision = None;
            let status_code = self.run_compaction();
            self.finish_trace(
                "compact (periodic, compact_rev_key)".to_string(),
                status_code,
            );
        }
    }

    /// The trace of a call, while it is still kept.
    pub fn trace(&self, id: TraceId) -> Option<&RequestTrace> {
        let first = self.traces.front()?.id.0;
        let index = id.0.checked_sub(first)?;
        self.traces.get(usize::try_from(index).ok()?)
    }

    /// All kept traces, oldest first.
    pub fn traces(&self) -> impl Iterator<Item = &RequestTrace> {
        self.traces.iter()
    }

    fn finish_trace(&mut self, summary: String, status_code: u16) -> TraceId {
        let id = TraceId(self.next_trace_id);
        self.next_trace_id += 1;
        let trace = RequestTrace {
            id,
            at_ms: self.etcd.now_ms(),
            summary,
            status_code,
            etcd_calls: std::mem::take(&mut self.current_calls),
            revision: self.current_revision,
            watch_events: Vec::new(),
        };
        if let Some(revision) = trace.revision {
            self.trace_by_revision.insert(revision, id);
        }
        self.traces.push_back(trace);
        while self.traces.len() > self.config.trace_capacity.max(1) {
            if let Some(dropped) = self.traces.pop_front() {
                if let Some(revision) = dropped.revision {
                    self.trace_by_revision.remove(&revision);
                }
            }
        }
        id
    }

    fn trace_mut(&mut self, id: TraceId) -> Option<&mut RequestTrace> {
        let first = self.traces.front()?.id.0;
        let index = usize::try_from(id.0.checked_sub(first)?).ok()?;
        self.traces.get_mut(index)
    }

    // ---- etcd calls, each recorded in the current trace ----

    fn record(
        &mut self,
        operation: EtcdOperation,
        description: String,
        outcome: EtcdOutcome,
        wrote: bool,
    ) {
        let raft_index = if wrote {
            self.etcd.last_raft_index()
        } else {
            None
        };
        self.current_calls.push(EtcdCall {
            operation,
            description,
            outcome,
            raft_index,
        });
    }

    fn etcd_get(&mut self, key: &str) -> Result<(Option<mvcc::KeyValue>, i64), EtcdError> {
        let request = RangeRequest {
            key: key.as_bytes().to_vec(),
            ..RangeRequest::default()
        };
        let result = self.etcd.range(request);
        let outcome = match &result {
            Ok(response) => EtcdOutcome::Answered {
                header_revision: response.header.revision,
                succeeded: None,
            },
            Err(error) => EtcdOutcome::Failed(error.to_string()),
        };
        self.record(EtcdOperation::Range, format!("get {key}"), outcome, false);
        let response = result?;
        Ok((response.kvs.into_iter().next(), response.header.revision))
    }

    fn etcd_list(&mut self, prefix: &str) -> Result<(Vec<mvcc::KeyValue>, i64), EtcdError> {
        let request = RangeRequest {
            key: prefix.as_bytes().to_vec(),
            range_end: prefix_range_end(prefix),
            ..RangeRequest::default()
        };
        let result = self.etcd.range(request);
        let outcome = match &result {
            Ok(response) => EtcdOutcome::Answered {
                header_revision: response.header.revision,
                succeeded: None,
            },
            Err(error) => EtcdOutcome::Failed(error.to_string()),
        };
        self.record(
            EtcdOperation::Range,
            format!("get {prefix} --prefix"),
            outcome,
            false,
        );
        let response = result?;
        Ok((response.kvs, response.header.revision))
    }

    fn etcd_txn(
        &mut self,
        description: String,
        request: TxnRequest,
    ) -> Result<TxnResponse, EtcdError> {
        let result = self.etcd.txn(request);
        let outcome = match &result {
            Ok(response) => EtcdOutcome::Answered {
                header_revision: response.header.revision,
                succeeded: Some(response.succeeded),
            },
            Err(error) => EtcdOutcome::Failed(error.to_string()),
        };
        let wrote = matches!(&result, Ok(response) if response.succeeded);
        self.record(EtcdOperation::Txn, description, outcome, wrote);
        result
    }

    /// `If mod(key) = expected Then put(key, value) Else get(key)`.
    fn txn_put_if_mod(
        &mut self,
        key: &str,
        expected_mod: i64,
        value: Vec<u8>,
        else_get: bool,
    ) -> Result<TxnResponse, EtcdError> {
        let compare = Compare {
            key: key.as_bytes().to_vec(),
            range_end: Vec::new(),
            result: CompareResult::Equal,
            target: CompareTarget::ModRevision(expected_mod),
        };
        let put = RequestOp::Put(PutRequest {
            key: key.as_bytes().to_vec(),
            value,
            lease: 0,
            prev_kv: false,
        });
        let failure = if else_get {
            vec![RequestOp::Range(RangeRequest {
                key: key.as_bytes().to_vec(),
                ..RangeRequest::default()
            })]
        } else {
            Vec::new()
        };
        let description = format!(
            "txn If mod({key}) = {expected_mod} Then put({key}){}",
            if else_get {
                format!(" Else get({key})")
            } else {
                String::new()
            }
        );
        self.etcd_txn(
            description,
            TxnRequest {
                compare: vec![compare],
                success: vec![put],
                failure,
            },
        )
    }

    /// `If mod(key) = expected Then delete(key) Else get(key)`.
    fn txn_delete_if_mod(
        &mut self,
        key: &str,
        expected_mod: i64,
    ) -> Result<TxnResponse, EtcdError> {
        let compare = Compare {
            key: key.as_bytes().to_vec(),
            range_end: Vec::new(),
            result: CompareResult::Equal,
            target: CompareTarget::ModRevision(expected_mod),
        };
        let delete = RequestOp::DeleteRange(DeleteRangeRequest {
            key: key.as_bytes().to_vec(),
            range_end: Vec::new(),
            prev_kv: false,
        });
        let get = RequestOp::Range(RangeRequest {
            key: key.as_bytes().to_vec(),
            ..RangeRequest::default()
        });
        let description =
            format!("txn If mod({key}) = {expected_mod} Then del({key}) Else get({key})");
        self.etcd_txn(
            description,
            TxnRequest {
                compare: vec![compare],
                success: vec![delete],
                failure: vec![get],
            },
        )
    }
}

/// The kv an `Else get(key)` branch returned.
fn else_branch_kv(response: &TxnResponse) -> Option<mvcc::KeyValue> {
    response.responses.iter().find_map(|op| match op {
        ResponseOp::Range(range) => range.kvs.first().cloned(),
        _ => None,
    })
}

/// Why a request failed, before it becomes a Status.
pub(crate) enum Failure {
    Status(Status),
    Etcd(EtcdError, Option<Resource>, String),
}

impl From<Status> for Failure {
    fn from(status: Status) -> Failure {
        Failure::Status(status)
    }
}

impl Failure {
    fn into_status(self, request: &ApiRequest) -> Status {
        match self {
            Failure::Status(status) => status,
            Failure::Etcd(EtcdError::Timeout, resource, name) => {
                let resource_text = resource
                    .map(Resource::qualified_resource)
                    .unwrap_or_default();
                let mut status = Status::internal(format!(
                    "the server was unable to return a response in the time allotted, but may still be processing the request ({} {resource_text})",
                    request.method()
                ));
                status.code = 504;
                status.reason = "Timeout".to_string();
                status.details = resource.map(|resource| crate::status::StatusDetails {
                    name,
                    group: resource.group().to_string(),
                    kind: resource.plural().to_string(),
                    causes: Vec::new(),
                });
                status
            }
            Failure::Etcd(error, _, _) => Status::internal(error.to_string()),
        }
    }
}

type Handled = Result<(u16, ResponseBody), Failure>;

#[allow(dead_code)]
fn object_name(object: &Value) -> &str {
    object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}
