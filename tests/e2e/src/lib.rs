//! Helpers for the end-to-end tests: a static file server for `dist/` and a
//! minimal WebDriver client for chromedriver, both on std only.
//!
//! ```no_run
//! let server = e2e::StaticServer::serve(e2e::dist_dir()).unwrap();
//! let browser = e2e::Browser::start().unwrap();
//! browser.open(&server.url("/")).unwrap();
//! let table = browser.find("[data-testid='quorum-table']").unwrap();
//! assert!(browser.text(&table).unwrap().contains("Members"));
//! assert!(browser.console_errors().unwrap().is_empty());
//! ```
//!
//! These tests run after `trunk build --release` in `scripts/test`.

mod http;
mod static_server;
mod webdriver;

pub use static_server::StaticServer;
pub use webdriver::{Browser, ConsoleEntry, ElementId};

use std::path::PathBuf;

/// The directory `trunk build` writes the page to.
pub fn dist_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist")
}

/// Any failure of the harness, as text with the step that failed.
pub type Result<T> = std::result::Result<T, String>;
