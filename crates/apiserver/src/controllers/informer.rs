//! An informer: a cache of one resource kept current by list + watch.
//!
//! Worked example: the first `sync` lists pods (list resourceVersion 12, three
//! items) and watches from 12; later syncs drain ADDED/MODIFIED/DELETED events
//! into the cache. If the watch ends (an ERROR event such as 410 Expired after a
//! compaction, or etcd losing its leader) the next `sync` lists again, as
//! client-go's reflector does.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::resource::Resource;
use crate::server::{ApiRequest, ApiServer, WatchEventType};
use crate::trace::WatchHandle;

/// `namespace/name` (or `name` for cluster-scoped objects): the cache key.
pub fn cache_key(object: &Value) -> String {
    let name = object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
    {
        Some(namespace) if !namespace.is_empty() => format!("{namespace}/{name}"),
        _ => name.to_string(),
    }
}

/// A list+watch cache of one resource across all namespaces.
pub struct Informer {
    resource: Resource,
    watch: Option<WatchHandle>,
    cache: BTreeMap<String, Value>,
    lists: u64,
}

impl Informer {
    /// An empty, not yet synced informer.
    pub fn new(resource: Resource) -> Informer {
        Informer {
            resource,
            watch: None,
            cache: BTreeMap::new(),
            lists: 0,
        }
    }

    /// How many times it listed (1 + relists after a broken watch).
    pub fn list_count(&self) -> u64 {
        self.lists
    }

    /// Bring the cache up to date. Returns false if the apiserver could not be reached.
    pub fn sync(&mut self, api: &mut ApiServer) -> bool {
        if let Some(handle) = self.watch {
            for event in api.take_watch_events(handle) {
                match event.event_type {
                    WatchEventType::Added | WatchEventType::Modified => {
                        self.cache.insert(cache_key(&event.object), event.object);
                    }
                    WatchEventType::Deleted => {
                        self.cache.remove(&cache_key(&event.object));
                    }
                    WatchEventType::Error => {}
                }
            }
            if api.watch_is_open(handle) {
                return true;
            }
            api.stop_watch(handle);
            self.watch = None;
        }
        let listed = api.handle(ApiRequest::List {
            resource: self.resource,
            namespace: None,
        });
        let (Some(items), Some(resource_version)) = (
            listed
                .object()
                .and_then(|list| list.get("items"))
                .and_then(Value::as_array)
                .cloned(),
            listed.resource_version().map(str::to_string),
        ) else {
            return false;
        };
        self.lists += 1;
        self.cache = items
            .into_iter()
            .map(|item| (cache_key(&item), item))
            .collect();
        let watched = api.handle(ApiRequest::Watch {
            resource: self.resource,
            namespace: None,
            resource_version: Some(resource_version),
        });
        self.watch = watched.watch_handle();
        self.watch.is_some()
    }

    /// Every cached object, sorted by `namespace/name`.
    pub fn objects(&self) -> impl Iterator<Item = &Value> {
        self.cache.values()
    }

    /// One cached object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.cache.get(key)
    }

    /// Number of cached objects.
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }
}

/// The uid of the controlling owner (`ownerReferences[].controller == true`).
pub fn controller_uid(object: &Value) -> Option<&str> {
    object
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)?
        .iter()
        .find(|reference| reference.get("controller").and_then(Value::as_bool) == Some(true))
        .and_then(|reference| reference.get("uid"))
        .and_then(Value::as_str)
}

/// `metadata.uid`.
pub fn uid(object: &Value) -> &str {
    object
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `metadata.name`.
pub fn name(object: &Value) -> &str {
    object
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `metadata.namespace`.
pub fn namespace(object: &Value) -> Option<&str> {
    object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
}

/// Set `value` at `path`, turning anything in the way into an object. Unlike
/// `value["a"]["b"] = ..` it cannot panic, whatever was put into etcd by hand.
pub fn set_at(object: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        *object = value;
        return;
    };
    let mut current = object;
    for segment in parents {
        if !current.is_object() {
            *current = Value::Object(serde_json::Map::new());
        }
        let Some(map) = current.as_object_mut() else {
            return;
        };
        current = map.entry(segment.to_string()).or_insert(Value::Null);
    }
    if !current.is_object() {
        *current = Value::Object(serde_json::Map::new());
    }
    if let Some(map) = current.as_object_mut() {
        map.insert(last.to_string(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_at_replaces_whatever_is_in_the_way() {
        let mut object = json!({"spec": "not an object"});
        set_at(&mut object, &["spec", "nodeName"], json!("node-1"));
        assert_eq!(object, json!({"spec": {"nodeName": "node-1"}}));
        let mut array = json!([1]);
        set_at(&mut array, &["status"], json!({}));
        assert_eq!(array, json!({"status": {}}));
    }
}
