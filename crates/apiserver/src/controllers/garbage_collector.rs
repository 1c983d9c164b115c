//! The garbage collector: deletes ReplicaSets and Pods whose owners are gone
//! (background cascading deletion, kube-controller-manager's garbagecollector).
//!
//! Worked example: `kubectl delete deployment nginx` removes the Deployment
//! only. On its next step the collector sees ReplicaSet `nginx-<hash>` whose
//! owner uid no longer exists (confirmed with a live GET, not just the cache)
//! and deletes it; a step later the ReplicaSet's Pods follow.

use serde_json::Value;

use super::informer::{self, Informer};
use super::ControllerAction;
use crate::resource::Resource;
use crate::server::{ApiRequest, ApiServer};

const NAME: &str = "garbage-collector";

/// Watches dependents (ReplicaSets, Pods) and their owners.
pub struct GarbageCollector {
    dependents: Vec<Informer>,
}

impl Default for GarbageCollector {
    fn default() -> Self {
        Self::new()
    }
}

fn owner_resource(kind: &str) -> Option<Resource> {
    match kind {
        "Deployment" => Some(Resource::Deployment),
        "ReplicaSet" => Some(Resource::ReplicaSet),
        _ => None,
    }
}

impl GarbageCollector {
    pub fn new() -> GarbageCollector {
        GarbageCollector {
            dependents: vec![
                Informer::new(Resource::ReplicaSet),
                Informer::new(Resource::Pod),
            ],
        }
    }

    /// Delete every dependent whose owners are all gone.
    pub fn reconcile(&mut self, api: &mut ApiServer) -> Vec<ControllerAction> {
        let mut actions = Vec::new();
        for (index, resource) in [Resource::ReplicaSet, Resource::Pod]
            .into_iter()
            .enumerate()
        {
            let Some(informer) = self.dependents.get_mut(index) else {
                continue;
            };
            if !informer.sync(api) {
                continue;
            }
            let candidates: Vec<Value> = informer
                .objects()
                .filter(|object| {
                    object
                        .pointer("/metadata/ownerReferences")
                        .and_then(Value::as_array)
                        .is_some_and(|refs| !refs.is_empty())
                })
                .cloned()
                .collect();
            for dependent in candidates {
                let namespace = informer::namespace(&dependent)
                    .unwrap_or("default")
                    .to_string();
                let references = dependent
                    .pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let all_owners_gone = references.iter().all(|reference| {
                    let Some(owner_resource) = reference
                        .get("kind")
                        .and_then(Value::as_str)
                        .and_then(owner_resource)
                    else {
                        return false;
                    };
                    let owner_name = reference
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let owner_uid = reference
                        .get("uid")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    // A live read, so a stale cache never deletes a dependent of a live owner.
                    let owner = api.handle(ApiRequest::Get {
                        resource: owner_resource,
                        namespace: Some(namespace.clone()),
                        name: owner_name,
                    });
                    match owner.status_code {
                        404 => true,
                        200 => owner.object().map(informer::uid) != Some(owner_uid),
                        _ => false,
                    }
                });
                if all_owners_gone {
                    let name = informer::name(&dependent).to_string();
                    let response = api.handle(ApiRequest::Delete {
                        resource,
                        namespace: Some(namespace.clone()),
                        name: name.clone(),
                    });
                    actions.push(ControllerAction::from_response(
                        NAME,
                        "delete",
                        resource,
                        Some(&namespace),
                        &name,
                        &response,
                    ));
                }
            }
        }
        actions
    }
}
