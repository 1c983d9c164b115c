//! Golden tests: the operations of the real etcd 3.4.23 transcripts in
//! `shared/reference/etcd-golden/` (01 to 05 continue one store; 15 starts a fresh one),
//! replayed against `Store`, asserting the revisions, versions, counts, `more`, txn outcomes and
//! error texts that real etcd printed. Each test replays the transcripts before it, because
//! they continue the same store; the invariants are checked after every step.

use mvcc::*;

const NGINX_GENERATION_1: &str = r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"nginx","namespace":"default","uid":"7f1c3a52-0c6e-4a8e-9d55-2b7d0f3c1a11","generation":1,"creationTimestamp":"2024-05-01T10:00:00Z"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}"#;
const POD_NGINX_ABC: &str = r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"nginx-abc","namespace":"default","labels":{"app":"nginx"}},"spec":{"nodeName":"node-1","containers":[{"name":"nginx","image":"nginx:1.25"}]},"status":{"phase":"Running"}}"#;
const SERVICE_WEB_42: &str = r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"default"},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.42","selector":{"app":"nginx"},"ports":[{"port":80,"targetPort":80,"protocol":"TCP"}]}}"#;
const ENDPOINTS_WEB: &str = r#"{"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"web","namespace":"default"},"subsets":[{"addresses":[{"ip":"10.244.1.7"}],"ports":[{"port":80,"protocol":"TCP"}]}]}"#;
const SECRET_DB_PASS: &str = r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db-pass","namespace":"default"},"type":"Opaque","data":{"password":"czNjcjN0"}}"#;
const NAMESPACE_DEFAULT: &str = r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"default"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}"#;
const NGINX_GENERATION_2: &str = r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"nginx","namespace":"default","uid":"7f1c3a52-0c6e-4a8e-9d55-2b7d0f3c1a11","generation":2,"creationTimestamp":"2024-05-01T10:00:00Z"},"spec":{"replicas":5,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}"#;
const NGINX_RECREATED: &str = r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"nginx","namespace":"default","uid":"0b9e6a4d-5c1f-4f3e-8a2b-6d4c2e1f9a77","generation":1,"creationTimestamp":"2024-05-01T10:05:00Z"},"spec":{"replicas":1}}"#;
const SERVICE_WEB_43: &str = r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"default"},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.43","selector":{"app":"nginx"},"ports":[{"port":80,"targetPort":80,"protocol":"TCP"}]}}"#;

const DEPLOYMENT: &[u8] = b"/registry/deployments/default/nginx";
const SERVICE: &[u8] = b"/registry/services/specs/default/web";

/// The store plus the etcdctl-shaped helpers the transcripts use.
struct Etcd {
    store: Store,
}

fn range_of(key: &[u8], range_end: &[u8]) -> RangeRequest {
    RangeRequest {
        key: key.to_vec(),
        range_end: range_end.to_vec(),
        ..Default::default()
    }
}

/// `etcdctl get --prefix P`
fn prefix(key: &[u8]) -> RangeRequest {
    range_of(key, &prefix_end(key))
}

fn keys(response: &RangeResponse) -> Vec<String> {
    response
        .kvs
        .iter()
        .map(|kv| String::from_utf8_lossy(&kv.key).into_owned())
        .collect()
}

/// (create_revision, mod_revision, version) of every kv.
fn numbers(response: &RangeResponse) -> Vec<(i64, i64, i64)> {
    response
        .kvs
        .iter()
        .map(|kv| (kv.create_revision, kv.mod_revision, kv.version))
        .collect()
}

fn mod_revision_is(key: &[u8], revision: i64) -> Compare {
    Compare {
        key: key.to_vec(),
        range_end: Vec::new(),
        result: CompareResult::Equal,
        target: CompareTarget::ModRevision(revision),
    }
}

fn put_op(key: &[u8], value: &str) -> RequestOp {
    RequestOp::Put(PutRequest {
        key: key.to_vec(),
        value: value.as_bytes().to_vec(),
        ..Default::default()
    })
}

fn get_op(key: &[u8]) -> RequestOp {
    RequestOp::Range(range_of(key, b""))
}

fn delete_op(key: &[u8]) -> RequestOp {
    RequestOp::DeleteRange(DeleteRangeRequest {
        key: key.to_vec(),
        ..Default::default()
    })
}

impl Etcd {
    fn new() -> Etcd {
        Etcd {
            store: Store::new(),
        }
    }

    fn checked(&self) {
        if let Err(violation) = self.store.check_invariants() {
            panic!("{violation}");
        }
    }

    fn put(&mut self, key: &[u8], value: &str) -> PutResponse {
        self.put_request(PutRequest {
            key: key.to_vec(),
            value: value.as_bytes().to_vec(),
            ..Default::default()
        })
    }

    fn put_request(&mut self, request: PutRequest) -> PutResponse {
        let response = self.store.put(request).expect("put");
        self.checked();
        response
    }

    fn get(&self, request: RangeRequest) -> RangeResponse {
        self.store.range(&request).expect("range")
    }

    fn get_at(&self, mut request: RangeRequest, revision: i64) -> Result<RangeResponse, MvccError> {
        request.revision = revision;
        self.store.range(&request)
    }

    fn delete(&mut self, request: DeleteRangeRequest) -> DeleteRangeResponse {
        let response = self.store.delete_range(request).expect("delete");
        self.checked();
        response
    }

    fn delete_key(&mut self, key: &[u8]) -> DeleteRangeResponse {
        self.delete(DeleteRangeRequest {
            key: key.to_vec(),
            ..Default::default()
        })
    }

    fn txn(
        &mut self,
        compare: Vec<Compare>,
        success: Vec<RequestOp>,
        failure: Vec<RequestOp>,
    ) -> Result<TxnResponse, MvccError> {
        let response = self.store.txn(TxnRequest {
            compare,
            success,
            failure,
        });
        self.checked();
        response
    }

    fn compact(&mut self, revision: i64) -> Result<CompactionResponse, MvccError> {
        let response = self.store.compact(CompactionRequest {
            revision,
            physical: false,
        });
        self.checked();
        response
    }

    fn value_of(&self, key: &[u8]) -> String {
        let response = self.get(range_of(key, b""));
        String::from_utf8_lossy(&response.kvs[0].value).into_owned()
    }
}

// ----- 01-single-put-get.txt ------------------------------------------------------------------

fn replay_01_put_get(etcd: &mut Etcd) {
    // empty store: revision 1, nothing found
    let empty = etcd.get(range_of(DEPLOYMENT, b""));
    assert_eq!(
        (empty.header.revision, empty.count, empty.kvs.len()),
        (1, 0, 0)
    );
    assert_eq!(etcd.get(prefix(b"/registry")).count, 0);

    let puts: [(&[u8], &str); 6] = [
        (DEPLOYMENT, NGINX_GENERATION_1),
        (b"/registry/pods/default/nginx-abc", POD_NGINX_ABC),
        (SERVICE, SERVICE_WEB_42),
        (b"/registry/services/endpoints/default/web", ENDPOINTS_WEB),
        (b"/registry/secrets/default/db-pass", SECRET_DB_PASS),
        (b"/registry/namespaces/default", NAMESPACE_DEFAULT),
    ];
    for (expected_revision, (key, value)) in (2..).zip(puts) {
        assert_eq!(etcd.put(key, value).header.revision, expected_revision);
    }
    assert_eq!(etcd.value_of(DEPLOYMENT), NGINX_GENERATION_1);

    // get --prefix --keys-only /registry: sorted by key bytes, count 6, header revision 7
    let listing = etcd.get(RangeRequest {
        keys_only: true,
        ..prefix(b"/registry")
    });
    assert_eq!(
        keys(&listing),
        [
            "/registry/deployments/default/nginx",
            "/registry/namespaces/default",
            "/registry/pods/default/nginx-abc",
            "/registry/secrets/default/db-pass",
            "/registry/services/endpoints/default/web",
            "/registry/services/specs/default/web",
        ]
    );
    assert_eq!(
        numbers(&listing),
        [
            (2, 2, 1),
            (7, 7, 1),
            (3, 3, 1),
            (6, 6, 1),
            (5, 5, 1),
            (4, 4, 1)
        ]
    );
    assert_eq!(
        (listing.header.revision, listing.count, listing.more),
        (7, 6, false)
    );
    assert!(
        listing.kvs.iter().all(|kv| kv.value.is_empty()),
        "keys-only returns no values"
    );

    let services = etcd.get(RangeRequest {
        keys_only: true,
        ..prefix(b"/registry/services/")
    });
    assert_eq!(
        keys(&services),
        [
            "/registry/services/endpoints/default/web",
            "/registry/services/specs/default/web"
        ]
    );
    assert_eq!(numbers(&services), [(5, 5, 1), (4, 4, 1)]);
    assert_eq!(services.count, 2);

    // --limit=2: "more":true,"count":6
    let limited = etcd.get(RangeRequest {
        keys_only: true,
        limit: 2,
        ..prefix(b"/registry")
    });
    assert_eq!(
        keys(&limited),
        [
            "/registry/deployments/default/nginx",
            "/registry/namespaces/default"
        ]
    );
    assert_eq!((limited.more, limited.count), (true, 6));

    // --sort-by=MODIFY --order=DESCEND
    let by_modification = etcd.get(RangeRequest {
        keys_only: true,
        sort_order: SortOrder::Descend,
        sort_target: SortTarget::Mod,
        ..prefix(b"/registry")
    });
    assert_eq!(
        keys(&by_modification),
        [
            "/registry/namespaces/default",
            "/registry/secrets/default/db-pass",
            "/registry/services/endpoints/default/web",
            "/registry/services/specs/default/web",
            "/registry/pods/default/nginx-abc",
            "/registry/deployments/default/nginx",
        ]
    );

    // --from-key /registry/s
    let from_key = etcd.get(RangeRequest {
        keys_only: true,
        ..range_of(b"/registry/s", b"\0")
    });
    assert_eq!(
        keys(&from_key),
        [
            "/registry/secrets/default/db-pass",
            "/registry/services/endpoints/default/web",
            "/registry/services/specs/default/web"
        ]
    );

    // get /registry/pods /registry/services is the range [pods, services)
    let between = etcd.get(RangeRequest {
        keys_only: true,
        ..range_of(b"/registry/pods", b"/registry/services")
    });
    assert_eq!(
        keys(&between),
        [
            "/registry/pods/default/nginx-abc",
            "/registry/secrets/default/db-pass"
        ]
    );

    // get -w json deployment: header 7, create 2, mod 2, version 1, count 1
    let deployment = etcd.get(range_of(DEPLOYMENT, b""));
    assert_eq!(
        (
            deployment.header.revision,
            deployment.count,
            numbers(&deployment)
        ),
        (7, 1, vec![(2, 2, 1)])
    );
    // get -w fields secret: Lease 0, More false, Count 1
    let secret = etcd.get(range_of(b"/registry/secrets/default/db-pass", b""));
    assert_eq!(
        (
            secret.kvs[0].lease,
            secret.more,
            secret.count,
            numbers(&secret)
        ),
        (0, false, 1, vec![(6, 6, 1)])
    );
}

#[test]
fn puts_number_revisions_from_two_and_listings_come_back_in_key_byte_order() {
    let mut etcd = Etcd::new();
    replay_01_put_get(&mut etcd);
}

// ----- 02-single-revisions.txt ----------------------------------------------------------------

fn replay_02_revisions(etcd: &mut Etcd) {
    // update: version 2, create kept, mod = 8
    assert_eq!(etcd.put(DEPLOYMENT, NGINX_GENERATION_2).header.revision, 8);
    assert_eq!(numbers(&etcd.get(range_of(DEPLOYMENT, b""))), [(2, 8, 2)]);

    // identical value with --prev-kv: still a new revision and version
    let identical = etcd.put_request(PutRequest {
        key: DEPLOYMENT.to_vec(),
        value: NGINX_GENERATION_2.as_bytes().to_vec(),
        prev_kv: true,
        ..Default::default()
    });
    let previous = identical.prev_kv.expect("prev kv");
    assert_eq!(
        (
            previous.mod_revision,
            previous.version,
            previous.value.as_slice()
        ),
        (8, 2, NGINX_GENERATION_2.as_bytes())
    );
    let now = etcd.get(range_of(DEPLOYMENT, b""));
    assert_eq!((now.header.revision, numbers(&now)), (9, vec![(2, 9, 3)]));

    // reads at older revisions; header.revision stays the current revision
    let at_2 = etcd.get_at(range_of(DEPLOYMENT, b""), 2).unwrap();
    assert_eq!(at_2.kvs[0].value, NGINX_GENERATION_1.as_bytes());
    let at_8 = etcd.get_at(range_of(DEPLOYMENT, b""), 8).unwrap();
    assert_eq!((at_8.header.revision, numbers(&at_8)), (9, vec![(2, 8, 2)]));
    let at_1 = etcd.get_at(prefix(b"/registry"), 1).unwrap();
    assert_eq!((at_1.header.revision, at_1.count), (9, 0));
    let at_4 = etcd
        .get_at(
            RangeRequest {
                keys_only: true,
                ..prefix(b"/registry")
            },
            4,
        )
        .unwrap();
    assert_eq!(
        keys(&at_4),
        [
            "/registry/deployments/default/nginx",
            "/registry/pods/default/nginx-abc",
            "/registry/services/specs/default/web"
        ]
    );
    let future = etcd.get_at(range_of(DEPLOYMENT, b""), 100).unwrap_err();
    assert_eq!(
        future.to_string(),
        "etcdserver: mvcc: required revision is a future revision"
    );
    assert_eq!(etcd.get_at(prefix(b"/registry"), 0).unwrap().count, 6);

    // delete prints 1, deleting again prints 0 and creates no revision
    let deleted = etcd.delete_key(DEPLOYMENT);
    assert_eq!((deleted.deleted, deleted.header.revision), (1, 10));
    let nothing = etcd.delete_key(DEPLOYMENT);
    assert_eq!((nothing.deleted, nothing.header.revision), (0, 10));
    assert_eq!(etcd.store.revision(), 10);
    let gone = etcd.get(range_of(DEPLOYMENT, b""));
    assert_eq!((gone.header.revision, gone.count), (10, 0));
    assert_eq!(
        etcd.get_at(range_of(DEPLOYMENT, b""), 9).unwrap().kvs[0].value,
        NGINX_GENERATION_2.as_bytes()
    );
    assert_eq!(etcd.get_at(range_of(DEPLOYMENT, b""), 10).unwrap().count, 0);

    // re-create: a new generation, create_revision 11, version 1
    assert_eq!(etcd.put(DEPLOYMENT, NGINX_RECREATED).header.revision, 11);
    assert_eq!(numbers(&etcd.get(range_of(DEPLOYMENT, b""))), [(11, 11, 1)]);

    // delete --prev-kv, and a ranged delete of two keys in one revision
    assert_eq!(
        etcd.put(b"/registry/pods/default/nginx-def", POD_NGINX_ABC)
            .header
            .revision,
        12
    );
    assert_eq!(
        etcd.put(b"/registry/pods/kube-system/coredns-1", "{}")
            .header
            .revision,
        13
    );
    let with_previous = etcd.delete(DeleteRangeRequest {
        key: b"/registry/pods/default/nginx-def".to_vec(),
        prev_kv: true,
        ..Default::default()
    });
    assert_eq!(
        (with_previous.deleted, with_previous.header.revision),
        (1, 14)
    );
    assert_eq!(with_previous.prev_kvs[0].value, POD_NGINX_ABC.as_bytes());
    let pods = etcd.delete(DeleteRangeRequest {
        key: b"/registry/pods/".to_vec(),
        range_end: prefix_end(b"/registry/pods/"),
        prev_kv: false,
    });
    assert_eq!((pods.deleted, pods.header.revision), (2, 15));
    let no_pods = etcd.get(prefix(b"/registry/pods/"));
    assert_eq!((no_pods.header.revision, no_pods.count), (15, 0));
}

#[test]
fn updates_deletes_and_recreation_move_versions_and_revisions_like_etcd() {
    let mut etcd = Etcd::new();
    replay_01_put_get(&mut etcd);
    replay_02_revisions(&mut etcd);
}

// ----- 03-single-compaction.txt ---------------------------------------------------------------

fn replay_03_compaction(etcd: &mut Etcd) {
    let keys_at = |etcd: &Etcd, revision: i64| {
        etcd.get_at(
            RangeRequest {
                keys_only: true,
                ..prefix(b"/registry")
            },
            revision,
        )
    };
    assert_eq!(
        keys(&keys_at(etcd, 3).unwrap()),
        [
            "/registry/deployments/default/nginx",
            "/registry/pods/default/nginx-abc"
        ]
    );

    // compact at 5: 4 is unreadable, 5 stays readable
    assert_eq!(etcd.compact(5).unwrap().header.revision, 15);
    let compacted = "etcdserver: mvcc: required revision has been compacted";
    assert_eq!(keys_at(etcd, 4).unwrap_err().to_string(), compacted);
    assert_eq!(
        etcd.get_at(range_of(b"/registry/pods/default/nginx-abc", b""), 4)
            .unwrap_err()
            .to_string(),
        compacted
    );
    assert_eq!(
        keys(&keys_at(etcd, 5).unwrap()),
        [
            "/registry/deployments/default/nginx",
            "/registry/pods/default/nginx-abc",
            "/registry/services/endpoints/default/web",
            "/registry/services/specs/default/web",
        ]
    );
    assert_eq!(
        etcd.get_at(range_of(DEPLOYMENT, b""), 9).unwrap().kvs[0].value,
        NGINX_GENERATION_2.as_bytes()
    );

    // compacting again at or below, or in the future
    assert_eq!(etcd.compact(5).unwrap_err().to_string(), compacted);
    assert_eq!(etcd.compact(3).unwrap_err().to_string(), compacted);
    assert_eq!(
        etcd.compact(1000).unwrap_err().to_string(),
        "etcdserver: mvcc: required revision is a future revision"
    );

    // compact to the newest revision: deleted keys' history is gone, live keys stay readable
    assert_eq!(
        etcd.store
            .compact(CompactionRequest {
                revision: 15,
                physical: true
            })
            .unwrap()
            .header
            .revision,
        15
    );
    etcd.checked();
    assert_eq!(keys_at(etcd, 14).unwrap_err().to_string(), compacted);
    assert_eq!(
        keys(&keys_at(etcd, 15).unwrap()),
        [
            "/registry/deployments/default/nginx",
            "/registry/namespaces/default",
            "/registry/secrets/default/db-pass",
            "/registry/services/endpoints/default/web",
            "/registry/services/specs/default/web",
        ]
    );
    let deployment = etcd.get(range_of(DEPLOYMENT, b""));
    assert_eq!(
        (deployment.header.revision, numbers(&deployment)),
        (15, vec![(11, 11, 1)])
    );
    assert_eq!(
        (etcd.store.revision(), etcd.store.compact_revision()),
        (15, 15)
    );

    // a watch from a compacted revision: created, then cancelled with CompactRevision 15
    let id = etcd.store.watch(WatchRequest {
        start_revision: 2,
        ..watch_prefix(b"/registry")
    });
    let responses = etcd.store.take_watch_responses();
    assert_eq!(responses.len(), 2);
    assert!(responses[0].created && !responses[0].canceled);
    let canceled = &responses[1];
    assert_eq!(
        (
            canceled.watch_id,
            canceled.header.revision,
            canceled.events.len(),
            canceled.compact_revision,
            canceled.canceled,
            canceled.created
        ),
        (id, 0, 0, 15, true, false)
    );
    assert_eq!(etcd.store.watch_count(), 0, "a cancelled watch is gone");
}

fn watch_prefix(key: &[u8]) -> WatchRequest {
    WatchRequest {
        key: key.to_vec(),
        range_end: prefix_end(key),
        start_revision: 0,
        prev_kv: false,
    }
}

#[test]
fn compaction_keeps_its_own_revision_readable_and_rejects_older_reads() {
    let mut etcd = Etcd::new();
    replay_01_put_get(&mut etcd);
    replay_02_revisions(&mut etcd);
    replay_03_compaction(&mut etcd);
}

// ----- 04-single-txn.txt ----------------------------------------------------------------------

fn replay_04_txn(etcd: &mut Etcd) {
    let replicas =
        |count: u32| NGINX_RECREATED.replace("\"replicas\":1}", &format!("\"replicas\":{count}}}"));

    // mod("nginx") = "11" succeeds: one put at revision 16
    let success = etcd
        .txn(
            vec![mod_revision_is(DEPLOYMENT, 11)],
            vec![put_op(DEPLOYMENT, &replicas(2))],
            vec![get_op(DEPLOYMENT)],
        )
        .unwrap();
    assert!(success.succeeded);
    assert_eq!(success.header.revision, 16);
    assert_eq!(numbers(&etcd.get(range_of(DEPLOYMENT, b""))), [(11, 16, 2)]);

    // the same txn again: FAILURE, the else-branch get returns the current kv; no new revision
    for _ in 0..2 {
        let failure = etcd
            .txn(
                vec![mod_revision_is(DEPLOYMENT, 11)],
                vec![put_op(DEPLOYMENT, &replicas(2))],
                vec![get_op(DEPLOYMENT)],
            )
            .unwrap();
        assert!(!failure.succeeded);
        assert_eq!(failure.header.revision, 16);
        let [ResponseOp::Range(read)] = failure.responses.as_slice() else {
            panic!("one range response: {failure:?}")
        };
        assert_eq!(
            (read.header.revision, read.count, numbers(read)),
            (16, 1, vec![(11, 16, 2)])
        );
        assert_eq!(read.kvs[0].value, replicas(2).as_bytes());
    }

    // -w json success: responses [ResponsePut {header {revision 17}}]
    let put = etcd
        .txn(
            vec![mod_revision_is(DEPLOYMENT, 16)],
            vec![put_op(DEPLOYMENT, &replicas(1))],
            vec![get_op(DEPLOYMENT)],
        )
        .unwrap();
    assert_eq!(
        put,
        TxnResponse {
            header: ResponseHeader { revision: 17 },
            succeeded: true,
            responses: vec![ResponseOp::Put(PutResponse {
                header: ResponseHeader { revision: 17 },
                prev_kv: None
            })],
        }
    );
    assert!(
        etcd.txn(
            vec![mod_revision_is(DEPLOYMENT, 17)],
            vec![put_op(DEPLOYMENT, &replicas(2))],
            vec![get_op(DEPLOYMENT)]
        )
        .unwrap()
        .succeeded
    );
    assert_eq!(numbers(&etcd.get(range_of(DEPLOYMENT, b""))), [(11, 18, 4)]);

    // create-if-absent: mod = 0 succeeds once (revision 19), then fails without writing
    let config: &[u8] = b"/registry/configmaps/default/app-config";
    let created = etcd
        .txn(
            vec![mod_revision_is(config, 0)],
            vec![put_op(config, r#"{"kind":"ConfigMap"}"#)],
            vec![],
        )
        .unwrap();
    assert_eq!((created.succeeded, created.header.revision), (true, 19));
    let exists = etcd
        .txn(
            vec![mod_revision_is(config, 0)],
            vec![put_op(config, "{}")],
            vec![],
        )
        .unwrap();
    assert_eq!(
        (
            exists.succeeded,
            exists.header.revision,
            exists.responses.len()
        ),
        (false, 19, 0)
    );

    // version = 1 and create > 0 (ANDed)
    let compares = vec![
        Compare {
            key: config.to_vec(),
            range_end: vec![],
            result: CompareResult::Equal,
            target: CompareTarget::Version(1),
        },
        Compare {
            key: config.to_vec(),
            range_end: vec![],
            result: CompareResult::Greater,
            target: CompareTarget::CreateRevision(0),
        },
    ];
    let both = etcd
        .txn(
            compares,
            vec![RequestOp::Range(RangeRequest {
                keys_only: true,
                ..range_of(config, b"")
            })],
            vec![],
        )
        .unwrap();
    assert!(both.succeeded);
    let [ResponseOp::Range(read)] = both.responses.as_slice() else {
        panic!("{both:?}")
    };
    assert_eq!(keys(read), ["/registry/configmaps/default/app-config"]);

    // value != "x" on a key, version = 0 on a missing key
    let compares = vec![
        Compare {
            key: b"/registry/namespaces/default".to_vec(),
            range_end: vec![],
            result: CompareResult::NotEqual,
            target: CompareTarget::Value(b"x".to_vec()),
        },
        Compare {
            key: b"/registry/namespaces/missing".to_vec(),
            range_end: vec![],
            result: CompareResult::Equal,
            target: CompareTarget::Version(0),
        },
    ];
    assert!(
        etcd.txn(
            compares,
            vec![get_op(b"/registry/namespaces/default")],
            vec![]
        )
        .unwrap()
        .succeeded
    );

    // mod < 3 fails; the else branch deletes the config map at revision 20
    let less = Compare {
        key: config.to_vec(),
        range_end: vec![],
        result: CompareResult::Less,
        target: CompareTarget::ModRevision(3),
    };
    let failure = etcd
        .txn(
            vec![less],
            vec![put_op(b"/registry/x", "y")],
            vec![delete_op(config)],
        )
        .unwrap();
    assert!(!failure.succeeded);
    let [ResponseOp::DeleteRange(deleted)] = failure.responses.as_slice() else {
        panic!("{failure:?}")
    };
    assert_eq!((deleted.deleted, failure.header.revision), (1, 20));
    assert_eq!(
        etcd.get(range_of(b"/registry/x", b"")).count,
        0,
        "the success branch did not run"
    );
    let gone = etcd.get(range_of(config, b""));
    assert_eq!((gone.header.revision, gone.count), (20, 0));

    // three puts in one txn: one revision (21), all three keys share it
    let rs: &[u8] = b"/registry/replicasets/default/nginx-7c5ddbdf54";
    let pod_a: &[u8] = b"/registry/pods/default/nginx-7c5ddbdf54-aaaaa";
    let pod_b: &[u8] = b"/registry/pods/default/nginx-7c5ddbdf54-bbbbb";
    let many = etcd
        .txn(
            vec![],
            vec![
                put_op(rs, r#"{"kind":"ReplicaSet"}"#),
                put_op(pod_a, r#"{"kind":"Pod"}"#),
                put_op(pod_b, r#"{"kind":"Pod"}"#),
            ],
            vec![],
        )
        .unwrap();
    let put_21 = ResponseOp::Put(PutResponse {
        header: ResponseHeader { revision: 21 },
        prev_kv: None,
    });
    assert_eq!(
        many,
        TxnResponse {
            header: ResponseHeader { revision: 21 },
            succeeded: true,
            responses: vec![put_21.clone(), put_21.clone(), put_21]
        }
    );
    let pods = etcd.get(prefix(b"/registry/pods/"));
    assert_eq!(
        keys(&pods),
        [
            "/registry/pods/default/nginx-7c5ddbdf54-aaaaa",
            "/registry/pods/default/nginx-7c5ddbdf54-bbbbb"
        ]
    );
    assert_eq!(numbers(&pods), [(21, 21, 1), (21, 21, 1)]);

    // no compares and an empty success branch: succeeded, nothing written
    let empty = etcd
        .txn(vec![], vec![], vec![put_op(b"/registry/never", "x")])
        .unwrap();
    assert_eq!(
        empty,
        TxnResponse {
            header: ResponseHeader { revision: 21 },
            succeeded: true,
            responses: vec![]
        }
    );
    assert_eq!(etcd.get(range_of(b"/registry/never", b"")).count, 0);

    // the same key twice in one txn
    let duplicate = etcd
        .txn(
            vec![],
            vec![put_op(b"/registry/d1", "x"), put_op(b"/registry/d1", "y")],
            vec![],
        )
        .unwrap_err();
    assert_eq!(
        duplicate.to_string(),
        "etcdserver: duplicate key given in txn request"
    );
    assert_eq!(etcd.store.revision(), 21);

    // the argify bug stored a one-character value '{' at revision 22; deleted at 23
    let quoted: &[u8] = b"/registry/configmaps/default/quoted";
    assert_eq!(
        etcd.txn(vec![], vec![put_op(quoted, "{")], vec![])
            .unwrap()
            .header
            .revision,
        22
    );
    assert_eq!(etcd.value_of(quoted), "{");
    assert_eq!(etcd.delete_key(quoted).deleted, 1);

    // get A B is the range [A, B)
    let between = etcd.get(RangeRequest {
        keys_only: true,
        ..range_of(quoted, b"/registry/x")
    });
    assert_eq!(
        keys(&between),
        [
            "/registry/deployments/default/nginx",
            "/registry/namespaces/default",
            "/registry/pods/default/nginx-7c5ddbdf54-aaaaa",
            "/registry/pods/default/nginx-7c5ddbdf54-bbbbb",
            "/registry/replicasets/default/nginx-7c5ddbdf54",
            "/registry/secrets/default/db-pass",
            "/registry/services/endpoints/default/web",
            "/registry/services/specs/default/web",
        ]
    );
    assert_eq!(etcd.store.revision(), 23);
}

#[test]
fn txns_compare_and_swap_and_write_all_their_keys_in_one_revision() {
    let mut etcd = Etcd::new();
    replay_01_put_get(&mut etcd);
    replay_02_revisions(&mut etcd);
    replay_03_compaction(&mut etcd);
    replay_04_txn(&mut etcd);
}

// ----- 05-single-watch.txt --------------------------------------------------------------------

/// (PUT/DELETE, key, mod_revision, value) of one event.
type EventSummary = (&'static str, String, i64, String);

fn event_summary(events: &[Event]) -> Vec<EventSummary> {
    events
        .iter()
        .map(|event| {
            (
                if event.kind == EventType::Put {
                    "PUT"
                } else {
                    "DELETE"
                },
                String::from_utf8_lossy(&event.kv.key).into_owned(),
                event.kv.mod_revision,
                String::from_utf8_lossy(&event.kv.value).into_owned(),
            )
        })
        .collect()
}

fn responses_of(responses: &[WatchResponse], id: WatchId) -> Vec<&WatchResponse> {
    responses
        .iter()
        .filter(|response| response.watch_id == id && !response.created)
        .collect()
}

fn replay_05_watch(etcd: &mut Etcd) {
    assert_eq!(etcd.store.revision(), 23);
    let plain = etcd.store.watch(watch_prefix(b"/registry/"));
    let with_previous = etcd.store.watch(WatchRequest {
        prev_kv: true,
        ..watch_prefix(b"/registry/")
    });
    let single = etcd.store.watch(WatchRequest {
        key: SERVICE.to_vec(),
        ..Default::default()
    });
    let created = etcd.store.take_watch_responses();
    assert_eq!(
        created
            .iter()
            .map(|response| (response.created, response.header.revision))
            .collect::<Vec<_>>(),
        [(true, 23); 3]
    );

    assert_eq!(etcd.put(SERVICE, SERVICE_WEB_43).header.revision, 24);
    assert_eq!(
        etcd.put(
            b"/registry/events/default/web.17c9a1b2c3d4e5f6",
            r#"{"kind":"Event","reason":"Created"}"#
        )
        .header
        .revision,
        25
    );
    assert_eq!(etcd.delete_key(SERVICE).deleted, 1);
    let pods = etcd.delete(DeleteRangeRequest {
        key: b"/registry/pods/".to_vec(),
        range_end: prefix_end(b"/registry/pods/"),
        prev_kv: false,
    });
    assert_eq!((pods.deleted, pods.header.revision), (2, 27));
    let txn = etcd
        .txn(
            vec![],
            vec![
                put_op(b"/registry/leases/kube-node-lease/node-1", "renew-1"),
                put_op(b"/registry/minions/node-1", r#"{"kind":"Node"}"#),
            ],
            vec![],
        )
        .unwrap();
    assert_eq!(txn.header.revision, 28);
    let responses = etcd.store.take_watch_responses();

    // -w json: one response per revision, header = that revision, events of one revision together
    let by_revision: Vec<(i64, Vec<EventSummary>)> = responses_of(&responses, plain)
        .iter()
        .map(|response| (response.header.revision, event_summary(&response.events)))
        .collect();
    let put = |key: &str, revision: i64, value: &str| {
        ("PUT", key.to_string(), revision, value.to_string())
    };
    let delete = |key: &str, revision: i64| ("DELETE", key.to_string(), revision, String::new());
    assert_eq!(
        by_revision,
        vec![
            (
                24,
                vec![put(
                    "/registry/services/specs/default/web",
                    24,
                    SERVICE_WEB_43
                )]
            ),
            (
                25,
                vec![put(
                    "/registry/events/default/web.17c9a1b2c3d4e5f6",
                    25,
                    r#"{"kind":"Event","reason":"Created"}"#
                )]
            ),
            (26, vec![delete("/registry/services/specs/default/web", 26)]),
            (
                27,
                vec![
                    delete("/registry/pods/default/nginx-7c5ddbdf54-aaaaa", 27),
                    delete("/registry/pods/default/nginx-7c5ddbdf54-bbbbb", 27)
                ]
            ),
            (
                28,
                vec![
                    put("/registry/leases/kube-node-lease/node-1", 28, "renew-1"),
                    put("/registry/minions/node-1", 28, r#"{"kind":"Node"}"#)
                ]
            ),
        ]
    );
    // a PUT of an existing key carries create 4 / version 2; a DELETE's kv has only key and mod_revision
    let first = &responses_of(&responses, plain)[0].events[0];
    assert_eq!((first.kv.create_revision, first.kv.version), (4, 2));
    let deletion = &responses_of(&responses, plain)[2].events[0].kv;
    assert_eq!(
        (
            deletion.create_revision,
            deletion.version,
            deletion.value.len(),
            deletion.lease
        ),
        (0, 0, 0, 0)
    );

    // --prev-kv: the old value for updates and deletes, none for creations
    let previous: Vec<Option<String>> = responses_of(&responses, with_previous)
        .iter()
        .flat_map(|response| response.events.iter())
        .map(|event| {
            event
                .prev_kv
                .as_ref()
                .map(|kv| String::from_utf8_lossy(&kv.value).into_owned())
        })
        .collect();
    let pod = Some(r#"{"kind":"Pod"}"#.to_string());
    assert_eq!(
        previous,
        vec![
            Some(SERVICE_WEB_42.to_string()),
            None,
            Some(SERVICE_WEB_43.to_string()),
            pod.clone(),
            pod,
            None,
            None
        ]
    );

    // a single-key watch sees only its key
    let single_events: Vec<_> = responses_of(&responses, single)
        .iter()
        .flat_map(|response| event_summary(&response.events))
        .collect();
    assert_eq!(
        single_events,
        vec![
            put("/registry/services/specs/default/web", 24, SERVICE_WEB_43),
            delete("/registry/services/specs/default/web", 26)
        ]
    );

    // watch --rev=24 replays history from 24 inclusive; --rev=26 packs 26..28 into one response (header 28)
    let replay = etcd.store.watch(WatchRequest {
        start_revision: 24,
        ..watch_prefix(b"/registry/")
    });
    let replayed = etcd.store.take_watch_responses();
    let events: Vec<_> = responses_of(&replayed, replay)
        .iter()
        .flat_map(|response| event_summary(&response.events))
        .collect();
    assert_eq!(
        events.iter().map(|event| event.2).collect::<Vec<_>>(),
        [24, 25, 26, 27, 27, 28, 28]
    );
    let from_26 = etcd.store.watch(WatchRequest {
        start_revision: 26,
        ..watch_prefix(b"/registry/")
    });
    let packed = etcd.store.take_watch_responses();
    let packed = responses_of(&packed, from_26);
    assert_eq!(packed.len(), 1);
    assert_eq!((packed[0].header.revision, packed[0].events.len()), (28, 5));

    // a future start revision waits silently; the single-key replay from 24 has header revision 28
    let future = etcd.store.watch(WatchRequest {
        start_revision: 123,
        ..watch_prefix(b"/registry/")
    });
    assert!(responses_of(&etcd.store.take_watch_responses(), future).is_empty());
    let single_replay = etcd.store.watch(WatchRequest {
        key: SERVICE.to_vec(),
        start_revision: 24,
        ..Default::default()
    });
    let single_replayed = etcd.store.take_watch_responses();
    let single_replayed = responses_of(&single_replayed, single_replay);
    assert_eq!(single_replayed.len(), 1);
    assert_eq!(
        single_replayed[0].header.revision, 28,
        "ETCD_WATCH_REVISION=28"
    );
    assert_eq!(
        event_summary(&single_replayed[0].events)
            .iter()
            .map(|event| event.0)
            .collect::<Vec<_>>(),
        ["PUT", "DELETE"]
    );
}

#[test]
fn watches_deliver_each_revision_together_and_replay_from_a_start_revision() {
    let mut etcd = Etcd::new();
    replay_01_put_get(&mut etcd);
    replay_02_revisions(&mut etcd);
    replay_03_compaction(&mut etcd);
    replay_04_txn(&mut etcd);
    replay_05_watch(&mut etcd);
}

// ----- 15-k8s-style-storage-ops.txt -----------------------------------------------------------

#[test]
fn kubernetes_storage_requests_get_the_revisions_etcd_gave_them() {
    let mut etcd = Etcd::new();
    let v1 = r#"{"kind":"Deployment","spec":{"replicas":3}}"#;
    let status = r#"{"kind":"Deployment","spec":{"replicas":3},"status":{"replicas":3}}"#;
    let scaled = r#"{"kind":"Deployment","spec":{"replicas":5},"status":{"replicas":3}}"#;

    // 1. create = Txn(If mod == 0, Then Put): revision 2
    let create = etcd
        .txn(
            vec![mod_revision_is(DEPLOYMENT, 0)],
            vec![put_op(DEPLOYMENT, v1)],
            vec![],
        )
        .unwrap();
    let put_at = |revision| {
        ResponseOp::Put(PutResponse {
            header: ResponseHeader { revision },
            prev_kv: None,
        })
    };
    assert_eq!(
        create,
        TxnResponse {
            header: ResponseHeader { revision: 2 },
            succeeded: true,
            responses: vec![put_at(2)]
        }
    );
    // 2. again: fails with no Else ops and only a header (-> 409 AlreadyExists)
    let again = etcd
        .txn(
            vec![mod_revision_is(DEPLOYMENT, 0)],
            vec![put_op(DEPLOYMENT, v1)],
            vec![],
        )
        .unwrap();
    assert_eq!(
        again,
        TxnResponse {
            header: ResponseHeader { revision: 2 },
            succeeded: false,
            responses: vec![]
        }
    );
    // 3. get: resourceVersion = mod_revision 2
    let get = etcd.get(range_of(DEPLOYMENT, b""));
    assert_eq!(
        (get.header.revision, numbers(&get), get.kvs[0].lease),
        (2, vec![(2, 2, 1)], 0)
    );
    // 4. GuaranteedUpdate with rv 2 succeeds at 3
    let update = etcd
        .txn(
            vec![mod_revision_is(DEPLOYMENT, 2)],
            vec![put_op(DEPLOYMENT, status)],
            vec![get_op(DEPLOYMENT)],
        )
        .unwrap();
    assert_eq!(
        update,
        TxnResponse {
            header: ResponseHeader { revision: 3 },
            succeeded: true,
            responses: vec![put_at(3)]
        }
    );
    // 5. a stale rv 2: fails, the Else get hands back the fresh object (mod 3, version 2)
    let stale = etcd
        .txn(
            vec![mod_revision_is(DEPLOYMENT, 2)],
            vec![put_op(DEPLOYMENT, scaled)],
            vec![get_op(DEPLOYMENT)],
        )
        .unwrap();
    assert!(!stale.succeeded);
    assert_eq!(stale.header.revision, 3);
    let [ResponseOp::Range(fresh)] = stale.responses.as_slice() else {
        panic!("{stale:?}")
    };
    assert_eq!(
        (fresh.header.revision, numbers(fresh), fresh.count),
        (3, vec![(2, 3, 2)], 1)
    );
    // 6. the retry with mod 3 succeeds at 4: version 3
    assert_eq!(
        etcd.txn(
            vec![mod_revision_is(DEPLOYMENT, 3)],
            vec![put_op(DEPLOYMENT, scaled)],
            vec![get_op(DEPLOYMENT)]
        )
        .unwrap()
        .header
        .revision,
        4
    );
    assert_eq!(numbers(&etcd.get(range_of(DEPLOYMENT, b""))), [(2, 4, 3)]);

    // 7. events with a lease: the grant creates no revision; two creates at 5 and 6
    let lease = etcd
        .store
        .lease_grant(LeaseGrantRequest {
            id: 0x6a6c_a20b_209d_420e,
            ttl_seconds: 3660,
        })
        .unwrap();
    assert_eq!((lease.header.revision, lease.ttl_seconds), (4, 3660));
    let event_a: &[u8] = b"/registry/events/default/nginx.17c9a1b2c3d4e5f6";
    let event_b: &[u8] = b"/registry/events/default/nginx-abc.17c9a1b2c3d4e600";
    for (expected, key, reason) in [(5, event_a, "ScalingReplicaSet"), (6, event_b, "Scheduled")] {
        let put = RequestOp::Put(PutRequest {
            key: key.to_vec(),
            value: format!(r#"{{"kind":"Event","reason":"{reason}"}}"#).into_bytes(),
            lease: lease.id,
            prev_kv: false,
        });
        let created = etcd
            .txn(vec![mod_revision_is(key, 0)], vec![put], vec![])
            .unwrap();
        assert_eq!(
            (created.succeeded, created.header.revision),
            (true, expected)
        );
    }
    let leases = etcd.store.leases();
    assert_eq!(leases.len(), 1);
    assert_eq!(
        leases[0].keys,
        vec![event_b.to_vec(), event_a.to_vec()],
        "timetolive --keys lists both events"
    );
    assert_eq!(etcd.get(range_of(event_a, b"")).kvs[0].lease, lease.id);

    // 8. LIST by prefix: "/registry/deployments" also matches deploymentsfoo, the trailing "/" does not
    assert_eq!(
        etcd.put(b"/registry/deploymentsfoo/default/x", "not a deployment")
            .header
            .revision,
        7
    );
    let loose = etcd.get(prefix(b"/registry/deployments"));
    assert_eq!(
        (loose.header.revision, numbers(&loose)),
        (7, vec![(2, 4, 3), (7, 7, 1)])
    );
    let strict = etcd.get(prefix(b"/registry/deployments/"));
    assert_eq!(
        (strict.header.revision, numbers(&strict)),
        (7, vec![(2, 4, 3)])
    );
    assert_eq!(
        etcd.delete_key(b"/registry/deploymentsfoo/default/x")
            .header
            .revision,
        8
    );

    // 9. WATCH from rv 2 = start_revision 3, prev_kv: the updates at 3 and 4 with their old values
    let watch = etcd.store.watch(WatchRequest {
        start_revision: 3,
        prev_kv: true,
        ..watch_prefix(b"/registry/deployments/")
    });
    let replayed = etcd.store.take_watch_responses();
    let events: Vec<(i64, i64)> = responses_of(&replayed, watch)
        .iter()
        .flat_map(|response| response.events.iter())
        .map(|event| {
            (
                event.kv.mod_revision,
                event.prev_kv.as_ref().map_or(0, |kv| kv.mod_revision),
            )
        })
        .collect();
    assert_eq!(events, [(3, 2), (4, 3)]);

    // 10. DELETE = Txn(If mod == 4, Then Delete, Else Get): revision 9, deleted 1
    let delete = etcd
        .txn(
            vec![mod_revision_is(DEPLOYMENT, 4)],
            vec![delete_op(DEPLOYMENT)],
            vec![get_op(DEPLOYMENT)],
        )
        .unwrap();
    assert_eq!(
        delete,
        TxnResponse {
            header: ResponseHeader { revision: 9 },
            succeeded: true,
            responses: vec![ResponseOp::DeleteRange(DeleteRangeResponse {
                header: ResponseHeader { revision: 9 },
                deleted: 1,
                prev_kvs: vec![]
            })],
        }
    );

    // 11. the apiserver's compactor: version(compact_rev_key) CAS at 10 and 11, then compact 10
    let compact_key: &[u8] = b"compact_rev_key";
    let version_is = |version| Compare {
        key: compact_key.to_vec(),
        range_end: vec![],
        result: CompareResult::Equal,
        target: CompareTarget::Version(version),
    };
    assert_eq!(
        etcd.txn(
            vec![version_is(0)],
            vec![put_op(compact_key, "0")],
            vec![get_op(compact_key)]
        )
        .unwrap()
        .header
        .revision,
        10
    );
    assert_eq!(
        etcd.txn(
            vec![version_is(1)],
            vec![put_op(compact_key, "10")],
            vec![get_op(compact_key)]
        )
        .unwrap()
        .header
        .revision,
        11
    );
    assert_eq!(etcd.compact(10).unwrap().header.revision, 11);
    let everything = etcd.get(RangeRequest {
        keys_only: true,
        ..range_of(b"\0", b"\0")
    });
    assert_eq!(
        keys(&everything),
        [
            "/registry/events/default/nginx-abc.17c9a1b2c3d4e600",
            "/registry/events/default/nginx.17c9a1b2c3d4e5f6",
            "compact_rev_key"
        ]
    );
    let compact_rev_key = etcd.get(range_of(compact_key, b""));
    assert_eq!(
        (compact_rev_key.header.revision, numbers(&compact_rev_key)),
        (11, vec![(10, 11, 2)])
    );
}

// ----- 07, 08, 09: request size, errors, leases --------------------------------------------------

#[test]
fn a_request_above_one_and_a_half_mebibytes_is_too_large_to_the_exact_byte() {
    let mut store = Store::new();
    let key = b"/registry/configmaps/default/big-x".to_vec();
    assert_eq!(key.len(), 34);
    let put = |size: usize| PutRequest {
        key: key.clone(),
        value: vec![0; size],
        ..Default::default()
    };
    assert!(store.put(put(1_048_576)).is_ok(), "1 MiB fits");
    assert!(store.put(put(1_572_000)).is_ok());
    assert!(
        store.put(put(1_572_807)).is_ok(),
        "the largest value real etcd accepted with a 34-byte key"
    );
    let too_large = store.put(put(1_572_808)).unwrap_err();
    assert_eq!(too_large.to_string(), "etcdserver: request is too large");
    assert_eq!(
        store.put(put(1_572_864)).unwrap_err(),
        MvccError::RequestTooLarge
    );
    assert_eq!(store.revision(), 4, "rejected requests create no revision");
}

#[test]
fn empty_keys_and_compaction_below_the_compacted_revision_fail_with_etcds_texts() {
    let mut store = Store::new();
    let empty_put = store
        .put(PutRequest {
            key: vec![],
            value: b"value".to_vec(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(empty_put.to_string(), "etcdserver: key is not provided");
    let empty_get = store.range(&RangeRequest::default()).unwrap_err();
    assert_eq!(empty_get.to_string(), "etcdserver: key is not provided");
    store
        .put(PutRequest {
            key: b"/registry/a".to_vec(),
            value: b"1".to_vec(),
            ..Default::default()
        })
        .unwrap();
    // --rev=-1 is accepted and reads the current revision
    assert_eq!(
        store
            .range(&RangeRequest {
                key: b"/registry/a".to_vec(),
                revision: -1,
                ..Default::default()
            })
            .unwrap()
            .count,
        1
    );
    store
        .compact(CompactionRequest {
            revision: 2,
            physical: false,
        })
        .unwrap();
    assert_eq!(
        store
            .compact(CompactionRequest {
                revision: 0,
                physical: false
            })
            .unwrap_err()
            .to_string(),
        "etcdserver: mvcc: required revision has been compacted"
    );
    // an unknown lease
    let unknown = store
        .put(PutRequest {
            key: b"/registry/k".to_vec(),
            value: b"v".to_vec(),
            lease: 0x1234_abcd,
            prev_kv: false,
        })
        .unwrap_err();
    assert_eq!(unknown.to_string(), "etcdserver: requested lease not found");
    assert_eq!(
        store
            .lease_revoke(LeaseRevokeRequest { id: 0x1234_abcd })
            .unwrap_err()
            .to_string(),
        "etcdserver: requested lease not found"
    );
}

#[test]
fn revoking_a_lease_deletes_its_keys_in_one_revision_and_watchers_see_the_deletes() {
    let mut store = Store::new();
    let lease = store
        .lease_grant(LeaseGrantRequest {
            id: 0x4ca0_a20b_2001_a98d,
            ttl_seconds: 3600,
        })
        .unwrap();
    assert_eq!(lease.header.revision, 1, "a grant creates no revision");
    let event: &[u8] = b"/registry/events/default/nginx-abc.17c9a1b2c3d4e5f6";
    let other: &[u8] = b"/registry/events/default/web.17c9a1b2c3d4e5f6";
    store
        .put(PutRequest {
            key: event.to_vec(),
            value: br#"{"kind":"Event","reason":"Scheduled"}"#.to_vec(),
            lease: lease.id,
            prev_kv: false,
        })
        .unwrap();
    store
        .put(PutRequest {
            key: b"/registry/events/default/a".to_vec(),
            value: b"x".to_vec(),
            lease: lease.id,
            prev_kv: false,
        })
        .unwrap();
    store
        .put(PutRequest {
            key: other.to_vec(),
            value: b"no lease".to_vec(),
            ..Default::default()
        })
        .unwrap();
    let watch = store.watch(watch_prefix(b"/registry/events/"));
    store.take_watch_responses();
    let revoked = store
        .lease_revoke(LeaseRevokeRequest { id: lease.id })
        .unwrap();
    assert_eq!(
        revoked.header.revision, 5,
        "both keys deleted in one revision"
    );
    store.check_invariants().unwrap();
    let remaining = store
        .range(&RangeRequest {
            key: b"/registry/events/".to_vec(),
            range_end: prefix_end(b"/registry/events/"),
            keys_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        keys(&remaining),
        ["/registry/events/default/web.17c9a1b2c3d4e5f6"]
    );
    let responses = store.take_watch_responses();
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].watch_id, watch);
    assert_eq!(
        event_summary(&responses[0].events)
            .iter()
            .map(|event| (event.0, event.1.as_str(), event.2))
            .collect::<Vec<_>>(),
        [
            ("DELETE", "/registry/events/default/a", 5),
            (
                "DELETE",
                "/registry/events/default/nginx-abc.17c9a1b2c3d4e5f6",
                5
            )
        ]
    );
    assert!(store.leases().is_empty(), "timetolive: already expired");
    // a lease with no keys revokes without a revision
    let idle = store
        .lease_grant(LeaseGrantRequest {
            id: 0,
            ttl_seconds: 2,
        })
        .unwrap();
    assert_eq!(
        store
            .lease_revoke(LeaseRevokeRequest { id: idle.id })
            .unwrap()
            .header
            .revision,
        5
    );
}
