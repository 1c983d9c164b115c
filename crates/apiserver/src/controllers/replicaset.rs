//! The replicaset controller: keeps `spec.replicas` Pods per ReplicaSet.
//!
//! Worked example: ReplicaSet `nginx-5b8f7c9d6` (replicas 3, no pods yet)
//! creates three Pods with `generateName: nginx-5b8f7c9d6-` (the apiserver adds
//! 5 random characters), the template's labels and spec, and an owner reference
//! to the ReplicaSet. Scaled down to 1, it deletes two: unscheduled pods first,
//! then pending ones, then by name. Its status counts the Pods the kubelets
//! report Running.

use serde_json::{json, Value};

use super::deployment::omit_zero_counts;
use super::expectations::Expectations;
use super::informer::{self, Informer};
use super::ControllerAction;
use crate::client::{update_status_with_retry, DEFAULT_RETRY_ATTEMPTS};
use crate::resource::Resource;
use crate::server::{ApiRequest, ApiServer, RequestBody};

const NAME: &str = "replicaset-controller";

/// kube-controller-manager creates at most this many pods per ReplicaSet per sync (`BurstReplicas`).
pub const BURST_REPLICAS: i64 = 500;

/// Whether a pod is Running with a Ready condition.
pub fn is_pod_ready(pod: &Value) -> bool {
    let running = pod.pointer("/status/phase").and_then(Value::as_str) == Some("Running");
    let ready = pod
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|conditions| {
            conditions.iter().any(|condition| {
                condition["type"] == json!("Ready") && condition["status"] == json!("True")
            })
        });
    running && ready
}

/// Owns the ReplicaSet and Pod informers.
pub struct ReplicaSetController {
    replicasets: Informer,
    pods: Informer,
    expectations: Expectations,
}

impl Default for ReplicaSetController {
    fn default() -> Self {
        Self::new()
    }
}

impl ReplicaSetController {
    pub fn new() -> ReplicaSetController {
        ReplicaSetController {
            replicasets: Informer::new(Resource::ReplicaSet),
            pods: Informer::new(Resource::Pod),
            expectations: Expectations::default(),
        }
    }

    /// How often the pod informer listed (1 + relists).
    pub fn pod_informer_list_count(&self) -> u64 {
        self.pods.list_count()
    }

    /// One pass over every ReplicaSet.
    pub fn reconcile(&mut self, api: &mut ApiServer) -> Vec<ControllerAction> {
        let mut actions = Vec::new();
        if !self.replicasets.sync(api) || !self.pods.sync(api) {
            return actions;
        }
        let now_ms = api.now_ms();
        let replicasets: Vec<Value> = self.replicasets.objects().cloned().collect();
        for replicaset in replicasets {
            let key = informer::cache_key(&replicaset);
            if !self.expectations.is_satisfied(&key, &self.pods, now_ms) {
                continue;
            }
            self.reconcile_one(api, &replicaset, &key, &mut actions);
        }
        actions
    }

    fn reconcile_one(
        &mut self,
        api: &mut ApiServer,
        replicaset: &Value,
        key: &str,
        actions: &mut Vec<ControllerAction>,
    ) {
        let namespace = informer::namespace(replicaset)
            .unwrap_or("default")
            .to_string();
        let replicaset_name = informer::name(replicaset).to_string();
        let replicaset_uid = informer::uid(replicaset).to_string();
        let desired = replicaset
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let mut owned: Vec<Value> = self
            .pods
            .objects()
            .filter(|pod| informer::controller_uid(pod) == Some(replicaset_uid.as_str()))
            .cloned()
            .collect();
        let difference = desired - owned.len() as i64;
        if difference > 0 {
            for _ in 0..difference.min(BURST_REPLICAS) {
                let pod = new_pod(replicaset);
                let response = api.handle(ApiRequest::Create {
                    namespace: Some(namespace.clone()),
                    body: RequestBody::Object(pod),
                });
                let action = ControllerAction::from_response(
                    NAME,
                    "create",
                    Resource::Pod,
                    Some(&namespace),
                    "",
                    &response,
                );
                if response.status_code == 201 {
                    self.expectations.expect_create(
                        key,
                        format!("{namespace}/{}", action.name),
                        api.now_ms(),
                    );
                }
                let failed = !response.is_success();
                actions.push(action);
                if failed {
                    // Slow start: stop at the first failure, the next sync tries again.
                    break;
                }
            }
        } else if difference < 0 {
            // Unscheduled first, then not running, then by name.
            playground_core::sort::sort_by_key(&mut owned, |pod| {
                (
                    pod.pointer("/spec/nodeName")
                        .and_then(Value::as_str)
                        .is_some_and(|node| !node.is_empty()),
                    pod.pointer("/status/phase").and_then(Value::as_str) == Some("Running"),
                    informer::name(pod).to_string(),
                )
            });
            for pod in owned.iter().take(usize::try_from(-difference).unwrap_or(0)) {
                let name = informer::name(pod).to_string();
                let response = api.handle(ApiRequest::Delete {
                    resource: Resource::Pod,
                    namespace: Some(namespace.clone()),
                    name: name.clone(),
                });
                if response.is_success() {
                    self.expectations.expect_delete(
                        key,
                        format!("{namespace}/{name}"),
                        api.now_ms(),
                    );
                }
                actions.push(ControllerAction::from_response(
                    NAME,
                    "delete",
                    Resource::Pod,
                    Some(&namespace),
                    &name,
                    &response,
                ));
            }
        }
        let ready = owned.iter().filter(|pod| is_pod_ready(pod)).count() as i64;
        let generation = replicaset
            .pointer("/metadata/generation")
            .cloned()
            .unwrap_or(json!(1));
        let status = omit_zero_counts(json!({
            "replicas": owned.len(),
            "fullyLabeledReplicas": owned.len(),
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": generation,
        }));
        if difference == 0 && replicaset.get("status") != Some(&status) {
            let outcome = update_status_with_retry(
                api,
                Resource::ReplicaSet,
                Some(&namespace),
                &replicaset_name,
                Some(replicaset.clone()),
                DEFAULT_RETRY_ATTEMPTS,
                |replicaset| {
                    informer::set_at(replicaset, &["status"], status.clone());
                },
            );
            actions.push(ControllerAction::from_response(
                NAME,
                "update status",
                Resource::ReplicaSet,
                Some(&namespace),
                &replicaset_name,
                &outcome.response,
            ));
        }
    }
}

fn new_pod(replicaset: &Value) -> Value {
    let template = replicaset
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let replicaset_name = informer::name(replicaset);
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "generateName": format!("{replicaset_name}-"),
            "namespace": informer::namespace(replicaset).unwrap_or("default"),
            "labels": template.pointer("/metadata/labels").cloned().unwrap_or_else(|| json!({})),
            "ownerReferences": [{
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": replicaset_name,
                "uid": informer::uid(replicaset),
                "controller": true,
                "blockOwnerDeletion": true,
            }],
        },
        "spec": template.get("spec").cloned().unwrap_or_else(|| json!({})),
    })
}
