//! Reading manifests the way `kubectl apply -f` accepts them: YAML or JSON,
//! one or several documents, then finding the resource from `apiVersion` + `kind`
//! and checking the JSON types of the fields the simulation reads.
//!
//! Worked example:
//!
//! ```text
//! "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nginx}\n..."
//!   -> parse_manifests      -> [Value { apiVersion: "apps/v1", kind: "Deployment", ... }]
//!   -> resolve_resource     -> Resource::Deployment
//!   -> check_field_types    -> Ok, or 400 `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`
//! ```
//!
//! Objects stay `serde_json::Value` (see the crate docs for why not `k8s-openapi`);
//! this module is the typed gate in front of them.

use serde_json::Value;

use crate::resource::Resource;
use crate::status::Status;

/// Documents are bounded so a pasted file cannot make the page loop forever.
pub const MAX_DOCUMENTS: usize = 64;

/// `{"`: the first key is quoted, so the author meant JSON.
fn looks_like_json(trimmed: &str) -> bool {
    trimmed
        .trim_start_matches('{')
        .trim_start()
        .starts_with('"')
        || trimmed
            .trim_start_matches('{')
            .trim_start()
            .starts_with('}')
}

/// Parse YAML or JSON text into JSON documents (empty YAML documents are skipped).
/// A body that starts with `{` is parsed as JSON, with JSON's error texts.
pub fn parse_manifests(text: &str) -> Result<Vec<Value>, Status> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return match serde_json::from_slice::<Value>(trimmed.as_bytes()) {
            Ok(value) => Ok(vec![value]),
            Err(error) if error.is_eof() => {
                // Go's encoding/json text for a cut-off document.
                Err(Status::bad_request(
                    "couldn't get version/kind; json parse error: unexpected end of JSON input",
                ))
            }
            // `{kind: Pod, ...}` (unquoted keys) is a YAML flow mapping, which kubectl
            // accepts too; a body with quoted keys is JSON and gets JSON's error.
            Err(error) if !looks_like_json(trimmed) => match crate::yaml::parse_documents(text) {
                Ok(documents) if documents.len() == 1 && documents[0].is_object() => Ok(documents),
                _ => Err(Status::bad_request(format!(
                    "couldn't get version/kind; json parse error: {error}"
                ))),
            },
            Err(error) => Err(Status::bad_request(format!(
                "couldn't get version/kind; json parse error: {error}"
            ))),
        };
    }
    let parsed = crate::yaml::parse_documents(text)
        .map_err(|error| Status::bad_request(format!("error converting YAML to JSON: {error}")))?;
    if parsed.len() > MAX_DOCUMENTS {
        return Err(Status::bad_request(format!(
            "too many documents: at most {MAX_DOCUMENTS} are accepted"
        )));
    }
    let documents: Vec<Value> = parsed
        .into_iter()
        .filter(|document| !document.is_null())
        .collect();
    if documents.is_empty() {
        return Err(Status::bad_request("Object 'Kind' is missing in ''"));
    }
    Ok(documents)
}

/// Parse text that must hold exactly one object.
pub fn parse_manifest(text: &str) -> Result<Value, Status> {
    let mut documents = parse_manifests(text)?;
    if documents.len() != 1 {
        return Err(Status::bad_request(format!(
            "expected one object, found {} documents",
            documents.len()
        )));
    }
    Ok(documents.remove(0))
}

/// The resource an object claims to be, or the Kubernetes-style error:
/// a missing kind or apiVersion is 400, an unknown kind or a kind in the wrong
/// version is `no matches for kind "X" in version "v"`.
pub fn resolve_resource(object: &Value) -> Result<Resource, Status> {
    let compact = || serde_json::to_string(object).unwrap_or_default();
    let Some(map) = object.as_object() else {
        return Err(Status::bad_request(format!(
            "Object 'Kind' is missing in '{}'",
            compact()
        )));
    };
    let kind = match map.get("kind") {
        Some(Value::String(kind)) if !kind.is_empty() => kind.as_str(),
        _ => {
            return Err(Status::bad_request(format!(
                "Object 'Kind' is missing in '{}'",
                compact()
            )))
        }
    };
    let api_version = match map.get("apiVersion") {
        Some(Value::String(version)) if !version.is_empty() => version.as_str(),
        _ => {
            return Err(Status::bad_request(format!(
                "Object 'apiVersion' is missing in '{}'",
                compact()
            )))
        }
    };
    Resource::from_kind(api_version, kind).ok_or_else(|| Status::no_kind_match(api_version, kind))
}

/// The JSON types the Go structs expect, for the fields the simulation reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum JsonType {
    Object,
    Array,
    String,
    Integer,
    StringMap,
}

impl JsonType {
    fn accepts(self, value: &Value) -> bool {
        match self {
            JsonType::Object => value.is_object(),
            JsonType::Array => value.is_array(),
            JsonType::String => value.is_string(),
            JsonType::Integer => value.is_i64() || value.is_u64(),
            JsonType::StringMap => value
                .as_object()
                .is_some_and(|map| map.values().all(|item| item.is_string())),
        }
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(number) if number.is_f64() => "number",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// (path segments, expected type, Go struct name, Go field type). `[]` = every item.
type FieldRule = (
    &'static [&'static str],
    JsonType,
    &'static str,
    &'static str,
);

const METADATA_RULES: &[FieldRule] = &[
    (&["metadata"], JsonType::Object, "", "v1.ObjectMeta"),
    (
        &["metadata", "name"],
        JsonType::String,
        "ObjectMeta",
        "string",
    ),
    (
        &["metadata", "generateName"],
        JsonType::String,
        "ObjectMeta",
        "string",
    ),
    (
        &["metadata", "namespace"],
        JsonType::String,
        "ObjectMeta",
        "string",
    ),
    (
        &["metadata", "resourceVersion"],
        JsonType::String,
        "ObjectMeta",
        "string",
    ),
    (
        &["metadata", "labels"],
        JsonType::StringMap,
        "ObjectMeta",
        "map[string]string",
    ),
    (
        &["metadata", "annotations"],
        JsonType::StringMap,
        "ObjectMeta",
        "map[string]string",
    ),
    (
        &["metadata", "ownerReferences"],
        JsonType::Array,
        "ObjectMeta",
        "[]v1.OwnerReference",
    ),
];

const POD_SPEC_RULES: &[FieldRule] = &[
    (
        &["containers"],
        JsonType::Array,
        "PodSpec",
        "[]v1.Container",
    ),
    (
        &["containers", "[]"],
        JsonType::Object,
        "PodSpec",
        "v1.Container",
    ),
    (
        &["containers", "[]", "name"],
        JsonType::String,
        "Container",
        "string",
    ),
    (
        &["containers", "[]", "image"],
        JsonType::String,
        "Container",
        "string",
    ),
    (
        &["containers", "[]", "ports"],
        JsonType::Array,
        "Container",
        "[]v1.ContainerPort",
    ),
    (
        &["containers", "[]", "ports", "[]", "containerPort"],
        JsonType::Integer,
        "ContainerPort",
        "int32",
    ),
    (&["nodeName"], JsonType::String, "PodSpec", "string"),
];

const WORKLOAD_RULES: &[FieldRule] = &[
    (&["spec"], JsonType::Object, "", "v1.DeploymentSpec"),
    (
        &["spec", "replicas"],
        JsonType::Integer,
        "DeploymentSpec",
        "int32",
    ),
    (
        &["spec", "selector"],
        JsonType::Object,
        "DeploymentSpec",
        "v1.LabelSelector",
    ),
    (
        &["spec", "selector", "matchLabels"],
        JsonType::StringMap,
        "LabelSelector",
        "map[string]string",
    ),
    (
        &["spec", "template"],
        JsonType::Object,
        "DeploymentSpec",
        "v1.PodTemplateSpec",
    ),
    (
        &["spec", "template", "metadata", "labels"],
        JsonType::StringMap,
        "ObjectMeta",
        "map[string]string",
    ),
];

const SERVICE_RULES: &[FieldRule] = &[
    (&["spec"], JsonType::Object, "", "v1.ServiceSpec"),
    (
        &["spec", "selector"],
        JsonType::StringMap,
        "ServiceSpec",
        "map[string]string",
    ),
    (
        &["spec", "ports"],
        JsonType::Array,
        "ServiceSpec",
        "[]v1.ServicePort",
    ),
    (
        &["spec", "ports", "[]", "port"],
        JsonType::Integer,
        "ServicePort",
        "int32",
    ),
];

const DATA_RULES: &[FieldRule] = &[
    (&["data"], JsonType::StringMap, "", "map[string]string"),
    (
        &["stringData"],
        JsonType::StringMap,
        "",
        "map[string]string",
    ),
];

fn check_rules(
    object: &Value,
    base: &[&str],
    rules: &[FieldRule],
    resource: Resource,
    top_struct: &str,
) -> Result<(), Status> {
    for (path, expected, go_struct, go_type) in rules {
        let mut full_path: Vec<&str> = base.to_vec();
        full_path.extend_from_slice(path);
        let mut found = Vec::new();
        collect_at(object, &full_path, 0, &mut String::new(), &mut found);
        for (dotted, value) in found {
            if value.is_null() || expected.accepts(value) {
                continue;
            }
            let struct_name = if go_struct.is_empty() {
                top_struct
            } else {
                go_struct
            };
            let shown = if matches!(expected, JsonType::StringMap) && value.is_object() {
                // A map with a non-string value: Go reports the value's type.
                let bad = value
                    .as_object()
                    .and_then(|map| map.values().find(|item| !item.is_string()));
                format!(
                    "json: cannot unmarshal {} into Go struct field {struct_name}.{dotted} of type string",
                    bad.map(json_type_name).unwrap_or("value")
                )
            } else {
                format!(
                    "json: cannot unmarshal {} into Go struct field {struct_name}.{dotted} of type {go_type}",
                    json_type_name(value)
                )
            };
            return Err(Status::bad_request(format!(
                "{kind} in version \"{version}\" cannot be handled as a {kind}: {shown}",
                kind = resource.kind(),
                version = resource.api_version().rsplit('/').next().unwrap_or("v1"),
            )));
        }
    }
    Ok(())
}

/// Collect every value at `path` (with `[]` fanning out over arrays), with a
/// dotted path as Go's decoder prints it (array indexes are not printed).
fn collect_at<'a>(
    value: &'a Value,
    path: &[&str],
    depth: usize,
    dotted: &mut String,
    out: &mut Vec<(String, &'a Value)>,
) {
    let Some(segment) = path.get(depth) else {
        out.push((dotted.clone(), value));
        return;
    };
    if *segment == "[]" {
        if let Value::Array(items) = value {
            for item in items {
                collect_at(item, path, depth + 1, dotted, out);
            }
        }
        return;
    }
    if let Some(child) = value.get(*segment) {
        let before = dotted.len();
        if !dotted.is_empty() {
            dotted.push('.');
        }
        dotted.push_str(segment);
        collect_at(child, path, depth + 1, dotted, out);
        dotted.truncate(before);
    }
}

/// Check the JSON types of the fields the apiserver and the controllers read,
/// answering 400 with the Go decoder's wording when one is wrong.
pub fn check_field_types(resource: Resource, object: &Value) -> Result<(), Status> {
    let top = resource.kind();
    check_rules(object, &[], METADATA_RULES, resource, top)?;
    match resource {
        Resource::Pod => {
            check_rules(
                object,
                &[],
                &[(&["spec"], JsonType::Object, "", "v1.PodSpec")],
                resource,
                top,
            )?;
            check_rules(object, &["spec"], POD_SPEC_RULES, resource, top)
        }
        Resource::Deployment | Resource::ReplicaSet => {
            check_rules(object, &[], WORKLOAD_RULES, resource, top)?;
            check_rules(
                object,
                &["spec", "template", "spec"],
                POD_SPEC_RULES,
                resource,
                top,
            )
        }
        Resource::Service => check_rules(object, &[], SERVICE_RULES, resource, top),
        Resource::Secret | Resource::ConfigMap => {
            check_rules(object, &[], DATA_RULES, resource, top)
        }
        Resource::Namespace | Resource::Endpoints | Resource::Node => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_give_the_same_object() {
        let from_yaml = parse_manifest(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n",
        );
        let from_json = parse_manifest(
            r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}"#,
        );
        assert_eq!(from_yaml, from_json);
        assert!(from_yaml.is_ok());
    }

    #[test]
    fn a_yaml_flow_mapping_is_not_mistaken_for_broken_json() {
        let object = parse_manifest("{apiVersion: v1, kind: Namespace, metadata: {name: shop}}");
        assert_eq!(
            object,
            Ok(
                serde_json::json!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}})
            )
        );
        let broken = parse_manifest("{\"kind\": \"Pod\",}")
            .err()
            .map(|status| status.message);
        assert_eq!(
            broken.as_deref(),
            Some("couldn't get version/kind; json parse error: trailing comma at line 1 column 16")
        );
    }

    #[test]
    fn several_yaml_documents_are_split_and_empty_ones_skipped() {
        let documents = parse_manifests(
            "---\napiVersion: v1\nkind: Namespace\n---\n---\napiVersion: v1\nkind: Node\n",
        );
        assert_eq!(documents.map(|list| list.len()), Ok(2));
    }

    #[test]
    fn a_string_where_an_int32_belongs_is_a_go_decoding_error() {
        let object = serde_json::json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},"spec":{"replicas":"three"}});
        let status = check_field_types(Resource::Deployment, &object).err();
        assert_eq!(
            status.map(|status| status.message),
            Some("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32".to_string())
        );
    }
}
