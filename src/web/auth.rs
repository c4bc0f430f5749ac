//! Operator login and logout: argon2 passwords, a database-backed session cookie, CSRF
//! tokens on every form, one generic error for every failure, and throttling per user
//! and per address.

use super::audit::Audit;
use super::session::{cookie, set_cookie, Authenticated, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use super::WebError;
use crate::app::AppState;
use crate::db::models::audit::{self, NewAudit};
use crate::db::models::{event, operator, session, session::ThrottlePolicy};
use crate::security::{ct_eq, sha256_hex, verify_against_dummy, verify_password};
use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Duration;
use serde::Deserialize;
use std::net::SocketAddr;

/// The only message a failed login ever shows.
pub const LOGIN_FAILED: &str =
    "Credenziali non valide, oppure troppi tentativi: riprova più tardi.";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    error: Option<&'a str>,
    username: &'a str,
}

/// Renders the login form with a fresh CSRF token (also set as a cookie).
fn login_form(
    state: &AppState,
    status: StatusCode,
    error: Option<&str>,
    username: &str,
) -> Result<Response, WebError> {
    let csrf = state.random.token_hex(16);
    let html = LoginPage {
        csrf: &csrf,
        error,
        username,
    }
    .render()?;
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.config.https());
    Ok((status, [(header::SET_COOKIE, cookie)], Html(html)).into_response())
}

/// `GET /admin/login`.
pub async fn login_page(State(state): State<AppState>) -> Result<Response, WebError> {
    login_form(&state, StatusCode::OK, None, "")
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

/// One login attempt: who, from where, when, and the keys its failures are counted under.
struct Attempt {
    username: String,
    user_key: String,
    ip_key: String,
    peer: SocketAddr,
    now: chrono::NaiveDateTime,
    started: std::time::Instant,
}

impl Attempt {
    /// The attempt's journal entry.
    fn entry(
        &self,
        outcome: &str,
        fault: Option<&str>,
        operator_id: Option<i64>,
    ) -> event::NewEvent {
        event::NewEvent {
            occurred_at: self.now,
            correlation_id: crate::random::correlation_id(),
            interface: "web".into(),
            operation: "login".into(),
            direction: "IN".into(),
            outcome: outcome.into(),
            fault_code: fault.map(str::to_owned),
            duration_ms: i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX),
            remote_addr: Some(self.peer.ip().to_string()),
            operator_id,
            request: Some(format!("username={}", self.username)),
            ..event::NewEvent::default()
        }
    }

    /// The attempt's audit trail entry: a login of `operator_id`, or a failed one (why).
    fn audited(&self, operator_id: Option<i64>, failure: Option<&str>) -> NewAudit {
        let a = match failure {
            None => Audit::new("login", format!("utente {}", self.username)),
            Some(why) => Audit::new("login.fallito", format!("utente {}", self.username))
                .after(&serde_json::json!({ "motivo": why })),
        };
        let remote = Some(self.peer.ip().to_string());
        a.by((operator_id, &self.username), remote, self.now)
    }
}

/// Failures allowed per user, and four times as many per address.
fn policies(cfg: &crate::config::Config) -> (ThrottlePolicy, ThrottlePolicy) {
    let per_user = ThrottlePolicy {
        max_failures: cfg.login_max_failures,
        window: Duration::minutes(cfg.login_window_minutes),
        lockout: Duration::minutes(cfg.login_lockout_minutes),
    };
    let per_ip = ThrottlePolicy {
        max_failures: cfg.login_max_failures.saturating_mul(4),
        ..per_user
    };
    (per_user, per_ip)
}

/// `POST /admin/login`.
pub async fn login_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !ct_eq(&expected, &form.csrf) {
        return login_form(
            &state,
            StatusCode::FORBIDDEN,
            Some("Il modulo è scaduto: riprova."),
            &form.username,
        );
    }
    let username = form.username.trim().to_lowercase();
    let attempt = Attempt {
        user_key: format!("user:{username}"),
        ip_key: format!("ip:{}", peer.ip()),
        username,
        peer,
        now: state.now(),
        started: std::time::Instant::now(),
    };
    let (locked, op) = verify(&state, &attempt, form.password).await?;
    match op.filter(|_| !locked) {
        Some(op) => {
            // A session the browser still carries ends: a login always starts a new one.
            let previous = cookie(&headers, SESSION_COOKIE).map(|t| sha256_hex(&t));
            open_session(&state, &attempt, op, previous).await
        }
        None => {
            refuse(&state, &attempt, locked).await?;
            let status = if locked {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            login_form(&state, status, Some(LOGIN_FAILED), &form.username)
        }
    }
}

/// Whether the attempt is locked out, and the operator when the password is theirs. The
/// check runs on a blocking thread (argon2 is deliberately slow); unknown users cost the
/// same.
async fn verify(
    state: &AppState,
    a: &Attempt,
    password: String,
) -> Result<(bool, Option<operator::Operator>), WebError> {
    let (u, i, name, now) = (
        a.user_key.clone(),
        a.ip_key.clone(),
        a.username.clone(),
        a.now,
    );
    let (locked, found) = state
        .db
        .run(move |c| {
            let locked = session::is_locked(c, &u, now)? || session::is_locked(c, &i, now)?;
            Ok((locked, operator::by_username(c, &name)?))
        })
        .await?;
    let op = tokio::task::spawn_blocking(move || match found {
        Some(op) if op.active && verify_password(&op.password_hash, &password) => Some(op),
        Some(_) => None,
        None => {
            verify_against_dummy(&password);
            None
        }
    })
    .await
    .map_err(WebError::internal)?;
    Ok((locked, op))
}

/// Counts a failed attempt against its user and its address, and journals it.
async fn refuse(state: &AppState, a: &Attempt, locked: bool) -> Result<(), WebError> {
    let (per_user, per_ip) = policies(&state.config);
    let fault = if locked {
        "LOGIN_THROTTLED"
    } else {
        "LOGIN_FAILED"
    };
    let entry = a.entry("KO", Some(fault), None);
    let audited = a.audited(None, Some(fault));
    let (u, i, now) = (a.user_key.clone(), a.ip_key.clone(), a.now);
    state
        .db
        .run(move |c| {
            session::record_failure(c, &u, now, per_user)?;
            session::record_failure(c, &i, now, per_ip)?;
            audit::record(c, &audited)?;
            event::record(c, &entry)
        })
        .await?;
    tracing::warn!(remote = %a.peer.ip(), "failed back-office login");
    Ok(())
}

/// Opens a session for `op` and sends it to the dashboard with its cookie.
async fn open_session(
    state: &AppState,
    a: &Attempt,
    op: operator::Operator,
    previous: Option<String>,
) -> Result<Response, WebError> {
    let cfg = &state.config;
    let token = state.random.token_hex(32);
    let csrf = state.random.token_hex(16);
    let ttl = Duration::minutes(cfg.session_ttl_minutes);
    let (hash, op_id) = (sha256_hex(&token), op.id);
    let entry = a.entry("OK", None, Some(op_id));
    let audited = a.audited(Some(op_id), None);
    let (user_key, now) = (a.user_key.clone(), a.now);
    state
        .db
        .run(move |c| {
            session::clear(c, &user_key)?;
            if let Some(old) = &previous {
                session::delete(c, old, now)?;
            }
            session::create(c, &hash, op_id, &csrf, now, ttl)?;
            operator::touch_login(c, op_id, now)?;
            audit::record(c, &audited)?;
            event::record(c, &entry)
        })
        .await?;
    tracing::info!(operator = %op.username, "back-office login");
    let mut resp = Redirect::to("/admin").into_response();
    let headers = resp.headers_mut();
    let secure = cfg.https();
    for c in [
        set_cookie(SESSION_COOKIE, &token, ttl.num_seconds(), secure),
        set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure),
    ] {
        if let Ok(v) = c.parse() {
            headers.append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

/// A form that carries nothing but the session's CSRF token (logout, and the buttons that
/// act on one row).
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    /// The token.
    pub csrf: String,
}

/// `POST /admin/logout`.
pub async fn logout(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&form.csrf)?;
    let now = state.now();
    let hash = auth.token_hash.clone();
    let op = (Some(auth.operator.id), auth.operator.username.as_str());
    let target = format!("utente {}", auth.operator.username);
    let audited = Audit::new("logout", target).by(op, auth.remote.clone(), now);
    state
        .db
        .run(move |c| {
            session::delete(c, &hash, now)?;
            audit::record(c, &audited)
        })
        .await?;
    let cookie = set_cookie(SESSION_COOKIE, "", 0, state.config.https());
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/admin/login")).into_response())
}
