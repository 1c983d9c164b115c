//! A simulated kube-apiserver in front of etcd, for the Kubernetes-on-etcd playground.
//!
//! Only the apiserver talks to etcd: [`ApiServer`] owns a private `Box<dyn Etcd>`,
//! and everything else (controllers, the scheduler, the kubelet stand-ins, the
//! UI's kubectl) sends it [`ApiRequest`]s and gets [`ApiResponse`]s back, with
//! the exact Kubernetes `Status` bodies on errors.
//!
//! Worked example (all numbers are etcd revisions on a fresh store, after
//! [`ApiServer::bootstrap`] wrote the four system namespaces at revisions 2..=5):
//!
//! ```text
//! create Deployment default/nginx     -> 201, resourceVersion "6"   key /registry/deployments/default/nginx
//! update with resourceVersion "6"     -> 200, resourceVersion "7"
//! update with resourceVersion "6"     -> 409 Conflict "Operation cannot be fulfilled on deployments.apps \"nginx\": ..."
//! get                                 -> 200, resourceVersion "7"
//! list deployments                    -> 200, list resourceVersion = etcd header revision
//! ```
//!
//! Layout: [`etcd`] (the seam to etcd and `InMemoryEtcd`), [`resource`] (kinds
//! and `/registry` keys), [`manifest`] + [`yaml`] (YAML/JSON in), [`validation`]
//! (422), [`defaults`] (uid, creationTimestamp, generation, spec defaults),
//! [`storage`] (JSON codec, Secret encryption, base64), [`status`] (error
//! bodies, kubectl lines), [`server`] (the apiserver: CRUD, watch, periodic
//! compaction), [`trace`] (request traces), [`client`] (retry on conflict,
//! `kubectl apply`), [`controllers`] (informers, deployment, replicaset,
//! scheduler, kubelet, garbage collector, endpoints, namespace), [`invariants`]
//! (checks over the stored key-values).
//!
//! Objects are `serde_json::Value`, not `k8s-openapi` structs: a wasm probe that
//! round-trips the nine resource types through `k8s-openapi` 0.27 costs 869 KB of
//! wasm (258 KB gzipped) against 47.5 KB (21 KB gzipped) for `serde_json::Value`,
//! over half of the page's 400 KB budget. [`manifest::check_field_types`] and
//! [`validation`] are the typed gate instead. For the same reason YAML is read
//! by the small [`yaml`] module rather than `serde_yaml` (about 60 KB of wasm).

// A Status is ~220 bytes; errors are the rare path and boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod client;
pub mod controllers;
pub mod defaults;
pub mod etcd;
pub mod invariants;
pub mod manifest;
pub mod resource;
pub mod server;
pub mod status;
pub mod storage;
pub mod trace;
pub mod validation;
pub mod yaml;

pub use etcd::{Etcd, EtcdError, InMemoryEtcd};
pub use resource::Resource;
pub use server::{
    ApiRequest, ApiResponse, ApiServer, ApiServerConfig, RequestBody, ResponseBody, WatchEvent,
    WatchEventType,
};
pub use status::Status;
pub use trace::{RequestTrace, TraceId, WatchHandle};
