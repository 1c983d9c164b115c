//! A minimal W3C WebDriver client for chromedriver and headless Chromium.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::http::request;
use crate::Result;

/// The W3C key under which an element reference is returned.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A found element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementId(String);

/// One line of the browser console.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleEntry {
    /// chromedriver's level: SEVERE for `console.error` and uncaught errors.
    pub level: String,
    /// The text.
    pub message: String,
}

/// A chromedriver process with one headless Chromium session.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
}

impl Browser {
    /// Starts chromedriver (`$CHROMEDRIVER` or /usr/bin/chromedriver) and a
    /// headless Chromium session that records the console.
    pub fn start() -> Result<Browser> {
        let driver_path = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port()?;
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("start {driver_path}: {error} (scripts/setup installs chromium-driver)"))?;
        let mut browser = Browser { driver, port, session: String::new() };
        browser.wait_until_ready()?;
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": chromium_args()
            }
        }}});
        let reply = browser.call("POST", "/session", Some(&capabilities))?;
        browser.session = reply["sessionId"].as_str().ok_or_else(|| format!("no sessionId in {reply}"))?.to_string();
        // Element lookups wait in the driver for the page to render: no sleeps here.
        browser.command("POST", "/timeouts", Some(&json!({"implicit": 30_000, "pageLoad": 60_000, "script": 30_000})))?;
        Ok(browser)
    }

    /// Opens `url` and waits for the load event.
    pub fn open(&self, url: &str) -> Result<()> {
        self.command("POST", "/url", Some(&json!({ "url": url }))).map(drop)
    }

    /// The first element matching a CSS selector, waiting up to 30 s for it.
    pub fn find(&self, css_selector: &str) -> Result<ElementId> {
        let value = self.command("POST", "/element", Some(&json!({"using": "css selector", "value": css_selector})))?;
        value[ELEMENT_KEY].as_str().map(|id| ElementId(id.to_string())).ok_or_else(|| format!("no element {css_selector}: {value}"))
    }

    /// All elements matching a CSS selector (after the implicit wait for the first).
    pub fn find_all(&self, css_selector: &str) -> Result<Vec<ElementId>> {
        let value = self.command("POST", "/elements", Some(&json!({"using": "css selector", "value": css_selector})))?;
        Ok(value
            .as_array()
            .map(|elements| elements.iter().filter_map(|element| element[ELEMENT_KEY].as_str()).map(|id| ElementId(id.to_string())).collect())
            .unwrap_or_default())
    }

    /// The rendered text of an element.
    pub fn text(&self, element: &ElementId) -> Result<String> {
        let value = self.command("GET", &format!("/element/{}/text", element.0), None)?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// Clicks an element.
    pub fn click(&self, element: &ElementId) -> Result<()> {
        self.command("POST", &format!("/element/{}/click", element.0), Some(&json!({}))).map(drop)
    }

    /// Runs JavaScript in the page and returns its result.
    pub fn execute(&self, script: &str) -> Result<Value> {
        self.command("POST", "/execute/sync", Some(&json!({"script": script, "args": []})))
    }

    /// Runs asynchronous JavaScript: the script calls `arguments[0](result)`
    /// when done (bounded by the 30 s script timeout).
    pub fn execute_async(&self, script: &str) -> Result<Value> {
        self.command("POST", "/execute/async", Some(&json!({"script": script, "args": []})))
    }

    /// Waits (bounded) until the virtual clock shown by the page reaches `seconds`.
    pub fn wait_for_virtual_seconds(&self, seconds: f64) -> Result<()> {
        let script = format!(
            "const done = arguments[0]; const check = () => {{ \
               const clock = document.querySelector(\"[data-testid='clock']\"); \
               if (clock && parseFloat(clock.textContent) >= {seconds}) {{ done(true); }} else {{ requestAnimationFrame(check); }} }}; check();"
        );
        self.execute_async(&script).map(drop)
    }

    /// A PNG of the visible page.
    pub fn screenshot_png(&self) -> Result<Vec<u8>> {
        let value = self.command("GET", "/screenshot", None)?;
        let encoded = value.as_str().ok_or("screenshot is not a string")?;
        decode_base64(encoded)
    }

    /// Console entries since the last call.
    pub fn console(&self) -> Result<Vec<ConsoleEntry>> {
        let value = self.command("POST", "/se/log", Some(&json!({"type": "browser"})))?;
        Ok(value
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|entry| ConsoleEntry {
                        level: entry["level"].as_str().unwrap_or_default().to_string(),
                        message: entry["message"].as_str().unwrap_or_default().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Console entries that are errors or mention a panic.
    pub fn console_errors(&self) -> Result<Vec<ConsoleEntry>> {
        Ok(self
            .console()?
            .into_iter()
            .filter(|entry| entry.level == "SEVERE" || entry.message.contains("panicked"))
            .collect())
    }

    fn command(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let reply = self.call(method, &format!("/session/{}{path}", self.session), body)?;
        Ok(reply)
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let (status, bytes) = request(self.port, method, path, body)?;
        let reply: Value = serde_json::from_slice(&bytes).map_err(|error| format!("{method} {path}: not JSON ({error})"))?;
        if status != 200 {
            return Err(format!("{method} {path}: HTTP {status}: {}", reply["value"]));
        }
        Ok(reply["value"].clone())
    }

    fn wait_until_ready(&self) -> Result<()> {
        // chromedriver needs a moment to open its port; poll its status, bounded.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok((200, body)) = request(self.port, "GET", "/status", None) {
                if serde_json::from_slice::<Value>(&body).is_ok_and(|status| status["value"]["ready"] == true) {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(format!("chromedriver on port {} did not become ready in 20 s", self.port));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = request(self.port, "DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| format!("find a free port: {error}"))?;
    listener.local_addr().map(|address| address.port()).map_err(|error| error.to_string())
}

fn decode_base64(text: &str) -> Result<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes().filter(|byte| *byte != b'=' && !byte.is_ascii_whitespace()) {
        let value = ALPHABET.iter().position(|candidate| *candidate == byte).ok_or("bad base64")? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// Chromium's command line: headless and quiet, plus whatever
/// `EXTRA_CHROMIUM_ARGS` adds (split on spaces), for experiments such as
/// `EXTRA_CHROMIUM_ARGS=--js-flags=--liftoff-only` (V8's baseline tier only).
fn chromium_args() -> Vec<String> {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
    ]
    .iter()
    .map(|arg| arg.to_string())
    .collect();
    if let Ok(extra) = std::env::var("EXTRA_CHROMIUM_ARGS") {
        args.extend(extra.split_whitespace().map(str::to_string));
    }
    args
}
