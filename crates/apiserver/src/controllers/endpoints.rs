//! The endpoints controller: one Endpoints object per Service, listing the
//! Ready Pods its selector matches (`/registry/services/endpoints/<ns>/<name>`).
//!
//! Worked example: Service `web` (selector app=web, port 80 → targetPort 8080)
//! with two Running pods at 10.244.0.2 and 10.244.1.2 gets
//! `subsets: [{addresses: [{ip: 10.244.0.2, nodeName, targetRef}, {ip: 10.244.1.2, ...}], ports: [{port: 8080, protocol: TCP}]}]`;
//! no ready pods gives an Endpoints object without subsets. Endpoints of a
//! deleted Service are deleted.

use serde_json::{json, Value};

use super::informer::{self, Informer};
use super::replicaset::is_pod_ready;
use super::ControllerAction;
use crate::client::{update_with_retry, DEFAULT_RETRY_ATTEMPTS};
use crate::resource::Resource;
use crate::server::{ApiRequest, ApiServer, RequestBody};

const NAME: &str = "endpoints-controller";

/// Owns the Service, Pod and Endpoints informers.
pub struct EndpointsController {
    services: Informer,
    pods: Informer,
    endpoints: Informer,
}

impl Default for EndpointsController {
    fn default() -> Self {
        Self::new()
    }
}

fn selector_matches(selector: &serde_json::Map<String, Value>, pod: &Value) -> bool {
    !selector.is_empty()
        && selector.iter().all(|(key, value)| {
            pod.pointer("/metadata/labels")
                .and_then(|labels| labels.get(key))
                == Some(value)
        })
}

/// The `subsets` an Endpoints object should have for `service`.
fn desired_subsets<'a>(service: &Value, pods: impl Iterator<Item = &'a Value>) -> Option<Value> {
    let selector = service
        .pointer("/spec/selector")
        .and_then(Value::as_object)?;
    let namespace = informer::namespace(service);
    let mut addresses: Vec<Value> = pods
        .filter(|pod| informer::namespace(pod) == namespace && selector_matches(selector, pod) && is_pod_ready(pod))
        .filter_map(|pod| {
            let ip = pod.pointer("/status/podIP").and_then(Value::as_str)?;
            Some(json!({
                "ip": ip,
                "nodeName": pod.pointer("/spec/nodeName").cloned().unwrap_or(Value::Null),
                "targetRef": {"kind": "Pod", "namespace": namespace, "name": informer::name(pod), "uid": informer::uid(pod)},
            }))
        })
        .collect();
    if addresses.is_empty() {
        return None;
    }
    playground_core::sort::sort_by(&mut addresses, |left, right| left["ip"].as_str().cmp(&right["ip"].as_str()));
    let ports: Vec<Value> = service
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .map(|ports| {
            ports
                .iter()
                .map(|port| {
                    let mut endpoint_port = json!({
                        "port": port.get("targetPort").filter(|target| target.is_number()).or_else(|| port.get("port")).cloned().unwrap_or(Value::Null),
                        "protocol": port.get("protocol").cloned().unwrap_or(json!("TCP")),
                    });
                    if let Some(name) = port.get("name") {
                        informer::set_at(&mut endpoint_port, &["name"], name.clone());
                    }
                    endpoint_port
                })
                .collect()
        })
        .unwrap_or_default();
    Some(json!([{"addresses": addresses, "ports": ports}]))
}

impl EndpointsController {
    pub fn new() -> EndpointsController {
        EndpointsController {
            services: Informer::new(Resource::Service),
            pods: Informer::new(Resource::Pod),
            endpoints: Informer::new(Resource::Endpoints),
        }
    }

    /// Bring every Service's Endpoints up to date.
    pub fn reconcile(&mut self, api: &mut ApiServer) -> Vec<ControllerAction> {
        let mut actions = Vec::new();
        if !self.services.sync(api) || !self.pods.sync(api) || !self.endpoints.sync(api) {
            return actions;
        }
        let services: Vec<Value> = self.services.objects().cloned().collect();
        for service in &services {
            if service
                .pointer("/spec/selector")
                .and_then(Value::as_object)
                .is_none_or(|selector| selector.is_empty())
            {
                // Without a selector the user manages Endpoints by hand.
                continue;
            }
            let namespace = informer::namespace(service)
                .unwrap_or("default")
                .to_string();
            let name = informer::name(service).to_string();
            let subsets = desired_subsets(service, self.pods.objects());
            let key = informer::cache_key(service);
            match self.endpoints.get(&key).cloned() {
                None => {
                    let mut endpoints = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": namespace}});
                    if let Some(subsets) = &subsets {
                        informer::set_at(&mut endpoints, &["subsets"], subsets.clone());
                    }
                    let response = api.handle(ApiRequest::Create {
                        namespace: Some(namespace.clone()),
                        body: RequestBody::Object(endpoints),
                    });
                    actions.push(ControllerAction::from_response(
                        NAME,
                        "create",
                        Resource::Endpoints,
                        Some(&namespace),
                        &name,
                        &response,
                    ));
                }
                Some(current) if current.get("subsets") != subsets.as_ref() => {
                    let outcome = update_with_retry(
                        api,
                        Resource::Endpoints,
                        Some(&namespace),
                        &name,
                        Some(current),
                        DEFAULT_RETRY_ATTEMPTS,
                        |endpoints| {
                            if let Some(map) = endpoints.as_object_mut() {
                                match &subsets {
                                    Some(subsets) => {
                                        map.insert("subsets".to_string(), subsets.clone())
                                    }
                                    None => map.remove("subsets"),
                                };
                            }
                        },
                    );
                    actions.push(ControllerAction::from_response(
                        NAME,
                        "update",
                        Resource::Endpoints,
                        Some(&namespace),
                        &name,
                        &outcome.response,
                    ));
                }
                Some(_) => {}
            }
        }
        // Endpoints whose Service is gone.
        let orphans: Vec<Value> = self
            .endpoints
            .objects()
            .filter(|endpoints| self.services.get(&informer::cache_key(endpoints)).is_none())
            .cloned()
            .collect();
        for orphan in orphans {
            let namespace = informer::namespace(&orphan)
                .unwrap_or("default")
                .to_string();
            let name = informer::name(&orphan).to_string();
            let response = api.handle(ApiRequest::Delete {
                resource: Resource::Endpoints,
                namespace: Some(namespace.clone()),
                name: name.clone(),
            });
            actions.push(ControllerAction::from_response(
                NAME,
                "delete",
                Resource::Endpoints,
                Some(&namespace),
                &name,
                &response,
            ));
        }
        actions
    }
}
