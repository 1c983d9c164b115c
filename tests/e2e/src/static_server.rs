//! Serves a directory on 127.0.0.1 with the MIME types a wasm page needs
//! (`application/wasm` lets the browser compile while downloading).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;

use crate::Result;

/// A file server running on its own thread until the process ends.
pub struct StaticServer {
    port: u16,
}

impl StaticServer {
    /// Starts serving `root` on a free port.
    pub fn serve(root: PathBuf) -> Result<StaticServer> {
        if !root.join("index.html").is_file() {
            return Err(format!(
                "{} has no index.html: build the page first (scripts/test does: trunk build --release)",
                root.display()
            ));
        }
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| format!("bind a port: {error}"))?;
        let port = listener.local_addr().map_err(|error| error.to_string())?.port();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                thread::spawn(move || {
                    // A broken connection only affects that request.
                    let _ = answer(stream, &root);
                });
            }
        });
        Ok(StaticServer { port })
    }

    /// The address of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn answer(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut request_line = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut request_line)?;
    // Drain the headers so the browser sees a clean close.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let relative = if path == "/" { "index.html" } else { path.trim_start_matches('/') };
    let file = safe_join(root, relative);
    match file.and_then(|file| std::fs::read(&file).ok().map(|bytes| (file, bytes))) {
        Some((file, bytes)) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: {}\r\nConnection: close\r\n\r\n",
                content_type(&file),
                bytes.len(),
                cache_control(&file)
            );
            stream.write_all(head.as_bytes())?;
            stream.write_all(&bytes)
        }
        None => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    }
}

/// As a static host serves trunk's output: the page itself is revalidated,
/// the assets (named by their content hash, e.g. `web-9cbf2c6d07a48878_bg.wasm`)
/// are cached for good. A cacheable wasm response is also what lets the
/// browser keep its compiled code for the next visit.
fn cache_control(file: &Path) -> &'static str {
    let name = file.file_name().and_then(|name| name.to_str()).unwrap_or("");
    let content_hashed = name.rsplit_once('.').is_some_and(|(stem, _)| {
        stem.trim_end_matches("_bg").rsplit_once('-').is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()))
    });
    if content_hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// `root/relative`, unless `relative` tries to leave `root`.
fn safe_join(root: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    relative.components().all(|component| matches!(component, Component::Normal(_))).then(|| root.join(relative))
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|extension| extension.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_climb_out_of_the_root_are_refused() {
        let root = Path::new("/srv/dist");
        assert_eq!(safe_join(root, "app.wasm"), Some(PathBuf::from("/srv/dist/app.wasm")));
        assert_eq!(safe_join(root, "../secret"), None);
        assert_eq!(safe_join(root, "/etc/passwd"), None);
    }

    #[test]
    fn content_hashed_assets_are_cached_for_good_and_the_page_is_revalidated() {
        assert_eq!(cache_control(Path::new("web-577d0923689277c3_bg.wasm")), "public, max-age=31536000, immutable");
        assert_eq!(cache_control(Path::new("web-577d0923689277c3.js")), "public, max-age=31536000, immutable");
        assert_eq!(cache_control(Path::new("style-f34a6598d8f3c3e4.css")), "public, max-age=31536000, immutable");
        assert_eq!(cache_control(Path::new("index.html")), "no-cache");
        assert_eq!(cache_control(Path::new("web.wasm")), "no-cache");
    }
}
