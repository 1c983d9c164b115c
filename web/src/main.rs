//! The page's entry point: `trunk` builds this binary to wasm and `index.html`
//! loads it. Everything lives in the library so browser tests can mount it.

fn main() {
    web::start();
}
