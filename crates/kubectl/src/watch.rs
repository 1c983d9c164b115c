//! `kubectl get -w`: the first listing, then one line (or object) per change, for as long as
//! the caller keeps polling.
//!
//! The session opens an apiserver watch from the listing's resourceVersion, so nothing is
//! missed or printed twice. Each change is printed the way kubectl prints watch events: a
//! table row without header (aligned on its own), or `-o name|json|yaml` of the object.
//!
//! ```text
//! let mut session = match kubectl::execute(&words("get pods -w"), "", &mut api) {
//!     kubectl::Execution::Watching(session) => session, _ => unreachable!() };
//! session.poll(&mut api)   // "NAME  READY ...\nweb-1 ...\n" (the listing)
//! // ... the cluster moves ...
//! session.poll(&mut api)   // "web-2   0/1   Pending   0     0s\n"
//! session.stop(&mut api)   // exit code 130 (Ctrl-C)
//! ```

use apiserver::{ApiRequest, ApiServer, Resource, WatchEventType, WatchHandle};
use serde_json::Value;

use crate::commands::{encode, table, OutputFormat, TableOptions};
use crate::selector::Selector;
use crate::tables::type_name;
use crate::text::parse_rfc3339_seconds;
use crate::{KubectlOutput, EXIT_INTERRUPTED};

/// What a watch session follows.
#[derive(Debug, Clone)]
pub struct WatchSpec {
    pub resource: Resource,
    pub namespace: Option<String>,
    /// Only these names (empty = all).
    pub names: Vec<String>,
    pub selector: Selector,
    pub options: TableOptions,
    pub resource_version: String,
}

/// A running `kubectl get -w`.
#[derive(Debug)]
pub struct WatchSession {
    spec: WatchSpec,
    handle: Option<WatchHandle>,
    pending_stdout: String,
    stderr: String,
}

impl WatchSession {
    /// Opens the apiserver watch from `spec.resource_version`.
    pub fn open(api: &mut ApiServer, spec: WatchSpec) -> WatchSession {
        let response = api.handle(ApiRequest::Watch {
            resource: spec.resource,
            namespace: spec.namespace.clone(),
            resource_version: Some(spec.resource_version.clone()).filter(|version| !version.is_empty()),
        });
        let mut stderr = String::new();
        if let Some(status) = response.status() {
            stderr = format!("{}\n", status.kubectl_error_line(None));
        }
        WatchSession { spec, handle: response.watch_handle(), pending_stdout: String::new(), stderr }
    }

    /// What the command printed before it started watching (the listing).
    pub(crate) fn set_initial(&mut self, stdout: String, stderr: String) {
        self.pending_stdout = stdout;
        self.stderr.insert_str(0, &stderr);
    }

    /// Whether the server still streams to this session.
    pub fn is_open(&self, api: &ApiServer) -> bool {
        self.handle.is_some_and(|handle| api.watch_is_open(handle))
    }

    /// Everything printed since the last poll (the listing on the first poll).
    pub fn poll(&mut self, api: &mut ApiServer) -> String {
        let mut out = std::mem::take(&mut self.pending_stdout);
        let Some(handle) = self.handle else {
            return out;
        };
        let now_seconds = parse_rfc3339_seconds(&api.now_timestamp()).unwrap_or(0);
        for event in api.take_watch_events(handle) {
            if event.event_type == WatchEventType::Error {
                let message = event.object.get("message").and_then(Value::as_str).unwrap_or_default();
                let reason = event.object.get("reason").and_then(Value::as_str).unwrap_or_default();
                self.stderr.push_str(&format!("Error from server ({reason}): {message}\n"));
                continue;
            }
            let object = &event.object;
            let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
            if !self.spec.names.is_empty() && !self.spec.names.iter().any(|wanted| wanted == name) {
                continue;
            }
            if !self.spec.selector.selects(object) {
                continue;
            }
            match self.spec.options.format {
                OutputFormat::Table | OutputFormat::Wide => {
                    out.push_str(&table(self.spec.resource, std::slice::from_ref(object), &self.spec.options, now_seconds, false));
                }
                OutputFormat::Name => out.push_str(&format!("{}/{name}\n", type_name(self.spec.resource))),
                format => out.push_str(&encode(format, object)),
            }
        }
        out
    }

    /// Ends the watch as Ctrl-C ends kubectl (exit 130), closing the apiserver watch.
    pub fn stop(self, api: &mut ApiServer) -> KubectlOutput {
        if let Some(handle) = self.handle {
            api.stop_watch(handle);
        }
        KubectlOutput {
            output: console::CommandOutput { stdout: self.pending_stdout, stderr: self.stderr, exit_code: EXIT_INTERRUPTED },
            effects: Vec::new(),
        }
    }
}
