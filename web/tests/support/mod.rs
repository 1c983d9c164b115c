//! What every browser test of the page needs: mount the app on a real
//! simulation, find elements, click, read text. One copy, included by each
//! test file with `mod support;` (not every file uses every helper).
#![allow(dead_code)]

use wasm_bindgen::JsCast;
use web::app::{App, AppProps};
use web_sys::{Element, HtmlElement};

/// The page, paused (tests step it), with this seed and no persistence, in a fresh root element.
pub fn mount(seed: u64) -> Element {
    let root = new_root();
    yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { autoplay: false, seed, persist: false }).render();
    root
}

/// A fresh element in the page's body to render a component into.
pub fn new_root() -> Element {
    let document = web_sys::window().and_then(|window| window.document()).expect("a browser document");
    let root = document.create_element("div").expect("create a root element");
    document.body().expect("a body").append_child(&root).expect("append root");
    root
}

pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).expect("valid selector").unwrap_or_else(|| panic!("nothing matches {selector}"))
}

pub fn find_all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length()).filter_map(|index| list.item(index)).filter_map(|node| node.dyn_into::<Element>().ok()).collect()
}

pub fn exists(root: &Element, selector: &str) -> bool {
    root.query_selector(selector).ok().flatten().is_some()
}

pub fn click(element: &Element) {
    // SVG elements are not HtmlElements: dispatch a real click event instead.
    match element.dyn_ref::<HtmlElement>() {
        Some(html) => html.click(),
        None => {
            let init = web_sys::MouseEventInit::new();
            init.set_bubbles(true);
            let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).expect("a click event");
            element.dispatch_event(&event).expect("dispatch");
        }
    }
}

pub fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default()
}
