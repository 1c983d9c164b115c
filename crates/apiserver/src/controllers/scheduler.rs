//! The scheduler: binds each unscheduled Pod to the Ready Node with the fewest Pods.
//!
//! Worked example: nodes `node-1` and `node-2`, three new pods `a`, `b`, `c`
//! (taken in creationTimestamp, then namespace/name order) go to node-1, node-2,
//! node-1: ties between equally loaded nodes go to the first by name.
//! Binding sets `spec.nodeName` through an update (kube-scheduler POSTs a
//! `pods/binding`; the apiserver here allows exactly that change: a nodeName
//! from empty to a node). A bound pod is "assumed" until the informer shows it,
//! so a slow watch cannot bind it twice.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::informer::{self, Informer};
use super::ControllerAction;
use crate::client::{update_with_retry, DEFAULT_RETRY_ATTEMPTS};
use crate::resource::Resource;
use crate::server::ApiServer;

const NAME: &str = "scheduler";

fn node_is_ready(node: &Value) -> bool {
    node.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|conditions| {
            conditions.iter().any(|condition| {
                condition["type"] == json!("Ready") && condition["status"] == json!("True")
            })
        })
        && node.pointer("/spec/unschedulable").and_then(Value::as_bool) != Some(true)
}

fn node_name_of(pod: &Value) -> Option<&str> {
    pod.pointer("/spec/nodeName")
        .and_then(Value::as_str)
        .filter(|node| !node.is_empty())
}

/// Owns the Pod and Node informers.
pub struct Scheduler {
    pods: Informer,
    nodes: Informer,
    /// Pods bound by this scheduler that the informer does not show bound yet.
    assumed: BTreeMap<String, String>,
}

impl Default for Scheduler {
    fn default() -> Self {
        Self::new()
    }
}

impl Scheduler {
    pub fn new() -> Scheduler {
        Scheduler {
            pods: Informer::new(Resource::Pod),
            nodes: Informer::new(Resource::Node),
            assumed: BTreeMap::new(),
        }
    }

    /// Bind every pending pod it can.
    pub fn reconcile(&mut self, api: &mut ApiServer) -> Vec<ControllerAction> {
        let mut actions = Vec::new();
        if !self.pods.sync(api) || !self.nodes.sync(api) {
            return actions;
        }
        let pods = &self.pods;
        self.assumed
            .retain(|key, _| pods.get(key).is_some_and(|pod| node_name_of(pod).is_none()));
        let mut load: BTreeMap<String, usize> = self
            .nodes
            .objects()
            .filter(|node| node_is_ready(node))
            .map(|node| (informer::name(node).to_string(), 0))
            .collect();
        if load.is_empty() {
            return actions;
        }
        let mut pending = Vec::new();
        for pod in self.pods.objects() {
            let key = informer::cache_key(pod);
            match node_name_of(pod).or_else(|| self.assumed.get(&key).map(String::as_str)) {
                Some(node) => {
                    if let Some(count) = load.get_mut(node) {
                        *count += 1;
                    }
                }
                None => {
                    let created = pod
                        .pointer("/metadata/creationTimestamp")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    pending.push((created, key, pod.clone()));
                }
            }
        }
        playground_core::sort::sort_by(&mut pending, |left, right| (&left.0, &left.1).cmp(&(&right.0, &right.1)));
        for (_, key, pod) in pending {
            // Fewest pods, then first by name (BTreeMap order).
            let Some(node) = load
                .iter()
                .min_by_key(|(name, count)| (**count, (*name).clone()))
                .map(|(name, _)| name.clone())
            else {
                break;
            };
            let namespace = informer::namespace(&pod).unwrap_or("default").to_string();
            let name = informer::name(&pod).to_string();
            let chosen = node.clone();
            let outcome = update_with_retry(
                api,
                Resource::Pod,
                Some(&namespace),
                &name,
                Some(pod),
                DEFAULT_RETRY_ATTEMPTS,
                |pod| {
                    informer::set_at(pod, &["spec", "nodeName"], json!(chosen));
                },
            );
            if outcome.response.is_success() {
                self.assumed.insert(key, node.clone());
                if let Some(count) = load.get_mut(&node) {
                    *count += 1;
                }
            }
            actions.push(ControllerAction::from_response(
                NAME,
                "bind",
                Resource::Pod,
                Some(&namespace),
                &name,
                &outcome.response,
            ));
        }
        actions
    }
}
