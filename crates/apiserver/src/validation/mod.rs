//! Validation as kube-apiserver's registry strategies do it: a list of
//! [`FieldError`]s with field paths, turned into one 422 Invalid Status.
//!
//! Worked example: a Deployment with `replicas: -1` whose template labels do not
//! match its selector gives
//!
//! ```text
//! spec.replicas: Invalid value: -1: must be greater than or equal to 0
//! spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`
//! ```
//!
//! Only the rules a playground user is likely to hit are implemented (names,
//! labels, required fields, replicas, selectors, ports, data keys, immutable
//! fields); everything else is accepted as it is.

pub mod names;

use serde_json::{Map, Value};

use crate::resource::Resource;
use crate::status::FieldError;

/// Go's `%q` for a string (close enough to Rust's `{:?}` for printable text).
pub fn go_quote(text: &str) -> String {
    format!("{text:?}")
}

/// Go's `%#v` of a `map[string]string` (keys sorted, as Go prints maps).
pub fn go_string_map(map: Option<&Map<String, Value>>) -> String {
    match map {
        None => "map[string]string(nil)".to_string(),
        Some(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(key, value)| {
                    format!(
                        "{}:{}",
                        go_quote(key),
                        go_quote(value.as_str().unwrap_or_default())
                    )
                })
                .collect();
            format!("map[string]string{{{}}}", entries.join(", "))
        }
    }
}

fn go_label_selector(selector: &Value) -> String {
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}",
        go_string_map(selector.get("matchLabels").and_then(Value::as_object))
    )
}

fn string_at<'a>(object: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut current = object;
    for segment in path {
        current = current.get(*segment)?;
    }
    current.as_str()
}

/// The name rule each resource uses (`ValidateObjectMeta`'s name function).
fn name_messages(resource: Resource, name: &str) -> Vec<String> {
    match resource {
        Resource::Namespace => names::is_dns1123_label(name),
        Resource::Service => names::is_dns1035_label(name),
        _ => names::is_dns1123_subdomain(name),
    }
}

fn validate_metadata(resource: Resource, object: &Value, errors: &mut Vec<FieldError>) {
    let name = string_at(object, &["metadata", "name"]).unwrap_or_default();
    if name.is_empty() {
        errors.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        for message in name_messages(resource, name) {
            errors.push(FieldError::invalid(
                "metadata.name",
                go_quote(name),
                message,
            ));
        }
    }
    validate_labels(
        object
            .get("metadata")
            .and_then(|metadata| metadata.get("labels")),
        "metadata.labels",
        errors,
    );
}

fn validate_labels(labels: Option<&Value>, path: &str, errors: &mut Vec<FieldError>) {
    let Some(labels) = labels.and_then(Value::as_object) else {
        return;
    };
    for (key, value) in labels {
        for message in names::is_qualified_name(key) {
            errors.push(FieldError::invalid(path, go_quote(key), message));
        }
        let value = value.as_str().unwrap_or_default();
        for message in names::is_valid_label_value(value) {
            errors.push(FieldError::invalid(path, go_quote(value), message));
        }
    }
}

fn validate_pod_spec(spec: Option<&Value>, path: &str, errors: &mut Vec<FieldError>) {
    let containers = spec
        .and_then(|spec| spec.get("containers"))
        .and_then(Value::as_array);
    let Some(containers) = containers.filter(|list| !list.is_empty()) else {
        errors.push(FieldError::required(format!("{path}.containers"), ""));
        return;
    };
    let mut seen_names: Vec<&str> = Vec::new();
    for (index, container) in containers.iter().enumerate() {
        let container_path = format!("{path}.containers[{index}]");
        match container
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
        {
            "" => errors.push(FieldError::required(format!("{container_path}.name"), "")),
            name => {
                for message in names::is_dns1123_label(name) {
                    errors.push(FieldError::invalid(
                        format!("{container_path}.name"),
                        go_quote(name),
                        message,
                    ));
                }
                if seen_names.contains(&name) {
                    errors.push(FieldError {
                        field: format!("{container_path}.name"),
                        kind: crate::status::FieldErrorKind::Invalid,
                        value: go_quote(name),
                        detail: "Duplicate value".to_string(),
                    });
                }
                seen_names.push(name);
            }
        }
        if container
            .get("image")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .is_empty()
        {
            errors.push(FieldError::required(format!("{container_path}.image"), ""));
        }
        if let Some(ports) = container.get("ports").and_then(Value::as_array) {
            for (port_index, port) in ports.iter().enumerate() {
                let number = port
                    .get("containerPort")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                if !(1..=65535).contains(&number) {
                    errors.push(FieldError::invalid(
                        format!("{container_path}.ports[{port_index}].containerPort"),
                        number.to_string(),
                        "must be between 1 and 65535, inclusive",
                    ));
                }
            }
        }
    }
}

fn selector_matches(selector: &Map<String, Value>, labels: Option<&Map<String, Value>>) -> bool {
    selector
        .iter()
        .all(|(key, value)| labels.and_then(|labels| labels.get(key)) == Some(value))
}

fn validate_workload(object: &Value, errors: &mut Vec<FieldError>) {
    let spec = object.get("spec");
    if let Some(replicas) = spec
        .and_then(|spec| spec.get("replicas"))
        .and_then(Value::as_i64)
    {
        if replicas < 0 {
            errors.push(FieldError::invalid(
                "spec.replicas",
                replicas.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
    let template_labels = spec
        .and_then(|spec| spec.pointer("/template/metadata/labels"))
        .and_then(Value::as_object);
    match spec.and_then(|spec| spec.get("selector")) {
        None | Some(Value::Null) => errors.push(FieldError::required("spec.selector", "")),
        Some(selector) => {
            let match_labels = selector.get("matchLabels").and_then(Value::as_object);
            match match_labels.filter(|labels| !labels.is_empty()) {
                None => errors.push(FieldError::invalid(
                    "spec.selector",
                    go_label_selector(selector),
                    "empty selector is invalid for deployment",
                )),
                Some(match_labels) => {
                    if !selector_matches(match_labels, template_labels) {
                        errors.push(FieldError::invalid(
                            "spec.template.metadata.labels",
                            go_string_map(template_labels),
                            "`selector` does not match template `labels`",
                        ));
                    }
                }
            }
        }
    }
    validate_labels(
        spec.and_then(|spec| spec.pointer("/template/metadata/labels")),
        "spec.template.metadata.labels",
        errors,
    );
    let template_spec = spec.and_then(|spec| spec.pointer("/template/spec"));
    validate_pod_spec(template_spec, "spec.template.spec", errors);
    if let Some(policy) = template_spec
        .and_then(|spec| spec.get("restartPolicy"))
        .and_then(Value::as_str)
    {
        if policy != "Always" {
            errors.push(FieldError::not_supported(
                "spec.template.spec.restartPolicy",
                go_quote(policy),
                &["Always"],
            ));
        }
    }
}

fn validate_service(object: &Value, errors: &mut Vec<FieldError>) {
    let spec = object.get("spec");
    let service_type = spec
        .and_then(|spec| spec.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP");
    const TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if !TYPES.contains(&service_type) {
        errors.push(FieldError::not_supported(
            "spec.type",
            go_quote(service_type),
            &TYPES,
        ));
    }
    let ports = spec
        .and_then(|spec| spec.get("ports"))
        .and_then(Value::as_array);
    match ports.filter(|ports| !ports.is_empty()) {
        None if service_type != "ExternalName" => {
            errors.push(FieldError::required("spec.ports", ""))
        }
        None => {}
        Some(ports) => {
            for (index, port) in ports.iter().enumerate() {
                let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
                if !(1..=65535).contains(&number) {
                    errors.push(FieldError::invalid(
                        format!("spec.ports[{index}].port"),
                        number.to_string(),
                        "must be between 1 and 65535, inclusive",
                    ));
                }
                if ports.len() > 1
                    && port
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .is_empty()
                {
                    errors.push(FieldError::required(
                        format!("spec.ports[{index}].name"),
                        "",
                    ));
                }
            }
        }
    }
}

fn validate_data_keys(object: &Value, fields: &[&str], errors: &mut Vec<FieldError>) {
    for field in fields {
        let Some(data) = object.get(*field).and_then(Value::as_object) else {
            continue;
        };
        for key in data.keys() {
            for message in names::is_config_map_key(key) {
                errors.push(FieldError::invalid(
                    format!("{field}[{key}]"),
                    go_quote(key),
                    message,
                ));
            }
        }
    }
}

/// Validate an object for create (defaults already applied).
pub fn validate_create(resource: Resource, object: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    validate_metadata(resource, object, &mut errors);
    match resource {
        Resource::Deployment | Resource::ReplicaSet => validate_workload(object, &mut errors),
        Resource::Pod => validate_pod_spec(object.get("spec"), "spec", &mut errors),
        Resource::Service => validate_service(object, &mut errors),
        Resource::Secret => validate_data_keys(object, &["data", "stringData"], &mut errors),
        Resource::ConfigMap => validate_data_keys(object, &["data", "binaryData"], &mut errors),
        Resource::Namespace | Resource::Endpoints | Resource::Node => {}
    }
    errors
}

/// The message `ValidatePodUpdate` gives when a pod's spec changes beyond what is mutable.
pub const POD_UPDATE_FORBIDDEN: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// Validate an update: everything create checks, plus immutable fields.
pub fn validate_update(resource: Resource, new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errors = validate_create(resource, new);
    match resource {
        Resource::Deployment | Resource::ReplicaSet => {
            let new_selector = new.pointer("/spec/selector");
            if new_selector != old.pointer("/spec/selector") {
                errors.push(FieldError::invalid(
                    "spec.selector",
                    new_selector
                        .map(go_label_selector)
                        .unwrap_or_else(|| "nil".to_string()),
                    "field is immutable",
                ));
            }
        }
        Resource::Pod => {
            // Binding (nodeName from empty to a node) and image changes are the mutable parts.
            let mut old_spec = old.get("spec").cloned().unwrap_or(Value::Null);
            let mut new_spec = new.get("spec").cloned().unwrap_or(Value::Null);
            let old_node = string_at(old, &["spec", "nodeName"]).unwrap_or_default();
            for spec in [&mut old_spec, &mut new_spec] {
                if let Some(containers) = spec.get_mut("containers").and_then(Value::as_array_mut) {
                    for container in containers {
                        if let Some(map) = container.as_object_mut() {
                            map.remove("image");
                        }
                    }
                }
                if old_node.is_empty() {
                    if let Some(map) = spec.as_object_mut() {
                        map.remove("nodeName");
                    }
                }
            }
            if old_spec != new_spec {
                errors.push(FieldError::forbidden("spec", POD_UPDATE_FORBIDDEN));
            }
        }
        _ => {}
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_selector_that_does_not_match_the_template_is_reported_with_go_map_syntax() {
        let deployment = json!({"metadata":{"name":"web"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
            "template":{"metadata":{"labels":{"app":"api"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}});
        let errors = validate_create(Resource::Deployment, &deployment);
        let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(texts, vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"api\"}: `selector` does not match template `labels`".to_string()]);
    }

    #[test]
    fn a_pod_may_be_bound_once_but_not_moved() {
        let unbound =
            json!({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx"}]}});
        let bound = json!({"metadata":{"name":"p"},"spec":{"nodeName":"node-1","containers":[{"name":"c","image":"nginx"}]}});
        let moved = json!({"metadata":{"name":"p"},"spec":{"nodeName":"node-2","containers":[{"name":"c","image":"nginx"}]}});
        assert!(validate_update(Resource::Pod, &bound, &unbound).is_empty());
        assert_eq!(validate_update(Resource::Pod, &moved, &bound).len(), 1);
    }
}
