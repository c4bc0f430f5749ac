//! Invitations from the browser: `/admin/invito/{token}`, where an invited operator
//! chooses the password (no session yet: the CSRF token rides in a cookie, as on the
//! login and setup pages), and `POST /admin/operators/{id}/invito`, where an
//! administrator sends a new invitation to an account it manages.

use super::audit::{self, Audit};
use super::auth::CsrfForm;
use super::operator::{audited, Account};
use super::operators::{managed, shown, Delivered};
use super::session::{cookie, set_cookie, Authenticated, LOGIN_CSRF_COOKIE};
use super::WebError;
use crate::accounts::{self, AccountError, Chosen, Link};
use crate::app::AppState;
use crate::security::ct_eq;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "invito.html")]
struct InvitationPage<'a> {
    token: &'a str,
    /// The invited account's (login name, full name) while the link is open.
    invited: Option<(String, String)>,
    csrf: &'a str,
    error: Option<&'a str>,
}

/// The password form as submitted.
#[derive(Debug, Default, Deserialize)]
pub struct ChooseForm {
    csrf: String,
    password: String,
    confirm: String,
}

fn page(
    app: &AppState,
    token: &str,
    (status, invited, error): (StatusCode, Option<(String, String)>, Option<&str>),
) -> Result<Response, WebError> {
    let csrf = app.random.token_hex(16);
    let html = InvitationPage {
        token,
        invited,
        csrf: &csrf,
        error,
    }
    .render()?;
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, app.config.https());
    Ok((status, [(header::SET_COOKIE, cookie)], Html(html)).into_response())
}

async fn invited(app: &AppState, token: &str) -> Result<Option<(String, String)>, WebError> {
    let (t, now) = (token.to_owned(), app.now());
    let found = app
        .db
        .run(move |c| accounts::invitation(c, &t, now))
        .await?;
    Ok(found.map(|(_, name, full)| (name, full)))
}

/// `GET /admin/invito/{token}`.
pub async fn show(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let who = invited(&app, &token).await?;
    let status = match who {
        Some(_) => StatusCode::OK,
        None => StatusCode::NOT_FOUND,
    };
    page(&app, &token, (status, who, None))
}

/// `POST /admin/invito/{token}`: sets the chosen password, then the login page.
pub async fn choose(
    State(app): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ChooseForm>,
) -> Result<Response, WebError> {
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !ct_eq(&expected, &form.csrf) {
        let who = invited(&app, &token).await?;
        let stale = Some("Il modulo è scaduto: riprova.");
        return page(&app, &token, (StatusCode::FORBIDDEN, who, stale));
    }
    let (t, now) = (token.clone(), app.now());
    let accepted = app
        .db
        .run(move |c| {
            let chosen = Chosen {
                password: &form.password,
                confirm: &form.confirm,
            };
            Ok(accounts::accept(c, &t, chosen, now))
        })
        .await?;
    match accepted {
        Ok(name) => {
            let a = Audit::new("operatore.invito-accettato", format!("utente {name}"));
            audit::write(&app, a.by((None, &name), None, app.now())).await;
            Ok(Redirect::to("/admin/login").into_response())
        }
        Err(AccountError::Db(e)) => Err(e.into()),
        Err(AccountError::InvitationClosed) => {
            page(&app, &token, (StatusCode::NOT_FOUND, None, None))
        }
        Err(refusal) => {
            let text = refusal.to_string();
            let who = invited(&app, &token).await?;
            page(
                &app,
                &token,
                (StatusCode::UNPROCESSABLE_ENTITY, who, Some(&text)),
            )
        }
    }
}

/// `POST /admin/operators/{id}/invito`: a new invitation for an account the operator
/// manages (404 otherwise); the previous link stops working.
pub async fn resend(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    let m = managed(&app, &auth).await?;
    let (random, now, m2) = (app.random.clone(), app.now(), m.clone());
    let link = (app.public_base.clone(), app.config.mail.invite_ttl_hours);
    let sent = app
        .db
        .run(move |c| {
            let link = Link {
                public_base: &link.0,
                ttl_hours: link.1,
            };
            Ok(accounts::reinvite(c, &m2, id, (random.as_ref(), link), now))
        })
        .await?;
    match sent {
        Ok(Some((username, to))) => {
            let after = Some(serde_json::json!({ "email": to }));
            let what = ("operatore.invito", Account::Id(id));
            audited(&app, &auth, &m, what, (None, after)).await;
            shown(&auth, &username, &Delivered::Invited(to))
        }
        Ok(None) => Err(WebError::NotFound),
        Err(AccountError::Db(e)) => Err(e.into()),
        Err(other) => Err(WebError::BadRequest(other.to_string())),
    }
}
