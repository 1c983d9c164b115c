//! `Store::deleted_keys`: which keys are tombstones at a revision, told as stories. Each
//! expectation is read off the key index text, which the etcd key index model defines.

use mvcc::*;

fn put(store: &mut Store, key: &str, value: &str) -> i64 {
    store
        .put(PutRequest {
            key: key.into(),
            value: value.into(),
            ..Default::default()
        })
        .expect("put")
        .header
        .revision
}

fn delete(store: &mut Store, key: &str) -> i64 {
    let response = store
        .delete_range(DeleteRangeRequest {
            key: key.into(),
            ..Default::default()
        })
        .expect("delete");
    assert_eq!(response.deleted, 1, "{key} was alive");
    response.header.revision
}

fn compact(store: &mut Store, revision: i64) {
    store
        .compact(CompactionRequest {
            revision,
            physical: true,
        })
        .expect("compact");
    store.check_invariants().expect("invariants");
}

/// (key, delete revision, last live (mod revision, version, create revision, value)).
type Tombstone = (String, i64, Option<(i64, i64, i64, String)>);

fn tombstones(store: &Store, revision: i64) -> Vec<Tombstone> {
    store
        .deleted_keys(b"a", b"z", revision)
        .expect("a readable revision")
        .into_iter()
        .map(|deleted| {
            (
                String::from_utf8_lossy(&deleted.key).into_owned(),
                deleted.deleted_revision,
                deleted.last_live.map(|kv| {
                    (
                        kv.mod_revision,
                        kv.version,
                        kv.create_revision,
                        String::from_utf8_lossy(&kv.value).into_owned(),
                    )
                }),
            )
        })
        .collect()
}

fn tombstone(key: &str, deleted: i64, live: (i64, i64, i64, &str)) -> Tombstone {
    (
        key.to_string(),
        deleted,
        Some((live.0, live.1, live.2, live.3.to_string())),
    )
}

#[test]
fn a_deleted_key_is_a_tombstone_from_its_delete_on_and_alive_before_it() {
    let mut store = Store::new();
    put(&mut store, "b", "1"); // r2
    put(&mut store, "b", "2"); // r3
    put(&mut store, "c", "x"); // r4
    let deleted_at = delete(&mut store, "b"); // r5
    assert_eq!(deleted_at, 5);
    put(&mut store, "d", "y"); // r6
    assert_eq!(store.key_index_text(b"b").unwrap(), "{2.0, 3.0, 5.0(t)} {empty}");

    // At and after the delete: the tombstone, with the put before it (version 2, created at 2).
    let expected = vec![tombstone("b", 5, (3, 2, 2, "2"))];
    assert_eq!(tombstones(&store, 0), expected, "now");
    assert_eq!(tombstones(&store, 6), expected, "at the newest revision");
    assert_eq!(tombstones(&store, 5), expected, "exactly at the delete");
    // Before the delete it is alive, so no tombstone: a read sees it instead.
    assert_eq!(tombstones(&store, 4), vec![]);
    assert_eq!(tombstones(&store, 2), vec![]);
    // Before it was ever written: neither alive nor a tombstone.
    assert_eq!(tombstones(&store, 1), vec![]);
}

#[test]
fn a_key_deleted_and_recreated_is_a_tombstone_only_between_the_delete_and_the_recreation() {
    let mut store = Store::new();
    put(&mut store, "k", "first"); // r2
    delete(&mut store, "k"); // r3
    put(&mut store, "other", "o"); // r4
    put(&mut store, "k", "second"); // r5
    delete(&mut store, "k"); // r6
    put(&mut store, "k", "third"); // r7
    assert_eq!(
        store.key_index_text(b"k").unwrap(),
        "{2.0, 3.0(t)} {5.0, 6.0(t)} {7.0}"
    );
    assert_eq!(tombstones(&store, 2), vec![]);
    assert_eq!(
        tombstones(&store, 3),
        vec![tombstone("k", 3, (2, 1, 2, "first"))]
    );
    assert_eq!(
        tombstones(&store, 4),
        vec![tombstone("k", 3, (2, 1, 2, "first"))]
    );
    assert_eq!(tombstones(&store, 5), vec![], "recreated at 5");
    // The second generation's tombstone, with its own put (created at 5, version 1).
    assert_eq!(
        tombstones(&store, 6),
        vec![tombstone("k", 6, (5, 1, 5, "second"))]
    );
    assert_eq!(tombstones(&store, 7), vec![], "alive again now");
}

#[test]
fn a_key_deleted_after_the_viewed_revision_is_alive_there() {
    let mut store = Store::new();
    put(&mut store, "k", "v"); // r2
    put(&mut store, "m", "w"); // r3
    delete(&mut store, "k"); // r4
    assert_eq!(tombstones(&store, 3), vec![]);
    let read = store
        .range(&RangeRequest {
            key: b"k".to_vec(),
            revision: 3,
            ..Default::default()
        })
        .expect("read at 3");
    assert_eq!(read.count, 1, "alive at 3");
    assert_eq!(tombstones(&store, 4).len(), 1);
}

#[test]
fn compaction_at_or_after_a_delete_removes_the_tombstone_and_before_it_keeps_it() {
    let build = || {
        let mut store = Store::new();
        put(&mut store, "k", "1"); // r2
        put(&mut store, "k", "2"); // r3
        put(&mut store, "x", "x"); // r4
        delete(&mut store, "k"); // r5
        put(&mut store, "y", "y"); // r6
        store
    };
    // Compacted below the delete: the generation is alive at 4, so 3.0 and the tombstone stay;
    // the put at 2 goes, but the kept put still carries version 2 and create revision 2.
    let mut store = build();
    compact(&mut store, 4);
    assert_eq!(store.key_index_text(b"k").unwrap(), "{3.0, 5.0(t)} {empty}");
    assert_eq!(tombstones(&store, 5), vec![tombstone("k", 5, (3, 2, 2, "2"))]);
    assert_eq!(tombstones(&store, 4), vec![]);

    // Compacted exactly at the delete: only the tombstone would be left, so etcd drops the
    // whole generation and the key is gone from the index.
    let mut store = build();
    compact(&mut store, 5);
    assert_eq!(store.key_index_text(b"k"), None);
    assert_eq!(tombstones(&store, 5), vec![]);
    assert_eq!(tombstones(&store, 0), vec![]);

    // Compacted past the delete: gone as well.
    let mut store = build();
    compact(&mut store, 6);
    assert_eq!(tombstones(&store, 0), vec![]);
}

#[test]
fn a_recreated_key_keeps_its_later_tombstone_when_compaction_drops_the_earlier_one() {
    let mut store = Store::new();
    put(&mut store, "k", "a"); // r2
    delete(&mut store, "k"); // r3
    put(&mut store, "k", "b"); // r4
    delete(&mut store, "k"); // r5
    compact(&mut store, 4);
    assert_eq!(store.key_index_text(b"k").unwrap(), "{4.0, 5.0(t)} {empty}");
    assert_eq!(tombstones(&store, 4), vec![], "alive at the compaction point");
    assert_eq!(tombstones(&store, 5), vec![tombstone("k", 5, (4, 1, 4, "b"))]);
}

#[test]
fn the_query_reads_only_its_range_sorted_by_key_and_fails_like_a_range() {
    let mut store = Store::new();
    for key in ["d", "b", "c", "e"] {
        put(&mut store, key, key);
    }
    for key in ["e", "b", "d"] {
        delete(&mut store, key);
    }
    let keys = |key: &[u8], range_end: &[u8]| -> Vec<String> {
        store
            .deleted_keys(key, range_end, 0)
            .expect("readable")
            .into_iter()
            .map(|deleted| String::from_utf8_lossy(&deleted.key).into_owned())
            .collect()
    };
    assert_eq!(keys(b"a", b"z"), ["b", "d", "e"]);
    assert_eq!(keys(b"c", b"e"), ["d"], "range_end is exclusive");
    assert_eq!(keys(b"c", b""), Vec::<String>::new(), "a single live key");
    assert_eq!(keys(b"d", b""), ["d"], "a single deleted key");
    assert_eq!(keys(b"a", &[0]), ["b", "d", "e"], "every key from here on");

    assert_eq!(store.deleted_keys(b"", b"z", 0), Err(MvccError::EmptyKey));
    let future = store.revision() + 1;
    assert_eq!(
        store.deleted_keys(b"a", b"z", future),
        Err(MvccError::FutureRevision)
    );
    compact(&mut store, 4);
    assert_eq!(
        store.deleted_keys(b"a", b"z", 3),
        Err(MvccError::Compacted)
    );
    assert_eq!(
        store
            .deleted_keys(b"a", b"z", 4)
            .expect("the compaction revision is readable")
            .len(),
        0
    );
}
