//! W3C WebDriver, spoken to Debian's `chromedriver` directly: a headless Chromium the
//! browser tests drive like a person, with axe-core run on the pages it shows.
//!
//! `scripts/test` installs `chromium` + `chromium-driver` and sets `MYPAY_REQUIRE_BROWSER=1`,
//! so there a missing browser is a failure; a bare `cargo test` without them skips.

use base64::Engine;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A headless Chromium behind chromedriver, one WebDriver session.
pub struct Driver {
    child: Child,
    http: reqwest::Client,
    base: String,
    session: String,
    /// The browser's profile directory (its processes name it).
    pub _profile: tempfile::TempDir,
}

impl Driver {
    pub async fn start() -> Option<Self> {
        let exe = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let Some(exe) = exe else {
            assert!(
                std::env::var("MYPAY_REQUIRE_BROWSER").is_err(),
                "chromedriver is not installed"
            );
            eprintln!("skipping browser test: chromedriver not installed");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(exe)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--window-size=1400,1000", format!("--user-data-dir={}", profile.path().display())]
        }}}});
        let resp: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = resp["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {resp}"))
            .to_owned();
        Some(Self {
            child,
            http,
            base,
            session,
            _profile: profile,
        })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        assert!(v["value"].get("error").is_none(), "webdriver {path}: {v}");
        v["value"].clone()
    }

    pub async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    pub async fn find(&self, css: &str) -> String {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {css}: {v}"))
            .to_owned()
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    pub async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    pub async fn text(&self, css: &str) -> String {
        let id = self.find(css).await;
        self.call(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Clicks `css` (a submit button or a link) and waits (up to 10 s) for the next page
    /// to be loaded: the current document is marked first, so a page posted back to its own
    /// URL is told from the one it replaces.
    pub async fn click_and_load(&self, css: &str) {
        let mark = json!({"script": "window.__mypayOld = true; return true", "args": []});
        self.call(reqwest::Method::POST, "/execute/sync", Some(mark))
            .await;
        self.click(css).await;
        let ready = json!({"script": "return !window.__mypayOld && document.readyState === 'complete'", "args": []});
        for _ in 0..100 {
            if self
                .call(reqwest::Method::POST, "/execute/sync", Some(ready.clone()))
                .await
                == true
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no new page after clicking {css}");
    }

    /// The text the page shows.
    pub async fn body_text(&self) -> String {
        let script = json!({"script": "return document.body.innerText", "args": []});
        self.call(reqwest::Method::POST, "/execute/sync", Some(script))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Empties a text field.
    pub async fn clear(&self, css: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            Some(json!({})),
        )
        .await;
    }

    /// Replaces a text field's value.
    pub async fn fill(&self, css: &str, text: &str) {
        self.clear(css).await;
        self.type_into(css, text).await;
    }

    /// An attribute of the first element matching `css`.
    pub async fn attribute(&self, css: &str, name: &str) -> String {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::GET,
            &format!("/element/{id}/attribute/{name}"),
            None,
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits (up to 10 s) for the page URL to satisfy `ok` and the page to be loaded: a
    /// click that navigates returns before the new page is there.
    pub async fn wait_url(&self, ok: impl Fn(&str) -> bool) -> String {
        let mut url = String::new();
        for _ in 0..100 {
            url = self.url().await;
            let ready = json!({"script": "return document.readyState", "args": []});
            if ok(&url)
                && self
                    .call(reqwest::Method::POST, "/execute/sync", Some(ready))
                    .await
                    == "complete"
            {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("page never reached the expected URL, last was {url}");
    }

    /// Saves a screenshot under target/screenshots for people to look at.
    pub async fn screenshot(&self, name: &str) {
        let b64 = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

/// axe-core's source, from `MYPAY_AXE_JS` (`scripts/test` installs it); without it a bare
/// `cargo test` skips the check, and under `scripts/test` its absence fails.
fn axe_source() -> Option<&'static str> {
    static SOURCE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SOURCE
        .get_or_init(|| match std::env::var("MYPAY_AXE_JS") {
            Ok(p) => Some(std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))),
            Err(_) => {
                assert!(
                    std::env::var("MYPAY_REQUIRE_BROWSER").is_err(),
                    "MYPAY_AXE_JS (axe-core) is not set"
                );
                None
            }
        })
        .as_deref()
}

impl Driver {
    /// Runs axe-core (WCAG 2.1 A and AA rules) on the current page: no serious or critical
    /// violation may be found.
    pub async fn check_accessibility(&self, page: &str) {
        let Some(axe) = axe_source() else {
            return;
        };
        let script = format!(
            "{axe}\n;const done = arguments[arguments.length - 1];\
             axe.run(document, {{runOnly: {{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}}})\
             .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
             .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))\
             .catch(e => done(['axe failed: ' + e]));"
        );
        let found = self
            .call(
                reqwest::Method::POST,
                "/execute/async",
                Some(json!({"script": script, "args": []})),
            )
            .await;
        let found: Vec<String> = serde_json::from_value(found).unwrap_or_default();
        assert!(found.is_empty(), "accessibility of {page}: {found:#?}");
    }

    /// Ends the WebDriver session (chromedriver then closes its Chromium), synchronously:
    /// a raw HTTP/1.1 DELETE, since `Drop` cannot await.
    fn end_session(&self) {
        use std::io::{Read, Write};
        let Some(addr) = self.base.strip_prefix("http://") else {
            return;
        };
        let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.session
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
        }
    }
}

/// Processes whose command line mentions `needle` (Linux `/proc`).
pub fn processes_with(needle: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .collect()
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.end_session();
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Whatever of this browser outlived its driver (a crashed session) goes too.
        let profile = self._profile.path().display().to_string();
        for pid in processes_with(&profile) {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    }
}
