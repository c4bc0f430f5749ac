//! Session cookies and the `Authenticated` extractor.

use super::WebError;
use crate::app::AppState;
use crate::db::models::{operator, operator::Operator, session, Scope};
use crate::db::{AnyConnection, DbError};
use crate::security::{ct_eq, sha256_hex};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderMap};

/// Session cookie name.
pub const SESSION_COOKIE: &str = "mypay_session";
/// Cookie holding the login form's CSRF token (before a session exists).
pub const LOGIN_CSRF_COOKIE: &str = "mypay_login_csrf";

/// Reads a cookie value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`; `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A logged-in operator, with what they may see and their session's CSRF token.
pub struct Authenticated {
    /// The operator.
    pub operator: Operator,
    /// Visibility.
    pub scope: Scope,
    /// Whether it manages accounts (a region or an entity administrator).
    pub manages: bool,
    /// CSRF token every form of this session must carry.
    pub csrf: String,
    /// Hash of the session token (to end the session).
    pub token_hash: String,
    /// The client's address, when the server knows it.
    pub remote: Option<String>,
}

impl Authenticated {
    /// Runs a database query within this operator's visibility scope.
    pub async fn query<T, F>(&self, state: &AppState, f: F) -> Result<T, WebError>
    where
        F: FnOnce(&mut AnyConnection, &Scope) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let scope = self.scope.clone();
        Ok(state.db.run(move |c| f(c, &scope)).await?)
    }

    /// Rejects a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        if ct_eq(&self.csrf, submitted) {
            Ok(())
        } else {
            Err(WebError::StaleForm)
        }
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(WebError::LoginRequired)?;
        let token_hash = sha256_hex(&token);
        let now = state.now();
        let lookup_hash = token_hash.clone();
        let found = state
            .db
            .run(move |c| {
                let Some((op, csrf)) = session::find(c, &lookup_hash, now)? else {
                    return Ok(None);
                };
                let scope = operator::scope_of(c, &op)?;
                let manages = op.is_admin() || !operator::managed_entities(c, op.id)?.is_empty();
                Ok(Some((op, csrf, scope, manages)))
            })
            .await?;
        let (operator, csrf, scope, manages) = found.ok_or(WebError::LoginRequired)?;
        // A password someone else set is changed before anything else is done.
        let may_wait = matches!(
            parts.uri.path(),
            super::error::PASSWORD_PAGE | "/admin/logout"
        );
        if operator.must_change_password && !may_wait {
            return Err(WebError::PasswordChangeRequired);
        }
        Ok(Self {
            operator,
            manages,
            scope,
            csrf,
            token_hash,
            remote: parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        })
    }
}
