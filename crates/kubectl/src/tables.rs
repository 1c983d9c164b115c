//! The human-readable printers: kubectl's table columns per resource (the server-side
//! table handlers of `pkg/printers/internalversion/printers.go`), and the type names
//! (`deployment.apps/web`) kubectl prints in `-o name` and after writes.
//!
//! ```text
//! NAME   READY   UP-TO-DATE   AVAILABLE   AGE
//! web    2/2     2            2           45s
//! ```

use apiserver::Resource;
use serde_json::Value;

use crate::text::{human_duration, parse_rfc3339_seconds};

/// `deployment.apps`, `pod`: the resource's kind in lower case, with its group.
pub fn type_name(resource: Resource) -> String {
    match resource.group() {
        "" => resource.kind().to_ascii_lowercase(),
        group => format!("{}.{group}", resource.kind().to_ascii_lowercase()),
    }
}

/// The column headers (wide adds the extra columns).
pub fn headers(resource: Resource, wide: bool) -> Vec<&'static str> {
    let (mut columns, extra): (Vec<&str>, &[&str]) = match resource {
        Resource::Pod => (
            vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        Resource::Deployment => (
            vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Resource::ReplicaSet => (
            vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Resource::Service => (
            vec!["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
            &["SELECTOR"],
        ),
        Resource::Endpoints => (vec!["NAME", "ENDPOINTS", "AGE"], &[]),
        Resource::Node => (
            vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
        ),
        Resource::Namespace => (vec!["NAME", "STATUS", "AGE"], &[]),
        Resource::Secret => (vec!["NAME", "TYPE", "DATA", "AGE"], &[]),
        Resource::ConfigMap => (vec!["NAME", "DATA", "AGE"], &[]),
    };
    if wide {
        columns.extend_from_slice(extra);
    }
    columns
}

fn text<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

fn int(object: &Value, pointer: &str) -> i64 {
    object.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text.to_string()
    }
}

/// `translateTimestampSince`: the object's age on the apiserver's clock, `<unknown>` without one.
pub fn age(object: &Value, now_seconds: i64) -> String {
    match parse_rfc3339_seconds(text(object, "/metadata/creationTimestamp")) {
        Some(created) => human_duration(now_seconds.saturating_sub(created)),
        None => "<unknown>".to_string(),
    }
}

/// `k=v,k2=v2` (sorted, as `labels.FormatLabels` prints them), or `<none>`.
pub fn format_labels(map: Option<&Value>) -> String {
    let pairs: Vec<String> = map
        .and_then(Value::as_object)
        .map(|map| map.iter().map(|(key, value)| format!("{key}={}", value.as_str().unwrap_or_default())).collect())
        .unwrap_or_default();
    if pairs.is_empty() {
        "<none>".to_string()
    } else {
        pairs.join(",")
    }
}

fn containers_and_images(object: &Value, pointer: &str) -> (String, String) {
    let containers = object.pointer(pointer).and_then(Value::as_array).cloned().unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|container| text(container, "/name")).collect();
    let images: Vec<&str> = containers.iter().map(|container| text(container, "/image")).collect();
    (names.join(","), images.join(","))
}

/// The selector column of workloads: `metav1.LabelSelectorAsSelector` text.
fn selector_text(object: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(labels) = object.pointer("/spec/selector/matchLabels").and_then(Value::as_object) {
        parts.extend(labels.iter().map(|(key, value)| format!("{key}={}", value.as_str().unwrap_or_default())));
    }
    if let Some(expressions) = object.pointer("/spec/selector/matchExpressions").and_then(Value::as_array) {
        for expression in expressions {
            let key = text(expression, "/key");
            let values: Vec<&str> = expression
                .get("values")
                .and_then(Value::as_array)
                .map(|values| values.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            parts.push(match text(expression, "/operator") {
                "In" => format!("{key} in ({})", values.join(",")),
                "NotIn" => format!("{key} notin ({})", values.join(",")),
                "Exists" => key.to_string(),
                _ => format!("!{key}"),
            });
        }
    }
    playground_core::sort::sort(&mut parts);
    if parts.is_empty() {
        "<none>".to_string()
    } else {
        parts.join(",")
    }
}

/// The pod's STATUS column (`printPod`): a terminating pod, a container's waiting or
/// terminated reason, else the phase.
fn pod_status(pod: &Value) -> String {
    let mut reason = text(pod, "/status/phase").to_string();
    if !text(pod, "/status/reason").is_empty() {
        reason = text(pod, "/status/reason").to_string();
    }
    let statuses = pod.pointer("/status/containerStatuses").and_then(Value::as_array).cloned().unwrap_or_default();
    for status in statuses.iter().rev() {
        let waiting = text(status, "/state/waiting/reason");
        let terminated = text(status, "/state/terminated/reason");
        if !waiting.is_empty() {
            reason = waiting.to_string();
        } else if !terminated.is_empty() {
            reason = terminated.to_string();
        }
    }
    if pod.pointer("/metadata/deletionTimestamp").is_some() {
        reason = "Terminating".to_string();
    }
    if reason.is_empty() {
        "Pending".to_string()
    } else {
        reason
    }
}

/// One row's cells, in `headers` order; `name` is the NAME cell as it should read.
pub fn row(resource: Resource, object: &Value, name: String, now_seconds: i64, wide: bool) -> Vec<String> {
    let age = age(object, now_seconds);
    let mut cells = vec![name];
    match resource {
        Resource::Pod => {
            let total = object.pointer("/spec/containers").and_then(Value::as_array).map_or(0, Vec::len);
            let statuses = object.pointer("/status/containerStatuses").and_then(Value::as_array).cloned().unwrap_or_default();
            let ready = statuses.iter().filter(|status| status.get("ready") == Some(&Value::Bool(true))).count();
            let restarts: i64 = statuses.iter().map(|status| int(status, "/restartCount")).sum();
            cells.extend([format!("{ready}/{total}"), pod_status(object), restarts.to_string(), age]);
            if wide {
                cells.extend([
                    or_none(text(object, "/status/podIP")),
                    or_none(text(object, "/spec/nodeName")),
                    or_none(text(object, "/status/nominatedNodeName")),
                    "<none>".to_string(),
                ]);
            }
        }
        Resource::Deployment => {
            let desired = int(object, "/spec/replicas");
            cells.extend([
                format!("{}/{desired}", int(object, "/status/readyReplicas")),
                int(object, "/status/updatedReplicas").to_string(),
                int(object, "/status/availableReplicas").to_string(),
                age,
            ]);
            if wide {
                let (containers, images) = containers_and_images(object, "/spec/template/spec/containers");
                cells.extend([containers, images, selector_text(object)]);
            }
        }
        Resource::ReplicaSet => {
            cells.extend([
                int(object, "/spec/replicas").to_string(),
                int(object, "/status/replicas").to_string(),
                int(object, "/status/readyReplicas").to_string(),
                age,
            ]);
            if wide {
                let (containers, images) = containers_and_images(object, "/spec/template/spec/containers");
                cells.extend([containers, images, selector_text(object)]);
            }
        }
        Resource::Service => {
            let service_type = text(object, "/spec/type");
            let ports: Vec<String> = object
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .map(|ports| {
                    ports
                        .iter()
                        .map(|port| {
                            let protocol = match text(port, "/protocol") {
                                "" => "TCP",
                                protocol => protocol,
                            };
                            match int(port, "/nodePort") {
                                0 => format!("{}/{protocol}", int(port, "/port")),
                                node_port => format!("{}:{node_port}/{protocol}", int(port, "/port")),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let external = match service_type {
                "LoadBalancer" => "<pending>".to_string(),
                _ => "<none>".to_string(),
            };
            cells.extend([
                if service_type.is_empty() { "ClusterIP".to_string() } else { service_type.to_string() },
                or_none(text(object, "/spec/clusterIP")),
                external,
                if ports.is_empty() { "<none>".to_string() } else { ports.join(",") },
                age,
            ]);
            if wide {
                cells.push(format_labels(object.pointer("/spec/selector")));
            }
        }
        Resource::Endpoints => {
            cells.extend([format_endpoints(object), age]);
        }
        Resource::Node => {
            let ready = object
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .and_then(|conditions| conditions.iter().find(|condition| text(condition, "/type") == "Ready"))
                .map(|condition| text(condition, "/status") == "True");
            let mut status = match ready {
                Some(true) => "Ready".to_string(),
                Some(false) => "NotReady".to_string(),
                None => "Unknown".to_string(),
            };
            if object.pointer("/spec/unschedulable") == Some(&Value::Bool(true)) {
                status.push_str(",SchedulingDisabled");
            }
            cells.extend([status, "<none>".to_string(), age, text(object, "/status/nodeInfo/kubeletVersion").to_string()]);
            if wide {
                let internal = object
                    .pointer("/status/addresses")
                    .and_then(Value::as_array)
                    .and_then(|addresses| addresses.iter().find(|address| text(address, "/type") == "InternalIP"))
                    .map(|address| text(address, "/address").to_string())
                    .unwrap_or_default();
                let unknown = |value: &str| if value.is_empty() { "<unknown>".to_string() } else { value.to_string() };
                cells.extend([
                    or_none(&internal),
                    "<none>".to_string(),
                    unknown(text(object, "/status/nodeInfo/osImage")),
                    unknown(text(object, "/status/nodeInfo/kernelVersion")),
                    unknown(text(object, "/status/nodeInfo/containerRuntimeVersion")),
                ]);
            }
        }
        Resource::Namespace => {
            cells.extend([text(object, "/status/phase").to_string(), age]);
        }
        Resource::Secret => {
            let data = object.get("data").and_then(Value::as_object).map_or(0, |data| data.len());
            cells.extend([text(object, "/type").to_string(), data.to_string(), age]);
        }
        Resource::ConfigMap => {
            let data = object.get("data").and_then(Value::as_object).map_or(0, |data| data.len())
                + object.get("binaryData").and_then(Value::as_object).map_or(0, |data| data.len());
            cells.extend([data.to_string(), age]);
        }
    }
    cells
}

/// `formatEndpoints`: up to three `ip:port`, then ` + N more...`; `<none>` when empty.
fn format_endpoints(object: &Value) -> String {
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut count = 0;
    let subsets = object.get("subsets").and_then(Value::as_array).cloned().unwrap_or_default();
    for subset in &subsets {
        let addresses = subset.get("addresses").and_then(Value::as_array).cloned().unwrap_or_default();
        let ports = subset.get("ports").and_then(Value::as_array).cloned().unwrap_or_default();
        for address in &addresses {
            let ip = text(address, "/ip");
            if ports.is_empty() {
                count += 1;
                if list.len() < MAX {
                    list.push(ip.to_string());
                }
            }
            for port in &ports {
                count += 1;
                if list.len() < MAX {
                    list.push(format!("{ip}:{}", int(port, "/port")));
                }
            }
        }
    }
    if list.is_empty() {
        return "<none>".to_string();
    }
    let joined = list.join(",");
    if count > list.len() {
        format!("{joined} + {} more...", count - list.len())
    } else {
        joined
    }
}
