//! Headless Chromium drives the back office like a person: log in through the form,
//! search dovuti, log out. Talks W3C WebDriver to Debian's `chromedriver` directly.
//!
//! `scripts/test` installs `chromium` + `chromium-driver` and sets `MYPAY_REQUIRE_BROWSER=1`,
//! so there a missing browser is a failure; a bare `cargo test` without them skips.

use crate::support::TestServer;
use base64::Engine;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    http: reqwest::Client,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Driver {
    async fn start() -> Option<Self> {
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

    async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    async fn find(&self, css: &str) -> String {
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

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn text(&self, css: &str) -> String {
        let id = self.find(css).await;
        self.call(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits (up to 10 s) for the page URL to satisfy `ok` and the page to be loaded: a
    /// click that navigates returns before the new page is there.
    async fn wait_url(&self, ok: impl Fn(&str) -> bool) -> String {
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
    async fn screenshot(&self, name: &str) {
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
    async fn check_accessibility(&self, page: &str) {
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
fn processes_with(needle: &str) -> Vec<u32> {
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

#[tokio::test]
async fn operator_logs_in_searches_and_logs_out_in_a_real_browser() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;

    d.go(&format!("{}/admin", s.base)).await;
    assert!(d.url().await.ends_with("/admin/login"));
    d.check_accessibility("login").await;
    d.type_into("input[name=username]", "admin").await;
    d.type_into("input[name=password]", "wrong password").await;
    d.click("button[type=submit]").await;
    d.wait_url(|u| u.ends_with("/admin/login")).await;
    assert!(d.text(".alert").await.starts_with("Credenziali non valide"));

    d.type_into("input[name=password]", &creds["admin"]).await;
    d.click("button[type=submit]").await;
    d.wait_url(|u| u.ends_with("/admin")).await;
    assert_eq!(d.text("h1").await, "Cruscotto");
    d.screenshot("dashboard").await;
    for page in [
        "",
        "/entities",
        "/entities/1",
        "/due-types",
        "/dovuti",
        "/flussi",
        "/avvisi",
        "/events",
        "/operators",
        "/intermediari",
        "/password",
    ] {
        d.go(&format!("{}/admin{page}", s.base)).await;
        d.check_accessibility(&format!("/admin{page}")).await;
    }

    d.go(&format!("{}/admin/dovuti", s.base)).await;
    d.click("select[name=state] option[value=COMPLETATO]").await;
    d.click("form.search button").await;
    d.wait_url(|u| u.contains("state=COMPLETATO")).await;
    assert!(d.text(".pager span").await.starts_with("48 risultati"));
    d.screenshot("dovuti").await;

    d.go(&format!("{}/admin/intermediari", s.base)).await;
    d.type_into("form.new-broker input[name=code]", "12345678903")
        .await;
    d.type_into("form.new-broker input[name=name]", "Regione Demo")
        .await;
    d.click("form.new-broker button").await;
    d.wait_url(|u| u.ends_with("/admin/intermediari")).await;
    assert!(d
        .text("section[data-broker='12345678903'] h2")
        .await
        .starts_with("Regione Demo"));
    d.screenshot("intermediari").await;

    d.click("form.logout button").await;
    d.wait_url(|u| u.ends_with("/admin/login")).await;
    d.go(&format!("{}/admin/dovuti", s.base)).await;
    d.wait_url(|u| u.ends_with("/admin/login")).await; // the session is gone
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_uploads_a_flusso_and_watches_it_in_a_real_browser() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("borgo-BROWSERIUF1-1_3.zip");
    std::fs::write(&file, crate::flussi_web::flusso_zip(40)).unwrap();

    d.go(&format!("{}/admin/login", s.base)).await;
    d.type_into("input[name=username]", "operatore.borgo").await;
    d.type_into("input[name=password]", &creds["operatore.borgo"])
        .await;
    d.click("button[type=submit]").await;
    d.wait_url(|u| u.ends_with("/admin")).await;
    d.go(&format!("{}/admin/flussi", s.base)).await;
    d.type_into("input[name=file]", file.to_str().unwrap())
        .await;
    d.click("form.filters button").await;
    d.wait_url(|u| u.ends_with("/admin/flussi")).await;
    // The page refreshes itself until the import is done.
    let script = json!({"script": "return document.body.innerText", "args": []});
    let mut text = String::new();
    for _ in 0..150 {
        text = d
            .call(reqwest::Method::POST, "/execute/sync", Some(script.clone()))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if text.contains("importate") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(text.contains("40 importate, 1 scartate"), "{text}");
    assert!(text.contains("41 / 41"));
    d.screenshot("flussi").await;
}

#[tokio::test]
async fn the_first_administrator_is_created_through_the_setup_link_in_a_real_browser() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let s = TestServer::spawn().await;
    let state = s.state.clone();
    let now = state.clock.now_naive();
    let link = s
        .state
        .db
        .write(move |c| {
            mypay::accounts::first_run_link(c, &mypay::random::OsRandom, &state.public_base, now)
        })
        .await
        .unwrap()
        .expect("setup link");
    d.go(&link).await;
    d.screenshot("setup").await;
    d.check_accessibility("setup").await;
    let pw = "cavallo batteria graffetta";
    for (field, value) in [
        ("username", "anna"),
        ("full_name", "Anna Bianchi"),
        ("password", pw),
        ("confirm", "a different one"),
    ] {
        d.type_into(&format!("input[name={field}]"), value).await;
    }
    d.click("button[type=submit]").await;
    d.wait_url(|u| u.contains("/admin/setup/")).await;
    assert_eq!(d.text(".alert").await, "le due password non coincidono");
    d.type_into("input[name=password]", pw).await;
    d.type_into("input[name=confirm]", pw).await;
    d.click("button[type=submit]").await;
    d.wait_url(|u| u.ends_with("/admin/login")).await;
    d.type_into("input[name=username]", "anna").await;
    d.type_into("input[name=password]", pw).await;
    d.click("button[type=submit]").await;
    d.wait_url(|u| u.ends_with("/admin")).await;
    assert_eq!(d.text("h1").await, "Cruscotto");
}

#[tokio::test]
async fn a_browser_test_leaves_no_chromium_behind() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let s = TestServer::spawn().await;
    d.go(&format!("{}/admin/login", s.base)).await;
    let profile = d._profile.path().display().to_string();
    assert!(
        !processes_with(&profile).is_empty(),
        "the browser runs with its profile"
    );
    drop(d);
    let mut left = processes_with(&profile);
    for _ in 0..50 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = processes_with(&profile);
    }
    assert!(left.is_empty(), "left running: {left:?}");
}
