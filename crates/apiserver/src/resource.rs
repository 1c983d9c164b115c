//! The nine resources the simulated apiserver serves, and where each lives in etcd.
//!
//! Worked example: a Deployment `nginx` in namespace `default` is
//! `apiVersion: apps/v1`, `kind: Deployment`, the resource `deployments.apps`,
//! and the etcd key `/registry/deployments/default/nginx` (no group segment for
//! built-in groups). A Service is under `/registry/services/specs/...`, its
//! Endpoints under `/registry/services/endpoints/...`, and a Node under
//! `/registry/minions/<name>` (kube-apiserver's `SpecialDefaultResourcePrefixes`).

use serde::{Deserialize, Serialize};

/// The etcd prefix every key of the apiserver starts with (`--etcd-prefix`).
pub const REGISTRY_PREFIX: &str = "/registry";

/// A resource type the apiserver serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Resource {
    Namespace,
    Pod,
    Deployment,
    ReplicaSet,
    Service,
    Endpoints,
    Secret,
    ConfigMap,
    Node,
}

impl Resource {
    /// Every resource, in a fixed order.
    pub const ALL: [Resource; 9] = [
        Resource::Namespace,
        Resource::Pod,
        Resource::Deployment,
        Resource::ReplicaSet,
        Resource::Service,
        Resource::Endpoints,
        Resource::Secret,
        Resource::ConfigMap,
        Resource::Node,
    ];

    /// The `kind` field.
    pub fn kind(self) -> &'static str {
        match self {
            Resource::Namespace => "Namespace",
            Resource::Pod => "Pod",
            Resource::Deployment => "Deployment",
            Resource::ReplicaSet => "ReplicaSet",
            Resource::Service => "Service",
            Resource::Endpoints => "Endpoints",
            Resource::Secret => "Secret",
            Resource::ConfigMap => "ConfigMap",
            Resource::Node => "Node",
        }
    }

    /// The plural resource name (`kubectl get <plural>`, `details.kind` of a Status).
    pub fn plural(self) -> &'static str {
        match self {
            Resource::Namespace => "namespaces",
            Resource::Pod => "pods",
            Resource::Deployment => "deployments",
            Resource::ReplicaSet => "replicasets",
            Resource::Service => "services",
            Resource::Endpoints => "endpoints",
            Resource::Secret => "secrets",
            Resource::ConfigMap => "configmaps",
            Resource::Node => "nodes",
        }
    }

    /// The API group ("" for the core group).
    pub fn group(self) -> &'static str {
        match self {
            Resource::Deployment | Resource::ReplicaSet => "apps",
            _ => "",
        }
    }

    /// The `apiVersion` field.
    pub fn api_version(self) -> &'static str {
        match self {
            Resource::Deployment | Resource::ReplicaSet => "apps/v1",
            _ => "v1",
        }
    }

    /// `pods`, `deployments.apps`: Kubernetes' `GroupResource.String()`, used in messages.
    pub fn qualified_resource(self) -> String {
        if self.group().is_empty() {
            self.plural().to_string()
        } else {
            format!("{}.{}", self.plural(), self.group())
        }
    }

    /// `Pod`, `Deployment.apps`: Kubernetes' `GroupKind.String()`, used in 422 messages.
    pub fn qualified_kind(self) -> String {
        if self.group().is_empty() {
            self.kind().to_string()
        } else {
            format!("{}.{}", self.kind(), self.group())
        }
    }

    /// Whether objects live in a namespace.
    pub fn is_namespaced(self) -> bool {
        !matches!(self, Resource::Namespace | Resource::Node)
    }

    /// The key prefix under `/registry` (without slashes around it).
    pub fn storage_prefix(self) -> &'static str {
        match self {
            Resource::Service => "services/specs",
            Resource::Endpoints => "services/endpoints",
            Resource::Node => "minions",
            other => other.plural(),
        }
    }

    /// The resource for a `kind` + `apiVersion` pair, as kubectl's RESTMapper finds it.
    pub fn from_kind(api_version: &str, kind: &str) -> Option<Resource> {
        Resource::ALL
            .into_iter()
            .find(|resource| resource.kind() == kind && resource.api_version() == api_version)
    }

    /// The resource for a name as typed after `kubectl get` (plural, singular or short name).
    pub fn from_name(name: &str) -> Option<Resource> {
        let lower = name.to_ascii_lowercase();
        Resource::ALL.into_iter().find(|resource| {
            let short = match resource {
                Resource::Namespace => "ns",
                Resource::Pod => "po",
                Resource::Deployment => "deploy",
                Resource::ReplicaSet => "rs",
                Resource::Service => "svc",
                Resource::Endpoints => "ep",
                Resource::Secret => "secret",
                Resource::ConfigMap => "cm",
                Resource::Node => "no",
            };
            lower == resource.plural()
                || lower == resource.kind().to_ascii_lowercase()
                || lower == short
        })
    }
}

/// The etcd key of one object: `/registry/<prefix>/<namespace>/<name>` or
/// `/registry/<prefix>/<name>` for cluster-scoped resources.
pub fn object_key(resource: Resource, namespace: Option<&str>, name: &str) -> String {
    match (resource.is_namespaced(), namespace) {
        (true, Some(namespace)) => format!(
            "{REGISTRY_PREFIX}/{}/{namespace}/{name}",
            resource.storage_prefix()
        ),
        _ => format!("{REGISTRY_PREFIX}/{}/{name}", resource.storage_prefix()),
    }
}

/// The prefix a list or watch ranges over. It always ends with `/`, as in
/// `GetList` ("so that we only get children": `/registry/deployments` would
/// also match `/registry/deploymentsfoo/...`).
pub fn list_prefix(resource: Resource, namespace: Option<&str>) -> String {
    match (resource.is_namespaced(), namespace) {
        (true, Some(namespace)) => format!(
            "{REGISTRY_PREFIX}/{}/{namespace}/",
            resource.storage_prefix()
        ),
        _ => format!("{REGISTRY_PREFIX}/{}/", resource.storage_prefix()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_kube_apiserver_special_prefixes() {
        assert_eq!(
            object_key(Resource::Deployment, Some("default"), "nginx"),
            "/registry/deployments/default/nginx"
        );
        assert_eq!(
            object_key(Resource::Service, Some("default"), "web"),
            "/registry/services/specs/default/web"
        );
        assert_eq!(
            object_key(Resource::Endpoints, Some("default"), "web"),
            "/registry/services/endpoints/default/web"
        );
        assert_eq!(
            object_key(Resource::Node, None, "node-1"),
            "/registry/minions/node-1"
        );
        assert_eq!(
            object_key(Resource::Namespace, None, "default"),
            "/registry/namespaces/default"
        );
        assert_eq!(list_prefix(Resource::Pod, None), "/registry/pods/");
        assert_eq!(
            list_prefix(Resource::Pod, Some("kube-system")),
            "/registry/pods/kube-system/"
        );
    }

    #[test]
    fn kinds_resolve_only_with_their_own_api_version() {
        assert_eq!(
            Resource::from_kind("apps/v1", "Deployment"),
            Some(Resource::Deployment)
        );
        assert_eq!(Resource::from_kind("v1", "Deployment"), None);
        assert_eq!(Resource::from_kind("v1", "Frobnicator"), None);
        assert_eq!(
            Resource::Deployment.qualified_resource(),
            "deployments.apps"
        );
        assert_eq!(Resource::Pod.qualified_kind(), "Pod");
    }
}
