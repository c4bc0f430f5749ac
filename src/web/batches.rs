//! Back office: notice batches ("avvisi massivi") — request a zip of an entity's (or a
//! flusso's) notices, watch its progress, download it when done.

use super::admin::Nav;
use super::audit::Audit;
use super::documents::attachment;
use super::session::Authenticated;
use super::view::rome_time;
use super::WebError;
use crate::app::AppState;
use crate::avviso::batch::{self, zip_path};
use crate::avviso::bulk::Selection;
use crate::db::models::flusso;
use crate::db::models::job::JobState;
use crate::db::models::registry;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

struct BatchView {
    id: i64,
    requested: String,
    entity: String,
    state: &'static str,
    state_label: &'static str,
    done: i64,
    total: i64,
    file_name: String,
    download: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "avvisi.html")]
struct BatchesPage {
    nav: Nav,
    entities: Vec<(i64, String)>,
    flussi: Vec<(i64, String)>,
    rows: Vec<BatchView>,
    working: bool,
    retention_days: i64,
}

fn label(state: JobState) -> &'static str {
    match state {
        JobState::Queued => "In coda",
        JobState::Running => "In elaborazione",
        JobState::Done => "Completato",
        JobState::Failed => "Non riuscito",
    }
}

/// `GET /admin/avvisi`.
pub async fn page(
    State(app): State<AppState>,
    auth: Authenticated,
) -> Result<Html<String>, WebError> {
    let (entities, flussi, batches) = auth
        .query(&app, |c, scope| {
            let entities = registry::entity_choices(c, scope)?;
            let ids: Vec<i64> = entities.iter().map(|e| e.0).collect();
            let flussi = flusso::recent_imports(c, &ids, 200)?
                .into_iter()
                .map(|(id, ipa, iuf)| (id, format!("{ipa} · {}", iuf.unwrap_or_default())))
                .collect();
            Ok((entities, flussi, batch::list(c, scope, 50)?))
        })
        .await?;
    let working = batches.iter().any(|(b, _)| !b.state.is_finished());
    let rows: Vec<BatchView> = batches
        .into_iter()
        .map(|(b, entity)| BatchView {
            requested: rome_time(&b.created_at),
            state_label: label(b.state),
            download: (b.state == JobState::Done).then(|| format!("/admin/avvisi/{}/zip", b.id)),
            id: b.id,
            entity,
            state: b.state.code(),
            done: b.notices_done,
            total: b.notices_total,
            file_name: b.file_name,
            error: b.error_message,
        })
        .collect();
    Ok(Html(
        BatchesPage {
            nav: Nav::new(&auth, "avvisi"),
            entities,
            flussi,
            rows,
            working,
            retention_days: batch::RETENTION_DAYS,
        }
        .render()?,
    ))
}

/// The request form.
#[derive(Debug, Deserialize)]
pub struct BatchForm {
    csrf: String,
    entity: i64,
    #[serde(default)]
    flusso: String,
}

/// `POST /admin/avvisi`: queues a batch.
pub async fn request(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(form): Form<BatchForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&form.csrf)?;
    let flusso_id = match form.flusso.trim() {
        "" => None,
        f => Some(
            f.parse::<i64>()
                .map_err(|_| WebError::BadRequest("Flusso non valido.".into()))?,
        ),
    };
    let (operator, entity) = (auth.operator.id, form.entity);
    let now = app.now();
    let files = app.config.files_dir.clone();
    let queued = auth
        .query(&app, move |c, scope| {
            batch::purge(
                c,
                &files,
                now - chrono::Duration::days(batch::RETENTION_DAYS),
            )?;
            if !scope.sees_entity(form.entity) {
                return Ok(None);
            }
            if let Some(f) = flusso_id {
                if flusso::owner(c, f)? != Some(form.entity) {
                    return Ok(None);
                }
            }
            let sel = Selection {
                entity_id: form.entity,
                flusso_id,
            };
            batch::request(c, sel, Some(operator), now).map(Some)
        })
        .await?;
    match queued {
        Some(batch) => {
            let after = serde_json::json!({ "flusso": flusso_id, "richiesta": batch });
            let a = Audit::new("avvisi.richiesta", format!("avvisi massivi {batch}"))
                .entity(entity)
                .after(&after);
            auth.audit(&app, a).await;
            Ok(Redirect::to("/admin/avvisi").into_response())
        }
        // Another entity's (or another entity's flusso) is not found, as everywhere.
        None => Err(WebError::NotFound),
    }
}

/// `GET /admin/avvisi/{id}/zip`: the finished zip, streamed from the files directory.
pub async fn download(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let b = auth
        .query(&app, move |c, scope| batch::get(c, scope, id))
        .await?
        .ok_or(WebError::NotFound)?;
    if b.state != JobState::Done {
        return Err(WebError::BadRequest("Lo zip non è ancora pronto.".into()));
    }
    let file = tokio::fs::File::open(zip_path(&app.config.files_dir, id))
        .await
        .map_err(|_| WebError::NotFound)?;
    app.journal
        .record(crate::db::models::event::NewEvent {
            entity_id: Some(b.entity_id),
            operator_id: Some(auth.operator.id),
            request: Some(format!("avvisi={id} file={}", b.file_name)),
            ..crate::db::models::event::NewEvent::action("web", "avvisi.scarica", "OK", app.now())
        })
        .await;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok(attachment(&b.file_name, "application/zip", body))
}
