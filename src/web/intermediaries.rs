//! `/admin/intermediari`: the region administrator records the gateway's intermediaries
//! and stations (codes checked as the node checks them). Entity operators are refused.

use super::admin::Nav;
use super::audit::Audit;
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
use serde_json::json;

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

/// Runs a change of a region administrator's form (its CSRF token `csrf`), which says
/// what the audit trail keeps of it, then back to the page, or the page again with the
/// refusal.
async fn act(
    app: &AppState,
    auth: &Authenticated,
    csrf: &str,
    change: impl FnOnce(&mut AnyConnection, NaiveDateTime) -> Result<Audit, RegistryError>
        + Send
        + 'static,
) -> Result<Response, WebError> {
    auth.check_csrf(csrf)?;
    region_admin(auth)?;
    let now = app.now();
    let outcome = app.db.run(move |c| Ok(change(c, now))).await?;
    match outcome {
        Ok(entry) => {
            auth.audit(app, entry).await;
            Ok(Redirect::to("/admin/intermediari").into_response())
        }
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
        intermediaries::create_broker(c, &f.code, &f.name, now)?;
        let after = json!({ "codice": f.code.trim(), "nome": f.name.trim() });
        Ok(Audit::new(
            "intermediario.crea",
            format!("intermediario {}", f.code.trim()),
        )
        .after(&after))
    })
    .await
}

/// What the audit trail keeps of a station (whether it has a node password, not the password).
fn station_values(s: &Station) -> serde_json::Value {
    json!({
        "codice": s.code,
        "intermediario": s.broker_id,
        "aux_digit": s.aux_digit,
        "codice_applicazione": s.application_code,
        "versione": format!("{:?}", s.primitive_version),
        "broadcast": s.broadcast,
        "attiva": s.active,
        "password_nodo": s.has_node_password,
    })
}

/// The audit entry of `action` on station `id`, as it is now (`before`: as it was).
fn station_audit(
    c: &mut AnyConnection,
    action: &'static str,
    id: i64,
    before: Option<serde_json::Value>,
) -> Result<Audit, RegistryError> {
    let now = registry::station(c, id)?.ok_or(RegistryError::Unknown)?;
    let mut a = Audit::new(action, format!("stazione {}", now.code)).after(&station_values(&now));
    if let Some(b) = before {
        a = a.before(&b);
    }
    Ok(a)
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
        let id = intermediaries::create_station(c, f.broker, &f.code, f.settings(), now)?;
        station_audit(c, "stazione.crea", id, None)
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
        let before = registry::station(c, id)?.map(|s| station_values(&s));
        intermediaries::update_station(c, id, f.settings(), f.active.is_some())?;
        station_audit(c, "stazione.modifica", id, before)
    })
    .await
}
