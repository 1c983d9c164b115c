//! The playground's user interface (Yew, client-side rendered).
//!
//! `web/` is the only layer that touches the browser: the DOM, timers and
//! storage. Below it, every crate is sans-IO (see docs/ARCHITECTURE.md). The UI
//! is one owner of state ([`app::App`]) and pure view components in
//! [`panels`], each a function of its `Properties`.

pub mod app;
pub mod frame_marks;
pub mod panels;
pub mod panic_banner;
pub mod persistence;

/// Mounts the playground on `<body>` after installing the panic banner.
pub fn start() {
    panic_banner::install();
    yew::Renderer::<app::App>::with_props(app::AppProps { autoplay: true, seed: 1, persist: true }).render();
}
