//! Controllers that use the apiserver only: sans-IO state machines, each
//! stepped by `reconcile(&mut ApiServer) -> Vec<ControllerAction>`.
//!
//! Worked example (`kubectl scale deployment nginx --replicas=3`, then rounds
//! of [`ControllerManager::step`]):
//!
//! ```text
//! round 1  deployment-controller  create replicasets.apps default/nginx-<hash>   201
//! round 2  replicaset-controller  create pods default/nginx-<hash>-xxxxx (x3)     201
//! round 3  scheduler              bind pods ... to node-1 / node-2 / node-1       200
//!          replicaset-controller  update status replicasets.apps ...             200
//! round 4  kubelet node-1         update status pods ... (Running)               200
//! ...      until a round makes no writes
//! ```
//!
//! Every write goes through the apiserver (so it appears in the request trace
//! and under /registry); every controller keeps informers (list + watch) and
//! retries on 409 Conflict.

pub mod deployment;
pub mod endpoints;
pub mod expectations;
pub mod garbage_collector;
pub mod informer;
pub mod kubelet;
pub mod namespace;
pub mod replicaset;
pub mod scheduler;

use serde::{Deserialize, Serialize};

use crate::resource::Resource;
use crate::server::{ApiResponse, ApiServer};
use crate::trace::TraceId;

/// One write a controller sent, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControllerAction {
    pub controller: String,
    /// `create`, `update`, `update status`, `bind`, `delete`.
    pub verb: String,
    pub resource: Resource,
    pub namespace: Option<String>,
    pub name: String,
    pub status_code: u16,
    pub trace_id: TraceId,
}

impl ControllerAction {
    pub(crate) fn from_response(
        controller: &str,
        verb: &str,
        resource: Resource,
        namespace: Option<&str>,
        name: &str,
        response: &ApiResponse,
    ) -> ControllerAction {
        // A create with generateName learns its name from the response.
        let name = response
            .object()
            .and_then(|object| object.pointer("/metadata/name"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or(name);
        ControllerAction {
            controller: controller.to_string(),
            verb: verb.to_string(),
            resource,
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
            status_code: response.status_code,
            trace_id: response.trace_id,
        }
    }
}

/// All controllers of a small cluster: kube-controller-manager's deployment,
/// replicaset, garbage-collector, endpoints and namespace controllers,
/// kube-scheduler, and one kubelet stand-in per node.
pub struct ControllerManager {
    pub deployments: deployment::DeploymentController,
    pub replicasets: replicaset::ReplicaSetController,
    pub scheduler: scheduler::Scheduler,
    pub garbage_collector: garbage_collector::GarbageCollector,
    pub endpoints: endpoints::EndpointsController,
    pub namespaces: namespace::NamespaceController,
    pub kubelets: Vec<kubelet::Kubelet>,
}

/// The controllers a round runs after the kubelets, in this order: deployments,
/// replicasets, scheduler, garbage collector, endpoints, namespaces.
pub const CONTROLLERS_AFTER_KUBELETS: usize = 6;

impl ControllerManager {
    /// Controllers plus kubelets for `node_names` (in that order).
    pub fn new(node_names: &[&str]) -> ControllerManager {
        ControllerManager {
            deployments: deployment::DeploymentController::new(),
            replicasets: replicaset::ReplicaSetController::new(),
            scheduler: scheduler::Scheduler::new(),
            garbage_collector: garbage_collector::GarbageCollector::new(),
            endpoints: endpoints::EndpointsController::new(),
            namespaces: namespace::NamespaceController::new(),
            kubelets: node_names
                .iter()
                .enumerate()
                .map(|(index, node)| {
                    kubelet::Kubelet::new(node, u8::try_from(index).unwrap_or(u8::MAX))
                })
                .collect(),
        }
    }

    /// One round: every controller reconciles once, in a fixed order.
    pub fn step(&mut self, api: &mut ApiServer) -> Vec<ControllerAction> {
        (0..self.round_parts())
            .flat_map(|part| self.step_part(api, part))
            .collect()
    }

    /// How many controllers a round runs, one after the other (the kubelets,
    /// then the [`CONTROLLERS_AFTER_KUBELETS`] controllers): the parts of
    /// [`ControllerManager::step_part`].
    pub fn round_parts(&self) -> usize {
        self.kubelets.len() + CONTROLLERS_AFTER_KUBELETS
    }

    /// Part `part` of a round: one controller reconciles once. Running parts
    /// `0..round_parts()` in order is exactly [`ControllerManager::step`], so a
    /// caller may spread a round over several turns (the page does, to keep
    /// each frame short). A part past the end does nothing.
    pub fn step_part(&mut self, api: &mut ApiServer, part: usize) -> Vec<ControllerAction> {
        if let Some(kubelet) = self.kubelets.get_mut(part) {
            return kubelet.reconcile(api);
        }
        // One arm per controller: CONTROLLERS_AFTER_KUBELETS counts them.
        match part - self.kubelets.len() {
            0 => self.deployments.reconcile(api),
            1 => self.replicasets.reconcile(api),
            2 => self.scheduler.reconcile(api),
            3 => self.garbage_collector.reconcile(api),
            4 => self.endpoints.reconcile(api),
            5 => self.namespaces.reconcile(api),
            _ => Vec::new(),
        }
    }

    /// Step until a round makes no writes, at most `max_rounds` rounds.
    /// Returns every action, in order, and whether the cluster settled.
    pub fn run_until_settled(
        &mut self,
        api: &mut ApiServer,
        max_rounds: usize,
    ) -> (Vec<ControllerAction>, bool) {
        let mut all = Vec::new();
        for _ in 0..max_rounds {
            let actions = self.step(api);
            if actions.is_empty() {
                return (all, true);
            }
            all.extend(actions);
        }
        (all, false)
    }
}
