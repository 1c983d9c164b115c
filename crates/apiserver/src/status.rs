//! Kubernetes `Status` bodies for errors, with the exact texts of
//! `k8s.io/apimachinery/pkg/api/errors`, and the line kubectl prints for them.
//!
//! Worked example: a stale `resourceVersion` on an update of Deployment `nginx` gives
//!
//! ```text
//! HTTP 409
//! {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on deployments.apps \"nginx\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"nginx","group":"apps","kind":"deployments"},"code":409}
//! ```
//!
//! and `kubectl replace -f nginx.yaml` prints
//! `Error from server (Conflict): error when replacing "nginx.yaml": Operation cannot be fulfilled on ...`.
//!
//! The struct's field order is metav1.Status's, so the serialized JSON is the
//! wire body byte for byte.

use serde::{Deserialize, Serialize};

use crate::resource::Resource;

/// `registry.OptimisticLockErrorMsg`.
pub const OPTIMISTIC_LOCK_ERROR_MESSAGE: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

/// A metav1.Status (errors only, plus `Success` for deletes that return one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub kind: String,
    pub api_version: String,
    pub metadata: EmptyMetadata,
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<StatusDetails>,
    pub code: u16,
}

/// The always-empty `metadata: {}` of an error Status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmptyMetadata {}

/// metav1.StatusDetails (field order: name, group, kind, causes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDetails {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<StatusCause>,
}

/// metav1.StatusCause (field order: reason, message, field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCause {
    pub reason: String,
    pub message: String,
    pub field: String,
}

/// One validation failure: a field path and what is wrong with it
/// (`field.Error` of `k8s.io/apimachinery/pkg/util/validation/field`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub kind: FieldErrorKind,
    /// Go's `%#v`-like rendering of the bad value (only for `Invalid`/`NotSupported`).
    pub value: String,
    pub detail: String,
}

/// The field error types the validation here produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorKind {
    Required,
    Invalid,
    NotSupported,
    Forbidden,
}

impl FieldError {
    /// `field.Required(path, detail)`.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Required,
            value: String::new(),
            detail: detail.into(),
        }
    }

    /// `field.Invalid(path, value, detail)`; `value` is already rendered (`-1`, `"Foo"`).
    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<String>,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Invalid,
            value: value.into(),
            detail: detail.into(),
        }
    }

    /// `field.NotSupported(path, value, validValues)`.
    pub fn not_supported(
        field: impl Into<String>,
        value: impl Into<String>,
        supported: &[&str],
    ) -> FieldError {
        let quoted: Vec<String> = supported.iter().map(|value| format!("{value:?}")).collect();
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::NotSupported,
            value: value.into(),
            detail: format!("supported values: {}", quoted.join(", ")),
        }
    }

    /// `field.Forbidden(path, detail)`.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Forbidden,
            value: String::new(),
            detail: detail.into(),
        }
    }

    /// `ErrorBody()`: the message without the field path.
    pub fn body(&self) -> String {
        let mut text = match self.kind {
            FieldErrorKind::Required => "Required value".to_string(),
            FieldErrorKind::Invalid => format!("Invalid value: {}", self.value),
            FieldErrorKind::NotSupported => format!("Unsupported value: {}", self.value),
            FieldErrorKind::Forbidden => "Forbidden".to_string(),
        };
        if !self.detail.is_empty() {
            text.push_str(": ");
            text.push_str(&self.detail);
        }
        text
    }

    /// The cause type of a 422 Status (`FieldValueRequired`, ...).
    pub fn cause_reason(&self) -> &'static str {
        match self.kind {
            FieldErrorKind::Required => "FieldValueRequired",
            FieldErrorKind::Invalid => "FieldValueInvalid",
            FieldErrorKind::NotSupported => "FieldValueNotSupported",
            FieldErrorKind::Forbidden => "FieldValueForbidden",
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.field, self.body())
    }
}

impl Status {
    fn failure(code: u16, reason: &str, message: String, details: Option<StatusDetails>) -> Status {
        Status {
            kind: "Status".to_string(),
            api_version: "v1".to_string(),
            metadata: EmptyMetadata {},
            status: "Failure".to_string(),
            message,
            reason: reason.to_string(),
            details,
            code,
        }
    }

    fn resource_details(resource: Resource, name: &str) -> Option<StatusDetails> {
        Some(StatusDetails {
            name: name.to_string(),
            group: resource.group().to_string(),
            kind: resource.plural().to_string(),
            causes: Vec::new(),
        })
    }

    /// 404 `deployments.apps "nginx" not found`.
    pub fn not_found(resource: Resource, name: &str) -> Status {
        let message = format!("{} {name:?} not found", resource.qualified_resource());
        Status::failure(
            404,
            "NotFound",
            message,
            Status::resource_details(resource, name),
        )
    }

    /// 409 `deployments.apps "nginx" already exists`.
    pub fn already_exists(resource: Resource, name: &str) -> Status {
        let message = format!("{} {name:?} already exists", resource.qualified_resource());
        Status::failure(
            409,
            "AlreadyExists",
            message,
            Status::resource_details(resource, name),
        )
    }

    /// 409 Conflict with `OptimisticLockErrorMsg`.
    pub fn conflict(resource: Resource, name: &str) -> Status {
        let message = format!(
            "Operation cannot be fulfilled on {} {name:?}: {OPTIMISTIC_LOCK_ERROR_MESSAGE}",
            resource.qualified_resource()
        );
        Status::failure(
            409,
            "Conflict",
            message,
            Status::resource_details(resource, name),
        )
    }

    /// 409 Conflict with another cause than the optimistic lock.
    pub fn conflict_with(resource: Resource, name: &str, detail: &str) -> Status {
        let message = format!(
            "Operation cannot be fulfilled on {} {name:?}: {detail}",
            resource.qualified_resource()
        );
        Status::failure(
            409,
            "Conflict",
            message,
            Status::resource_details(resource, name),
        )
    }

    /// 410 Gone, reason Expired, for a watch from a compacted resourceVersion
    /// (the watch cache's text: `too old resource version: <requested> (<oldest available - 1>)`).
    pub fn too_old_resource_version(requested: i64, compact_revision: i64) -> Status {
        let message = format!(
            "too old resource version: {requested} ({})",
            compact_revision.saturating_sub(1).max(0)
        );
        Status::failure(410, "Expired", message, None)
    }

    /// 422 Invalid with one cause per field error.
    pub fn invalid(resource: Resource, name: &str, errors: &[FieldError]) -> Status {
        let listed: Vec<String> = errors.iter().map(FieldError::to_string).collect();
        // utilerrors.NewAggregate prints one error bare and several as [a, b].
        let aggregate = if listed.len() == 1 {
            listed[0].clone()
        } else {
            format!("[{}]", listed.join(", "))
        };
        let message = format!(
            "{} {name:?} is invalid: {aggregate}",
            resource.qualified_kind()
        );
        let causes = errors
            .iter()
            .map(|error| StatusCause {
                reason: error.cause_reason().to_string(),
                message: error.body(),
                field: error.field.clone(),
            })
            .collect();
        let details = StatusDetails {
            name: name.to_string(),
            group: resource.group().to_string(),
            kind: resource.kind().to_string(),
            causes,
        };
        Status::failure(422, "Invalid", message, Some(details))
    }

    /// 400 BadRequest with a free message (malformed body, namespace mismatch).
    pub fn bad_request(message: impl Into<String>) -> Status {
        Status::failure(400, "BadRequest", message.into(), None)
    }

    /// 404 for a kind the server does not serve. kubectl's RESTMapper says
    /// `no matches for kind "X" in version "v"` before any request is sent;
    /// the playground's apiserver answers the same text itself.
    pub fn no_kind_match(api_version: &str, kind: &str) -> Status {
        Status::failure(
            404,
            "NotFound",
            format!("no matches for kind {kind:?} in version {api_version:?}"),
            None,
        )
    }

    /// 500 with no reason: what `ErrorToAPIStatus` makes of a plain error such
    /// as `etcdserver: request timed out` (kubectl: `Error from server: ...`).
    pub fn internal(message: impl Into<String>) -> Status {
        Status::failure(500, "", message.into(), None)
    }

    /// 403 Forbidden (creating in a terminating namespace, deleting a system namespace).
    pub fn forbidden(resource: Resource, name: &str, detail: &str) -> Status {
        let message = format!(
            "{} {name:?} is forbidden: {detail}",
            resource.qualified_resource()
        );
        Status::failure(
            403,
            "Forbidden",
            message,
            Status::resource_details(resource, name),
        )
    }

    /// The exact JSON body on the wire.
    pub fn to_json(&self) -> String {
        // Serializing plain strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// What kubectl prints: `Error from server (Conflict): <message>`, or with
    /// a file source (`kubectl replace -f nginx.yaml` → verb `replacing`)
    /// `Error from server (Conflict): error when replacing "nginx.yaml": <message>`.
    pub fn kubectl_error_line(&self, source: Option<(&str, &str)>) -> String {
        let message = match source {
            Some((verb, file)) => format!("error when {verb} {file:?}: {}", self.message),
            None => self.message.clone(),
        };
        if self.reason.is_empty() {
            format!("Error from server: {message}")
        } else {
            format!("Error from server ({}): {message}", self.reason)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conflict_body_matches_the_reference_byte_for_byte() {
        let expected = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on deployments.apps \"nginx\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"nginx","group":"apps","kind":"deployments"},"code":409}"#;
        assert_eq!(
            Status::conflict(Resource::Deployment, "nginx").to_json(),
            expected
        );
    }

    #[test]
    fn kubectl_prints_the_source_file_and_the_reason() {
        let line = Status::conflict(Resource::Deployment, "nginx")
            .kubectl_error_line(Some(("replacing", "nginx.yaml")));
        assert_eq!(line, "Error from server (Conflict): error when replacing \"nginx.yaml\": Operation cannot be fulfilled on deployments.apps \"nginx\": the object has been modified; please apply your changes to the latest version and try again");
        assert_eq!(
            Status::internal("etcdserver: request timed out").kubectl_error_line(None),
            "Error from server: etcdserver: request timed out"
        );
    }

    #[test]
    fn several_field_errors_are_listed_in_brackets() {
        let errors = [
            FieldError::invalid("spec.replicas", "-1", "must be greater than or equal to 0"),
            FieldError::required("spec.selector", ""),
        ];
        let status = Status::invalid(Resource::Deployment, "nginx", &errors);
        assert_eq!(
            status.message,
            "Deployment.apps \"nginx\" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value]"
        );
    }
}
