//! Test harness: a fresh database per test and the real server on 127.0.0.1:0.
//!
//! Without `TEST_DATABASE_URL` each test gets a temp-file SQLite database. With it (a
//! PostgreSQL URL to a maintenance database, e.g. `postgres://postgres@127.0.0.1:5432/postgres`)
//! each test gets a new database cloned from a migrated template, dropped at the end.

use diesel::prelude::*;
use mypay::app::AppState;
use mypay::config::Config;
use mypay::db::Db;
use mypay::server::Server;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

static COUNTER: AtomicUsize = AtomicUsize::new(0);
static PG_SETUP: Mutex<Option<String>> = Mutex::new(None);

/// The day every test server starts on: `MYPAY_TEST_DAY` (scripts/test sets several: 1
/// January, 31 March, 29 February of a leap year, 31 December) or a fixed default, never the
/// real date, so that the suite gives the same answer on every day of the year.
pub fn test_day() -> String {
    std::env::var("MYPAY_TEST_DAY")
        .ok()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_TEST_DAY.to_owned())
}

/// The default test day.
pub const DEFAULT_TEST_DAY: &str = "2027-06-15";

/// The clock a test that runs no server uses (the same day as the servers).
pub fn test_clock() -> mypay::clock::Clock {
    let start = mypay::clock::parse_start(&test_day()).expect("MYPAY_TEST_DAY: a day YYYY-MM-DD");
    mypay::clock::Clock::starting_at(start)
}

/// A database that exists for one test.
pub struct TestDb {
    /// URL to hand to the gateway.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl TestDb {
    /// A fresh, empty (unmigrated for SQLite, migrated for PostgreSQL) database.
    pub fn new() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => Self::postgres(&admin),
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("mypay.sqlite3").display());
                Self {
                    url,
                    _dir: Some(dir),
                    pg_drop: None,
                }
            }
        }
    }

    fn postgres(admin: &str) -> Self {
        let template = ensure_template(admin);
        let name = format!(
            "mypay_t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_micros())
        );
        let mut conn = PgConnection::establish(admin).expect("connect to TEST_DATABASE_URL");
        let mut last_err = None;
        for _ in 0..50 {
            match diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .execute(&mut conn)
            {
                Ok(_) => {
                    last_err = None;
                    break;
                }
                // The template is briefly busy while another test clones it.
                Err(e) => {
                    last_err = Some(e);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            }
        }
        if let Some(e) = last_err {
            panic!("cannot create test database: {e}");
        }
        // Commit durability is not what these tests measure.
        diesel::sql_query(format!(
            "ALTER DATABASE {name} SET synchronous_commit TO off"
        ))
        .execute(&mut conn)
        .expect("alter database");
        let url = replace_db_name(admin, &name);
        Self {
            url,
            _dir: None,
            pg_drop: Some((admin.to_owned(), name)),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg_drop {
            if let Ok(mut c) = PgConnection::establish(admin) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c);
            }
        }
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base
        .rfind('/')
        .filter(|i| *i > "postgres://".len())
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

/// Creates (once per migration set) a migrated template database and returns its name.
fn ensure_template(admin: &str) -> String {
    let mut guard = PG_SETUP.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(t) = guard.as_ref() {
        return t.clone();
    }
    let mut hasher = Sha256::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    for f in files {
        hasher.update(std::fs::read(&f).expect("read migration"));
    }
    let template = format!("mypay_tpl_{}", &hex::encode(hasher.finalize())[..12]);
    let mut conn = PgConnection::establish(admin).expect("connect to TEST_DATABASE_URL");
    diesel::sql_query("SELECT pg_advisory_lock(724301)")
        .execute(&mut conn)
        .expect("lock");
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let found: Found = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM pg_database WHERE datname = '{template}'"
    ))
    .get_result(&mut conn)
    .expect("query pg_database");
    if found.n == 0 {
        let building = format!("{template}_build");
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .execute(&mut conn);
        diesel::sql_query(format!("CREATE DATABASE {building}"))
            .execute(&mut conn)
            .expect("create template");
        {
            let url =
                mypay::db::DatabaseUrl::parse(&replace_db_name(admin, &building)).expect("url");
            let db = Db::open(&url, 1).expect("open template");
            db.migrate().expect("migrate template");
        }
        diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {template}"))
            .execute(&mut conn)
            .expect("rename template");
    }
    diesel::sql_query("SELECT pg_advisory_unlock(724301)")
        .execute(&mut conn)
        .expect("unlock");
    *guard = Some(template.clone());
    template
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Opens a migrated pool on a fresh test database.
pub fn migrated_db(pool: u32) -> (TestDb, Db) {
    let t = TestDb::new();
    let url = mypay::db::DatabaseUrl::parse(&t.url).expect("url");
    let db = Db::open(&url, pool).expect("open");
    db.migrate().expect("migrate");
    (t, db)
}

/// A running gateway on 127.0.0.1:0.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The node's dedicated listener, when configured.
    pub node_addr: Option<std::net::SocketAddr>,
    /// Shared state (for seeding and direct DB checks).
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _db: TestDb,
    _files: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server with default test configuration.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server after letting `tweak` adjust the configuration.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let tdb = TestDb::new();
        let files = tempfile::tempdir().expect("files dir");
        let mut cfg = Config {
            listen: "127.0.0.1:0".into(),
            database_url: tdb.url.clone(),
            pool_size: 4,
            files_dir: files.path().to_path_buf(),
            clock_start: Some(test_day()),
            ..Config::default()
        };
        cfg.mail.dir = files.path().join("mail");
        tweak(&mut cfg);
        let listener = mypay::server::bind(&cfg).await.expect("bind");
        let c2 = cfg.clone();
        let db = tokio::task::spawn_blocking(move || mypay::server::open_database(&c2))
            .await
            .expect("join")
            .expect("open db");
        let node_listener = mypay::server::bind_node(&cfg).await.expect("bind node");
        let mut server = Server::new(cfg, db, listener).expect("server");
        if let Some(l) = node_listener {
            server = server.with_node_listener(l);
        }
        let node_addr = server.node_addr();
        let base = format!("http://{}", server.local_addr().expect("addr"));
        let state = server.state.clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async move {
            let _ = rx.await;
        }));
        Self {
            base,
            node_addr,
            state,
            shutdown: Some(tx),
            _db: tdb,
            _files: files,
        }
    }

    /// Seeds the demo data and returns the generated credentials by login.
    pub async fn seed_demo(&self) -> HashMap<String, String> {
        let state = self.state.clone();
        let report = tokio::task::spawn_blocking(move || mypay::demo::seed(&state, false))
            .await
            .expect("join")
            .expect("seed");
        report
            .credentials
            .into_iter()
            .map(|(_, login, pw)| (login, pw))
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A minimal browser: keeps cookies, never follows redirects.
pub struct Browser {
    client: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
}

/// A response, read whole.
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// `Location` header, if any.
    pub location: Option<String>,
    /// Body text.
    pub body: String,
    /// Body bytes (downloads).
    pub bytes: Vec<u8>,
}

impl Browser {
    /// A browser pointed at the test server.
    pub fn new(server: &TestServer) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            client,
            base: server.base.clone(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, resp: reqwest::Response) -> Page {
        for v in resp.headers().get_all(reqwest::header::SET_COOKIE) {
            let s = v.to_str().unwrap_or_default();
            if let Some((k, rest)) = s
                .split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
            {
                if s.contains("Max-Age=0") {
                    self.cookies.remove(&k);
                } else {
                    self.cookies.insert(k, rest);
                }
            }
        }
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        Page {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    /// GET a path.
    pub async fn get(&mut self, path: &str) -> Page {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.finish(resp).await
    }

    /// POST a form.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .expect("POST");
        self.finish(resp).await
    }

    /// POST a multipart form: (field, file name for file fields, content).
    pub async fn post_multipart(
        &mut self,
        path: &str,
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> Page {
        let boundary = "mypay-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, file, content) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let disposition = match file {
                Some(f) => format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("POST");
        self.finish(resp).await
    }

    /// Logs in through the real form; returns the final response of the POST.
    pub async fn login(&mut self, user: &str, password: &str) -> Page {
        let form = self.get("/admin/login").await;
        let csrf = csrf_of(&form.body);
        self.post(
            "/admin/login",
            &[("username", user), ("password", password), ("csrf", &csrf)],
        )
        .await
    }

    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.get(name).cloned()
    }

    /// Drops a cookie (to simulate a client that lost it).
    pub fn forget(&mut self, name: &str) {
        self.cookies.remove(name);
    }
}

/// The CSRF token embedded in a page's form.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    html.find(marker)
        .map(|i| {
            html[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}
