//! Client-side helpers used by controllers and tests: client-go's
//! `retry.RetryOnConflict` for read-modify-write loops.
//!
//! Worked example (the optimistic-locking race): client B read the Deployment
//! at resourceVersion 6, client A updated it to 7. B's update with "6" gets
//! 409 Conflict; `update_with_retry` re-reads (RV 7), applies B's change again
//! and succeeds on the second try: `RetryOutcome { attempts: 2, .. }`.

use serde_json::Value;

use crate::resource::Resource;
use crate::server::{ApiRequest, ApiResponse, ApiServer, RequestBody};

/// client-go's `retry.DefaultRetry` has 5 steps.
pub const DEFAULT_RETRY_ATTEMPTS: u32 = 5;

/// The last response and how many updates were sent.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryOutcome {
    pub response: ApiResponse,
    pub attempts: u32,
}

/// Read-modify-write with retry on 409 Conflict. `cached` is the copy the
/// caller already holds (from an informer or an earlier GET); without one the
/// first attempt GETs. `mutate` is applied to a fresh copy on every attempt.
pub fn update_with_retry(
    api: &mut ApiServer,
    resource: Resource,
    namespace: Option<&str>,
    name: &str,
    cached: Option<Value>,
    max_attempts: u32,
    mutate: impl FnMut(&mut Value),
) -> RetryOutcome {
    let target = Target { resource, namespace, name };
    retry_on_conflict(api, target, cached, max_attempts, mutate, |namespace, body| ApiRequest::Update { namespace, body })
}

/// Like [`update_with_retry`] for the status subresource.
pub fn update_status_with_retry(
    api: &mut ApiServer,
    resource: Resource,
    namespace: Option<&str>,
    name: &str,
    cached: Option<Value>,
    max_attempts: u32,
    mutate: impl FnMut(&mut Value),
) -> RetryOutcome {
    let target = Target { resource, namespace, name };
    retry_on_conflict(api, target, cached, max_attempts, mutate, |namespace, body| ApiRequest::UpdateStatus { namespace, body })
}

/// The object a retry loop works on.
struct Target<'a> {
    resource: Resource,
    namespace: Option<&'a str>,
    name: &'a str,
}

/// client-go's RetryOnConflict: GET (unless a copy is given), mutate, write
/// with `write`, and start again from a fresh GET while the answer is 409 Conflict.
fn retry_on_conflict(
    api: &mut ApiServer,
    target: Target<'_>,
    cached: Option<Value>,
    max_attempts: u32,
    mut mutate: impl FnMut(&mut Value),
    write: impl Fn(Option<String>, RequestBody) -> ApiRequest,
) -> RetryOutcome {
    let mut base = cached;
    let mut attempts = 0;
    loop {
        let mut object = match base.take() {
            Some(object) => object,
            None => {
                let fetched = api.handle(ApiRequest::Get {
                    resource: target.resource,
                    namespace: target.namespace.map(str::to_string),
                    name: target.name.to_string(),
                });
                match fetched.object() {
                    Some(object) => object.clone(),
                    None => return RetryOutcome { response: fetched, attempts },
                }
            }
        };
        mutate(&mut object);
        attempts += 1;
        let response = api.handle(write(target.namespace.map(str::to_string), RequestBody::Object(object)));
        let conflicted = response.status().is_some_and(|status| status.reason == "Conflict");
        if !conflicted || attempts >= max_attempts.max(1) {
            return RetryOutcome { response, attempts };
        }
    }
}

/// What `kubectl apply -f` did with one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    Created,
    Configured,
    Unchanged,
    Failed,
}

/// One document's result, with kubectl's line (`deployment.apps/nginx created`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyResult {
    pub outcome: ApplyOutcome,
    pub response: ApiResponse,
    pub kubectl_line: String,
}

/// `kubectl apply -f` for YAML/JSON text with one or more documents: create,
/// or on AlreadyExists replace without a resourceVersion precondition (the
/// playground's stand-in for client-side apply's merge patch; fields left out
/// of the manifest fall back to their defaults). `file` names the source in
/// error lines.
pub fn apply(api: &mut ApiServer, text: &str, file: &str) -> Vec<ApplyResult> {
    let documents = match crate::manifest::parse_manifests(text) {
        Ok(documents) => documents,
        Err(_) => {
            // Let the apiserver answer (and trace) the 400 itself.
            let response = api.handle(ApiRequest::Create {
                namespace: None,
                body: RequestBody::Text(text.to_string()),
            });
            let kubectl_line = failure_line(&response, file);
            return vec![ApplyResult {
                outcome: ApplyOutcome::Failed,
                response,
                kubectl_line,
            }];
        }
    };
    let mut results = Vec::with_capacity(documents.len());
    for mut document in documents {
        if let Some(metadata) = document.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.remove("resourceVersion");
        }
        let created = api.handle(ApiRequest::Create {
            namespace: None,
            body: RequestBody::Object(document.clone()),
        });
        let exists = created
            .status()
            .is_some_and(|status| status.reason == "AlreadyExists");
        let (outcome, response) = if created.status_code == 201 {
            (ApplyOutcome::Created, created)
        } else if exists {
            let updated = api.handle(ApiRequest::Update {
                namespace: None,
                body: RequestBody::Object(document.clone()),
            });
            let wrote = api
                .trace(updated.trace_id)
                .and_then(|trace| trace.revision)
                .is_some();
            match (updated.is_success(), wrote) {
                (true, true) => (ApplyOutcome::Configured, updated),
                (true, false) => (ApplyOutcome::Unchanged, updated),
                (false, _) => (ApplyOutcome::Failed, updated),
            }
        } else {
            (ApplyOutcome::Failed, created)
        };
        let kubectl_line = match outcome {
            ApplyOutcome::Failed => failure_line(&response, file),
            ApplyOutcome::Created | ApplyOutcome::Configured | ApplyOutcome::Unchanged => {
                let kind = document
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let api_version = document
                    .get("apiVersion")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let resource = Resource::from_kind(api_version, kind);
                let name = document
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let name = response
                    .object()
                    .and_then(|object| object.pointer("/metadata/name"))
                    .and_then(Value::as_str)
                    .unwrap_or(name);
                let word = match outcome {
                    ApplyOutcome::Created => "created",
                    ApplyOutcome::Configured => "configured",
                    _ => "unchanged",
                };
                let type_name = resource.map(|resource| match resource.group() {
                    "" => resource.kind().to_ascii_lowercase(),
                    group => format!("{}.{group}", resource.kind().to_ascii_lowercase()),
                });
                format!("{}/{name} {word}", type_name.unwrap_or_default())
            }
        };
        results.push(ApplyResult {
            outcome,
            response,
            kubectl_line,
        });
    }
    results
}

fn failure_line(response: &ApiResponse, file: &str) -> String {
    match response.status() {
        Some(status) => status.kubectl_error_line(Some(("creating", file))),
        None => format!("error: unexpected response {}", response.status_code),
    }
}
