//! A kubelet stand-in: registers its Node and marks the Pods bound to it Running.
//!
//! Worked example: `Kubelet::new("node-1", 0)` creates Node `node-1`
//! (`/registry/minions/node-1`, Ready, InternalIP 10.0.0.10, podCIDR
//! 10.244.0.0/24) on its first step; a pod bound to node-1 then gets
//! `status.phase: Running`, a Ready condition, hostIP 10.0.0.10 and podIP
//! 10.244.0.2, .3, ... through the pods/status subresource. No containers run:
//! the playground shows the API side of a cluster.

use serde_json::{json, Value};

use super::informer::{self, Informer};
use super::ControllerAction;
use crate::client::{update_status_with_retry, DEFAULT_RETRY_ATTEMPTS};
use crate::resource::Resource;
use crate::server::{ApiRequest, ApiServer, RequestBody};

/// One node's agent.
pub struct Kubelet {
    node_name: String,
    node_index: u8,
    registered: bool,
    pods: Informer,
    next_pod_address: u32,
}

impl Kubelet {
    pub fn new(node_name: &str, node_index: u8) -> Kubelet {
        Kubelet {
            node_name: node_name.to_string(),
            node_index,
            registered: false,
            pods: Informer::new(Resource::Pod),
            next_pod_address: 2,
        }
    }

    /// The node's name.
    pub fn node_name(&self) -> &str {
        &self.node_name
    }

    fn host_ip(&self) -> String {
        format!("10.0.0.{}", 10 + u32::from(self.node_index))
    }

    fn node_object(&self) -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": self.node_name, "labels": {"kubernetes.io/hostname": self.node_name, "kubernetes.io/os": "linux"}},
            "spec": {"podCIDR": format!("10.244.{}.0/24", self.node_index)},
            "status": {
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
                "addresses": [{"type": "InternalIP", "address": self.host_ip()}, {"type": "Hostname", "address": self.node_name}],
                "capacity": {"cpu": "2", "memory": "4Gi", "pods": "110"},
            },
        })
    }

    /// Register the node once, then bring bound pods to Running.
    pub fn reconcile(&mut self, api: &mut ApiServer) -> Vec<ControllerAction> {
        let controller = format!("kubelet {}", self.node_name);
        let mut actions = Vec::new();
        if !self.registered {
            let response = api.handle(ApiRequest::Create {
                namespace: None,
                body: RequestBody::Object(self.node_object()),
            });
            // 409 AlreadyExists: registered by an earlier run; fine.
            self.registered = response.status_code == 201 || response.status_code == 409;
            actions.push(ControllerAction::from_response(
                &controller,
                "create",
                Resource::Node,
                None,
                &self.node_name,
                &response,
            ));
        }
        if !self.pods.sync(api) {
            return actions;
        }
        let mine: Vec<Value> = self
            .pods
            .objects()
            .filter(|pod| {
                pod.pointer("/spec/nodeName").and_then(Value::as_str)
                    == Some(self.node_name.as_str())
            })
            .filter(|pod| pod.pointer("/status/phase").and_then(Value::as_str) != Some("Running"))
            .cloned()
            .collect();
        for pod in mine {
            let namespace = informer::namespace(&pod).unwrap_or("default").to_string();
            let name = informer::name(&pod).to_string();
            let started = api.now_timestamp();
            let pod_ip = format!("10.244.{}.{}", self.node_index, self.next_pod_address);
            let host_ip = self.host_ip();
            let containers: Vec<Value> = pod
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .map(|containers| {
                    containers
                        .iter()
                        .map(|container| {
                            json!({
                                "name": container["name"], "image": container["image"], "ready": true, "started": true,
                                "restartCount": 0, "state": {"running": {"startedAt": started}},
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            let outcome = update_status_with_retry(
                api,
                Resource::Pod,
                Some(&namespace),
                &name,
                Some(pod),
                DEFAULT_RETRY_ATTEMPTS,
                |pod| {
                    informer::set_at(
                        pod,
                        &["status"],
                        json!({
                            "phase": "Running",
                            "conditions": [
                                {"type": "Initialized", "status": "True"},
                                {"type": "Ready", "status": "True"},
                                {"type": "ContainersReady", "status": "True"},
                                {"type": "PodScheduled", "status": "True"},
                            ],
                            "hostIP": host_ip,
                            "podIP": pod_ip,
                            "podIPs": [{"ip": pod_ip}],
                            "startTime": started,
                            "containerStatuses": containers,
                            "qosClass": "BestEffort",
                        }),
                    );
                },
            );
            if outcome.response.is_success() {
                self.next_pod_address += 1;
            }
            actions.push(ControllerAction::from_response(
                &controller,
                "update status",
                Resource::Pod,
                Some(&namespace),
                &name,
                &outcome.response,
            ));
        }
        actions
    }
}
