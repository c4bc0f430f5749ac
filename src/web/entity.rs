//! `/admin/entities/{id}`: one entity's onboarding — its details, the checklist of what
//! production needs, the changes of state the lifecycle allows (region administrators
//! make them) and their history.

use super::admin::Nav;
use super::session::Authenticated;
use super::view::rome_time;
use super::WebError;
use crate::app::AppState;
use crate::db::models::onboarding;
use crate::db::models::registry::Entity;
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
    error: Option<&'a str>,
}

async fn render(
    app: &AppState,
    auth: &Authenticated,
    id: i64,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    if !auth.scope.sees_entity(id) {
        return Err(WebError::NotFound);
    }
    let found = app
        .db
        .run(move |c| {
            let Some(e) = onboarding::entity(c, id)? else {
                return Ok(None);
            };
            let checklist: Checklist = onboarding::checklist(c, &e)?;
            Ok(Some((e, checklist, onboarding::history(c, id)?)))
        })
        .await?;
    let (entity, checklist, history) = found.ok_or(WebError::NotFound)?;
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
        .run(move |c| Ok(crate::onboarding::change_state(c, id, to, Some(op), now)))
        .await?;
    match changed {
        Ok(()) => Ok(Redirect::to(&format!("/admin/entities/{id}")).into_response()),
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
