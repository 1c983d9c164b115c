//! The deployment controller: Deployment → ReplicaSet named
//! `<deployment>-<pod-template-hash>`.
//!
//! Worked example: Deployment `nginx` (replicas 3, template T) gets
//! ReplicaSet `nginx-<hash(T)>` with label `pod-template-hash=<hash(T)>`, an
//! owner reference to the Deployment (controller: true) and replicas 3.
//! Scaling the Deployment to 5 updates that ReplicaSet's replicas to 5.
//! Changing the template creates a new ReplicaSet and scales the old ones to
//! 0 (the playground rolls out like `Recreate`; RollingUpdate's surge steps
//! are not simulated).

use serde_json::{json, Value};

use super::expectations::Expectations;
use super::informer::{self, Informer};
use super::ControllerAction;
use crate::client::{update_status_with_retry, update_with_retry, DEFAULT_RETRY_ATTEMPTS};
use crate::defaults::safe_encode_string;
use crate::resource::Resource;
use crate::server::{ApiRequest, ApiServer, RequestBody};

const NAME: &str = "deployment-controller";

/// FNV-1a, 32 bits (the hasher of `controller.ComputeHash`).
pub fn fnv32a(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in bytes {
        hash ^= u32::from(*byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The `pod-template-hash` label of a pod template: FNV-1a of its canonical
/// JSON (Kubernetes hashes Go's `%#v` dump instead, so the values differ from
/// a real cluster's while having the same shape), spelled with SafeEncodeString.
pub fn pod_template_hash(template: &Value) -> String {
    let canonical = serde_json::to_vec(template).unwrap_or_default();
    safe_encode_string(&fnv32a(&canonical).to_string())
}

fn replicas(object: &Value) -> i64 {
    object
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

fn status_number(object: &Value, field: &str) -> i64 {
    object
        .get("status")
        .and_then(|status| status.get(field))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// Owns the Deployment and ReplicaSet informers.
pub struct DeploymentController {
    deployments: Informer,
    replicasets: Informer,
    expectations: Expectations,
}

impl Default for DeploymentController {
    fn default() -> Self {
        Self::new()
    }
}

impl DeploymentController {
    pub fn new() -> DeploymentController {
        DeploymentController {
            deployments: Informer::new(Resource::Deployment),
            replicasets: Informer::new(Resource::ReplicaSet),
            expectations: Expectations::default(),
        }
    }

    /// One pass over every Deployment.
    pub fn reconcile(&mut self, api: &mut ApiServer) -> Vec<ControllerAction> {
        let mut actions = Vec::new();
        if !self.deployments.sync(api) || !self.replicasets.sync(api) {
            return actions;
        }
        let now_ms = api.now_ms();
        let deployments: Vec<Value> = self.deployments.objects().cloned().collect();
        for deployment in deployments {
            let key = informer::cache_key(&deployment);
            if !self
                .expectations
                .is_satisfied(&key, &self.replicasets, now_ms)
            {
                continue;
            }
            self.reconcile_one(api, &deployment, &key, &mut actions);
        }
        actions
    }

    fn reconcile_one(
        &mut self,
        api: &mut ApiServer,
        deployment: &Value,
        key: &str,
        actions: &mut Vec<ControllerAction>,
    ) {
        let namespace = informer::namespace(deployment)
            .unwrap_or("default")
            .to_string();
        let deployment_name = informer::name(deployment).to_string();
        let deployment_uid = informer::uid(deployment).to_string();
        let template = deployment
            .pointer("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let hash = pod_template_hash(&template);
        let desired = replicas(deployment);
        let owned: Vec<Value> = self
            .replicasets
            .objects()
            .filter(|replicaset| {
                informer::controller_uid(replicaset) == Some(deployment_uid.as_str())
            })
            .cloned()
            .collect();
        let current = owned.iter().find(|replicaset| {
            replicaset
                .pointer("/metadata/labels/pod-template-hash")
                .and_then(Value::as_str)
                == Some(hash.as_str())
        });
        match current {
            None => {
                let replicaset =
                    new_replicaset(deployment, &template, &hash, desired, owned.len() + 1);
                let name = informer::name(&replicaset).to_string();
                let response = api.handle(ApiRequest::Create {
                    namespace: Some(namespace.clone()),
                    body: RequestBody::Object(replicaset),
                });
                if response.status_code == 201 {
                    self.expectations.expect_create(
                        key,
                        format!("{namespace}/{name}"),
                        api.now_ms(),
                    );
                }
                actions.push(ControllerAction::from_response(
                    NAME,
                    "create",
                    Resource::ReplicaSet,
                    Some(&namespace),
                    &name,
                    &response,
                ));
            }
            Some(replicaset) if replicas(replicaset) != desired => {
                let name = informer::name(replicaset).to_string();
                let outcome = update_with_retry(
                    api,
                    Resource::ReplicaSet,
                    Some(&namespace),
                    &name,
                    Some(replicaset.clone()),
                    DEFAULT_RETRY_ATTEMPTS,
                    |replicaset| {
                        informer::set_at(replicaset, &["spec", "replicas"], json!(desired));
                    },
                );
                actions.push(ControllerAction::from_response(
                    NAME,
                    "update",
                    Resource::ReplicaSet,
                    Some(&namespace),
                    &name,
                    &outcome.response,
                ));
            }
            Some(_) => {}
        }
        for old in owned.iter().filter(|replicaset| {
            replicaset
                .pointer("/metadata/labels/pod-template-hash")
                .and_then(Value::as_str)
                != Some(hash.as_str())
                && replicas(replicaset) != 0
        }) {
            let name = informer::name(old).to_string();
            let outcome = update_with_retry(
                api,
                Resource::ReplicaSet,
                Some(&namespace),
                &name,
                Some(old.clone()),
                DEFAULT_RETRY_ATTEMPTS,
                |replicaset| {
                    informer::set_at(replicaset, &["spec", "replicas"], json!(0));
                },
            );
            actions.push(ControllerAction::from_response(
                NAME,
                "update",
                Resource::ReplicaSet,
                Some(&namespace),
                &name,
                &outcome.response,
            ));
        }
        // Status: sums over the owned ReplicaSets as the informer sees them.
        let sum = |field: &str| {
            owned
                .iter()
                .map(|replicaset| status_number(replicaset, field))
                .sum::<i64>()
        };
        let updated_replicas = current
            .map(|replicaset| status_number(replicaset, "replicas"))
            .unwrap_or(0);
        let generation = deployment
            .pointer("/metadata/generation")
            .cloned()
            .unwrap_or(json!(1));
        let mut status = json!({
            "observedGeneration": generation,
            "replicas": sum("replicas"),
            "updatedReplicas": updated_replicas,
            "readyReplicas": sum("readyReplicas"),
            "availableReplicas": sum("availableReplicas"),
        });
        let unavailable = desired - sum("availableReplicas");
        if unavailable > 0 {
            status["unavailableReplicas"] = json!(unavailable);
        }
        // omitempty: zero counts are not serialized by the real apiserver either.
        let merged = omit_zero_counts(status);
        if deployment.get("status") != Some(&merged) {
            let outcome = update_status_with_retry(
                api,
                Resource::Deployment,
                Some(&namespace),
                &deployment_name,
                Some(deployment.clone()),
                DEFAULT_RETRY_ATTEMPTS,
                |deployment| {
                    informer::set_at(deployment, &["status"], merged.clone());
                },
            );
            actions.push(ControllerAction::from_response(
                NAME,
                "update status",
                Resource::Deployment,
                Some(&namespace),
                &deployment_name,
                &outcome.response,
            ));
        }
    }
}

/// Drop zero integer fields except `observedGeneration` (Go's `omitempty`).
pub(crate) fn omit_zero_counts(mut status: Value) -> Value {
    if let Some(map) = status.as_object_mut() {
        map.retain(|field, value| field == "observedGeneration" || value != &json!(0));
    }
    status
}

fn new_replicaset(
    deployment: &Value,
    template: &Value,
    hash: &str,
    replicas: i64,
    revision: usize,
) -> Value {
    let deployment_name = informer::name(deployment);
    let mut template = template.clone();
    informer::set_at(
        &mut template,
        &["metadata", "labels", "pod-template-hash"],
        json!(hash),
    );
    let mut selector = deployment
        .pointer("/spec/selector")
        .cloned()
        .unwrap_or_else(|| json!({"matchLabels":{}}));
    informer::set_at(
        &mut selector,
        &["matchLabels", "pod-template-hash"],
        json!(hash),
    );
    let labels = template
        .pointer("/metadata/labels")
        .cloned()
        .unwrap_or_else(|| json!({}));
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": format!("{deployment_name}-{hash}"),
            "namespace": informer::namespace(deployment).unwrap_or("default"),
            "labels": labels,
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                "deployment.kubernetes.io/revision": revision.to_string(),
            },
            "ownerReferences": [{
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": deployment_name,
                "uid": informer::uid(deployment),
                "controller": true,
                "blockOwnerDeletion": true,
            }],
        },
        "spec": {"replicas": replicas, "selector": selector, "template": template},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_hash_is_stable_and_changes_with_the_template() {
        let template = json!({"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}});
        let mut changed = template.clone();
        changed["spec"]["containers"][0]["image"] = json!("nginx:1.28");
        assert_eq!(
            pod_template_hash(&template),
            pod_template_hash(&template.clone())
        );
        assert_ne!(pod_template_hash(&template), pod_template_hash(&changed));
        assert!(pod_template_hash(&template).len() <= 10);
        assert_eq!(fnv32a(b""), 0x811c_9dc5);
        assert_eq!(fnv32a(b"a"), 0xe40c_292c);
    }
}
