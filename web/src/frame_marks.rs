//! User Timing marks for the browser benchmark (`scripts/bench-ui`).
//!
//! The page always marks `first-render` once (when the first frame is in the
//! DOM). With `?bench` in the address it also measures every ticker frame as
//! `frame` (from the tick's start until its render is done: the script a frame
//! costs), and inside it `frame-advance` (the tick's simulation work) and
//! `frame-view` (building the page's virtual DOM; the rest of a frame is
//! Yew's diff and the DOM updates); the benchmark reads these with
//! `performance.getEntriesByName`.
//! Without `?bench` nothing is recorded per frame, so a page left open for
//! hours does not collect entries.

/// Whether the address asks for per-frame measures (`?bench`).
pub fn bench_requested() -> bool {
    web_sys::window()
        .and_then(|window| window.location().search().ok())
        .is_some_and(|search| search.trim_start_matches('?').split('&').any(|part| part == "bench"))
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|window| window.performance())
}

/// Records a named instant (ignored where User Timing is missing).
pub fn mark(name: &str) {
    if let Some(performance) = performance() {
        performance.mark(name).ok();
    }
}

/// Records the time from mark `start` until now as `name`.
pub fn measure_since(name: &str, start: &str) {
    if let Some(performance) = performance() {
        performance.measure_with_start_mark(name, start).ok();
    }
}
