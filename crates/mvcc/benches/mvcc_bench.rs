//! `cargo bench -p mvcc`: throughput and memory of the store, printed (never asserted).
//!
//! Targets (issue 3): >= 500,000 puts/s and >= 200,000 single-key ranges/s on a store holding
//! 100,000 revisions; a range at a past revision no slower than 2x a current one; <= 200 bytes
//! of bookkeeping per stored revision beyond the key and value bytes.
//!
//! The store is measured in three shapes of 100,000 revisions (many keys with little history to
//! few keys with long history), because the shape decides both the per-revision memory and how
//! much of the history fits in the CPU caches. Past reads are measured twice: at a uniformly
//! random revision of the whole history (cold memory) and within the last 1,000 revisions (what
//! Kubernetes does: paginated lists at a fixed resourceVersion, watch resumption).

use std::hint::black_box;
use std::time::Instant;

use mvcc::{PutRequest, RangeRequest, Store};

const REVISIONS: u64 = 100_000;
const READS: u64 = 300_000;
const VALUE_BYTES: usize = 100;
const RECENT_REVISIONS: u64 = 1_000;

fn key(index: u64) -> Vec<u8> {
    format!("/registry/pods/default/pod-{index:06}").into_bytes()
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

struct Measurement {
    puts_per_second: f64,
    current_per_second: f64,
    past_per_second: f64,
    recent_per_second: f64,
    bookkeeping_per_revision: f64,
}

fn time_reads(store: &Store, requests: &[RangeRequest]) -> f64 {
    let started = Instant::now();
    for request in requests {
        black_box(store.range(request).expect("range"));
    }
    requests.len() as f64 / started.elapsed().as_secs_f64()
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

    let names: Vec<Vec<u8>> = (0..keys).map(key).collect();
    let mut sequence = Sequence(0x9e37_79b9_7f4a_7c15);
    let mut read_at = |revision: &mut dyn FnMut(&mut Sequence) -> i64| -> Vec<RangeRequest> {
        (0..READS)
            .map(|_| {
                let key = names[sequence.next(keys) as usize].clone();
                RangeRequest {
                    key,
                    revision: revision(&mut sequence),
                    ..Default::default()
                }
            })
            .collect()
    };
    let current = read_at(&mut |_| 0);
    let past = read_at(&mut |sequence| 2 + sequence.next(REVISIONS) as i64);
    let recent =
        read_at(&mut |sequence| REVISIONS as i64 + 1 - sequence.next(RECENT_REVISIONS) as i64);
    // Warm up, then alternate so that both see the same machine state.
    time_reads(&store, &current[..10_000]);
    let current_per_second = (time_reads(&store, &current) + time_reads(&store, &current)) / 2.0;
    let past_per_second = (time_reads(&store, &past) + time_reads(&store, &past)) / 2.0;
    let recent_per_second = time_reads(&store, &recent);
    let bookkeeping_per_revision =
        store.bookkeeping_bytes() as f64 / store.stored_revisions() as f64;
    Measurement {
        puts_per_second,
        current_per_second,
        past_per_second,
        recent_per_second,
        bookkeeping_per_revision,
    }
}

fn main() {
    println!("mvcc store benchmark: {REVISIONS} revisions, {VALUE_BYTES}-byte values, {READS} single-key reads per kind");
    println!("targets: puts/s >= 500000, ranges/s >= 200000, past/current <= 2.00, bookkeeping <= 200 bytes/revision");
    println!();
    println!(
        "{:>26} {:>12} {:>14} {:>14} {:>14} {:>12} {:>12} {:>12}",
        "shape",
        "puts/s",
        "ranges/s",
        "past ranges/s",
        "recent past/s",
        "past/current",
        "recent/curr",
        "bytes/rev"
    );
    for keys in [100_000, 10_000, 1_000] {
        let m = measure(keys);
        println!(
            "{:>26} {:>12.0} {:>14.0} {:>14.0} {:>14.0} {:>12.2} {:>12.2} {:>12.1}",
            format!("{keys} keys x {} revisions", REVISIONS / keys),
            m.puts_per_second,
            m.current_per_second,
            m.past_per_second,
            m.recent_per_second,
            m.current_per_second / m.past_per_second,
            m.current_per_second / m.recent_per_second,
            m.bookkeeping_per_revision,
        );
    }
    println!();
    println!("past = a uniformly random revision of the whole history; recent = within the last {RECENT_REVISIONS} revisions.");
    println!(
        "ratios are read time at a past revision divided by read time at the current revision."
    );
}
