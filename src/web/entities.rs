//! `/admin/entities`: the entities an operator sees, with their logos; region
//! administrators also register new ones (they start INSERITO).

use super::admin::Nav;
use super::audit::Audit;
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::db::models::registry;
use crate::onboarding::{EntityError, NewEntityForm};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

struct EntityView {
    id: i64,
    has_logo: bool,
    cod_ipa: String,
    fiscal_code: String,
    name: String,
    state: &'static str,
    segregation_code: String,
}

#[derive(Template)]
#[template(path = "entities.html")]
struct EntitiesPage<'a> {
    nav: Nav,
    rows: Vec<EntityView>,
    csrf: String,
    /// Stations a new entity may use: (id, code); empty for entity operators.
    stations: Vec<(i64, String)>,
    error: Option<&'a str>,
}

async fn render(
    app: &AppState,
    auth: &Authenticated,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    let admin = auth.operator.is_admin();
    let (rows, stations) = auth
        .query(app, move |c, scope| {
            let rows = registry::list_entities(c, scope)?;
            let stations = if admin {
                registry::brokers_with_stations(c)?
                    .into_iter()
                    .flat_map(|(_, s)| s)
                    .filter(|s| s.active)
                    .map(|s| (s.id, s.code))
                    .collect()
            } else {
                Vec::new()
            };
            Ok((rows, stations))
        })
        .await?;
    let rows = rows
        .into_iter()
        .map(|e| EntityView {
            id: e.id,
            has_logo: e.logo_mime.is_some(),
            state: e.state.code(),
            cod_ipa: e.cod_ipa,
            fiscal_code: e.fiscal_code,
            name: e.name,
            segregation_code: e.segregation_code,
        })
        .collect();
    let page = EntitiesPage {
        nav: Nav::new(auth, "entities"),
        csrf: auth.csrf.clone(),
        rows,
        stations,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/entities`.
pub async fn page(State(app): State<AppState>, auth: Authenticated) -> Result<Response, WebError> {
    render(&app, &auth, (StatusCode::OK, None)).await
}

/// The new-entity form.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    csrf: String,
    cod_ipa: String,
    fiscal_code: String,
    name: String,
    #[serde(default)]
    email: String,
    station: i64,
    segregation_code: String,
}

/// `POST /admin/entities`: a region administrator registers an entity (INSERITO).
pub async fn create(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(f): Form<CreateForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    if !auth.operator.is_admin() {
        return Err(WebError::Forbidden);
    }
    let (op, now) = (auth.operator.id, app.now());
    let after = serde_json::json!({
        "cod_ipa": f.cod_ipa.trim(),
        "codice_fiscale": f.fiscal_code.trim(),
        "nome": f.name.trim(),
        "email": f.email.trim(),
        "stazione": f.station,
        "codice_segregazione": f.segregation_code.trim(),
    });
    let created = app
        .db
        .run(move |c| {
            let form = NewEntityForm {
                cod_ipa: &f.cod_ipa,
                fiscal_code: &f.fiscal_code,
                name: &f.name,
                email: &f.email,
                station_id: f.station,
                segregation_code: &f.segregation_code,
            };
            Ok(crate::onboarding::create_entity(c, &form, Some(op), now))
        })
        .await?;
    match created {
        Ok(id) => {
            let target = format!("ente {}", after["cod_ipa"].as_str().unwrap_or_default());
            let a = Audit::new("ente.crea", target).entity(id).after(&after);
            auth.audit(&app, a).await;
            Ok(Redirect::to(&format!("/admin/entities/{id}")).into_response())
        }
        Err(EntityError::Db(e)) => Err(e.into()),
        Err(refusal) => {
            let text = refusal.to_string();
            render(&app, &auth, (StatusCode::UNPROCESSABLE_ENTITY, Some(&text))).await
        }
    }
}
