//! Server-side defaulting: what kube-apiserver fills in on create.
//!
//! Worked example: creating
//! `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx"},"spec":{...}}`
//! at virtual time 90 000 ms with the clock origin 2026-01-01T00:00:00Z adds
//! `metadata.uid` (a UUID v4 drawn from the apiserver's seeded RNG),
//! `metadata.creationTimestamp: "2026-01-01T00:01:30Z"`, `metadata.generation: 1`,
//! `metadata.namespace: "default"`, `spec.replicas: 1` if absent, the RollingUpdate
//! strategy, and the pod template defaults (`restartPolicy: Always`, ...).

use rand_core::Rng;
use serde_json::{json, Map, Value};

use crate::resource::Resource;
use crate::storage::base64;

/// The alphabet of `k8s.io/apimachinery/pkg/util/rand` (no vowels, no look-alikes).
pub const NAME_SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A UUID v4 string from the RNG.
pub fn uuid_v4(rng: &mut impl Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The 5-character suffix `generateName` gets (`utilrand.String(5)`).
pub fn random_name_suffix(rng: &mut impl Rng) -> String {
    (0..5)
        .map(|_| {
            let index = rng.next_u32() % NAME_SUFFIX_ALPHABET.len() as u32;
            char::from(NAME_SUFFIX_ALPHABET[index as usize])
        })
        .collect()
}

/// `rand.SafeEncodeString`: map each character of `text` through the alphabet
/// (how the pod-template-hash label is spelled).
pub fn safe_encode_string(text: &str) -> String {
    text.bytes()
        .map(|byte| char::from(NAME_SUFFIX_ALPHABET[byte as usize % NAME_SUFFIX_ALPHABET.len()]))
        .collect()
}

/// RFC 3339 in UTC with second precision, as metav1.Time serializes.
pub fn rfc3339_from_unix_ms(unix_ms: u64) -> String {
    let seconds = unix_ms / 1000;
    let days = (seconds / 86_400) as i64;
    let second_of_day = seconds % 86_400;
    let (year, month, day) = playground_core::time::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        (second_of_day / 60) % 60,
        second_of_day % 60
    )
}

/// What the server decides for a new object.
pub struct CreateFacts {
    pub uid: String,
    pub creation_timestamp: String,
    /// Only used for Services.
    pub cluster_ip: String,
}

fn object_mut<'a>(parent: &'a mut Value, key: &str) -> Option<&'a mut Map<String, Value>> {
    let map = parent.as_object_mut()?;
    let child = map
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if child.is_null() {
        *child = Value::Object(Map::new());
    }
    child.as_object_mut()
}

fn default_field(map: &mut Map<String, Value>, key: &str, value: Value) {
    if map.get(key).is_none_or(Value::is_null) {
        map.insert(key.to_string(), value);
    }
}

/// Defaults of a pod spec (also inside Deployment and ReplicaSet templates).
pub fn default_pod_spec(spec: &mut Map<String, Value>) {
    default_field(spec, "restartPolicy", json!("Always"));
    default_field(spec, "terminationGracePeriodSeconds", json!(30));
    default_field(spec, "dnsPolicy", json!("ClusterFirst"));
    default_field(spec, "schedulerName", json!("default-scheduler"));
    default_field(spec, "securityContext", json!({}));
    if let Some(containers) = spec.get_mut("containers").and_then(Value::as_array_mut) {
        for container in containers.iter_mut().filter_map(Value::as_object_mut) {
            let image = container
                .get("image")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let tag = image
                .rsplit('/')
                .next()
                .and_then(|last| last.split_once(':'))
                .map(|(_, tag)| tag);
            let pull_policy = if matches!(tag, None | Some("latest")) {
                "Always"
            } else {
                "IfNotPresent"
            };
            default_field(container, "imagePullPolicy", json!(pull_policy));
            default_field(container, "resources", json!({}));
            default_field(
                container,
                "terminationMessagePath",
                json!("/dev/termination-log"),
            );
            default_field(container, "terminationMessagePolicy", json!("File"));
            if let Some(ports) = container.get_mut("ports").and_then(Value::as_array_mut) {
                for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                    default_field(port, "protocol", json!("TCP"));
                }
            }
        }
    }
}

/// Fill in what the server owns on create. The namespace is already decided.
pub fn apply_create_defaults(resource: Resource, object: &mut Value, facts: &CreateFacts) {
    if let Some(metadata) = object_mut(object, "metadata") {
        metadata.insert("uid".to_string(), json!(facts.uid));
        metadata.insert(
            "creationTimestamp".to_string(),
            json!(facts.creation_timestamp),
        );
        metadata.remove("resourceVersion");
        if matches!(resource, Resource::Deployment | Resource::ReplicaSet) {
            metadata.insert("generation".to_string(), json!(1));
        }
    }
    if resource == Resource::Service {
        if let Some(spec) = object_mut(object, "spec") {
            if spec.get("type").and_then(Value::as_str) != Some("ExternalName") {
                default_field(spec, "clusterIP", json!(facts.cluster_ip));
            }
        }
    }
    apply_spec_defaults(resource, object);
    // The status a new object starts with (strategies' PrepareForCreate).
    let status = match resource {
        Resource::Deployment | Resource::ReplicaSet => Some(json!({})),
        Resource::Pod => Some(json!({"phase":"Pending","qosClass":"BestEffort"})),
        Resource::Service => Some(json!({"loadBalancer":{}})),
        Resource::Namespace => Some(json!({"phase":"Active"})),
        _ => None,
    };
    if let (Some(status), Some(map)) = (status, object.as_object_mut()) {
        map.insert("status".to_string(), status);
    }
}

/// The defaults of the object's own fields, applied on create and on every
/// update (so re-applying an unchanged manifest writes nothing).
pub fn apply_spec_defaults(resource: Resource, object: &mut Value) {
    match resource {
        Resource::Deployment | Resource::ReplicaSet => {
            if let Some(spec) = object_mut(object, "spec") {
                default_field(spec, "replicas", json!(1));
                if resource == Resource::Deployment {
                    default_field(spec, "revisionHistoryLimit", json!(10));
                    default_field(spec, "progressDeadlineSeconds", json!(600));
                    default_field(
                        spec,
                        "strategy",
                        json!({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}),
                    );
                }
                if let Some(template_spec) = spec
                    .get_mut("template")
                    .and_then(|template| object_mut(template, "spec"))
                {
                    default_pod_spec(template_spec);
                }
            }
        }
        Resource::Pod => {
            if let Some(spec) = object_mut(object, "spec") {
                default_pod_spec(spec);
            }
        }
        Resource::Service => {
            if let Some(spec) = object_mut(object, "spec") {
                default_field(spec, "type", json!("ClusterIP"));
                default_field(spec, "sessionAffinity", json!("None"));
                if let Some(cluster_ip) = spec
                    .get("clusterIP")
                    .filter(|value| !value.is_null())
                    .cloned()
                {
                    default_field(spec, "clusterIPs", json!([cluster_ip]));
                    default_field(spec, "ipFamilies", json!(["IPv4"]));
                    default_field(spec, "ipFamilyPolicy", json!("SingleStack"));
                    default_field(spec, "internalTrafficPolicy", json!("Cluster"));
                }
                if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                    for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                        default_field(port, "protocol", json!("TCP"));
                        let number = port.get("port").cloned().unwrap_or(Value::Null);
                        default_field(port, "targetPort", number);
                    }
                }
            }
        }
        Resource::Secret => {
            if let Some(map) = object.as_object_mut() {
                default_field(map, "type", json!("Opaque"));
            }
            merge_string_data(object);
        }
        Resource::Namespace => {
            let name = object
                .pointer("/metadata/name")
                .cloned()
                .unwrap_or(Value::Null);
            if let Some(labels) = object_mut(object, "metadata").and_then(|metadata| {
                let labels = metadata
                    .entry("labels")
                    .or_insert_with(|| Value::Object(Map::new()));
                labels.as_object_mut()
            }) {
                labels.insert("kubernetes.io/metadata.name".to_string(), name);
            }
            if let Some(spec) = object_mut(object, "spec") {
                default_field(spec, "finalizers", json!(["kubernetes"]));
            }
        }
        Resource::ConfigMap | Resource::Endpoints | Resource::Node => {}
    }
}

/// `stringData` is write-only: its entries are base64-encoded into `data`
/// (overriding keys of the same name) and the field is dropped.
pub fn merge_string_data(object: &mut Value) {
    let Some(map) = object.as_object_mut() else {
        return;
    };
    let Some(Value::Object(string_data)) = map.remove("stringData") else {
        return;
    };
    let data = map
        .entry("data")
        .or_insert_with(|| Value::Object(Map::new()));
    if data.is_null() {
        *data = Value::Object(Map::new());
    }
    if let Some(data) = data.as_object_mut() {
        for (key, value) in string_data {
            let text = value.as_str().unwrap_or_default();
            data.insert(key, Value::String(base64::encode(text.as_bytes())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    #[test]
    fn timestamps_are_utc_civil_dates() {
        assert_eq!(rfc3339_from_unix_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339_from_unix_ms(1_767_225_600_000 + 90_000),
            "2026-01-01T00:01:30Z"
        );
        assert_eq!(
            rfc3339_from_unix_ms(951_782_400_000),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn uids_and_suffixes_are_seeded() {
        let mut first = ChaCha8Rng::seed_from_u64(9);
        let mut second = ChaCha8Rng::seed_from_u64(9);
        let uid = uuid_v4(&mut first);
        assert_eq!(uid, uuid_v4(&mut second));
        assert_eq!(uid.len(), 36);
        assert_eq!(&uid[14..15], "4");
        let suffix = random_name_suffix(&mut first);
        assert_eq!(suffix.len(), 5);
        assert!(suffix
            .bytes()
            .all(|byte| NAME_SUFFIX_ALPHABET.contains(&byte)));
    }

    #[test]
    fn string_data_becomes_base64_data() {
        let mut secret = json!({"stringData":{"password":"s3cr3t"},"data":{"user":"YWRtaW4="}});
        merge_string_data(&mut secret);
        assert_eq!(
            secret,
            json!({"data":{"user":"YWRtaW4=","password":"czNjcjN0"}})
        );
    }
}
