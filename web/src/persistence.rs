//! Where a run lives outside the page: the URL fragment (share links) and
//! localStorage (autosave). The only module that touches either.

use playground::link::{encode_fragment, open_fragment, LinkError};
use playground::{Playground, Scenario};

/// The localStorage key of the autosaved scenario.
pub const AUTOSAVE_KEY: &str = "k8s-etcd-playground.autosave.v1";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The fragment of the page's URL, without `#`; `None` when there is none.
pub fn current_fragment() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    let fragment = hash.trim_start_matches('#').to_string();
    (!fragment.is_empty()).then_some(fragment)
}

/// How the page starts: from a link, from the autosave, or fresh.
pub enum Start {
    FromLink(Playground),
    /// The link was bad: the message, and the page starts fresh (the autosave is left alone).
    BadLink(LinkError),
    FromAutosave(Playground),
    Fresh,
}

/// Decides how the page starts.
pub fn start() -> Start {
    if let Some(fragment) = current_fragment() {
        return match open_fragment(&fragment) {
            Ok(playground) => Start::FromLink(playground),
            Err(error) => Start::BadLink(error),
        };
    }
    load_autosave().and_then(|scenario| Playground::replay(&scenario).ok()).map_or(Start::Fresh, Start::FromAutosave)
}

fn load_autosave() -> Option<Scenario> {
    let storage = window()?.local_storage().ok()??;
    let text = storage.get_item(AUTOSAVE_KEY).ok()??;
    // Through a Value, as a share link is decoded: one deserializer for Scenario in the wasm
    // instead of two (the &str one costs as much again).
    let value: serde_json::Value = serde_json::from_slice(text.as_bytes()).ok()?;
    serde_json::from_value(value).ok()
}

/// Saves the run (best effort: a full or disabled storage only loses the autosave).
pub fn autosave(scenario: &Scenario) {
    let Some(storage) = window().and_then(|window| window.local_storage().ok().flatten()) else {
        return;
    };
    if let Ok(text) = serde_json::to_string(scenario) {
        storage.set_item(AUTOSAVE_KEY, &text).ok();
    }
}

/// Puts the run in the address bar and returns the full link.
pub fn share(scenario: &Scenario) -> Option<String> {
    let fragment = encode_fragment(scenario);
    let location = window()?.location();
    location.set_hash(&fragment).ok()?;
    location.href().ok()
}
