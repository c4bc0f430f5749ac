//! Back office: flussi — upload a zip of dovuti for an entity, watch its import (rows done
//! of the total, the page refreshing itself while something is in progress), download its
//! result files (rejected rows, IUVs, notices) when done.

use super::admin::Nav;
use super::audit::Audit;
use super::session::Authenticated;
use super::view::rome_time;
use super::WebError;
use crate::app::AppState;
use crate::db::models::event::NewEvent;
use crate::db::models::registry;
use crate::db::models::{flusso, flusso_list};
use crate::domain::FlussoState;
use crate::flussi::accept::{accept, Incoming, RunBy, Zip};
use crate::flussi::upload::status_by_id;
use crate::flussi::upload::MAX_UPLOAD;
use crate::http::multipart::{read_bounded, FieldError};
use crate::http::serve_result;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

struct FlussoView {
    id: i64,
    loaded: String,
    entity: String,
    name: String,
    state: String,
    imported: bool,
    working: bool,
    label: String,
    done: i64,
    total: i64,
    accepted: i64,
    rejected: i64,
    error: Option<String>,
    notices: bool,
    rate: Option<i64>,
}

#[derive(Template)]
#[template(path = "flussi.html")]
struct FlussiPage {
    nav: Nav,
    entities: Vec<(i64, String)>,
    rows: Vec<FlussoView>,
    working: bool,
    max_mib: usize,
}

fn label(state: &FlussoState) -> String {
    match state {
        FlussoState::Loaded => "In coda".into(),
        FlussoState::Importing => "In elaborazione".into(),
        FlussoState::Imported => "Importato".into(),
        other => format!("Rifiutato ({other})"),
    }
}

/// `GET /admin/flussi`.
pub async fn page(
    State(app): State<AppState>,
    auth: Authenticated,
) -> Result<Html<String>, WebError> {
    let (entities, list) = auth
        .query(&app, |c, scope| {
            let entities = registry::entity_choices(c, scope)?;
            let ids: Vec<i64> = entities.iter().map(|e| e.0).collect();
            let list = flusso_list::listed_imports(c, &ids, 100)?;
            Ok((entities, list))
        })
        .await?;
    let rows: Vec<FlussoView> = list
        .into_iter()
        .map(|f| FlussoView {
            id: f.id,
            loaded: rome_time(&f.created_at),
            entity: f.entity,
            name: f.file_name.unwrap_or_else(|| "(in attesa del file)".into()),
            label: label(&f.state),
            imported: f.state == FlussoState::Imported,
            working: f.state.is_working(),
            state: f.state.code().to_owned(),
            done: f.rows.0,
            total: f.rows.1,
            accepted: f.rows.2,
            rejected: f.rows.3,
            error: f.error,
            notices: f.notices_ready,
            rate: f.rate,
        })
        .collect();
    let working = rows.iter().any(|r| r.working);
    Ok(Html(
        FlussiPage {
            nav: Nav::new(&auth, "flussi"),
            entities,
            rows,
            working,
            max_mib: MAX_UPLOAD / (1024 * 1024),
        }
        .render()?,
    ))
}

/// Reads the upload form: CSRF token, entity and the zip with its name.
/// The upload form: token, entity, file name and bytes, and whether only to check it.
type UploadForm = (String, i64, String, Vec<u8>, bool);

async fn read_form(mut form: Multipart) -> Result<UploadForm, WebError> {
    let bad = |m: &str| WebError::BadRequest(m.to_owned());
    let (mut csrf, mut entity, mut name, mut file) = (String::new(), 0, String::new(), Vec::new());
    let mut check_only = false;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| bad("Caricamento non leggibile."))?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| bad("Modulo non valido."))?,
            Some("entity") => {
                let v = field.text().await.map_err(|_| bad("Modulo non valido."))?;
                entity = v.trim().parse().map_err(|_| bad("Ente non valido."))?;
            }
            Some("verifica") => check_only = true,
            Some("file") => {
                name = field.file_name().unwrap_or_default().to_owned();
                file = read_bounded(field, MAX_UPLOAD).await.map_err(|e| match e {
                    FieldError::TooLarge => bad("Il file supera la dimensione massima."),
                    FieldError::Broken => bad("Caricamento interrotto."),
                })?;
            }
            _ => {}
        }
    }
    Ok((csrf, entity, name, file, check_only))
}

/// `POST /admin/flussi` (multipart: `csrf`, `entity`, `file`, `verifica`): registers the
/// import and queues it; a bad name or a duplicate IUF is refused with its reason. With
/// `verifica` the file is only checked, and the page lists what an import would reject.
pub async fn upload(
    State(app): State<AppState>,
    auth: Authenticated,
    form: Multipart,
) -> Result<Response, WebError> {
    let (csrf, entity, name, file, check_only) = read_form(form).await?;
    auth.check_csrf(&csrf)?;
    if !auth.scope.sees_entity(entity) {
        return Err(WebError::NotFound);
    }
    if file.is_empty() {
        return Err(WebError::BadRequest("Scegliere un file zip.".into()));
    }
    if check_only {
        return super::flusso_check::verify(&app, &auth, entity, (name, file)).await;
    }
    let (operator, files, now) = (auth.operator.id, app.config.files_dir.clone(), app.now());
    let after = serde_json::json!({ "file": name, "byte": file.len() });
    let outcome = app
        .db
        .write(move |c| {
            let incoming = Incoming {
                entity_id: entity,
                file_name: &name,
                operator_id: Some(operator),
                reserved: None,
            };
            accept(c, &files, incoming, Zip::Bytes(&file), now, RunBy::Queue)
        })
        .await?;
    let (result, fault) = match &outcome {
        Ok(_) => ("OK", None),
        Err(e) => ("KO", Some(e.code.clone())),
    };
    app.journal
        .record(NewEvent {
            entity_id: Some(entity),
            operator_id: Some(operator),
            fault_code: fault,
            request: Some(after.to_string()),
            ..NewEvent::action("web", "flusso.carica", result, now)
        })
        .await;
    match outcome {
        Ok(_) => {
            let target = format!("flusso {}", after["file"].as_str().unwrap_or_default());
            let a = Audit::new("flusso.carica", target)
                .entity(entity)
                .after(&after);
            auth.audit(&app, a).await;
            Ok(Redirect::to("/admin/flussi").into_response())
        }
        Err(e) => Err(WebError::BadRequest(format!("{}: {}", e.code, e.message))),
    }
}

/// `GET /admin/flussi/{id}/{scarti|iuv|avvisi}`: a finished import's result file.
pub async fn download(
    State(app): State<AppState>,
    auth: Authenticated,
    Path((id, kind)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let (entity, st) = auth
        .query(&app, move |c, scope| match flusso::owner(c, id)? {
            Some(e) if scope.sees_entity(e) => Ok(status_by_id(c, id)?.map(|st| (e, st))),
            _ => Ok(None),
        })
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(serve_result(&app, st, &kind, ("web", entity)).await)
}
