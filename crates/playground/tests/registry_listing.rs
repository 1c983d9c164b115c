//! The /registry listing the page keeps is refreshed from the keys that
//! changed, and is after every frame exactly what a full read gives.

mod support;

use std::rc::Rc;

use playground::{Playground, PlaygroundConfig, RegistryEntry, RegistryListing, UserAction};

fn full_read(playground: &Playground, revision: i64) -> Vec<RegistryEntry> {
    playground.registry_keys_and_tombstones_at(None, revision).expect("a readable revision")
}

fn listed(listing: &RegistryListing) -> Vec<RegistryEntry> {
    listing.entries().iter().map(|entry| (**entry).clone()).collect()
}

fn started() -> Playground {
    let mut playground = Playground::new(PlaygroundConfig { seed: 2, member_count: 3 });
    playground.advance(3_000);
    assert!(playground.leader().is_some(), "a leader after 3 s");
    playground
}

#[test]
fn a_deployment_rolling_out_and_deleted_keeps_the_listing_equal_to_a_full_read_while_reading_only_changed_keys() {
    let mut playground = started();
    let mut listing = RegistryListing::default();
    assert!(listing.refresh(&playground, None, 0).full, "the first read is a full one");
    let mut incremental_reads = 0;
    let mut full_reads = 0;
    let mut frame = |playground: &mut Playground, listing: &mut RegistryListing| {
        playground.advance(100);
        let read = listing.refresh(playground, None, 0);
        assert_eq!(listed(listing), full_read(playground, 0), "after a frame at {} ms", playground.now_ms());
        if read.full {
            full_reads += 1;
        } else if read.keys_read > 0 {
            assert!(read.keys_read < read.entries, "read {} keys of {}", read.keys_read, read.entries);
            incremental_reads += 1;
        }
    };
    let applied = playground.apply(UserAction::Apply { manifest: support::DEPLOYMENT.into() }).expect("apply");
    assert_eq!(applied.status_code, Some(201), "{}", applied.message);
    for _ in 0..30 {
        frame(&mut playground, &mut listing);
    }
    let deleted = playground
        .apply(UserAction::Delete { resource: "deployments".into(), namespace: Some("default".into()), name: "web".into() })
        .expect("delete");
    assert_eq!(deleted.status_code, Some(200), "{}", deleted.message);
    for _ in 0..30 {
        frame(&mut playground, &mut listing);
    }
    assert!(listed(&listing).iter().any(RegistryEntry::is_deleted), "the deleted objects are tombstones in the listing");
    assert_eq!(full_reads, 0, "the same leader all along: never a full read again");
    assert!(incremental_reads >= 4, "only {incremental_reads} refreshes read just the changed keys");
}

#[test]
fn an_unchanged_store_keeps_the_same_entries_and_a_compaction_or_another_member_reads_everything() {
    let mut playground = started();
    let applied = playground.apply(UserAction::Apply { manifest: support::DEPLOYMENT.into() }).expect("apply");
    assert_eq!(applied.status_code, Some(201), "{}", applied.message);
    playground.advance(2_000);
    let mut listing = RegistryListing::default();
    listing.refresh(&playground, None, 0);
    let before = listing.entries();
    let read = listing.refresh(&playground, None, 0);
    assert_eq!(read.keys_read, 0);
    assert!(Rc::ptr_eq(&before, &listing.entries()), "nothing changed: the very same entries");

    let revision = playground.store_revisions(None).expect("a store").0;
    let outcome = playground.apply(UserAction::Console { line: format!("etcdctl compaction {revision}"), stdin: String::new() }).expect("compact");
    assert_eq!(outcome.console.map(|output| output.exit_code), Some(0));
    playground.advance(300);
    assert!(listing.refresh(&playground, None, 0).full, "a compaction drops tombstones: read everything");
    assert_eq!(listed(&listing), full_read(&playground, 0));

    let other = playground.member_revisions().into_iter().map(|(member, _)| member).find(|member| Some(*member) != playground.leader()).expect("a follower");
    assert!(listing.refresh(&playground, Some(other), 0).full, "another member's store: read everything");
    assert_eq!(listed(&listing), playground.registry_keys_and_tombstones_at(Some(other), 0).expect("readable"));

    let past = listing.refresh(&playground, None, revision - 3);
    assert!(listing.error().is_some() && past.entries == 0, "a compacted revision is etcd's error, not a stale listing");
}

#[test]
fn a_listing_pinned_at_a_past_revision_is_not_read_again_when_new_writes_arrive() {
    let mut playground = started();
    playground.apply(UserAction::Apply { manifest: support::DEPLOYMENT.into() }).expect("apply");
    playground.advance(2_000);
    let pinned = playground.store_revisions(None).expect("a store").0;
    let mut listing = RegistryListing::default();
    assert!(listing.refresh(&playground, None, pinned).full, "the first read of a revision is a full one");
    let before = listed(&listing);

    playground.apply(UserAction::Apply { manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n".into() }).expect("apply");
    playground.advance(1_000);
    assert!(playground.store_revisions(None).expect("a store").0 > pinned, "the store moved on");
    let read = listing.refresh(&playground, None, pinned);
    assert_eq!(read.keys_read, 0, "a past revision does not change with new writes");
    assert!(!read.full);
    assert_eq!(listed(&listing), before);
    assert_eq!(listed(&listing), full_read(&playground, pinned));
}
