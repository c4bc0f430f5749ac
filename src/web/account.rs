//! The first-run setup page (creates the region administrator through the one-time link
//! `mypay serve` prints) and the page where operators change their password — the one
//! every other page sends them to while a password someone else set is still theirs.

use super::audit::{self, Audit};
use super::session::{cookie, set_cookie, Authenticated, LOGIN_CSRF_COOKIE};
use super::WebError;
use crate::accounts::{self, AccountError, Chosen, FirstAdmin};
use crate::app::AppState;
use crate::security::ct_eq;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage<'a> {
    token: &'a str,
    open: bool,
    csrf: &'a str,
    error: Option<&'a str>,
    username: &'a str,
    full_name: &'a str,
    email: &'a str,
}

/// The setup form as submitted.
#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    csrf: String,
    username: String,
    full_name: String,
    #[serde(default)]
    email: String,
    password: String,
    confirm: String,
}

/// Renders the setup page with a fresh CSRF token (also set as a cookie: there is no
/// session yet).
fn setup_form(
    app: &AppState,
    token: &str,
    (status, open, error): (StatusCode, bool, Option<&str>),
    form: &SetupForm,
) -> Result<Response, WebError> {
    let csrf = app.random.token_hex(16);
    let html = SetupPage {
        token,
        open,
        csrf: &csrf,
        error,
        username: &form.username,
        full_name: &form.full_name,
        email: &form.email,
    }
    .render()?;
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, app.config.https());
    Ok((status, [(header::SET_COOKIE, cookie)], Html(html)).into_response())
}

/// `GET /admin/setup/{token}`.
pub async fn setup_page(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let (t, now) = (token.clone(), app.now());
    let open = app
        .db
        .run(move |c| accounts::setup_open(c, &t, now))
        .await?;
    let status = if open {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    setup_form(&app, &token, (status, open, None), &SetupForm::default())
}

/// `POST /admin/setup/{token}`: creates the region administrator, then the login page.
pub async fn setup_submit(
    State(app): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Result<Response, WebError> {
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !ct_eq(&expected, &form.csrf) {
        let stale = (
            StatusCode::FORBIDDEN,
            true,
            Some("Il modulo è scaduto: riprova."),
        );
        return setup_form(&app, &token, stale, &form);
    }
    let created = create_first_admin(&app, &token, &form).await?;
    match created {
        Ok(id) => {
            tracing::info!(username = %form.username.trim(), "first region administrator created");
            let name = form.username.trim().to_lowercase();
            let a = Audit::new("setup", format!("utente {name}")).after(
                &serde_json::json!({ "ruolo": "region-admin", "nome": form.full_name.trim() }),
            );
            audit::write(&app, a.by((Some(id), &name), None, app.now())).await;
            Ok(Redirect::to("/admin/login").into_response())
        }
        Err(AccountError::Db(e)) => Err(e.into()),
        Err(AccountError::SetupClosed) => {
            setup_form(&app, &token, (StatusCode::NOT_FOUND, false, None), &form)
        }
        Err(refusal) => {
            let text = refusal.to_string();
            let shown = (StatusCode::UNPROCESSABLE_ENTITY, true, Some(text.as_str()));
            setup_form(&app, &token, shown, &form)
        }
    }
}

/// Runs the setup with what the form says.
async fn create_first_admin(
    app: &AppState,
    token: &str,
    form: &SetupForm,
) -> Result<Result<i64, AccountError>, WebError> {
    let (now, t) = (app.now(), token.to_owned());
    let f = (
        form.username.clone(),
        form.full_name.clone(),
        form.email.clone(),
    );
    let chosen = (form.password.clone(), form.confirm.clone());
    Ok(app
        .db
        .run(move |c| {
            let admin = FirstAdmin {
                username: &f.0,
                full_name: &f.1,
                email: Some(f.2.as_str()).filter(|e| !e.trim().is_empty()),
                chosen: Chosen {
                    password: &chosen.0,
                    confirm: &chosen.1,
                },
            };
            Ok(accounts::complete_setup(c, &t, admin, now))
        })
        .await?)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage<'a> {
    csrf: &'a str,
    username: &'a str,
    forced: bool,
    error: Option<&'a str>,
}

fn password_form(
    auth: &Authenticated,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let html = PasswordPage {
        csrf: &auth.csrf,
        username: &auth.operator.username,
        forced: auth.operator.must_change_password,
        error,
    }
    .render()?;
    Ok((status, Html(html)).into_response())
}

/// `GET /admin/password`.
pub async fn password_page(auth: Authenticated) -> Result<Response, WebError> {
    password_form(&auth, StatusCode::OK, None)
}

/// The password form as submitted.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    password: String,
    confirm: String,
}

/// `POST /admin/password`: the operator's new password, then the dashboard.
pub async fn password_submit(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&form.csrf)?;
    let (op, now) = (auth.operator.clone(), app.now());
    let changed = app
        .db
        .run(move |c| {
            let chosen = Chosen {
                password: &form.password,
                confirm: &form.confirm,
            };
            Ok(accounts::change_own_password(
                c,
                &op,
                &form.current,
                chosen,
                now,
            ))
        })
        .await?;
    match changed {
        Ok(()) => {
            tracing::info!(operator = %auth.operator.username, "password changed");
            let target = format!("utente {}", auth.operator.username);
            auth.audit(&app, Audit::new("password.cambiata", target))
                .await;
            Ok(Redirect::to("/admin").into_response())
        }
        Err(AccountError::Db(e)) => Err(e.into()),
        Err(refusal) => {
            let text = refusal.to_string();
            password_form(&auth, StatusCode::UNPROCESSABLE_ENTITY, Some(&text))
        }
    }
}
