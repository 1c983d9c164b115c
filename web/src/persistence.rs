//! Where a run lives outside the page: the URL fragment (share links),
//! localStorage (autosave) and files (export/import). The only module that
//! touches any of them.

use playground::link::{decode_fragment, decode_json, encode_compact_json, encode_fragment, encode_json, replay, LinkError};
use playground::{Playground, Scenario};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

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
    /// The replayed run and the scenario it came from (for its tutorial and layout).
    FromLink(Playground, Scenario),
    /// The link was bad: the message, and the page starts fresh (the autosave is left alone).
    BadLink(LinkError),
    FromAutosave(Playground, Scenario),
    Fresh,
}

/// Decides how the page starts.
pub fn start() -> Start {
    if let Some(fragment) = current_fragment() {
        // One User Timing measure per page load, `link-open`: what opening
        // the link cost (decode + replay), read by the link benchmark.
        crate::frame_marks::mark("link-open-start");
        let opened = decode_fragment(&fragment).and_then(|scenario| Ok((replay(&scenario)?, scenario)));
        crate::frame_marks::measure_since("link-open", "link-open-start");
        return match opened {
            Ok((playground, scenario)) => Start::FromLink(playground, scenario),
            Err(error) => Start::BadLink(error),
        };
    }
    load_autosave()
        .and_then(|scenario| Some((Playground::replay(&scenario).ok()?, scenario)))
        .map_or(Start::Fresh, |(playground, scenario)| Start::FromAutosave(playground, scenario))
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
    storage.set_item(AUTOSAVE_KEY, &encode_compact_json(scenario)).ok();
}

/// Puts the run in the address bar and returns the full link.
pub fn share(scenario: &Scenario) -> Option<String> {
    let fragment = encode_fragment(scenario);
    let location = window()?.location();
    location.set_hash(&fragment).ok()?;
    location.href().ok()
}

/// Offers the run as a JSON file download (Blob + a clicked anchor). Returns
/// false if the browser refused.
pub fn export_file(scenario: &Scenario, file_name: &str) -> bool {
    let try_export = || -> Option<()> {
        let document = window()?.document()?;
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&encode_json(scenario)));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let anchor: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
        web_sys::Url::revoke_object_url(&url).ok()?;
        Some(())
    };
    try_export().is_some()
}

/// Reads a chosen file as text and hands `(file name, text)` to `on_loaded`
/// (an unreadable file gives an empty text, which fails as invalid JSON).
pub fn read_file(file: &web_sys::File, on_loaded: impl FnOnce(String, String) + 'static) -> bool {
    let Ok(reader) = web_sys::FileReader::new() else {
        return false;
    };
    let name = file.name();
    let reader_for_result = reader.clone();
    let onload = Closure::once(move |_event: web_sys::Event| {
        let text = reader_for_result.result().ok().and_then(|value| value.as_string()).unwrap_or_default();
        on_loaded(name, text);
    });
    reader.set_onload(Some(onload.as_ref().unchecked_ref()));
    // The reader calls back once; the closure must outlive this function.
    onload.forget();
    reader.read_as_text(file).is_ok()
}

/// Decodes an imported file and replays it, through the same checks as a link.
pub fn open_file_text(text: &str) -> Result<(Playground, Scenario), LinkError> {
    let scenario = decode_json(text.as_bytes())?;
    Ok((replay(&scenario)?, scenario))
}
