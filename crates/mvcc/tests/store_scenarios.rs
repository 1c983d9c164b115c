//! Scenarios of the store that the golden transcripts do not show, told as stories.

use mvcc::*;

fn put(store: &mut Store, key: &str, value: &str) -> i64 {
    let response = store
        .put(PutRequest {
            key: key.into(),
            value: value.into(),
            ..Default::default()
        })
        .expect("put");
    store.check_invariants().expect("invariants");
    response.header.revision
}

fn watch_events(responses: &[WatchResponse]) -> Vec<(i64, String)> {
    responses
        .iter()
        .flat_map(|response| response.events.iter())
        .map(|event| {
            (
                event.kv.mod_revision,
                String::from_utf8_lossy(&event.kv.key).into_owned(),
            )
        })
        .collect()
}

#[test]
fn a_delete_that_matches_nothing_creates_no_revision() {
    let mut store = Store::new();
    put(&mut store, "a", "1");
    let response = store
        .delete_range(DeleteRangeRequest {
            key: b"b".to_vec(),
            range_end: b"z".to_vec(),
            prev_kv: true,
        })
        .unwrap();
    assert_eq!(
        (response.deleted, response.header.revision, store.revision()),
        (0, 2, 2)
    );
}

#[test]
fn a_snapshot_restores_an_equal_store_with_an_equal_content_hash() {
    let mut store = Store::new();
    put(&mut store, "a", "1");
    put(&mut store, "b", "2");
    store
        .delete_range(DeleteRangeRequest {
            key: b"a".to_vec(),
            ..Default::default()
        })
        .unwrap();
    put(&mut store, "a", "3");
    store
        .compact(CompactionRequest {
            revision: 3,
            physical: true,
        })
        .unwrap();
    let json = serde_json::to_string(&store.snapshot()).unwrap();
    let restored = Store::restore(serde_json::from_str(&json).unwrap());
    restored.check_invariants().unwrap();
    assert_eq!(restored.content_hash(), store.content_hash());
    assert_eq!((restored.revision(), restored.compact_revision()), (5, 3));
    let read = |store: &Store| {
        store
            .range(&RangeRequest {
                key: b"a".to_vec(),
                range_end: vec![0],
                revision: 3,
                ..Default::default()
            })
            .unwrap()
    };
    assert_eq!(read(&restored), read(&store));
}

#[test]
fn stores_that_differ_in_one_value_have_different_content_hashes() {
    let (mut left, mut right) = (Store::new(), Store::new());
    put(&mut left, "a", "1");
    put(&mut right, "a", "2");
    assert_ne!(left.content_hash(), right.content_hash());
    assert_eq!(Store::new().content_hash(), Store::new().content_hash());
}

#[test]
fn a_cancelled_watch_answers_once_and_then_hears_nothing() {
    let mut store = Store::new();
    let id = store.watch(WatchRequest {
        key: b"a".to_vec(),
        ..Default::default()
    });
    assert!(store.cancel_watch(id));
    assert!(!store.cancel_watch(id), "a second cancel finds nothing");
    put(&mut store, "a", "1");
    let responses = store.take_watch_responses();
    assert_eq!(
        responses
            .iter()
            .map(|response| (response.created, response.canceled))
            .collect::<Vec<_>>(),
        [(true, false), (false, true)]
    );
}

#[test]
fn a_watch_from_a_future_revision_hears_only_writes_from_that_revision_on() {
    let mut store = Store::new();
    store.watch(WatchRequest {
        key: b"a".to_vec(),
        start_revision: 4,
        ..Default::default()
    });
    for value in ["1", "2", "3", "4"] {
        put(&mut store, "a", value);
    }
    assert_eq!(
        watch_events(&store.take_watch_responses()),
        [(4, "a".to_string()), (5, "a".to_string())]
    );
}

#[test]
fn a_replay_of_more_than_a_thousand_revisions_comes_in_batches_of_a_thousand() {
    let mut store = Store::new();
    for index in 0..2_500 {
        put(&mut store, &format!("k{}", index % 7), "v");
    }
    store.watch(WatchRequest {
        key: b"k".to_vec(),
        range_end: prefix_end(b"k"),
        start_revision: 1,
        prev_kv: false,
    });
    let responses = store.take_watch_responses();
    let sizes: Vec<usize> = responses
        .iter()
        .filter(|response| !response.created)
        .map(|response| response.events.len())
        .collect();
    assert_eq!(sizes, [1000, 1000, 500]);
    assert!(responses
        .iter()
        .all(|response| response.header.revision == 2_501));
}

#[test]
fn a_txn_that_puts_one_key_in_both_branches_is_not_a_duplicate() {
    let mut store = Store::new();
    let put_a = RequestOp::Put(PutRequest {
        key: b"a".to_vec(),
        value: b"x".to_vec(),
        ..Default::default()
    });
    let nested = TxnRequest {
        compare: vec![],
        success: vec![put_a.clone()],
        failure: vec![put_a.clone()],
    };
    let response = store
        .txn(TxnRequest {
            compare: vec![],
            success: vec![RequestOp::Txn(nested)],
            failure: vec![],
        })
        .unwrap();
    assert_eq!(response.header.revision, 2);
    let [ResponseOp::Txn(inner)] = response.responses.as_slice() else {
        panic!("{response:?}")
    };
    assert_eq!(
        inner.header.revision, 0,
        "etcd leaves a nested txn's header empty"
    );
    // but a put inside a range the same branch deletes is
    let delete = RequestOp::DeleteRange(DeleteRangeRequest {
        key: b"a".to_vec(),
        range_end: b"c".to_vec(),
        prev_kv: false,
    });
    let error = store
        .txn(TxnRequest {
            compare: vec![],
            success: vec![delete, put_a],
            failure: vec![],
        })
        .unwrap_err();
    assert_eq!(error, MvccError::DuplicateKey);
}

#[test]
fn more_than_128_operations_in_a_txn_branch_are_refused() {
    let mut store = Store::new();
    let ops = (0..129)
        .map(|index| {
            RequestOp::Put(PutRequest {
                key: format!("k{index}").into_bytes(),
                ..Default::default()
            })
        })
        .collect();
    let error = store
        .txn(TxnRequest {
            compare: vec![],
            success: ops,
            failure: vec![],
        })
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "etcdserver: too many operations in txn request"
    );
}

#[test]
fn a_watch_via_apply_sees_every_write_request_of_the_log() {
    let mut store = Store::new();
    store.watch(WatchRequest {
        key: b"\0".to_vec(),
        range_end: vec![0],
        start_revision: 0,
        prev_kv: false,
    });
    store.take_watch_responses();
    let log = vec![
        WriteRequest::Put(PutRequest {
            key: b"a".to_vec(),
            value: b"1".to_vec(),
            ..Default::default()
        }),
        WriteRequest::LeaseGrant(LeaseGrantRequest {
            id: 7,
            ttl_seconds: 10,
        }),
        WriteRequest::Put(PutRequest {
            key: b"b".to_vec(),
            value: b"2".to_vec(),
            lease: 7,
            prev_kv: false,
        }),
        WriteRequest::Compaction(CompactionRequest {
            revision: 2,
            physical: false,
        }),
        WriteRequest::LeaseRevoke(LeaseRevokeRequest { id: 7 }),
        WriteRequest::DeleteRange(DeleteRangeRequest {
            key: b"a".to_vec(),
            ..Default::default()
        }),
    ];
    for entry in log {
        store.apply(entry).unwrap();
        store.check_invariants().unwrap();
    }
    assert_eq!(
        watch_events(&store.take_watch_responses()),
        [
            (2, "a".into()),
            (3, "b".into()),
            (4, "b".into()),
            (5, "a".into())
        ]
    );
}

#[test]
fn a_txn_nested_two_hundred_deep_is_refused_without_crashing() {
    let mut store = Store::new();
    let mut request = TxnRequest {
        compare: vec![],
        success: vec![RequestOp::Put(PutRequest {
            key: b"a".to_vec(),
            ..Default::default()
        })],
        failure: vec![],
    };
    for _ in 0..200 {
        request = TxnRequest {
            compare: vec![],
            success: vec![RequestOp::Txn(request)],
            failure: vec![],
        };
    }
    assert_eq!(
        store.txn(request).unwrap_err(),
        MvccError::TooManyOperations
    );
    assert_eq!(store.revision(), 1);
}
