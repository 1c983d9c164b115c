//! Where one page frame's simulation time goes, natively: 7 members at 10x
//! (500 virtual ms per frame) from a fresh run (the apiserver's bootstrap
//! included), advanced as the page does (`advance_to_within` with its step
//! budget) and, for comparison, in one go; then the playground calls the page
//! makes every frame (the cluster view, the event log's records, the timeline
//! marks, the request trace's path, the /registry listing); then the
//! /registry listing with 10,000 keys, read whole and refreshed after one
//! change. `cargo bench -p playground --bench frame_parts`

use std::time::{Duration, Instant};

use playground::{Playground, PlaygroundConfig, RegistryListing, UserAction};

const FRAME_MS: u64 = 50;
const SPEED: u64 = 10;
const FRAMES: u32 = 200;
/// The page's `FRAME_STEP_BUDGET` (web/src/app.rs).
const FRAME_STEP_BUDGET: u64 = 120;
const BENCH_KEYS: usize = 10_000;

#[derive(Default)]
struct Part {
    total: Duration,
    longest: Duration,
    count: u32,
}

impl Part {
    fn time<T>(&mut self, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = std::hint::black_box(work());
        let elapsed = started.elapsed();
        self.total += elapsed;
        self.longest = self.longest.max(elapsed);
        self.count += 1;
        result
    }

    fn print(&self, name: &str) {
        let mean_ms = self.total.as_secs_f64() * 1e3 / f64::from(self.count.max(1));
        println!("{name:<44} {mean_ms:>10.3} {:>12.3}", self.longest.as_secs_f64() * 1e3);
    }
}

fn frames(budget: u64) -> (Part, u64, Playground) {
    let mut playground = Playground::new(PlaygroundConfig { seed: 1, member_count: 7 });
    let mut advance = Part::default();
    let mut most_steps = 0;
    for _ in 0..FRAMES {
        let steps_before = playground.cluster_steps();
        let target_ms = playground.now_ms() + FRAME_MS * SPEED;
        advance.time(|| playground.advance_to_within(target_ms, budget));
        most_steps = most_steps.max(playground.cluster_steps() - steps_before);
    }
    (advance, most_steps, playground)
}

fn main() {
    println!("7 members at {SPEED}x, {FRAMES} frames from a fresh run (bootstrap included)");
    println!("{:<44} {:>10} {:>12}", "part", "mean ms", "longest ms");
    let (one_go, one_go_steps, _) = frames(u64::MAX);
    one_go.print(&format!("advance in one go (most steps {one_go_steps})"));
    let (budgeted, budgeted_steps, mut playground) = frames(FRAME_STEP_BUDGET);
    budgeted.print(&format!("advance, budget {FRAME_STEP_BUDGET} steps (most {budgeted_steps})"));

    let names = ["view", "recent_events(320)", "timeline_marks", "request_path", "registry listing refresh"];
    let mut parts: Vec<Part> = names.iter().map(|_| Part::default()).collect();
    let mut listing = RegistryListing::default();
    for _ in 0..FRAMES {
        playground.advance(FRAME_MS * SPEED);
        parts[0].time(|| playground.view());
        parts[1].time(|| playground.recent_events(320));
        parts[2].time(|| playground.timeline_marks());
        let newest_write = playground.apiserver().traces().filter(|trace| trace.revision.is_some()).last().map(|trace| trace.id);
        parts[3].time(|| newest_write.and_then(|id| playground.request_path(id)));
        parts[4].time(|| listing.refresh(&playground, None, 0));
    }
    for (name, part) in names.iter().zip(&parts) {
        part.print(name);
    }

    // The /registry tree with 10,000 keys: a full read against a refresh after one put.
    let mut many = Playground::new(PlaygroundConfig { seed: 1, member_count: 3 });
    many.advance(3_000);
    for batch in 0..BENCH_KEYS.div_ceil(128) {
        let puts: Vec<String> = (batch * 128..((batch + 1) * 128).min(BENCH_KEYS)).map(|key| format!("put /registry/bench/key-{key:05} value-{key}")).collect();
        let stdin = format!("\n{}\n\n\n", puts.join("\n"));
        if let Err(error) = many.apply(UserAction::Console { line: "etcdctl txn".into(), stdin }) {
            println!("txn failed: {error}");
        }
    }
    let mut full = Part::default();
    for _ in 0..20 {
        full.time(|| many.registry_keys_and_tombstones_at(None, 0).ok());
    }
    let mut refresh = Part::default();
    let mut listing = RegistryListing::default();
    listing.refresh(&many, None, 0);
    for round in 0..20 {
        let line = format!("etcdctl put /registry/bench/key-{:05} changed", round * 97);
        if let Err(error) = many.apply(UserAction::Console { line, stdin: String::new() }) {
            println!("put failed: {error}");
        }
        refresh.time(|| listing.refresh(&many, None, 0));
    }
    println!("{} keys in the /registry tree", listing.entries().len());
    full.print("full listing (every key and tombstone)");
    refresh.print("refresh after one put (changed keys only)");
}
