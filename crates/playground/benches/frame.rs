//! What one UI frame costs natively: advancing virtual time by `speed × 50 ms`
//! plus building the view, for 3 and 7 members, at 1×, 10× and 100×.
//! `cargo bench -p playground --bench frame`

use std::time::Instant;

use playground::{Playground, PlaygroundConfig, UserAction};

const FRAME_MS: u64 = 50;
const FRAMES: u32 = 200;

fn main() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n";
    println!("{:>8} {:>6} {:>14} {:>16}", "members", "speed", "ms per frame", "virtual s per s");
    for members in [3u8, 7] {
        for speed in [1u64, 10, 100] {
            let mut playground = Playground::new(PlaygroundConfig { seed: 1, member_count: members });
            playground.advance(3_000);
            if let Err(error) = playground.apply(UserAction::Apply { manifest: deployment.into() }) {
                println!("apply failed: {error}");
            }
            let started = Instant::now();
            for _ in 0..FRAMES {
                playground.advance(FRAME_MS * speed);
                std::hint::black_box(playground.view());
                std::hint::black_box(playground.registry_keys(None));
            }
            let elapsed = started.elapsed().as_secs_f64();
            let per_frame_ms = elapsed * 1000.0 / f64::from(FRAMES);
            let virtual_seconds = (FRAME_MS * speed * u64::from(FRAMES)) as f64 / 1000.0;
            println!("{members:>8} {speed:>5}x {per_frame_ms:>14.3} {:>16.1}", virtual_seconds / elapsed);
        }
    }
}
