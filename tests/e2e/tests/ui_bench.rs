//! The browser benchmark of the page (`scripts/bench-ui`): the release build
//! (`dist/`) in headless Chromium, measured with the page's own User Timing
//! marks (`?bench`, see web/src/frame_marks.rs) and a `longtask`
//! PerformanceObserver. It prints figures beside their targets and checks
//! nothing: run it with
//! `cargo test -p e2e --test ui_bench -- --ignored --nocapture` after
//! `trunk build --release --offline`.

use e2e::{dist_dir, Browser, StaticServer};
use playground::link::encode_fragment;
use playground::{Playground, PlaygroundConfig, Scenario, TimedAction, UserAction, SCENARIO_FORMAT_VERSION};
use serde_json::Value;

/// Keys the large-tree measurement puts under `/registry/bench/`.
const BENCH_KEYS: usize = 10_000;
/// etcd's default limit of operations in one txn.
const PUTS_PER_TXN: usize = 128;
/// Wall time each frame measurement runs for.
const MEASURE_MS: u64 = 5_000;

fn script(browser: &Browser, source: &str) -> Value {
    browser.execute(source).unwrap_or_else(|error| panic!("{source}: {error}"))
}

/// Waits `wall_ms` of real time in the page (the simulation keeps running).
fn wait_in_page(browser: &Browser, wall_ms: u64) {
    browser.execute_async(&format!("setTimeout(arguments[0], {wall_ms})")).unwrap_or_else(|error| panic!("wait: {error}"));
}

/// Starts collecting long tasks (> 50 ms) into `window.__longTasks`.
fn observe_long_tasks(browser: &Browser) {
    script(
        browser,
        "window.__longTasks = []; new PerformanceObserver(list => { for (const entry of list.getEntries()) \
         window.__longTasks.push(entry.duration); }).observe({ type: 'longtask' }); return true;",
    );
}

/// The long tasks seen since the last call, and forgets them.
fn take_long_tasks(browser: &Browser) -> Vec<f64> {
    let value = script(browser, "const tasks = window.__longTasks || []; window.__longTasks = []; return tasks;");
    serde_json::from_value(value).unwrap_or_default()
}

/// The page's per-frame measures over `MEASURE_MS` of play: the whole
/// frame's script (`frame`), of which advancing the simulation
/// (`frame-advance`) and building the page's virtual DOM (`frame-view`); the
/// rest is Yew's diff and the DOM updates.
struct FrameMeasures {
    frame: Vec<f64>,
    advance: Vec<f64>,
    view: Vec<f64>,
}

fn measure_frames(browser: &Browser) -> FrameMeasures {
    script(browser, "for (const name of ['frame', 'frame-advance', 'frame-view']) performance.clearMeasures(name); return true;");
    wait_in_page(browser, MEASURE_MS);
    let durations = |name: &str| -> Vec<f64> {
        let value = script(browser, &format!("return performance.getEntriesByName('{name}', 'measure').map(entry => entry.duration);"));
        serde_json::from_value(value).unwrap_or_default()
    };
    FrameMeasures { frame: durations("frame"), advance: durations("frame-advance"), view: durations("frame-view") }
}

struct Stats {
    frames: usize,
    mean_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

fn stats(mut durations: Vec<f64>) -> Stats {
    durations.sort_by(f64::total_cmp);
    let frames = durations.len();
    let mean_ms = if frames == 0 { f64::NAN } else { durations.iter().sum::<f64>() / frames as f64 };
    let p95_ms = durations.get((frames * 95 / 100).min(frames.saturating_sub(1))).copied().unwrap_or(f64::NAN);
    Stats { frames, mean_ms, p95_ms, max_ms: durations.last().copied().unwrap_or(f64::NAN) }
}

fn verdict(figure: f64, target: f64) -> &'static str {
    if figure <= target {
        "ok"
    } else {
        "OVER"
    }
}

/// A run with `BENCH_KEYS` keys under `/registry/bench/`, written by etcdctl
/// txns once a leader exists; checked natively before the page opens it.
fn scenario_with_many_keys() -> Scenario {
    let actions = (0..BENCH_KEYS.div_ceil(PUTS_PER_TXN))
        .map(|batch| {
            let puts: Vec<String> = (batch * PUTS_PER_TXN..((batch + 1) * PUTS_PER_TXN).min(BENCH_KEYS))
                .map(|key| format!("put /registry/bench/key-{key:05} value-{key}"))
                .collect();
            let stdin = format!("\n{}\n\n\n", puts.join("\n"));
            TimedAction { at_ms: 3_000, action: UserAction::Console { line: "etcdctl txn".into(), stdin } }
        })
        .collect();
    let scenario = Scenario {
        format_version: SCENARIO_FORMAT_VERSION,
        config: PlaygroundConfig { seed: 1, member_count: 3 },
        actions,
        end_ms: 4_000,
        tutorial: None,
        layout: Default::default(),
    };
    let replayed = Playground::replay(&scenario).expect("the many-keys run replays");
    let bench_keys = replayed.registry_keys(None).iter().filter(|entry| entry.key.starts_with("/registry/bench/")).count();
    assert_eq!(bench_keys, BENCH_KEYS, "the txns wrote every key");
    scenario
}

#[test]
#[ignore = "a benchmark: prints figures, run by scripts/bench-ui"]
fn benchmark_the_page_in_headless_chromium() {
    let server = StaticServer::serve(dist_dir()).unwrap_or_else(|error| panic!("{error}"));
    let browser = Browser::start().unwrap_or_else(|error| panic!("{error}"));

    // 1. Cold load: a fresh browser profile, nothing cached.
    browser.open(&server.url("/?bench")).unwrap_or_else(|error| panic!("{error}"));
    browser.find("g.member").unwrap_or_else(|error| panic!("the app did not render: {error}"));
    let first_render_ms = script(&browser, "return performance.getEntriesByName('first-render')[0].startTime;").as_f64().unwrap_or(f64::NAN);
    let members = script(&browser, "return document.querySelectorAll('g.member').length;");
    assert_eq!(members.as_u64(), Some(3), "the first render shows the 3-member cluster");

    // 2. Seven members at 10x.
    script(
        &browser,
        "document.querySelector(\"[data-testid='quorum-row-7']\").click(); \
         const speed = document.querySelector(\"[data-testid='speed']\"); speed.value = '10'; \
         speed.dispatchEvent(new Event('change', { bubbles: true })); return true;",
    );
    assert_eq!(script(&browser, "return document.querySelectorAll('g.member').length;").as_u64(), Some(7));
    // Long tasks count from here: the simulation running, not the click that
    // built the new 7-member run.
    observe_long_tasks(&browser);
    let seven_measures = measure_frames(&browser);
    let seven = stats(seven_measures.frame.clone());
    let clock = script(&browser, "return document.querySelector(\"[data-testid='clock']\").textContent;");
    let seven_long_tasks = take_long_tasks(&browser);

    // 3. 10,000 keys in the /registry tree, opened from a share link (paused), then played at 1x.
    let fragment = encode_fragment(&scenario_with_many_keys());
    browser.open("about:blank").unwrap_or_else(|error| panic!("{error}"));
    browser.open(&server.url(&format!("/?bench#{fragment}"))).unwrap_or_else(|error| panic!("{error}"));
    browser.find("g.member").unwrap_or_else(|error| panic!("the shared run did not render: {error}"));
    let tree_rows = script(&browser, "return document.querySelectorAll(\"[data-testid='registry-key']\").length;");
    observe_long_tasks(&browser);
    script(&browser, "document.querySelector(\"[data-testid='play']\").click(); return true;");
    let many_keys_measures = measure_frames(&browser);
    let many_keys = stats(many_keys_measures.frame.clone());
    let keys_long_tasks = take_long_tasks(&browser);
    let longest = |tasks: &[f64]| tasks.iter().copied().fold(0.0, f64::max);
    let long_tasks: Vec<f64> = seven_long_tasks.iter().chain(&keys_long_tasks).copied().collect();
    let longest_task_ms = longest(&long_tasks);

    println!();
    println!("UI benchmark: dist/ (trunk build --release) in headless Chromium, {MEASURE_MS} ms of play per row");
    println!("{:<58} {:>10} {:>10} {:>10}  {:<12}", "measure", "figure", "p95", "max", "target");
    println!(
        "{:<58} {:>7.0} ms {:>10} {:>10}  {:<12} {}",
        "first render of a 3-member cluster, cold load",
        first_render_ms,
        "",
        "",
        "<= 1000 ms",
        verdict(first_render_ms, 1_000.0)
    );
    for (name, stats, target) in [
        (format!("script per frame, 7 members at 10x (mean of {})", seven.frames), &seven, 8.0),
        (format!("script per frame, {BENCH_KEYS} keys in the tree (mean of {})", many_keys.frames), &many_keys, 16.0),
    ] {
        println!(
            "{:<58} {:>7.2} ms {:>7.2} ms {:>7.2} ms  <= {target:<3} ms    {}",
            name,
            stats.mean_ms,
            stats.p95_ms,
            stats.max_ms,
            verdict(stats.mean_ms, target)
        );
    }
    for (name, measures) in [("7 members at 10x", &seven_measures), ("10000 keys", &many_keys_measures)] {
        let (advance, view) = (stats(measures.advance.clone()), stats(measures.view.clone()));
        println!(
            "(of a frame's script, {name}: advancing the simulation {:.2} ms mean, {:.2} ms max; building the page {:.2} ms mean, {:.2} ms max)",
            advance.mean_ms, advance.max_ms, view.mean_ms, view.max_ms
        );
    }
    // The observer reports only tasks over 50 ms: none means all were shorter.
    let longest_text = if long_tasks.is_empty() { "< 50 ms".to_string() } else { format!("{longest_task_ms:.0} ms") };
    println!(
        "{:<58} {:>10} {:>10} {:>10}  {:<12} {}",
        format!("longest task while the simulation runs ({} over 50 ms)", long_tasks.len()),
        longest_text,
        "",
        "",
        "<= 50 ms",
        verdict(longest_task_ms, 50.0)
    );
    println!(
        "(long tasks: {} with 7 members at 10x, longest {:.0} ms; {} with {BENCH_KEYS} keys, longest {:.0} ms)",
        seven_long_tasks.len(),
        longest(&seven_long_tasks),
        keys_long_tasks.len(),
        longest(&keys_long_tasks)
    );
    println!("(7-member run reached {clock} virtual; registry rows in the DOM with {BENCH_KEYS} keys: {tree_rows})");
}
