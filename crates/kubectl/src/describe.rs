//! `kubectl describe`, short but shaped like kubectl's describers: `Key:  value` lines
//! aligned by Go's tabwriter (min width 0, padding 2), labels one per line, nested sections
//! indented by two, `Events:  <none>` at the end (the playground records no Events).
//!
//! ```text
//! Name:                   web
//! Namespace:              default
//! CreationTimestamp:      Thu, 01 Jan 2026 00:00:03 +0000
//! Labels:                 app=web
//! Annotations:            <none>
//! Selector:               app=web
//! Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
//! ```

use apiserver::{ApiRequest, ApiServer, Resource};
use serde_json::Value;

use crate::commands::{parse_targets, DescribeContext};
use crate::selector::Selector;
use crate::text::{rfc1123z, tabwrite, DESCRIBE};
use crate::KubectlOutput;

fn text<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

fn int(object: &Value, pointer: &str) -> i64 {
    object.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn none_if_empty(value: &str) -> &str {
    if value.is_empty() {
        "<none>"
    } else {
        value
    }
}

/// `Labels:\tapp=web\n\ttier=front` (one per line, sorted) or `<none>`.
fn map_lines(lines: &mut String, indent: &str, title: &str, map: Option<&Value>, separator: &str) {
    let pairs: Vec<String> = map
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(key, value)| format!("{key}{separator}{}", value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string())))
                .collect()
        })
        .unwrap_or_default();
    if pairs.is_empty() {
        lines.push_str(&format!("{indent}{title}:\t<none>\n"));
        return;
    }
    for (index, pair) in pairs.iter().enumerate() {
        if index == 0 {
            lines.push_str(&format!("{indent}{title}:\t{pair}\n"));
        } else {
            lines.push_str(&format!("{indent}\t{pair}\n"));
        }
    }
}

fn selector_text(object: &Value) -> String {
    let pairs: Vec<String> = object
        .pointer("/spec/selector/matchLabels")
        .or_else(|| object.pointer("/spec/selector").filter(|selector| selector.get("matchLabels").is_none()))
        .and_then(Value::as_object)
        .map(|map| map.iter().map(|(key, value)| format!("{key}={}", value.as_str().unwrap_or_default())).collect())
        .unwrap_or_default();
    pairs.join(",")
}

fn containers(lines: &mut String, indent: &str, object: &Value, pointer: &str, statuses: Option<&Vec<Value>>) {
    lines.push_str(&format!("{indent}Containers:\n"));
    for container in object.pointer(pointer).and_then(Value::as_array).cloned().unwrap_or_default() {
        let name = text(&container, "/name");
        // A pod's containers sit two columns in, a template's one column further than its title.
        let name_indent = if indent.is_empty() { "  " } else { "   " };
        let indent = "  ";
        lines.push_str(&format!("{name_indent}{name}:\n"));
        lines.push_str(&format!("{indent}  Image:\t{}\n", text(&container, "/image")));
        let ports: Vec<String> = container
            .get("ports")
            .and_then(Value::as_array)
            .map(|ports| {
                ports
                    .iter()
                    .map(|port| {
                        let protocol = match text(port, "/protocol") {
                            "" => "TCP",
                            protocol => protocol,
                        };
                        format!("{}/{protocol}", int(port, "/containerPort"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        lines.push_str(&format!("{indent}  Port:\t{}\n", none_if_empty(&ports.join(", "))));
        if let Some(statuses) = statuses {
            let status = statuses.iter().find(|status| text(status, "/name") == name);
            let state = status
                .and_then(|status| status.get("state"))
                .and_then(Value::as_object)
                .and_then(|state| state.keys().next().cloned())
                .map(|state| {
                    let mut chars = state.chars();
                    chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
                })
                .unwrap_or_else(|| "Waiting".to_string());
            lines.push_str(&format!("{indent}  State:\t{state}\n"));
            let ready = status.and_then(|status| status.get("ready")).and_then(Value::as_bool).unwrap_or(false);
            lines.push_str(&format!("{indent}  Ready:\t{}\n", if ready { "True" } else { "False" }));
            lines.push_str(&format!("{indent}  Restart Count:\t{}\n", status.map_or(0, |status| int(status, "/restartCount"))));
        }
        lines.push_str(&format!("{indent}  Environment:\t<none>\n"));
    }
}

/// The describe text of one object.
pub fn describe_object(resource: Resource, object: &Value) -> String {
    let mut lines = String::new();
    lines.push_str(&format!("Name:\t{}\n", text(object, "/metadata/name")));
    if resource.is_namespaced() {
        lines.push_str(&format!("Namespace:\t{}\n", text(object, "/metadata/namespace")));
    }
    let created = rfc1123z(text(object, "/metadata/creationTimestamp")).unwrap_or_else(|| "<unknown>".to_string());
    if resource != Resource::Pod {
        lines.push_str(&format!("CreationTimestamp:\t{created}\n"));
    }
    match resource {
        Resource::Pod => {
            let node = text(object, "/spec/nodeName");
            let host = text(object, "/status/hostIP");
            lines.push_str(&format!("Service Account:\t{}\n", none_if_empty(text(object, "/spec/serviceAccountName"))));
            let node_line = match (node, host) {
                ("", _) => "<none>".to_string(),
                (node, "") => node.to_string(),
                (node, host) => format!("{node}/{host}"),
            };
            lines.push_str(&format!("Node:\t{node_line}\n"));
            map_lines(&mut lines, "", "Labels", object.pointer("/metadata/labels"), "=");
            map_lines(&mut lines, "", "Annotations", object.pointer("/metadata/annotations"), ": ");
            lines.push_str(&format!("Status:\t{}\n", none_if_empty(text(object, "/status/phase"))));
            lines.push_str(&format!("IP:\t{}\n", text(object, "/status/podIP")));
            if let Some(owner) = object.pointer("/metadata/ownerReferences/0") {
                lines.push_str(&format!("Controlled By:\t{}/{}\n", text(owner, "/kind"), text(owner, "/name")));
            }
            let statuses = object.pointer("/status/containerStatuses").and_then(Value::as_array).cloned().unwrap_or_default();
            containers(&mut lines, "", object, "/spec/containers", Some(&statuses));
            lines.push_str("Conditions:\n  Type\tStatus\n");
            for condition in object.pointer("/status/conditions").and_then(Value::as_array).cloned().unwrap_or_default() {
                lines.push_str(&format!("  {}\t{}\n", text(&condition, "/type"), text(&condition, "/status")));
            }
        }
        Resource::Deployment | Resource::ReplicaSet => {
            map_lines(&mut lines, "", "Labels", object.pointer("/metadata/labels"), "=");
            map_lines(&mut lines, "", "Annotations", object.pointer("/metadata/annotations"), ": ");
            lines.push_str(&format!("Selector:\t{}\n", selector_text(object)));
            if resource == Resource::Deployment {
                let desired = int(object, "/spec/replicas");
                lines.push_str(&format!(
                    "Replicas:\t{desired} desired | {} updated | {} total | {} available | {} unavailable\n",
                    int(object, "/status/updatedReplicas"),
                    int(object, "/status/replicas"),
                    int(object, "/status/availableReplicas"),
                    int(object, "/status/unavailableReplicas"),
                ));
                let strategy = match text(object, "/spec/strategy/type") {
                    "" => "RollingUpdate",
                    strategy => strategy,
                };
                lines.push_str(&format!("StrategyType:\t{strategy}\n"));
            } else {
                if let Some(owner) = object.pointer("/metadata/ownerReferences/0") {
                    lines.push_str(&format!("Controlled By:\t{}/{}\n", text(owner, "/kind"), text(owner, "/name")));
                }
                lines.push_str(&format!(
                    "Replicas:\t{} current / {} desired\n",
                    int(object, "/status/replicas"),
                    int(object, "/spec/replicas")
                ));
            }
            lines.push_str("Pod Template:\n");
            map_lines(&mut lines, "  ", "Labels", object.pointer("/spec/template/metadata/labels"), "=");
            containers(&mut lines, "  ", object, "/spec/template/spec/containers", None);
        }
        Resource::Service => {
            map_lines(&mut lines, "", "Labels", object.pointer("/metadata/labels"), "=");
            map_lines(&mut lines, "", "Annotations", object.pointer("/metadata/annotations"), ": ");
            lines.push_str(&format!("Selector:\t{}\n", none_if_empty(&selector_text(object))));
            let service_type = match text(object, "/spec/type") {
                "" => "ClusterIP",
                other => other,
            };
            lines.push_str(&format!("Type:\t{service_type}\n"));
            lines.push_str(&format!("IP:\t{}\n", none_if_empty(text(object, "/spec/clusterIP"))));
            for port in object.pointer("/spec/ports").and_then(Value::as_array).cloned().unwrap_or_default() {
                let protocol = match text(&port, "/protocol") {
                    "" => "TCP",
                    protocol => protocol,
                };
                let name = none_if_empty(text(&port, "/name")).to_string();
                lines.push_str(&format!("Port:\t{name}  {}/{protocol}\n", int(&port, "/port")));
            }
        }
        Resource::Node => {
            map_lines(&mut lines, "", "Labels", object.pointer("/metadata/labels"), "=");
            map_lines(&mut lines, "", "Annotations", object.pointer("/metadata/annotations"), ": ");
            lines.push_str("Conditions:\n  Type\tStatus\tReason\n");
            for condition in object.pointer("/status/conditions").and_then(Value::as_array).cloned().unwrap_or_default() {
                lines.push_str(&format!(
                    "  {}\t{}\t{}\n",
                    text(&condition, "/type"),
                    text(&condition, "/status"),
                    text(&condition, "/reason")
                ));
            }
            lines.push_str("Addresses:\n");
            for address in object.pointer("/status/addresses").and_then(Value::as_array).cloned().unwrap_or_default() {
                lines.push_str(&format!("  {}:\t{}\n", text(&address, "/type"), text(&address, "/address")));
            }
        }
        Resource::Namespace => {
            map_lines(&mut lines, "", "Labels", object.pointer("/metadata/labels"), "=");
            map_lines(&mut lines, "", "Annotations", object.pointer("/metadata/annotations"), ": ");
            lines.push_str(&format!("Status:\t{}\n", text(object, "/status/phase")));
        }
        Resource::Endpoints | Resource::Secret | Resource::ConfigMap => {
            map_lines(&mut lines, "", "Labels", object.pointer("/metadata/labels"), "=");
            map_lines(&mut lines, "", "Annotations", object.pointer("/metadata/annotations"), ": ");
            if resource == Resource::Secret {
                lines.push_str(&format!("\nType:\t{}\n\nData\n====\n", text(object, "/type")));
                for (key, value) in object.get("data").and_then(Value::as_object).cloned().unwrap_or_default() {
                    // Secret values are base64: describe shows only their decoded size.
                    let encoded = value.as_str().unwrap_or_default().trim_end_matches('=').len();
                    lines.push_str(&format!("{key}:\t{} bytes\n", encoded * 3 / 4));
                }
            } else if resource == Resource::ConfigMap {
                lines.push_str("\nData\n====\n");
                for (key, value) in object.get("data").and_then(Value::as_object).cloned().unwrap_or_default() {
                    lines.push_str(&format!("{key}:\n----\n{}\n\n", value.as_str().unwrap_or_default()));
                }
            } else {
                let subsets = crate::tables::row(resource, object, String::new(), 0, false);
                lines.push_str(&format!("Subsets:\t{}\n", subsets.get(1).cloned().unwrap_or_default()));
            }
        }
    }
    lines.push_str("Events:\t<none>\n");
    tabwrite(&lines, DESCRIBE)
}

/// `kubectl describe TYPE [NAME_PREFIX | -l label] | TYPE/NAME`.
pub(crate) fn describe_command(context: &mut DescribeContext<'_>) -> KubectlOutput {
    let mut stderr = String::new();
    let mut failed = false;
    let mut described: Vec<String> = Vec::new();
    let finish = |stdout: String, stderr: String, failed: bool| KubectlOutput {
        output: console::CommandOutput { stdout, stderr, exit_code: i32::from(failed) },
        effects: Vec::new(),
    };
    if context.positionals.is_empty() {
        return finish(String::new(), "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl describe -h' for help and examples\n".to_string(), true);
    }
    let targets = match parse_targets(&context.positionals, true) {
        Ok(targets) => targets,
        Err(message) => return finish(String::new(), format!("{message}\n"), true),
    };
    let selector = match Selector::parse(context.selector.as_deref().unwrap_or_default()) {
        Ok(selector) => selector,
        Err(message) => return finish(String::new(), format!("error: {message}\n"), true),
    };
    let (resources, names) = match &targets {
        crate::commands::Targets::ByType { resources, names } => (resources.clone(), names.iter().map(|name| (None, name.clone())).collect::<Vec<_>>()),
        crate::commands::Targets::ByTypeName(pairs) => (Vec::new(), pairs.iter().map(|(resource, name)| (Some(*resource), name.clone())).collect()),
    };
    let namespace_for = |resource: Resource, all: bool, namespace: &str| (resource.is_namespaced() && !all).then(|| namespace.to_string());
    let list = |api: &mut ApiServer, resource: Resource, namespace: Option<String>| -> Vec<Value> {
        let response = api.handle(ApiRequest::List { resource, namespace });
        response.object().and_then(|list| list.get("items")).and_then(Value::as_array).cloned().unwrap_or_default()
    };
    if names.is_empty() {
        for resource in &resources {
            let items = list(context.api, *resource, namespace_for(*resource, context.all_namespaces, &context.namespace));
            described.extend(items.iter().filter(|item| selector.selects(item)).map(|item| describe_object(*resource, item)));
        }
        if described.is_empty() {
            let cluster_scoped = resources.iter().all(|resource| !resource.is_namespaced());
            stderr = if context.all_namespaces || cluster_scoped {
                "No resources found\n".to_string()
            } else {
                format!("No resources found in {} namespace.\n", context.namespace)
            };
        }
    } else {
        let pairs: Vec<(Resource, String)> = names
            .iter()
            .flat_map(|(resource, name)| match resource {
                Some(resource) => vec![(*resource, name.clone())],
                None => resources.iter().map(|resource| (*resource, name.clone())).collect(),
            })
            .collect();
        for (resource, name) in pairs {
            let namespace = resource.is_namespaced().then(|| context.namespace.clone());
            let response = context.api.handle(ApiRequest::Get { resource, namespace: namespace.clone(), name: name.clone() });
            match response.object() {
                Some(object) if response.is_success() => described.push(describe_object(resource, object)),
                _ => {
                    // kubectl describe TYPE NAME_PREFIX: every object whose name starts with it.
                    let matching: Vec<String> = list(context.api, resource, namespace)
                        .iter()
                        .filter(|item| item.pointer("/metadata/name").and_then(Value::as_str).is_some_and(|found| found.starts_with(&name)))
                        .map(|item| describe_object(resource, item))
                        .collect();
                    if matching.is_empty() {
                        if let Some(status) = response.status() {
                            stderr.push_str(&status.kubectl_error_line(None));
                            stderr.push('\n');
                        }
                        failed = true;
                    }
                    described.extend(matching);
                }
            }
        }
    }
    finish(described.join("\n\n"), stderr, failed)
}
