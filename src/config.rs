//! The configuration: one typed struct built from defaults, then `mypay.toml`, then
//! `MYPAY_*` environment variables, then command-line flags. It is passed in, never global.

use crate::clock::Clock;
use crate::db::DatabaseUrl;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Default configuration file, read when present in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "mypay.toml";

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Outbound pagoPA settings (Checkout and node services).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PagopaConfig {
    /// Base URL of pagoPA Checkout's EC API (the node simulator in tests and demo).
    pub checkout_url: Option<String>,
    /// Subscription key sent to pagoPA APIs. Secret.
    pub subscription_key: Option<String>,
}

/// The endpoint the pagoPA node calls (paForNode): optionally on its own listener with
/// TLS or mutual TLS, optionally restricted to an IP allow-list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NodeEndpointConfig {
    /// Dedicated address for paForNode; when set, the main listener no longer serves it.
    pub listen: Option<String>,
    /// Server certificate chain (PEM) for that listener.
    pub tls_cert: Option<PathBuf>,
    /// Its private key (PEM).
    pub tls_key: Option<PathBuf>,
    /// CA certificates (PEM) the node's client certificate must chain to (mutual TLS).
    pub client_ca: Option<PathBuf>,
    /// Addresses or CIDR ranges allowed to call paForNode; empty = any.
    pub allow_ips: Vec<String>,
}

impl NodeEndpointConfig {
    fn validate(&self) -> Result<Option<SocketAddr>, ConfigError> {
        crate::net::allow::IpAllowList::parse(&self.allow_ips)
            .map_err(|e| ConfigError(format!("node.allow_ips: {e}")))?;
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(ConfigError(
                "node.tls_cert and node.tls_key go together".into(),
            ));
        }
        if self.client_ca.is_some() && self.tls_cert.is_none() {
            return Err(ConfigError(
                "node.client_ca (mutual TLS) needs node.tls_cert and node.tls_key".into(),
            ));
        }
        match &self.listen {
            None if self.tls_cert.is_some() => Err(ConfigError(
                "node TLS needs its own listener: set node.listen".into(),
            )),
            None => Ok(None),
            Some(l) => l.parse().map(Some).map_err(|_| {
                ConfigError(format!(
                    "node.listen: {l:?} is not an address like 0.0.0.0:8443"
                ))
            }),
        }
    }
}

/// Outbound e-mail: invitations (and, later, receipts and payment links).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// SMTP server: `smtps://user:password@host:465`, or `smtp://host:587?tls=required`
    /// (STARTTLS). Secret when it holds a password. Unset: every message is written to
    /// `dir` as an `.eml` file instead (demo, tests).
    pub smtp_url: Option<String>,
    /// The sender (`Name <address>`).
    pub from: String,
    /// Where messages go without an SMTP server.
    pub dir: PathBuf,
    /// Hours an invitation link stays valid.
    pub invite_ttl_hours: i64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "mypay <noreply@localhost>".into(),
            dir: PathBuf::from("./data/mail"),
            invite_ttl_hours: 72,
        }
    }
}

/// Everything the gateway can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// `sqlite://PATH` or `postgres://...`.
    pub database_url: String,
    /// Connections in the pool.
    pub pool_size: u32,
    /// Public base URL used in links we hand out (defaults to `http://<listen>`).
    pub public_url: Option<String>,
    /// Log format.
    pub log_format: LogFormat,
    /// Back-office session lifetime.
    pub session_ttl_minutes: i64,
    /// Mark cookies `Secure` even when `public_url` is not `https://` (e.g. behind a proxy
    /// that terminates TLS on another name); an `https://` public URL implies it.
    pub cookie_secure: bool,
    /// Failed logins allowed per user (and 4× per address) within the window.
    pub login_max_failures: i32,
    /// Window in which failed logins are counted.
    pub login_window_minutes: i64,
    /// How long a throttled login stays locked.
    pub login_lockout_minutes: i64,
    /// Hours an entity's previous web-service password keeps working after a new one is
    /// generated (its accounting software has that long to switch; 0: not at all).
    pub ws_password_grace_hours: i64,
    /// pagoPA outbound settings.
    pub pagopa: PagopaConfig,
    /// The node-facing endpoint.
    pub node: NodeEndpointConfig,
    /// Outbound e-mail.
    pub mail: MailConfig,
    /// Expose `POST /bench/static-soap` (a fixed SOAP answer: the benchmark baseline).
    pub bench_routes: bool,
    /// Where generated files (notice zips) are kept; share it between instances.
    pub files_dir: PathBuf,
    /// How long a cart started by an entity portal may wait to be paid.
    pub cart_ttl_minutes: i64,
    /// Run as if started at this instant (RFC 3339, or a day `YYYY-MM-DD`), the clock then
    /// moving at real speed: for rehearsals on recorded data and date-independent tests.
    /// Unset: the system clock.
    pub clock_start: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://./data/mypay.sqlite3".into(),
            pool_size: 8,
            public_url: None,
            log_format: LogFormat::Text,
            session_ttl_minutes: 480,
            cookie_secure: false,
            login_max_failures: 5,
            login_window_minutes: 15,
            login_lockout_minutes: 15,
            ws_password_grace_hours: 72,
            pagopa: PagopaConfig::default(),
            node: NodeEndpointConfig::default(),
            mail: MailConfig::default(),
            bench_routes: false,
            files_dir: PathBuf::from("./data/files"),
            cart_ttl_minutes: 60,
            clock_start: None,
        }
    }
}

/// A configuration problem, reported as one line.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Builds the configuration: defaults, then the file (`explicit` must exist; otherwise
    /// `mypay.toml` is read if present), then `MYPAY_*` variables from `env`.
    pub fn load(
        explicit: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let file = explicit
            .map(Path::to_path_buf)
            .or_else(|| env.get("MYPAY_CONFIG").map(PathBuf::from));
        let mut cfg = match file {
            Some(path) => Self::from_file(&path)?,
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                Self::from_file(Path::new(DEFAULT_CONFIG_FILE))?
            }
            None => Self::default(),
        };
        cfg.apply_env(env)?;
        Ok(cfg)
    }

    fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| {
            ConfigError(format!(
                "{}: {}",
                path.display(),
                e.message().replace('\n', " ")
            ))
        })
    }

    /// Applies `MYPAY_*` overrides.
    pub fn apply_env(&mut self, env: &HashMap<String, String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, ConfigError> {
            v.trim()
                .parse()
                .map_err(|_| ConfigError(format!("{name}: invalid value {v:?}")))
        }
        for (name, v) in env.iter().filter(|(k, _)| k.starts_with("MYPAY_")) {
            match name.as_str() {
                "MYPAY_LISTEN" => self.listen = v.clone(),
                "MYPAY_FILES_DIR" => self.files_dir = v.into(),
                "MYPAY_CART_TTL_MINUTES" => self.cart_ttl_minutes = parse(name, v)?,
                "MYPAY_DATABASE_URL" => self.database_url = v.clone(),
                "MYPAY_POOL_SIZE" => self.pool_size = parse(name, v)?,
                "MYPAY_PUBLIC_URL" => self.public_url = Some(v.clone()),
                "MYPAY_LOG_FORMAT" => {
                    self.log_format = match v.as_str() {
                        "text" => LogFormat::Text,
                        "json" => LogFormat::Json,
                        _ => {
                            return Err(ConfigError(format!("{name}: use text or json, not {v:?}")))
                        }
                    }
                }
                "MYPAY_SESSION_TTL_MINUTES" => self.session_ttl_minutes = parse(name, v)?,
                "MYPAY_COOKIE_SECURE" => self.cookie_secure = parse(name, v)?,
                "MYPAY_LOGIN_MAX_FAILURES" => self.login_max_failures = parse(name, v)?,
                "MYPAY_LOGIN_WINDOW_MINUTES" => self.login_window_minutes = parse(name, v)?,
                "MYPAY_LOGIN_LOCKOUT_MINUTES" => self.login_lockout_minutes = parse(name, v)?,
                "MYPAY_WS_PASSWORD_GRACE_HOURS" => self.ws_password_grace_hours = parse(name, v)?,
                "MYPAY_PAGOPA_CHECKOUT_URL" => self.pagopa.checkout_url = Some(v.clone()),
                "MYPAY_PAGOPA_SUBSCRIPTION_KEY" => self.pagopa.subscription_key = Some(v.clone()),
                "MYPAY_NODE_LISTEN" => self.node.listen = Some(v.clone()),
                "MYPAY_NODE_TLS_CERT" => self.node.tls_cert = Some(v.into()),
                "MYPAY_NODE_TLS_KEY" => self.node.tls_key = Some(v.into()),
                "MYPAY_NODE_CLIENT_CA" => self.node.client_ca = Some(v.into()),
                "MYPAY_NODE_ALLOW_IPS" => {
                    self.node.allow_ips = v
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                }
                "MYPAY_MAIL_SMTP_URL" => self.mail.smtp_url = Some(v.clone()),
                "MYPAY_MAIL_FROM" => self.mail.from = v.clone(),
                "MYPAY_MAIL_DIR" => self.mail.dir = v.into(),
                "MYPAY_MAIL_INVITE_TTL_HOURS" => self.mail.invite_ttl_hours = parse(name, v)?,
                "MYPAY_BENCH_ROUTES" => self.bench_routes = parse(name, v)?,
                "MYPAY_CLOCK_START" => self.clock_start = Some(v.clone()),
                // MYPAY_CONFIG names the file; MYPAY_LOG is the log filter.
                _ => {}
            }
        }
        Ok(())
    }

    /// Checks every field and returns the parsed pieces the server needs.
    pub fn validate(&self) -> Result<(SocketAddr, DatabaseUrl), ConfigError> {
        let addr: SocketAddr = self.listen.parse().map_err(|_| {
            ConfigError(format!(
                "listen: {:?} is not an address like 127.0.0.1:8080",
                self.listen
            ))
        })?;
        let db = DatabaseUrl::parse(&self.database_url)
            .map_err(|e| ConfigError(format!("database_url: {e}")))?;
        if self.pool_size == 0 || self.pool_size > 512 {
            return Err(ConfigError("pool_size: must be 1..=512".into()));
        }
        if self.session_ttl_minutes < 1
            || self.login_window_minutes < 1
            || self.login_lockout_minutes < 1
        {
            return Err(ConfigError(
                "session and login durations must be at least one minute".into(),
            ));
        }
        crate::mail::check_config(&self.mail).map_err(|e| ConfigError(format!("mail: {e}")))?;
        if self.login_max_failures < 1 {
            return Err(ConfigError("login_max_failures: must be at least 1".into()));
        }
        if !(0..=24 * 90).contains(&self.ws_password_grace_hours) {
            return Err(ConfigError(
                "ws_password_grace_hours: must be 0 to 2160 (90 days)".into(),
            ));
        }
        self.node.validate()?;
        self.clock()?;
        Ok((addr, db))
    }

    /// The clock the gateway runs on: the system's, or one starting at `clock_start`.
    pub fn clock(&self) -> Result<Clock, ConfigError> {
        match &self.clock_start {
            None => Ok(Clock::system()),
            Some(text) => crate::clock::parse_start(text)
                .map(Clock::starting_at)
                .ok_or_else(|| {
                    ConfigError(format!(
                        "clock_start: {text:?} is neither RFC 3339 nor a day like 2027-03-31"
                    ))
                }),
        }
    }

    /// Whether the gateway is reached over HTTPS (its public URL says so): cookies are then
    /// `Secure` and pages ask browsers to stay on HTTPS.
    pub fn https(&self) -> bool {
        self.cookie_secure
            || self
                .public_url
                .as_deref()
                .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }

    /// Base URL for links we print or hand out.
    pub fn public_base(&self, bound: SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
            .trim_end_matches('/')
            .to_owned()
    }

    /// The configuration as TOML with secrets replaced by `***`.
    pub fn redacted_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database_url = DatabaseUrl::parse(&self.database_url)
            .map(|u| u.redacted())
            .unwrap_or_else(|_| crate::db::url::redact_password(&self.database_url));
        if shown.pagopa.subscription_key.is_some() {
            shown.pagopa.subscription_key = Some("***".into());
        }
        if let Some(url) = &self.mail.smtp_url {
            shown.mail.smtp_url = Some(crate::db::url::redact_password(url));
        }
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:9000\"\npool_size = 3\n").unwrap();
        let cfg = Config::load(Some(&path), &env(&[("MYPAY_POOL_SIZE", "5")])).unwrap();
        assert_eq!(cfg.listen, "0.0.0.0:9000");
        assert_eq!(cfg.pool_size, 5);
        assert_eq!(cfg.database_url, Config::default().database_url);
    }

    #[test]
    fn bad_inputs_are_one_clear_error() {
        let e = Config::load(Some(Path::new("/nonexistent/mypay.toml")), &env(&[])).unwrap_err();
        assert!(
            e.to_string()
                .contains("cannot read /nonexistent/mypay.toml"),
            "{e}"
        );
        let e = Config::load(None, &env(&[("MYPAY_POOL_SIZE", "many")])).unwrap_err();
        assert!(e.to_string().contains("MYPAY_POOL_SIZE"), "{e}");
        let cfg = Config {
            database_url: "mysql://x".into(),
            ..Config::default()
        };
        assert!(cfg
            .validate()
            .unwrap_err()
            .to_string()
            .contains("unsupported database URL scheme"));
        let cfg = Config {
            listen: "nowhere".into(),
            ..Config::default()
        };
        assert!(cfg.validate().is_err());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "listen = 3\nunknown_key = 1\n").unwrap();
        let e = Config::load(Some(&path), &env(&[]))
            .unwrap_err()
            .to_string();
        assert!(!e.contains('\n'), "{e}");
    }

    #[test]
    fn secrets_are_redacted() {
        let cfg = Config {
            database_url: "postgres://app:hunter2@db/mypay".into(),
            pagopa: PagopaConfig {
                checkout_url: None,
                subscription_key: Some("abcdef".into()),
            },
            ..Config::default()
        };
        let shown = cfg.redacted_toml();
        assert!(
            !shown.contains("hunter2") && !shown.contains("abcdef"),
            "{shown}"
        );
        assert!(shown.contains("postgres://app:***@db/mypay"), "{shown}");
    }
}
