//! Kubernetes watches on top of etcd watches.
//!
//! Worked example: `kubectl get deployments -w` after a list at resourceVersion 7
//! opens `Watch(/registry/deployments/, start_revision 8, prev_kv)` (the
//! Kubernetes RV is exclusive, etcd's start revision inclusive). A put at
//! revision 9 with create_revision 9 arrives as `ADDED`, a later put of the
//! same key as `MODIFIED`, a delete as `DELETED` carrying the last state (from
//! `prev_kv`) with resourceVersion = the deletion revision. A watch from a
//! compacted revision ends with an `ERROR` event holding a 410 Expired Status
//! (or, when etcd says so at once, the watch request itself answers 410).

use std::collections::VecDeque;

use mvcc::{EventType, WatchRequest};
use serde_json::Value;

use super::{prefix_range_end, ApiServer, Failure, Handled, KubeWatch, ResponseBody};
use crate::resource::list_prefix;
use crate::resource::Resource;
use crate::server::request::{WatchEvent, WatchEventType};
use crate::status::Status;
use crate::storage;
use crate::trace::{EtcdOperation, EtcdOutcome, TracedWatchEvent, WatchHandle};

/// At most this many events wait in one watch; a watcher that does not drain
/// is ended with 410 like a slow watcher in the real watch cache.
pub const MAX_PENDING_EVENTS: usize = 10_000;

fn status_event(status: Status) -> WatchEvent {
    WatchEvent {
        event_type: WatchEventType::Error,
        object: serde_json::to_value(status).unwrap_or(Value::Null),
    }
}

impl ApiServer {
    pub(super) fn open_watch(
        &mut self,
        resource: Resource,
        namespace: Option<&str>,
        resource_version: Option<&str>,
    ) -> Handled {
        let requested = match resource_version {
            None | Some("") => 0,
            Some(text) => match text.parse::<i64>() {
                Ok(revision) if revision >= 0 => revision,
                _ => {
                    return Err(
                        Status::bad_request(format!("invalid resource version: {text:?}")).into(),
                    )
                }
            },
        };
        let prefix = list_prefix(resource, namespace);
        let mut pending = VecDeque::new();
        let start_revision = if requested == 0 {
            // RV "0"/unset: the current state as synthetic ADDED events, then changes.
            let (kvs, header_revision) = self
                .etcd_list(&prefix)
                .map_err(|error| Failure::Etcd(error, Some(resource), String::new()))?;
            for kv in &kvs {
                pending.push_back(WatchEvent {
                    event_type: WatchEventType::Added,
                    object: self.decode(resource, kv)?,
                });
            }
            header_revision + 1
        } else {
            requested + 1
        };
        let request = WatchRequest {
            key: prefix.as_bytes().to_vec(),
            range_end: prefix_range_end(&prefix),
            start_revision,
            prev_kv: true,
        };
        let result = self.etcd.watch(request);
        let outcome = match &result {
            Ok(_) => EtcdOutcome::Answered {
                header_revision: 0,
                succeeded: None,
            },
            Err(error) => EtcdOutcome::Failed(error.to_string()),
        };
        self.record(
            EtcdOperation::Watch,
            format!("watch {prefix} --prefix --rev={start_revision} --prev-kv"),
            outcome,
            false,
        );
        let etcd_watch =
            result.map_err(|error| Failure::Etcd(error, Some(resource), String::new()))?;
        let handle = WatchHandle(self.next_watch_handle);
        self.next_watch_handle += 1;
        self.watches.insert(
            handle,
            KubeWatch {
                resource,
                etcd_watch: Some(etcd_watch),
                requested_resource_version: requested,
                pending,
            },
        );
        self.watch_by_etcd_id.insert(etcd_watch, handle);
        self.pump_watches();
        // etcd refused the start revision at once: answer the request itself with 410.
        let refused = self.watches.get(&handle).and_then(|watch| {
            if watch.etcd_watch.is_some() {
                return None;
            }
            match watch.pending.back() {
                Some(WatchEvent {
                    event_type: WatchEventType::Error,
                    object,
                }) => serde_json::from_value::<Status>(object.clone()).ok(),
                _ => None,
            }
        });
        if let Some(status) = refused {
            self.watches.remove(&handle);
            return Err(status.into());
        }
        Ok((200, ResponseBody::Watch(handle)))
    }

    /// Drain the events of a watch (routing what etcd sent first).
    pub fn take_watch_events(&mut self, handle: WatchHandle) -> Vec<WatchEvent> {
        self.pump_watches();
        match self.watches.get_mut(&handle) {
            Some(watch) => watch.pending.drain(..).collect(),
            None => Vec::new(),
        }
    }

    /// Whether the watch still streams (false after an ERROR event or a stop).
    pub fn watch_is_open(&self, handle: WatchHandle) -> bool {
        self.watches
            .get(&handle)
            .is_some_and(|watch| watch.etcd_watch.is_some())
    }

    /// Close a watch and its etcd watch.
    pub fn stop_watch(&mut self, handle: WatchHandle) -> bool {
        let Some(watch) = self.watches.remove(&handle) else {
            return false;
        };
        if let Some(etcd_watch) = watch.etcd_watch {
            self.watch_by_etcd_id.remove(&etcd_watch);
            self.etcd.cancel_watch(etcd_watch);
        }
        true
    }

    /// Route etcd watch responses into the Kubernetes watches.
    pub(super) fn pump_watches(&mut self) {
        let responses = self.etcd.take_watch_responses();
        for response in responses {
            let Some(handle) = self.watch_by_etcd_id.get(&response.watch_id).copied() else {
                continue;
            };
            let Some(resource) = self.watches.get(&handle).map(|watch| watch.resource) else {
                continue;
            };
            let mut events = Vec::with_capacity(response.events.len());
            let mut traced = Vec::new();
            for event in &response.events {
                let decoded = match event.kind {
                    EventType::Put => {
                        let event_type = if event.kv.create_revision == event.kv.mod_revision {
                            WatchEventType::Added
                        } else {
                            WatchEventType::Modified
                        };
                        self.decode(resource, &event.kv)
                            .ok()
                            .map(|object| (event_type, object))
                    }
                    EventType::Delete => event.prev_kv.as_ref().and_then(|previous| {
                        let mut object = self.decode(resource, previous).ok()?;
                        storage::set_resource_version(&mut object, event.kv.mod_revision);
                        Some((WatchEventType::Deleted, object))
                    }),
                };
                let Some((event_type, object)) = decoded else {
                    continue;
                };
                if let Some(trace_id) = self.trace_by_revision.get(&event.kv.mod_revision).copied()
                {
                    traced.push((
                        trace_id,
                        TracedWatchEvent {
                            watch: handle,
                            event_type: event_type.as_str().to_string(),
                            key: String::from_utf8_lossy(&event.kv.key).into_owned(),
                            revision: event.kv.mod_revision,
                        },
                    ));
                }
                events.push(WatchEvent { event_type, object });
            }
            for (trace_id, event) in traced {
                if let Some(trace) = self.trace_mut(trace_id) {
                    trace.watch_events.push(event);
                }
            }
            let Some(watch) = self.watches.get_mut(&handle) else {
                continue;
            };
            watch.pending.extend(events);
            let overflowing = watch.pending.len() > MAX_PENDING_EVENTS;
            if response.canceled || overflowing {
                let status = if response.compact_revision > 0 || overflowing {
                    Status::too_old_resource_version(
                        watch.requested_resource_version,
                        response.compact_revision,
                    )
                } else {
                    Status::internal("etcdserver: no leader")
                };
                watch.pending.push_back(status_event(status));
                if let Some(etcd_watch) = watch.etcd_watch.take() {
                    self.watch_by_etcd_id.remove(&etcd_watch);
                    if overflowing {
                        self.etcd.cancel_watch(etcd_watch);
                    }
                }
            }
        }
    }
}
