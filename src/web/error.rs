//! Errors of web pages, rendered as friendly pages with the right status.

use crate::db::DbError;
use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// Where an operator changes their password.
pub const PASSWORD_PAGE: &str = "/admin/password";

/// What can go wrong while serving a page.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not logged in (or session expired): go to the login page.
    #[error("login required")]
    LoginRequired,
    /// Logged in with a password someone else set: change it first.
    #[error("password change required")]
    PasswordChangeRequired,
    /// A form without this session's CSRF token (stale, or forged on another site).
    #[error("stale form")]
    StaleForm,
    /// Logged in but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// No such page or record.
    #[error("not found")]
    NotFound,
    /// The request itself is wrong (e.g. a missing or stale CSRF token).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Anything unexpected; the cause goes to the log with this correlation id.
    #[error("internal error {0}")]
    Internal(String),
}

impl WebError {
    /// Logs `cause` and returns an internal error carrying a fresh correlation id.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let id = crate::random::correlation_id();
        crate::error::unexpected("web", &id, &cause);
        Self::Internal(id)
    }
}

impl From<DbError> for WebError {
    fn from(e: DbError) -> Self {
        Self::internal(e)
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::internal(e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            WebError::LoginRequired => return Redirect::to("/admin/login").into_response(),
            WebError::PasswordChangeRequired => return Redirect::to(PASSWORD_PAGE).into_response(),
            WebError::StaleForm => (
                StatusCode::FORBIDDEN,
                "Modulo scaduto",
                "Il modulo è scaduto o non valido: ricarica la pagina e riprova.".to_owned(),
            ),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Accesso negato",
                "Non hai accesso a questa pagina.".to_owned(),
            ),
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "Non trovato",
                "La pagina o il dato richiesto non esiste.".to_owned(),
            ),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Richiesta non valida", m.clone()),
            WebError::Internal(id) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Errore interno",
                format!("Si è verificato un errore imprevisto. Codice di riferimento: {id}"),
            ),
        };
        let page = ErrorPage {
            status: status.as_u16(),
            title,
            message,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                title.to_owned(),
            )
                .into_response(),
        }
    }
}
