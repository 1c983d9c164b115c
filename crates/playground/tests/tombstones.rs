//! Deleted keys in the /registry listing: a delete leaves a tombstone that the
//! listing shows (with its delete revision) until a compaction at or after it,
//! exactly as long as etcd's key index keeps it.

use playground::{Playground, PlaygroundConfig, RegistryEntry, UserAction};

const KEY: &str = "/registry/configmaps/default/settings";
const MANIFEST: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: dark\n";

fn started() -> Playground {
    let mut playground = Playground::new(PlaygroundConfig { seed: 3, member_count: 3 });
    playground.advance(3_000);
    assert!(playground.view().cluster.leader.is_some(), "a leader after 3 s");
    playground
}

fn store_revision(playground: &Playground) -> i64 {
    playground.store_revisions(None).expect("a running member").0
}

fn entry_at(playground: &Playground, revision: i64) -> Option<RegistryEntry> {
    playground
        .registry_keys_and_tombstones_at(None, revision)
        .expect("a readable revision")
        .into_iter()
        .find(|entry| entry.key == KEY)
}

/// Applies the ConfigMap and deletes it: (the live entry just before the
/// delete, the store revisions right before and right after the delete).
fn apply_then_delete(playground: &mut Playground) -> (RegistryEntry, i64, i64) {
    let applied = playground.apply(UserAction::Apply { manifest: MANIFEST.into() }).expect("apply");
    assert_eq!(applied.status_code, Some(201), "{}", applied.message);
    let live = entry_at(playground, 0).expect("the ConfigMap is stored");
    assert!(!live.is_deleted());
    let before_delete = store_revision(playground);
    let deleted = playground
        .apply(UserAction::Delete { resource: "configmaps".into(), namespace: Some("default".into()), name: "settings".into() })
        .expect("delete");
    assert_eq!(deleted.status_code, Some(200), "{}", deleted.message);
    (live, before_delete, store_revision(playground))
}

fn compact(playground: &mut Playground, revision: i64) {
    let outcome = playground
        .apply(UserAction::Console { line: format!("etcdctl compaction {revision}"), stdin: String::new() })
        .expect("a console line");
    let output = outcome.console.expect("console output");
    assert_eq!(output.stdout, format!("compacted revision {revision}\n"), "{output:?}");
    playground.advance(500);
}

#[test]
fn a_deleted_config_map_is_listed_as_a_tombstone_at_its_delete_revision_and_later() {
    let mut playground = started();
    let (live, before_delete, after_delete) = apply_then_delete(&mut playground);

    let tombstone = entry_at(&playground, 0).expect("the deleted ConfigMap is still listed");
    let deleted_at = tombstone.deleted_revision.expect("as a tombstone");
    assert!(before_delete < deleted_at && deleted_at <= after_delete, "deleted at {deleted_at}, between {before_delete} and {after_delete}");
    // The tombstone carries the last live revision: what the tree showed just before.
    assert_eq!((tombstone.create_revision, tombstone.mod_revision, tombstone.version), (live.create_revision, live.mod_revision, live.version));
    assert_eq!(tombstone.value, live.value);
    // The live-only listing no longer has it.
    assert!(!playground.registry_keys(None).iter().any(|entry| entry.key == KEY));
    // Exactly at the delete revision it is already a tombstone.
    assert_eq!(entry_at(&playground, deleted_at).and_then(|entry| entry.deleted_revision), Some(deleted_at));
}

#[test]
fn at_a_revision_before_the_delete_the_config_map_is_live() {
    let mut playground = started();
    let (live, _, _) = apply_then_delete(&mut playground);
    let deleted_at = entry_at(&playground, 0).and_then(|entry| entry.deleted_revision).expect("a tombstone");

    let then = entry_at(&playground, deleted_at - 1).expect("listed just before the delete");
    assert_eq!(then, live, "live, with the numbers it had");
    // Before it was created it is neither live nor a tombstone.
    assert_eq!(entry_at(&playground, live.create_revision - 1), None);
}

#[test]
fn compaction_past_the_delete_removes_the_tombstone_and_compaction_before_it_keeps_it() {
    let mut playground = started();
    apply_then_delete(&mut playground);
    let deleted_at = entry_at(&playground, 0).and_then(|entry| entry.deleted_revision).expect("a tombstone");

    compact(&mut playground, deleted_at - 1);
    assert_eq!(entry_at(&playground, 0).and_then(|entry| entry.deleted_revision), Some(deleted_at), "compacted below the delete: kept");

    let now = store_revision(&playground);
    compact(&mut playground, now);
    assert_eq!(entry_at(&playground, 0), None, "compacted past the delete: gone");
}

#[test]
fn the_listing_with_tombstones_is_sorted_by_key_and_holds_every_live_key() {
    let mut playground = started();
    apply_then_delete(&mut playground);
    let with_tombstones = playground.registry_keys_and_tombstones_at(None, 0).expect("readable");
    let keys: Vec<&str> = with_tombstones.iter().map(|entry| entry.key.as_str()).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(keys, sorted, "sorted, each key once");
    let live: Vec<RegistryEntry> = with_tombstones.iter().filter(|entry| !entry.is_deleted()).cloned().collect();
    assert_eq!(live, playground.registry_keys(None));
    // A compacted revision fails as a range there would.
    let now = store_revision(&playground);
    compact(&mut playground, now);
    let error = playground.registry_keys_and_tombstones_at(None, 1).expect_err("compacted");
    assert_eq!(error, "etcdserver: mvcc: required revision has been compacted");
}
