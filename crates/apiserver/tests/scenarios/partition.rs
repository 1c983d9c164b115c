//! The apiserver's etcd member is in a minority partition for a while.
//!
//! This runs against a fake `Etcd` that times out until the partition heals
//! (optionally committing the first timed-out write anyway, as a leader that
//! had appended it before stepping down does [reference notes 3.5 item 3]).
//! The same story against the real simulated cluster (openraft members,
//! client failover to a majority member) is left to the playground
//! integration tests.

use apiserver::{
    ApiRequest, ApiServer, ApiServerConfig, Etcd, EtcdError, InMemoryEtcd, RequestBody, Resource,
};
use serde_json::json;

struct MinorityEtcd {
    inner: InMemoryEtcd,
    heals_at_ms: u64,
    commit_first_timed_out_write: bool,
}

impl MinorityEtcd {
    fn partitioned(&self) -> bool {
        self.inner.now_ms() < self.heals_at_ms
    }
}

impl Etcd for MinorityEtcd {
    fn range(&mut self, request: mvcc::RangeRequest) -> Result<mvcc::RangeResponse, EtcdError> {
        if self.partitioned() {
            return Err(EtcdError::Timeout);
        }
        self.inner.range(request)
    }
    fn txn(&mut self, request: mvcc::TxnRequest) -> Result<mvcc::TxnResponse, EtcdError> {
        if self.partitioned() {
            if self.commit_first_timed_out_write {
                self.commit_first_timed_out_write = false;
                // The write reaches the log and commits later; the client never hears.
                let _ = self.inner.txn(request);
            }
            return Err(EtcdError::Timeout);
        }
        self.inner.txn(request)
    }
    fn compact(
        &mut self,
        request: mvcc::CompactionRequest,
    ) -> Result<mvcc::CompactionResponse, EtcdError> {
        if self.partitioned() {
            return Err(EtcdError::Timeout);
        }
        self.inner.compact(request)
    }
    fn watch(&mut self, request: mvcc::WatchRequest) -> Result<mvcc::WatchId, EtcdError> {
        if self.partitioned() {
            return Err(EtcdError::NoLeader);
        }
        self.inner.watch(request)
    }
    fn cancel_watch(&mut self, id: mvcc::WatchId) -> bool {
        self.inner.cancel_watch(id)
    }
    fn take_watch_responses(&mut self) -> Vec<mvcc::WatchResponse> {
        self.inner.take_watch_responses()
    }
    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }
}

fn config_map(name: &str) -> RequestBody {
    RequestBody::Object(
        json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":name},"data":{"k":name}}),
    )
}

fn setup(commit_first_timed_out_write: bool) -> (ApiServer, InMemoryEtcd) {
    let inner = InMemoryEtcd::new();
    let etcd = MinorityEtcd {
        inner: inner.clone(),
        heals_at_ms: 0,
        commit_first_timed_out_write,
    };
    let mut api = ApiServer::new(
        Box::new(etcd),
        ApiServerConfig {
            compaction_interval_ms: None,
            ..ApiServerConfig::default()
        },
    );
    assert_eq!(api.bootstrap(), 4);
    (api, inner)
}

/// Writes one object per virtual second from t = 1 s to t = 20 s while the
/// partition lasts from 5 s to 12 s; returns the names whose create was acknowledged.
fn write_through_a_partition(
    api: &mut ApiServer,
    clock: &InMemoryEtcd,
    partition_ms: (u64, u64),
    heal: &mut dyn FnMut(u64),
) -> Vec<String> {
    let mut acknowledged = Vec::new();
    for second in 1..=20u64 {
        clock.set_now_ms(second * 1000);
        heal(if second * 1000 < partition_ms.0 {
            0
        } else {
            partition_ms.1
        });
        let name = format!("cm-{second:02}");
        let response = api.handle(ApiRequest::Create {
            namespace: None,
            body: config_map(&name),
        });
        let in_partition = (partition_ms.0..partition_ms.1).contains(&(second * 1000));
        if in_partition {
            assert_eq!(response.status_code, 504, "{name} during the partition");
            assert_eq!(
                response.status().map(|status| status.kubectl_error_line(None)),
                Some("Error from server (Timeout): the server was unable to return a response in the time allotted, but may still be processing the request (post configmaps)".to_string())
            );
        } else {
            assert_eq!(response.status_code, 201, "{name} outside the partition");
            acknowledged.push(name);
        }
    }
    acknowledged
}

#[test]
fn writes_time_out_in_the_minority_and_succeed_after_the_partition_heals_and_no_acknowledged_write_is_lost(
) {
    let inner = InMemoryEtcd::new();
    let heals_at = std::rc::Rc::new(std::cell::Cell::new(0u64));
    struct Shared {
        etcd: MinorityEtcd,
        heals_at: std::rc::Rc<std::cell::Cell<u64>>,
    }
    impl Etcd for Shared {
        fn range(&mut self, r: mvcc::RangeRequest) -> Result<mvcc::RangeResponse, EtcdError> {
            self.etcd.heals_at_ms = self.heals_at.get();
            self.etcd.range(r)
        }
        fn txn(&mut self, r: mvcc::TxnRequest) -> Result<mvcc::TxnResponse, EtcdError> {
            self.etcd.heals_at_ms = self.heals_at.get();
            self.etcd.txn(r)
        }
        fn compact(
            &mut self,
            r: mvcc::CompactionRequest,
        ) -> Result<mvcc::CompactionResponse, EtcdError> {
            self.etcd.compact(r)
        }
        fn watch(&mut self, r: mvcc::WatchRequest) -> Result<mvcc::WatchId, EtcdError> {
            self.etcd.heals_at_ms = self.heals_at.get();
            self.etcd.watch(r)
        }
        fn cancel_watch(&mut self, id: mvcc::WatchId) -> bool {
            self.etcd.cancel_watch(id)
        }
        fn take_watch_responses(&mut self) -> Vec<mvcc::WatchResponse> {
            self.etcd.take_watch_responses()
        }
        fn now_ms(&self) -> u64 {
            self.etcd.now_ms()
        }
    }
    let etcd = Shared {
        etcd: MinorityEtcd {
            inner: inner.clone(),
            heals_at_ms: 0,
            commit_first_timed_out_write: false,
        },
        heals_at: heals_at.clone(),
    };
    let mut api = ApiServer::new(
        Box::new(etcd),
        ApiServerConfig {
            compaction_interval_ms: None,
            ..ApiServerConfig::default()
        },
    );
    assert_eq!(api.bootstrap(), 4);
    let acknowledged = write_through_a_partition(&mut api, &inner, (5_000, 12_000), &mut |until| {
        heals_at.set(until)
    });
    assert_eq!(acknowledged.len(), 13);
    // Every acknowledged write is in etcd and readable through the API; nothing else is.
    let stored: Vec<String> = inner
        .raw_keys("/registry/configmaps/")
        .into_iter()
        .map(|key| {
            key.trim_start_matches("/registry/configmaps/default/")
                .to_string()
        })
        .collect();
    assert_eq!(stored, acknowledged);
    let list = api.handle(ApiRequest::List {
        resource: Resource::ConfigMap,
        namespace: Some("default".into()),
    });
    assert_eq!(
        list.object()
            .and_then(|list| list["items"].as_array())
            .map(Vec::len),
        Some(13)
    );
}

#[test]
fn a_create_that_timed_out_may_still_have_committed_so_its_retry_sees_already_exists() {
    let (mut api, inner) = setup(false);
    // The member loses quorum while the Txn is in flight: the leader had appended
    // the entry, the client times out, and the entry commits after the heal.
    struct LosesQuorumMidWrite {
        etcd: MinorityEtcd,
    }
    impl Etcd for LosesQuorumMidWrite {
        fn range(&mut self, r: mvcc::RangeRequest) -> Result<mvcc::RangeResponse, EtcdError> {
            self.etcd.range(r)
        }
        fn txn(&mut self, r: mvcc::TxnRequest) -> Result<mvcc::TxnResponse, EtcdError> {
            if self.etcd.commit_first_timed_out_write && self.etcd.heals_at_ms == 0 {
                self.etcd.heals_at_ms = self.etcd.now_ms() + 10_000;
            }
            self.etcd.txn(r)
        }
        fn compact(
            &mut self,
            r: mvcc::CompactionRequest,
        ) -> Result<mvcc::CompactionResponse, EtcdError> {
            self.etcd.compact(r)
        }
        fn watch(&mut self, r: mvcc::WatchRequest) -> Result<mvcc::WatchId, EtcdError> {
            self.etcd.watch(r)
        }
        fn cancel_watch(&mut self, id: mvcc::WatchId) -> bool {
            self.etcd.cancel_watch(id)
        }
        fn take_watch_responses(&mut self) -> Vec<mvcc::WatchResponse> {
            self.etcd.take_watch_responses()
        }
        fn now_ms(&self) -> u64 {
            self.etcd.now_ms()
        }
    }
    let etcd = LosesQuorumMidWrite {
        etcd: MinorityEtcd {
            inner: inner.clone(),
            heals_at_ms: 0,
            commit_first_timed_out_write: true,
        },
    };
    let mut minority_api = ApiServer::new(
        Box::new(etcd),
        ApiServerConfig {
            compaction_interval_ms: None,
            ..ApiServerConfig::default()
        },
    );
    inner.set_now_ms(1_000);
    let first = minority_api.handle(ApiRequest::Create {
        namespace: None,
        body: config_map("during-outage"),
    });
    assert_eq!(first.status_code, 504, "the client never hears back");
    let get_during = minority_api.handle(ApiRequest::Get {
        resource: Resource::ConfigMap,
        namespace: Some("default".into()),
        name: "during-outage".into(),
    });
    assert_eq!(
        get_during.status_code, 504,
        "linearizable reads fail in the minority too"
    );
    inner.set_now_ms(11_000);
    let retry = minority_api.handle(ApiRequest::Create {
        namespace: None,
        body: config_map("during-outage"),
    });
    assert_eq!(retry.status_code, 409);
    assert_eq!(
        retry.status().map(|status| status.reason.as_str()),
        Some("AlreadyExists")
    );
    let read = api.handle(ApiRequest::Get {
        resource: Resource::ConfigMap,
        namespace: Some("default".into()),
        name: "during-outage".into(),
    });
    assert_eq!(read.status_code, 200);
}

#[test]
fn a_watch_cannot_open_while_the_member_has_no_leader() {
    let inner = InMemoryEtcd::new();
    let etcd = MinorityEtcd {
        inner: inner.clone(),
        heals_at_ms: 5_000,
        commit_first_timed_out_write: false,
    };
    let mut api = ApiServer::new(Box::new(etcd), ApiServerConfig::default());
    let response = api.handle(ApiRequest::Watch {
        resource: Resource::Pod,
        namespace: None,
        resource_version: Some("1".into()),
    });
    assert_eq!(response.status_code, 500);
    assert_eq!(
        response
            .status()
            .map(|status| status.kubectl_error_line(None)),
        Some("Error from server: etcdserver: no leader".to_string())
    );
}

/// Two endpoints over one store, like a 3-member cluster seen by client-go:
/// endpoint 0 is the minority member, endpoint 1 a majority member. A request
/// that times out fails, and the balancer moves on to the next endpoint for
/// the following requests.
struct FailoverEtcd {
    inner: InMemoryEtcd,
    minority_until_ms: u64,
    current_endpoint: usize,
    timeouts_seen: u32,
}

impl FailoverEtcd {
    fn call<T>(
        &mut self,
        operation: impl FnOnce(&mut InMemoryEtcd) -> Result<T, EtcdError>,
    ) -> Result<T, EtcdError> {
        if self.current_endpoint == 0 && self.inner.now_ms() < self.minority_until_ms {
            self.timeouts_seen += 1;
            self.current_endpoint = 1;
            return Err(EtcdError::Timeout);
        }
        operation(&mut self.inner)
    }
}

impl Etcd for FailoverEtcd {
    fn range(&mut self, request: mvcc::RangeRequest) -> Result<mvcc::RangeResponse, EtcdError> {
        self.call(|etcd| etcd.range(request))
    }
    fn txn(&mut self, request: mvcc::TxnRequest) -> Result<mvcc::TxnResponse, EtcdError> {
        self.call(|etcd| etcd.txn(request))
    }
    fn compact(
        &mut self,
        request: mvcc::CompactionRequest,
    ) -> Result<mvcc::CompactionResponse, EtcdError> {
        self.call(|etcd| etcd.compact(request))
    }
    fn watch(&mut self, request: mvcc::WatchRequest) -> Result<mvcc::WatchId, EtcdError> {
        self.call(|etcd| etcd.watch(request))
    }
    fn cancel_watch(&mut self, id: mvcc::WatchId) -> bool {
        self.inner.cancel_watch(id)
    }
    fn take_watch_responses(&mut self) -> Vec<mvcc::WatchResponse> {
        self.inner.take_watch_responses()
    }
    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }
}

#[test]
fn after_one_timeout_the_client_fails_over_to_a_majority_member_and_writes_succeed_during_the_partition(
) {
    let inner = InMemoryEtcd::new();
    let etcd = FailoverEtcd {
        inner: inner.clone(),
        minority_until_ms: 60_000,
        current_endpoint: 0,
        timeouts_seen: 0,
    };
    let mut api = ApiServer::new(
        Box::new(etcd),
        ApiServerConfig {
            compaction_interval_ms: None,
            ..ApiServerConfig::default()
        },
    );
    inner.set_now_ms(1_000);
    // The first request of the bootstrap times out on the minority member...
    assert_eq!(api.bootstrap(), 3, "the first namespace create timed out");
    // ...and everything after it goes to the majority member while the partition lasts.
    let retried = api.handle(ApiRequest::Create {
        namespace: None,
        body: RequestBody::Object(
            json!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"}}),
        ),
    });
    assert_eq!(retried.status_code, 201);
    let created = api.handle(ApiRequest::Create {
        namespace: None,
        body: config_map("after-failover"),
    });
    assert_eq!(created.status_code, 201);
    assert!(inner.now_ms() < 60_000, "still partitioned");
    assert_eq!(
        inner.raw_keys("/registry/configmaps/"),
        vec!["/registry/configmaps/default/after-failover".to_string()]
    );
}
