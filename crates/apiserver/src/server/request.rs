//! Requests and responses as data.
//!
//! Worked example: `kubectl apply -f nginx.yaml` for a new object becomes
//! `ApiRequest::Create { namespace: None, body: RequestBody::Text(yaml) }`, and the
//! answer is `ApiResponse { status_code: 201, body: ResponseBody::Object(deployment), .. }`;
//! a duplicate gives `status_code: 409` and `ResponseBody::Status(...)` with reason AlreadyExists.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::resource::Resource;
use crate::status::Status;
use crate::trace::{TraceId, WatchHandle};

/// A request body: manifest text (YAML or JSON, as typed by a user) or an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RequestBody {
    Text(String),
    Object(Value),
}

/// One call to the apiserver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ApiRequest {
    /// POST: the kind comes from the body; `namespace` is the request path's (if any).
    Create {
        namespace: Option<String>,
        body: RequestBody,
    },
    /// GET one object.
    Get {
        resource: Resource,
        namespace: Option<String>,
        name: String,
    },
    /// GET a collection; `namespace: None` lists across all namespaces.
    List {
        resource: Resource,
        namespace: Option<String>,
    },
    /// PUT: replace the object named in the body. A `metadata.resourceVersion`
    /// in the body is a precondition (409 Conflict when stale).
    Update {
        namespace: Option<String>,
        body: RequestBody,
    },
    /// PUT .../status: replace only `.status` (controllers and the kubelet use it).
    UpdateStatus {
        namespace: Option<String>,
        body: RequestBody,
    },
    /// DELETE one object.
    Delete {
        resource: Resource,
        namespace: Option<String>,
        name: String,
    },
    /// PUT `namespaces/<name>/finalize`: remove a Terminating namespace the
    /// namespace controller has emptied (refused while it still has content).
    FinalizeNamespace { name: String },
    /// GET ?watch=1 from a resourceVersion (None or "0": current state as ADDED events first).
    Watch {
        resource: Resource,
        namespace: Option<String>,
        resource_version: Option<String>,
    },
}

impl ApiRequest {
    /// The HTTP method, lower case, as client-go prints it in timeout messages.
    pub fn method(&self) -> &'static str {
        match self {
            ApiRequest::Create { .. } => "post",
            ApiRequest::Get { .. } | ApiRequest::List { .. } | ApiRequest::Watch { .. } => "get",
            ApiRequest::Update { .. } | ApiRequest::UpdateStatus { .. } => "put",
            ApiRequest::Delete { .. } => "delete",
            ApiRequest::FinalizeNamespace { .. } => "put",
        }
    }

    /// The verb as audit logs name it.
    pub fn verb(&self) -> &'static str {
        match self {
            ApiRequest::Create { .. } => "create",
            ApiRequest::Get { .. } => "get",
            ApiRequest::List { .. } => "list",
            ApiRequest::Update { .. } | ApiRequest::UpdateStatus { .. } => "update",
            ApiRequest::Delete { .. } => "delete",
            ApiRequest::FinalizeNamespace { .. } => "finalize",
            ApiRequest::Watch { .. } => "watch",
        }
    }
}

/// What comes back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ResponseBody {
    /// An object or a list, as Kubernetes JSON.
    Object(Value),
    /// An error (or a Success Status).
    Status(Status),
    /// A watch was opened; drain it with `ApiServer::take_watch_events`.
    Watch(WatchHandle),
}

/// An HTTP-like response: status code, body, and the trace of the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiResponse {
    pub status_code: u16,
    pub body: ResponseBody,
    pub trace_id: TraceId,
}

impl ApiResponse {
    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status_code)
    }

    /// The object or list, if the call succeeded with one.
    pub fn object(&self) -> Option<&Value> {
        match &self.body {
            ResponseBody::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The error Status, if any.
    pub fn status(&self) -> Option<&Status> {
        match &self.body {
            ResponseBody::Status(status) => Some(status),
            _ => None,
        }
    }

    /// The watch handle, if a watch was opened.
    pub fn watch_handle(&self) -> Option<WatchHandle> {
        match &self.body {
            ResponseBody::Watch(handle) => Some(*handle),
            _ => None,
        }
    }

    /// `metadata.resourceVersion` of the returned object or list.
    pub fn resource_version(&self) -> Option<&str> {
        self.object()?
            .pointer("/metadata/resourceVersion")?
            .as_str()
    }

    /// The body exactly as it would be on the wire.
    pub fn body_json(&self) -> String {
        match &self.body {
            ResponseBody::Object(object) => serde_json::to_string(object).unwrap_or_default(),
            ResponseBody::Status(status) => status.to_json(),
            ResponseBody::Watch(handle) => format!("{{\"watch\":{}}}", handle.0),
        }
    }
}

/// One event of a Kubernetes watch (`{"type":"ADDED","object":{...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchEvent {
    #[serde(rename = "type")]
    pub event_type: WatchEventType,
    pub object: Value,
}

/// The watch event types of `k8s.io/apimachinery/pkg/watch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum WatchEventType {
    Added,
    Modified,
    Deleted,
    /// The watch ended; the object is a Status (410 Expired after compaction).
    Error,
}

impl WatchEventType {
    /// `ADDED`, `MODIFIED`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
            WatchEventType::Error => "ERROR",
        }
    }
}
