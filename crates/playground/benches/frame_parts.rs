//! Where one page frame's script time goes, natively: 7 members at 10x
//! (500 virtual ms per frame), split into the playground calls the page makes
//! every frame (advance, the cluster view, the event log's records, the
//! timeline marks, the request trace's path, the /registry listing), plus the
//! longest frame from a fresh run (the apiserver's bootstrap included) and
//! what one user action through the apiserver costs.
//! `cargo bench -p playground --bench frame_parts`

use std::time::{Duration, Instant};

use playground::{Playground, PlaygroundConfig, UserAction};

const FRAME_MS: u64 = 50;
const SPEED: u64 = 10;
const FRAMES: u32 = 200;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n";

#[derive(Default)]
struct Part {
    total: Duration,
    longest: Duration,
}

impl Part {
    fn time<T>(&mut self, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = std::hint::black_box(work());
        let elapsed = started.elapsed();
        self.total += elapsed;
        self.longest = self.longest.max(elapsed);
        result
    }
}

fn main() {
    let names = ["advance", "view", "recent_events(320)", "timeline_marks", "request_path", "registry listing"];
    let mut parts: Vec<Part> = names.iter().map(|_| Part::default()).collect();
    let mut frames = Part::default();
    let mut playground = Playground::new(PlaygroundConfig { seed: 1, member_count: 7 });
    let mut listed_revision = None;
    for _ in 0..FRAMES {
        frames.time(|| {
            parts[0].time(|| playground.advance(FRAME_MS * SPEED));
            parts[1].time(|| playground.view());
            parts[2].time(|| playground.recent_events(320));
            parts[3].time(|| playground.timeline_marks());
            let newest_write = playground.apiserver().traces().filter(|trace| trace.revision.is_some()).last().map(|trace| trace.id);
            parts[4].time(|| newest_write.and_then(|id| playground.request_path(id)));
            let revisions = playground.store_revisions(None);
            if revisions != listed_revision {
                listed_revision = revisions;
                parts[5].time(|| playground.registry_keys_and_tombstones_at(None, 0));
            }
        });
    }
    println!("7 members at {SPEED}x, {FRAMES} frames from a fresh run (bootstrap included)");
    println!("{:<24} {:>12} {:>12}", "part", "mean ms", "longest ms");
    for (name, part) in names.iter().zip(&parts) {
        println!("{name:<24} {:>12.3} {:>12.3}", part.total.as_secs_f64() * 1e3 / f64::from(FRAMES), part.longest.as_secs_f64() * 1e3);
    }
    println!("{:<24} {:>12.3} {:>12.3}", "whole frame", frames.total.as_secs_f64() * 1e3 / f64::from(FRAMES), frames.longest.as_secs_f64() * 1e3);

    let mut apply = Part::default();
    let before_ms = playground.now_ms();
    apply.time(|| playground.apply(UserAction::Apply { manifest: DEPLOYMENT.into() }));
    println!(
        "kubectl apply of a Deployment, 7 members: {:.3} ms, {} virtual ms waited inside the call",
        apply.total.as_secs_f64() * 1e3,
        playground.now_ms() - before_ms
    );
}
