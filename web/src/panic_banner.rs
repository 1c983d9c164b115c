//! A panic in wasm kills the whole page. Before it does, say so where the user
//! looks (a banner at the top of the page) and where tests look (the browser
//! console, as an error).

use std::panic;

/// The id of the banner element, for tests and styling.
pub const BANNER_ID: &str = "panic-banner";

/// Installs the hook. Calling it twice replaces the first hook with an
/// identical one.
pub fn install() {
    panic::set_hook(Box::new(|info| {
        let message = format!("The playground crashed: {info}. Reload the page to start again.");
        web_sys::console::error_1(&message.clone().into());
        show_banner(&message);
    }));
}

fn show_banner(message: &str) {
    // Best effort only: inside a panic hook there is nobody left to report to.
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_id(BANNER_ID);
    banner.set_class_name("banner banner-error");
    banner.set_attribute("role", "alert").ok();
    banner.set_text_content(Some(message));
    if let Some(body) = document.body() {
        body.prepend_with_node_1(&banner).ok();
    }
}
