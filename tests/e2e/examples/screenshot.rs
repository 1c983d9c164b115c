//! Saves a screenshot of the built page after it ran for a while:
//! `cargo run -p e2e --example screenshot -- out.png` (after `trunk build --release`).

use e2e::{dist_dir, Browser, StaticServer};

fn main() -> Result<(), String> {
    let output = std::env::args().nth(1).unwrap_or_else(|| "screenshot.png".into());
    let server = StaticServer::serve(dist_dir())?;
    let browser = Browser::start()?;
    browser.open(&server.url("/"))?;
    browser.find("g.member.leader")?;
    let png = browser.screenshot_png()?;
    std::fs::write(&output, png).map_err(|error| format!("write {output}: {error}"))?;
    println!("wrote {output}");
    Ok(())
}
