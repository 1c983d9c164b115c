//! Shared setup: an apiserver over an `InMemoryEtcd` whose clone the test keeps
//! to look at raw keys (the way `etcdctl` would) and to move the clock.

use apiserver::{
    ApiRequest, ApiResponse, ApiServer, ApiServerConfig, InMemoryEtcd, RequestBody, Resource,
};

pub const NGINX_DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
";

/// A bootstrapped apiserver (namespaces at revisions 2..=5) and the etcd handle.
pub fn cluster() -> (ApiServer, InMemoryEtcd) {
    cluster_with(ApiServerConfig::default())
}

pub fn cluster_with(config: ApiServerConfig) -> (ApiServer, InMemoryEtcd) {
    let etcd = InMemoryEtcd::new();
    let mut api = ApiServer::new(Box::new(etcd.clone()), config);
    assert_eq!(api.bootstrap(), 4);
    assert_eq!(etcd.revision(), 5);
    (api, etcd)
}

pub fn create_text(api: &mut ApiServer, text: &str) -> ApiResponse {
    api.handle(ApiRequest::Create {
        namespace: None,
        body: RequestBody::Text(text.to_string()),
    })
}

pub fn get(api: &mut ApiServer, resource: Resource, namespace: &str, name: &str) -> ApiResponse {
    api.handle(ApiRequest::Get {
        resource,
        namespace: Some(namespace.to_string()),
        name: name.to_string(),
    })
}

pub fn update_object(api: &mut ApiServer, object: serde_json::Value) -> ApiResponse {
    api.handle(ApiRequest::Update {
        namespace: None,
        body: RequestBody::Object(object),
    })
}
