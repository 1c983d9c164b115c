//! create / get / list / update / delete, as kube-apiserver's generic registry
//! and etcd3 store do them.
//!
//! Worked example of an update with a stale resourceVersion:
//!
//! ```text
//! body.metadata.resourceVersion = "5", etcd mod_revision = 6
//!   range /registry/deployments/default/nginx      -> mod_revision 6
//!   "5" != "6"                                      -> 409 Conflict, nothing written
//! ```
//!
//! and without a resourceVersion (like `kubectl scale`): range (mod 6), Txn
//! If mod = 6 Then put Else get; if someone wrote in between, the Else result
//! is the new base and the Txn is retried (bounded by `max_storage_retries`).

use serde_json::{json, Value};

use super::{else_branch_kv, ApiServer, Failure, Handled, ResponseBody};
use crate::defaults::{self, CreateFacts};
use crate::manifest;
use crate::resource::{list_prefix, object_key, Resource};
use crate::server::request::{ApiRequest, RequestBody};
use crate::status::{FieldError, Status};
use crate::storage::{self, base64};
use crate::validation;

/// `create deployments.apps default/nginx` for traces.
pub(super) fn summarize(request: &ApiRequest, parsed_target: Option<String>) -> String {
    let target = |resource: &Resource, namespace: &Option<String>, name: &str| match namespace {
        Some(namespace) if resource.is_namespaced() => {
            format!("{} {namespace}/{name}", resource.qualified_resource())
        }
        _ => format!("{} {name}", resource.qualified_resource()),
    };
    // The handler names what it parsed, so manifest text is not parsed twice.
    let body_target = |body: &RequestBody| match (parsed_target.clone(), body) {
        (Some(parsed), _) => parsed,
        (None, RequestBody::Object(object)) => object_target(object),
        (None, RequestBody::Text(_)) => "(unreadable manifest)".to_string(),
    };
    match request {
        ApiRequest::Create { body, .. } => format!("create {}", body_target(body)),
        ApiRequest::Update { body, .. } => format!("update {}", body_target(body)),
        ApiRequest::UpdateStatus { body, .. } => format!("update status {}", body_target(body)),
        ApiRequest::Get {
            resource,
            namespace,
            name,
        } => format!("get {}", target(resource, namespace, name)),
        ApiRequest::Delete {
            resource,
            namespace,
            name,
        } => format!("delete {}", target(resource, namespace, name)),
        ApiRequest::FinalizeNamespace { name } => format!("finalize namespaces {name}"),
        ApiRequest::List {
            resource,
            namespace,
        } => {
            format!(
                "list {} {}",
                resource.qualified_resource(),
                namespace.as_deref().unwrap_or("(all namespaces)")
            )
        }
        ApiRequest::Watch {
            resource,
            namespace,
            resource_version,
        } => format!(
            "watch {} {} from {}",
            resource.qualified_resource(),
            namespace.as_deref().unwrap_or("(all namespaces)"),
            resource_version.as_deref().unwrap_or("now")
        ),
    }
}

/// `Deployment nginx`: what a trace calls the object of a body.
fn object_target(object: &Value) -> String {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("?");
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    format!("{kind} {name}")
}

/// The object of a request body, its resource, with types checked.
fn read_body(body: RequestBody) -> Result<(Resource, Value), Failure> {
    let object = match body {
        RequestBody::Object(object) => object,
        RequestBody::Text(text) => manifest::parse_manifest(&text)?,
    };
    let resource = manifest::resolve_resource(&object)?;
    manifest::check_field_types(resource, &object)?;
    if resource == Resource::Secret {
        // Go decodes `data` as []byte: bad base64 is a decoding error (400).
        if let Some(data) = object.get("data").and_then(Value::as_object) {
            for value in data.values() {
                if let Err(message) = base64::decode(value.as_str().unwrap_or_default()) {
                    return Err(Status::bad_request(format!(
                        "Secret in version \"v1\" cannot be handled as a Secret: {message}"
                    ))
                    .into());
                }
            }
        }
    }
    Ok((resource, object))
}

/// The namespace an object goes into: the body's, else the request's, else `default`.
fn decide_namespace(
    resource: Resource,
    object: &mut Value,
    request_namespace: Option<String>,
) -> Result<Option<String>, Failure> {
    if !resource.is_namespaced() {
        if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.remove("namespace");
        }
        return Ok(None);
    }
    let body_namespace = object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_string);
    let namespace = match (body_namespace, request_namespace) {
        (Some(body), Some(request)) if body != request => return Err(Status::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        )
        .into()),
        (Some(body), _) => body,
        (None, Some(request)) => request,
        (None, None) => "default".to_string(),
    };
    if let Some(metadata) = object
        .as_object_mut()
        .map(|map| map.entry("metadata").or_insert_with(|| json!({})))
    {
        if let Some(metadata) = metadata.as_object_mut() {
            metadata.insert("namespace".to_string(), Value::String(namespace.clone()));
        }
    }
    Ok(Some(namespace))
}

impl ApiServer {
    fn encode(&mut self, resource: Resource, object: &Value) -> Vec<u8> {
        let plain = storage::encode_for_storage(object);
        if resource == Resource::Secret {
            self.transformer.encrypt(&plain)
        } else {
            plain
        }
    }

    pub(super) fn decode(&self, resource: Resource, kv: &mvcc::KeyValue) -> Result<Value, Failure> {
        let plain = if resource == Resource::Secret {
            self.transformer
                .decrypt(&kv.value)
                .map_err(|error| Status::internal(format!("Internal error occurred: {error}")))?
        } else {
            kv.value.clone()
        };
        storage::decode_from_storage(&plain, kv.mod_revision).ok_or_else(|| {
            Failure::Status(Status::internal(format!(
                "Internal error occurred: the value of {} is not a Kubernetes object",
                String::from_utf8_lossy(&kv.key)
            )))
        })
    }

    fn allocate_service_ip(&mut self) -> String {
        let index = self.next_service_ip;
        self.next_service_ip += 1;
        // 10.96.0.0/12 as kube-apiserver's default service CIDR.
        format!("10.96.{}.{}", (index >> 8) & 0xff, index & 0xff)
    }

    pub(super) fn create(
        &mut self,
        request_namespace: Option<String>,
        body: RequestBody,
    ) -> Handled {
        let (resource, mut object) = read_body(body)?;
        self.current_target = Some(object_target(&object));
        let namespace = decide_namespace(resource, &mut object, request_namespace)?;
        // generateName: the server picks the name (utilrand.String(5)).
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let generate_name = object
            .pointer("/metadata/generateName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let name = if name.is_empty() && !generate_name.is_empty() {
            let generated = format!(
                "{generate_name}{}",
                defaults::random_name_suffix(&mut self.name_rng)
            );
            if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
                metadata.insert("name".to_string(), Value::String(generated.clone()));
            }
            generated
        } else {
            name
        };
        let errors = validation::validate_create(resource, &object);
        if !errors.is_empty() {
            return Err(Status::invalid(resource, &name, &errors).into());
        }
        if let Some(namespace) = &namespace {
            let (found, _) = self
                .etcd_get(&object_key(Resource::Namespace, None, namespace))
                .map_err(|error| Failure::Etcd(error, Some(resource), name.clone()))?;
            let Some(namespace_kv) = found else {
                return Err(Status::not_found(Resource::Namespace, namespace).into());
            };
            // NamespaceLifecycle admission: nothing new in a terminating namespace.
            let terminating = self
                .decode(Resource::Namespace, &namespace_kv)
                .ok()
                .and_then(|object| {
                    object
                        .pointer("/status/phase")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .is_some_and(|phase| phase == "Terminating");
            if terminating {
                let detail = format!("unable to create new content in namespace {namespace} because it is being terminated");
                return Err(Status::forbidden(resource, &name, &detail).into());
            }
        }
        let facts = CreateFacts {
            uid: defaults::uuid_v4(&mut self.name_rng),
            creation_timestamp: defaults::rfc3339_from_unix_ms(
                self.config
                    .clock_origin_unix_ms
                    .saturating_add(self.etcd.now_ms()),
            ),
            cluster_ip: if resource == Resource::Service {
                self.allocate_service_ip()
            } else {
                String::new()
            },
        };
        defaults::apply_create_defaults(resource, &mut object, &facts);
        let key = object_key(resource, namespace.as_deref(), &name);
        let value = self.encode(resource, &object);
        // notFound(key) = mod_revision == 0; no Else branch.
        let response = self
            .txn_put_if_mod(&key, 0, value, false)
            .map_err(|error| Failure::Etcd(error, Some(resource), name.clone()))?;
        if !response.succeeded {
            return Err(Status::already_exists(resource, &name).into());
        }
        self.current_revision = Some(response.header.revision);
        storage::set_resource_version(&mut object, response.header.revision);
        Ok((201, ResponseBody::Object(object)))
    }

    pub(super) fn get(
        &mut self,
        resource: Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> Handled {
        let key = object_key(resource, namespace.or(Some("default")), name);
        let (found, _) = self
            .etcd_get(&key)
            .map_err(|error| Failure::Etcd(error, Some(resource), name.to_string()))?;
        match found {
            None => Err(Status::not_found(resource, name).into()),
            Some(kv) => Ok((200, ResponseBody::Object(self.decode(resource, &kv)?))),
        }
    }

    pub(super) fn list(&mut self, resource: Resource, namespace: Option<&str>) -> Handled {
        let prefix = list_prefix(resource, namespace);
        let (kvs, header_revision) = self
            .etcd_list(&prefix)
            .map_err(|error| Failure::Etcd(error, Some(resource), String::new()))?;
        let mut items = Vec::with_capacity(kvs.len());
        for kv in &kvs {
            items.push(self.decode(resource, kv)?);
        }
        // A list's resourceVersion is the header revision, not any item's.
        let list = json!({
            "kind": format!("{}List", resource.kind()),
            "apiVersion": resource.api_version(),
            "metadata": {"resourceVersion": header_revision.to_string()},
            "items": items,
        });
        Ok((200, ResponseBody::Object(list)))
    }

    pub(super) fn update(
        &mut self,
        request_namespace: Option<String>,
        body: RequestBody,
        status_only: bool,
    ) -> Handled {
        let (resource, mut object) = read_body(body)?;
        self.current_target = Some(object_target(&object));
        let namespace = decide_namespace(resource, &mut object, request_namespace)?;
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if name.is_empty() {
            let errors = [FieldError::required(
                "metadata.name",
                "name or generateName is required",
            )];
            return Err(Status::invalid(resource, &name, &errors).into());
        }
        let precondition = match object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
        {
            None | Some("") => None,
            Some(text) => match text.parse::<i64>() {
                Ok(revision) if revision > 0 => Some(revision),
                _ => {
                    let errors = [FieldError::invalid(
                        "metadata.resourceVersion",
                        validation::go_quote(text),
                        "must be a positive integer",
                    )];
                    return Err(Status::invalid(resource, &name, &errors).into());
                }
            },
        };
        let key = object_key(resource, namespace.as_deref(), &name);
        let etcd_failure = |error| Failure::Etcd(error, Some(resource), name.clone());
        let (found, _) = self.etcd_get(&key).map_err(etcd_failure)?;
        let Some(mut current) = found else {
            return Err(Status::not_found(resource, &name).into());
        };
        for _attempt in 0..self.config.max_storage_retries.max(1) {
            // The registry's check: a client-supplied resourceVersion must be the current one.
            if precondition.is_some_and(|revision| revision != current.mod_revision) {
                return Err(Status::conflict(resource, &name).into());
            }
            let existing = self.decode(resource, &current)?;
            let updated = prepare_update(resource, &object, &existing, status_only);
            let errors = validation::validate_update(resource, &updated, &existing);
            if !errors.is_empty() {
                return Err(Status::invalid(resource, &name, &errors).into());
            }
            let value = self.encode(resource, &updated);
            let unchanged =
                storage::encode_for_storage(&updated) == storage::encode_for_storage(&existing);
            if unchanged {
                // GuaranteedUpdate skips the write when the bytes are identical.
                return Ok((200, ResponseBody::Object(existing)));
            }
            let response = self
                .txn_put_if_mod(&key, current.mod_revision, value, true)
                .map_err(etcd_failure)?;
            if response.succeeded {
                self.current_revision = Some(response.header.revision);
                let mut updated = updated;
                storage::set_resource_version(&mut updated, response.header.revision);
                return Ok((200, ResponseBody::Object(updated)));
            }
            match else_branch_kv(&response) {
                Some(newer) => current = newer,
                None => return Err(Status::not_found(resource, &name).into()),
            }
        }
        Err(Status::conflict(resource, &name).into())
    }

    pub(super) fn delete(
        &mut self,
        resource: Resource,
        namespace: Option<&str>,
        name: &str,
        finalize: bool,
    ) -> Handled {
        if resource == Resource::Namespace
            && matches!(name, "default" | "kube-system" | "kube-public")
        {
            return Err(
                Status::forbidden(resource, name, "this namespace may not be deleted").into(),
            );
        }
        let key = object_key(resource, namespace.or(Some("default")), name);
        let etcd_failure = |error| Failure::Etcd(error, Some(resource), name.to_string());
        let (found, _) = self.etcd_get(&key).map_err(etcd_failure)?;
        let Some(mut current) = found else {
            return Err(Status::not_found(resource, name).into());
        };
        for _attempt in 0..self.config.max_storage_retries.max(1) {
            let existing = self.decode(resource, &current)?;
            if resource == Resource::Namespace && !finalize {
                // A namespace is not removed at once: it turns Terminating (with a
                // deletionTimestamp) until the namespace controller has emptied it
                // and finalized it.
                if existing.pointer("/status/phase").and_then(Value::as_str) == Some("Terminating")
                {
                    return Ok((200, ResponseBody::Object(existing)));
                }
                let mut terminating = existing.clone();
                let now = defaults::rfc3339_from_unix_ms(
                    self.config
                        .clock_origin_unix_ms
                        .saturating_add(self.etcd.now_ms()),
                );
                if let Some(map) = terminating.as_object_mut() {
                    if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
                        metadata.insert("deletionTimestamp".to_string(), json!(now));
                    }
                    map.insert("status".to_string(), json!({"phase": "Terminating"}));
                }
                let value = self.encode(resource, &terminating);
                let response = self
                    .txn_put_if_mod(&key, current.mod_revision, value, true)
                    .map_err(etcd_failure)?;
                if response.succeeded {
                    self.current_revision = Some(response.header.revision);
                    storage::set_resource_version(&mut terminating, response.header.revision);
                    return Ok((200, ResponseBody::Object(terminating)));
                }
                match else_branch_kv(&response) {
                    Some(newer) => current = newer,
                    None => return Err(Status::not_found(resource, name).into()),
                }
                continue;
            }
            let response = self
                .txn_delete_if_mod(&key, current.mod_revision)
                .map_err(etcd_failure)?;
            if response.succeeded {
                self.current_revision = Some(response.header.revision);
                return Ok((200, ResponseBody::Object(existing)));
            }
            match else_branch_kv(&response) {
                Some(newer) => current = newer,
                None => return Err(Status::not_found(resource, name).into()),
            }
        }
        Err(Status::conflict(resource, name).into())
    }
}

impl ApiServer {
    pub(super) fn finalize_namespace(&mut self, name: &str) -> Handled {
        let key = object_key(Resource::Namespace, None, name);
        let (found, _) = self
            .etcd_get(&key)
            .map_err(|error| Failure::Etcd(error, Some(Resource::Namespace), name.to_string()))?;
        let Some(current) = found else {
            return Err(Status::not_found(Resource::Namespace, name).into());
        };
        let existing = self.decode(Resource::Namespace, &current)?;
        if existing.pointer("/status/phase").and_then(Value::as_str) != Some("Terminating") {
            let errors = [FieldError::forbidden(
                "status.phase",
                "the namespace must be Terminating to be finalized",
            )];
            return Err(Status::invalid(Resource::Namespace, name, &errors).into());
        }
        for resource in Resource::ALL
            .into_iter()
            .filter(|resource| resource.is_namespaced())
        {
            let (kvs, _) = self
                .etcd_list(&list_prefix(resource, Some(name)))
                .map_err(|error| {
                    Failure::Etcd(error, Some(Resource::Namespace), name.to_string())
                })?;
            if !kvs.is_empty() {
                let detail = format!("namespace {name} still has {}", resource.plural());
                return Err(Status::conflict_with(Resource::Namespace, name, &detail).into());
            }
        }
        self.delete(Resource::Namespace, None, name, true)
    }
}

/// The object an update stores: the body, with the server-owned fields of
/// the existing object kept (uid, creationTimestamp, generation), `.status`
/// kept on a main-resource update and `.spec`/metadata kept on a status update.
fn prepare_update(resource: Resource, body: &Value, existing: &Value, status_only: bool) -> Value {
    let mut updated = if status_only {
        let mut updated = existing.clone();
        if let (Some(map), Some(status)) = (updated.as_object_mut(), body.get("status")) {
            map.insert("status".to_string(), status.clone());
        }
        updated
    } else {
        let mut updated = body.clone();
        // A main-resource update never changes .status (that is the status subresource's job).
        if let Some(map) = updated.as_object_mut() {
            match existing.get("status") {
                Some(status) => {
                    map.insert("status".to_string(), status.clone());
                }
                None => {
                    map.remove("status");
                }
            }
        }
        updated
    };
    let existing_metadata = existing
        .get("metadata")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(metadata) = updated.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in ["uid", "creationTimestamp", "namespace"] {
            if let Some(value) = existing_metadata.get(field) {
                metadata.insert(field.to_string(), value.clone());
            }
        }
        metadata.remove("resourceVersion");
    }
    if !status_only && resource == Resource::Service {
        // clusterIP is allocated once; a PUT that omits it keeps it.
        let existing_spec = existing.get("spec").cloned().unwrap_or(Value::Null);
        if let Some(spec) = updated.get_mut("spec").and_then(Value::as_object_mut) {
            for field in [
                "clusterIP",
                "clusterIPs",
                "ipFamilies",
                "ipFamilyPolicy",
                "internalTrafficPolicy",
                "sessionAffinity",
                "type",
            ] {
                if spec.get(field).is_none_or(Value::is_null) {
                    if let Some(value) = existing_spec.get(field) {
                        spec.insert(field.to_string(), value.clone());
                    }
                }
            }
        }
    }
    if !status_only {
        defaults::apply_spec_defaults(resource, &mut updated);
    }
    if let Some(generation) = existing
        .pointer("/metadata/generation")
        .and_then(Value::as_i64)
    {
        // metadata.generation counts spec changes.
        let next = if updated.get("spec") != existing.get("spec") {
            generation + 1
        } else {
            generation
        };
        if let Some(metadata) = updated.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.insert("generation".to_string(), json!(next));
        }
    }
    updated
}
