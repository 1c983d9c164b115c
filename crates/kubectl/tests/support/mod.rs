//! Shared setup: an apiserver over an `InMemoryEtcd` (the test keeps a clone to read the
//! revision and move the clock) and the controllers, as crates/apiserver/tests do.

#![allow(dead_code)]

use apiserver::controllers::ControllerManager;
use apiserver::{ApiServer, ApiServerConfig, InMemoryEtcd};

pub const WEB_DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
";

pub struct World {
    pub api: ApiServer,
    pub etcd: InMemoryEtcd,
    pub controllers: ControllerManager,
}

impl World {
    pub fn new() -> World {
        let etcd = InMemoryEtcd::new();
        let mut api = ApiServer::new(Box::new(etcd.clone()), ApiServerConfig::default());
        api.bootstrap();
        World { api, etcd, controllers: ControllerManager::new(&["node-1", "node-2"]) }
    }

    /// `kubectl <line>` with `stdin`.
    pub fn kubectl(&mut self, line: &str, stdin: &str) -> kubectl::KubectlOutput {
        let words = console::words::split_words(line).expect("test lines split");
        kubectl::run(&words, stdin, &mut self.api)
    }

    /// Runs the controllers until nothing changes.
    pub fn settle(&mut self) {
        let (_, settled) = self.controllers.run_until_settled(&mut self.api, 30);
        assert!(settled, "controllers settle");
    }

    pub fn advance_seconds(&mut self, seconds: u64) {
        self.etcd.advance_ms(seconds * 1000);
        self.api.advance();
    }
}
