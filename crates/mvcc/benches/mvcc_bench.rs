//! `cargo bench -p mvcc`: throughput and memory of the store, printed (never asserted).
//!
//! Targets (issue 3): >= 500,000 puts/s and >= 200,000 single-key ranges/s on a store holding
//! 100,000 revisions; a range at a past revision no slower than 2x a current one; <= 200 bytes
//! of bookkeeping per stored revision beyond the key and value bytes.
//!
//! The store is measured in three shapes of 100,000 revisions (many keys with little history to
//! few keys with long history), because the shape decides both the per-revision memory and how
//! much of the history fits in the CPU caches.
//!
//! Past reads are compared like for like: every kind of read asks for the same keys in the same
//! order, and only the revision differs. The target ratio is measured at one revision in the
//! middle of the history, for single keys and for 100-key prefixes: such a read, like a current
//! one, returns one version of each key it asks for (Kubernetes lists at a fixed
//! resourceVersion). Two more past kinds are printed for information: a uniformly random revision
//! per read ("scattered"), and a revision within the last 1,000 ("recent", watch resumption). A
//! scattered read finds the same number of keys, but with 100 revisions per key it reads 100x
//! more distinct data than current reads do (10 MB of values instead of 100 KB), so its ratio
//! measures the CPU caches rather than the store.
//!
//! Each kind is timed five times, interleaved with the others so that all see the same machine
//! state (the machine may be shared); the median is printed.

use std::hint::black_box;
use std::time::Instant;

use mvcc::{prefix_end, PutRequest, RangeRequest, Store};

const REVISIONS: u64 = 100_000;
const READS: u64 = 300_000;
const VALUE_BYTES: usize = 100;
const RECENT_REVISIONS: u64 = 1_000;
/// The revision of the "middle" reads. Every key written before it exists there.
const MIDDLE_REVISION: i64 = 1 + REVISIONS as i64 / 2;
/// Keys per prefix read: `pod-0012` covers pod-001200 .. pod-001299.
const PREFIX_KEYS: u64 = 100;
/// Ten times fewer reads than single-key ones, so that a round of either lasts long enough
/// (~0.1 s) not to hinge on one scheduler time slice.
const PREFIX_READS: u64 = READS / 10;
const ROUNDS: usize = 5;

fn key(index: u64) -> Vec<u8> {
    format!("/registry/pods/default/pod-{index:06}").into_bytes()
}

fn prefix(index: u64) -> Vec<u8> {
    format!("/registry/pods/default/pod-{index:04}").into_bytes()
}

/// A fixed xorshift, so every run reads the same keys.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// Reads per second of each kind: the median of [`ROUNDS`] interleaved rounds.
fn median_rates(store: &Store, kinds: &[&[RangeRequest]]) -> Vec<f64> {
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
    for _round in 0..ROUNDS {
        for (kind, requests) in kinds.iter().enumerate() {
            let started = Instant::now();
            for request in requests.iter() {
                black_box(store.range(request).expect("range"));
            }
            rates[kind].push(requests.len() as f64 / started.elapsed().as_secs_f64());
        }
    }
    rates
        .into_iter()
        .map(|mut kind| {
            kind.sort_by(f64::total_cmp);
            kind[kind.len() / 2]
        })
        .collect()
}

struct Measurement {
    puts_per_second: f64,
    current_per_second: f64,
    middle_per_second: f64,
    prefix_current_per_second: f64,
    prefix_middle_per_second: f64,
    scattered_per_second: f64,
    recent_per_second: f64,
    bookkeeping_per_revision: f64,
}

fn measure(keys: u64) -> Measurement {
    // Requests are prepared first so that the timing covers the store only.
    let requests: Vec<PutRequest> = (0..REVISIONS)
        .map(|revision| PutRequest {
            key: key(revision % keys),
            value: vec![b'v'; VALUE_BYTES],
            lease: 0,
            prev_kv: false,
        })
        .collect();
    let mut store = Store::new();
    let started = Instant::now();
    for request in requests {
        black_box(store.put(request).expect("put"));
    }
    let puts_per_second = REVISIONS as f64 / started.elapsed().as_secs_f64();
    assert_eq!(store.revision(), REVISIONS as i64 + 1);

    // Key i is first written at revision i + 2: only these keys exist at the middle revision,
    // and every kind reads only them, so that every read finds its key.
    let readable = keys.min(MIDDLE_REVISION as u64 - 1);
    let mut sequence = Sequence(0x9e37_79b9_7f4a_7c15);
    let picks: Vec<u64> = (0..READS).map(|_| sequence.next(readable)).collect();
    let single = |revision: &mut dyn FnMut() -> i64| -> Vec<RangeRequest> {
        picks
            .iter()
            .map(|pick| RangeRequest {
                key: key(*pick),
                revision: revision(),
                ..Default::default()
            })
            .collect()
    };
    let current = single(&mut || 0);
    let middle = single(&mut || MIDDLE_REVISION);
    let scattered = single(&mut || 2 + sequence.next(REVISIONS) as i64);
    let recent = single(&mut || REVISIONS as i64 + 1 - sequence.next(RECENT_REVISIONS) as i64);
    let prefixes = |revision: i64| -> Vec<RangeRequest> {
        picks[..PREFIX_READS as usize]
            .iter()
            .map(|pick| {
                let start = prefix(pick / PREFIX_KEYS);
                RangeRequest {
                    range_end: prefix_end(&start),
                    key: start,
                    revision,
                    ..Default::default()
                }
            })
            .collect()
    };
    let prefix_current = prefixes(0);
    let prefix_middle = prefixes(MIDDLE_REVISION);
    // Like for like: every current and middle read finds all the keys it asks for.
    for (requests, expected) in [
        (&current, 1),
        (&middle, 1),
        (&prefix_current, PREFIX_KEYS as i64),
        (&prefix_middle, PREFIX_KEYS as i64),
    ] {
        for request in requests.iter() {
            assert_eq!(store.range(request).expect("range").count, expected);
        }
    }

    // Warm up.
    median_rates(&store, &[&current[..10_000]]);
    let rates = median_rates(
        &store,
        &[
            &current,
            &middle,
            &prefix_current,
            &prefix_middle,
            &scattered,
            &recent,
        ],
    );
    let bookkeeping_per_revision =
        store.bookkeeping_bytes() as f64 / store.stored_revisions() as f64;
    Measurement {
        puts_per_second,
        current_per_second: rates[0],
        middle_per_second: rates[1],
        prefix_current_per_second: rates[2],
        prefix_middle_per_second: rates[3],
        scattered_per_second: rates[4],
        recent_per_second: rates[5],
        bookkeeping_per_revision,
    }
}

fn main() {
    println!("mvcc store benchmark: {REVISIONS} revisions, {VALUE_BYTES}-byte values, {READS} single-key and {PREFIX_READS} {PREFIX_KEYS}-key prefix reads per kind, median of {ROUNDS}");
    println!("targets: puts/s >= 500000, ranges/s >= 200000, past/current <= 2.00 (middle, single and prefix), bookkeeping <= 200 bytes/revision");
    println!();
    println!(
        "{:>26} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "shape",
        "puts/s",
        "ranges/s",
        "middle/s",
        "prefix/s",
        "pfx mid/s",
        "scatter/s",
        "recent/s",
        "bytes/rev"
    );
    let mut ratios = Vec::new();
    for keys in [100_000, 10_000, 1_000] {
        let m = measure(keys);
        let shape = format!("{keys} keys x {} revisions", REVISIONS / keys);
        println!(
            "{:>26} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {:>10.1}",
            shape,
            m.puts_per_second,
            m.current_per_second,
            m.middle_per_second,
            m.prefix_current_per_second,
            m.prefix_middle_per_second,
            m.scattered_per_second,
            m.recent_per_second,
            m.bookkeeping_per_revision,
        );
        ratios.push((shape, m));
    }
    println!();
    println!(
        "{:>26} {:>14} {:>14} {:>14} {:>14}",
        "past/current", "middle", "prefix middle", "scattered", "recent"
    );
    for (shape, m) in &ratios {
        println!(
            "{:>26} {:>14.2} {:>14.2} {:>14.2} {:>14.2}",
            shape,
            m.current_per_second / m.middle_per_second,
            m.prefix_current_per_second / m.prefix_middle_per_second,
            m.current_per_second / m.scattered_per_second,
            m.current_per_second / m.recent_per_second,
        );
    }
    println!();
    println!(
        "ratios: read time at a past revision / read time at the current revision, same keys."
    );
    println!(
        "middle = revision {MIDDLE_REVISION} (the target); prefix = {PREFIX_KEYS} keys per read;"
    );
    println!("scattered = a uniformly random revision per read (reads 100x more distinct data than current reads in the 1000-key shape: cache-bound, for information);");
    println!("recent = within the last {RECENT_REVISIONS} revisions. Only keys that exist at the middle revision are read.");
}
