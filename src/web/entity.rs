//! `/admin/entities/{id}`: one entity's onboarding — its details, the checklist of what
//! production needs, the changes of state the lifecycle allows (region administrators
//! make them) and their history.

use super::admin::Nav;
use super::audit::{entity_details, Audit};
use super::auth::CsrfForm;
use super::session::Authenticated;
use super::view::rome_time;
use super::WebError;
use crate::app::AppState;
use crate::db::models::registry::Entity;
use crate::db::models::{onboarding, operator};
use crate::domain::onboarding::Checklist;
use crate::domain::EntityState;
use crate::onboarding::StateError;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

struct HistoryRow {
    from: &'static str,
    to: &'static str,
    who: String,
    when: String,
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage<'a> {
    nav: Nav,
    entity: Entity,
    state: &'static str,
    checklist: Vec<(&'static str, bool)>,
    next: Vec<(&'static str, &'static str)>,
    history: Vec<HistoryRow>,
    can_rotate: bool,
    languages: [crate::domain::NoticeLanguage; 3],
    error: Option<&'a str>,
}

pub(super) async fn render(
    app: &AppState,
    auth: &Authenticated,
    id: i64,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    if !auth.scope.sees_entity(id) {
        return Err(WebError::NotFound);
    }
    let op = auth.operator.clone();
    let found = app
        .db
        .run(move |c| {
            let Some(e) = onboarding::entity(c, id)? else {
                return Ok(None);
            };
            let checklist: Checklist = onboarding::checklist(c, &e)?;
            let rotate = manages(c, &op, id)?;
            Ok(Some((e, checklist, onboarding::history(c, id)?, rotate)))
        })
        .await?;
    let (entity, checklist, history, can_rotate) = found.ok_or(WebError::NotFound)?;
    let next = if auth.operator.is_admin() {
        entity.state.next().map(|s| (s.code(), s.label())).collect()
    } else {
        Vec::new()
    };
    let history = history
        .into_iter()
        .map(|(from, to, who, when)| HistoryRow {
            // The first row records the registration itself.
            from: if from == to { "—" } else { from.label() },
            to: to.label(),
            who: who.unwrap_or_else(|| "riga di comando".into()),
            when: rome_time(&when),
        })
        .collect();
    let page = EntityPage {
        nav: Nav::new(auth, "entities"),
        state: entity.state.label(),
        checklist: checklist.items().to_vec(),
        entity,
        next,
        history,
        can_rotate,
        languages: crate::domain::NoticeLanguage::ALL,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/entities/{id}`.
pub async fn page(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    render(&app, &auth, id, (StatusCode::OK, None)).await
}

/// The change-of-state form.
#[derive(Debug, Deserialize)]
pub struct StateForm {
    csrf: String,
    state: String,
}

/// `POST /admin/entities/{id}/state`: a region administrator moves the entity on.
pub async fn change_state(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<StateForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    if !auth.operator.is_admin() {
        return Err(if auth.scope.sees_entity(id) {
            WebError::Forbidden
        } else {
            WebError::NotFound
        });
    }
    let to = EntityState::from_code(&f.state)
        .ok_or_else(|| WebError::BadRequest("Stato non valido.".into()))?;
    let (op, now) = (auth.operator.id, app.now());
    let changed = app
        .db
        .run(move |c| {
            let before = onboarding::entity(c, id)?;
            let changed = crate::onboarding::change_state(c, id, to, Some(op), now);
            Ok(changed.map(|()| before))
        })
        .await?;
    match changed {
        Ok(before) => {
            if let Some(e) = before {
                let a = Audit::new("ente.stato", format!("ente {}", e.cod_ipa))
                    .entity(id)
                    .before(&serde_json::json!({ "stato": e.state.code() }))
                    .after(&serde_json::json!({ "stato": to.code() }));
                auth.audit(&app, a).await;
            }
            Ok(Redirect::to(&format!("/admin/entities/{id}")).into_response())
        }
        Err(StateError::Unknown) => Err(WebError::NotFound),
        Err(StateError::Db(e)) => Err(e.into()),
        Err(refusal) => {
            let text = refusal.to_string();
            render(
                &app,
                &auth,
                id,
                (StatusCode::UNPROCESSABLE_ENTITY, Some(&text)),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "ws_password.html")]
struct WsPasswordPage<'a> {
    nav: Nav,
    id: i64,
    entity: &'a str,
    password: &'a str,
    until: String,
}

/// `POST /admin/entities/{id}/ws-password`: a region administrator or the entity's own
/// administrator generates its web-service password; shown once.
pub async fn new_ws_password(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    let (random, grace) = (app.random.clone(), app.config.ws_password_grace_hours);
    let made = as_manager(&app, &auth, (id, &f.csrf), move |c, now| {
        let e = onboarding::entity(c, id)?;
        let made = crate::onboarding::new_ws_password(c, id, random.as_ref(), grace, now)?;
        Ok(e.zip(made))
    })
    .await?;
    let (e, (password, until)) = made.ok_or(WebError::NotFound)?;
    tracing::info!(entity = id, "web-service password generated");
    let a = Audit::new("ente.password-ws", format!("ente {}", e.cod_ipa))
        .entity(id)
        .after(&serde_json::json!({ "precedente_valida_fino_a": until.to_string() }));
    auth.audit(&app, a).await;
    let name = e.name;
    let page = WsPasswordPage {
        nav: Nav::new(&auth, "entities"),
        id,
        entity: &name,
        password: &password,
        until: rome_time(&until),
    };
    Ok(Html(page.render()?).into_response())
}

/// Runs `f` for an administrator of entity `id` (a form carrying `csrf`): 404 when the
/// entity is not visible to the operator, 403 when it does not administer it.
pub(super) async fn as_manager<T: Send + 'static>(
    app: &AppState,
    auth: &Authenticated,
    (id, csrf): (i64, &str),
    f: impl FnOnce(
            &mut crate::db::AnyConnection,
            chrono::NaiveDateTime,
        ) -> Result<T, crate::db::DbError>
        + Send
        + 'static,
) -> Result<T, WebError> {
    auth.check_csrf(csrf)?;
    if !auth.scope.sees_entity(id) {
        return Err(WebError::NotFound);
    }
    let (op, now) = (auth.operator.clone(), app.now());
    app.db
        .run(move |c| {
            if !manages(c, &op, id)? {
                return Ok(Err(WebError::Forbidden));
            }
            f(c, now).map(Ok)
        })
        .await?
}

/// Whether `op` administers entity `id` (a region administrator, or its own administrator).
pub(super) fn manages(
    c: &mut crate::db::AnyConnection,
    op: &crate::db::models::operator::Operator,
    id: i64,
) -> Result<bool, crate::db::DbError> {
    Ok(op.is_admin() || operator::managed_entities(c, op.id)?.contains(&id))
}

/// The details form.
#[derive(Debug, Deserialize)]
pub struct DetailsForm {
    csrf: String,
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    language: String,
}

/// `POST /admin/entities/{id}/details`: its administrators change name, e-mail and office.
pub async fn update_details(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<DetailsForm>,
) -> Result<Response, WebError> {
    let csrf = f.csrf.clone();
    let changed = as_manager(&app, &auth, (id, &csrf), move |c, now| {
        let d = crate::onboarding::Details {
            name: &f.name,
            email: &f.email,
            sector: &f.sector,
            language: &f.language,
        };
        let before = onboarding::entity(c, id)?;
        let changed = crate::onboarding::update_details(c, id, d, now);
        let after = onboarding::entity(c, id)?;
        Ok(changed.map(|()| before.zip(after)))
    })
    .await?;
    match changed {
        Ok(seen) => {
            if let Some((before, after)) = seen {
                let a = Audit::new("ente.dettagli", format!("ente {}", after.cod_ipa))
                    .entity(id)
                    .before(&entity_details(&before))
                    .after(&entity_details(&after));
                auth.audit(&app, a).await;
            }
            Ok(Redirect::to(&format!("/admin/entities/{id}")).into_response())
        }
        Err(crate::onboarding::EntityError::Db(e)) => Err(e.into()),
        Err(refusal) => {
            let text = refusal.to_string();
            render(
                &app,
                &auth,
                id,
                (StatusCode::UNPROCESSABLE_ENTITY, Some(&text)),
            )
            .await
        }
    }
}
