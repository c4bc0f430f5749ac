//! `/admin/intermediari`: the region administrator records the gateway's intermediaries
//! and stations (codes checked as the node checks them). Entity operators are refused.

use super::admin::Nav;
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::db::models::registry::{self, Broker, Station};
use crate::db::AnyConnection;
use crate::intermediaries::{self, RegistryError, StationSettings};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDateTime;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "intermediari.html")]
struct IntermediariPage<'a> {
    nav: Nav,
    brokers: Vec<(Broker, Vec<Station>)>,
    error: Option<&'a str>,
}

/// Only region administrators keep the gateway's registration.
fn region_admin(auth: &Authenticated) -> Result<(), WebError> {
    if auth.operator.is_admin() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn render(
    app: &AppState,
    auth: &Authenticated,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, WebError> {
    let brokers = app.db.run(registry::brokers_with_stations).await?;
    let html = IntermediariPage {
        nav: Nav::new(auth, "intermediari"),
        brokers,
        error,
    }
    .render()?;
    Ok((status, Html(html)).into_response())
}

/// `GET /admin/intermediari`.
pub async fn page(State(app): State<AppState>, auth: Authenticated) -> Result<Response, WebError> {
    region_admin(&auth)?;
    render(&app, &auth, StatusCode::OK, None).await
}

/// Runs a change of a region administrator's form (its CSRF token `csrf`), then back to
/// the page, or the page again with the refusal.
async fn act(
    app: &AppState,
    auth: &Authenticated,
    csrf: &str,
    change: impl FnOnce(&mut AnyConnection, NaiveDateTime) -> Result<(), RegistryError> + Send + 'static,
) -> Result<Response, WebError> {
    auth.check_csrf(csrf)?;
    region_admin(auth)?;
    let now = app.now();
    let outcome = app.db.run(move |c| Ok(change(c, now))).await?;
    match outcome {
        Ok(()) => Ok(Redirect::to("/admin/intermediari").into_response()),
        Err(RegistryError::Db(e)) => Err(e.into()),
        Err(refusal) => {
            let text = refusal.to_string();
            render(app, auth, StatusCode::UNPROCESSABLE_ENTITY, Some(&text)).await
        }
    }
}

/// The new-broker form.
#[derive(Debug, Deserialize)]
pub struct BrokerForm {
    csrf: String,
    code: String,
    name: String,
}

/// `POST /admin/intermediari`: registers an intermediary.
pub async fn create_broker(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(f): Form<BrokerForm>,
) -> Result<Response, WebError> {
    let csrf = f.csrf.clone();
    act(&app, &auth, &csrf, move |c, now| {
        intermediaries::create_broker(c, &f.code, &f.name, now).map(|_| ())
    })
    .await
}

/// A station's form (new or changed).
#[derive(Debug, Deserialize)]
pub struct StationForm {
    csrf: String,
    #[serde(default)]
    broker: i64,
    #[serde(default)]
    code: String,
    aux_digit: String,
    #[serde(default)]
    application_code: String,
    version: String,
    #[serde(default)]
    broadcast: Option<String>,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    password: String,
}

impl StationForm {
    fn settings(&self) -> StationSettings<'_> {
        StationSettings {
            aux_digit: &self.aux_digit,
            application_code: &self.application_code,
            version: &self.version,
            broadcast: self.broadcast.is_some(),
            password: &self.password,
        }
    }
}

/// `POST /admin/intermediari/stazioni`: registers a station of an intermediary.
pub async fn create_station(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(f): Form<StationForm>,
) -> Result<Response, WebError> {
    let csrf = f.csrf.clone();
    act(&app, &auth, &csrf, move |c, now| {
        intermediaries::create_station(c, f.broker, &f.code, f.settings(), now).map(|_| ())
    })
    .await
}

/// `POST /admin/intermediari/stazioni/{id}`: changes a station's settings and state.
pub async fn update_station(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<StationForm>,
) -> Result<Response, WebError> {
    let csrf = f.csrf.clone();
    act(&app, &auth, &csrf, move |c, _| {
        intermediaries::update_station(c, id, f.settings(), f.active.is_some())
    })
    .await
}
