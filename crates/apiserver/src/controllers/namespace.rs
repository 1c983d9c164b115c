//! The namespace controller: empties a Terminating namespace, then finalizes it.
//!
//! Worked example: `kubectl delete namespace shop` turns `shop` Terminating
//! (the apiserver sets deletionTimestamp and refuses new content with 403).
//! On its next step this controller deletes every object under
//! `/registry/*/shop/` through the API, in a fixed resource order, and once a
//! round finds nothing left it sends `finalize`, which removes
//! `/registry/namespaces/shop`.

use serde_json::Value;

use super::informer::{self, Informer};
use super::ControllerAction;
use crate::resource::Resource;
use crate::server::{ApiRequest, ApiServer};

const NAME: &str = "namespace-controller";

/// Owns the Namespace informer.
pub struct NamespaceController {
    namespaces: Informer,
}

impl Default for NamespaceController {
    fn default() -> Self {
        Self::new()
    }
}

impl NamespaceController {
    pub fn new() -> NamespaceController {
        NamespaceController {
            namespaces: Informer::new(Resource::Namespace),
        }
    }

    /// Work on every Terminating namespace.
    pub fn reconcile(&mut self, api: &mut ApiServer) -> Vec<ControllerAction> {
        let mut actions = Vec::new();
        if !self.namespaces.sync(api) {
            return actions;
        }
        let terminating: Vec<String> = self
            .namespaces
            .objects()
            .filter(|namespace| {
                namespace.pointer("/status/phase").and_then(Value::as_str) == Some("Terminating")
            })
            .map(|namespace| informer::name(namespace).to_string())
            .collect();
        for namespace in terminating {
            let mut remaining = 0usize;
            let mut reachable = true;
            for resource in Resource::ALL
                .into_iter()
                .filter(|resource| resource.is_namespaced())
            {
                let listed = api.handle(ApiRequest::List {
                    resource,
                    namespace: Some(namespace.clone()),
                });
                let Some(items) = listed
                    .object()
                    .and_then(|list| list.get("items"))
                    .and_then(Value::as_array)
                    .cloned()
                else {
                    reachable = false;
                    continue;
                };
                for item in items {
                    let name = informer::name(&item).to_string();
                    let response = api.handle(ApiRequest::Delete {
                        resource,
                        namespace: Some(namespace.clone()),
                        name: name.clone(),
                    });
                    remaining += 1;
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
            if reachable && remaining == 0 {
                let response = api.handle(ApiRequest::FinalizeNamespace {
                    name: namespace.clone(),
                });
                actions.push(ControllerAction::from_response(
                    NAME,
                    "finalize",
                    Resource::Namespace,
                    None,
                    &namespace,
                    &response,
                ));
            }
        }
        actions
    }
}
