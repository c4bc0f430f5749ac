//! `/admin/esportazioni`: an operator asks for an export of one of its entities — the
//! dovuti paid on some days (tracciato 1.0–1.3, optionally one due type) or the open
//! dovuti falling due on a day (some due types) — which a durable job writes as the
//! entity web services' exports are written; the page lists the latest with their state,
//! and `/admin/esportazioni/{id}/file` downloads a finished one. Another entity's is 404.

use super::admin::Nav;
use super::audit::Audit;
use super::session::Authenticated;
use super::view::{day, rome_time, text};
use super::WebError;
use crate::app::AppState;
use crate::db::models::event::NewEvent;
use crate::db::models::{export_list, registry};
use crate::domain::FlussoState;
use crate::flussi::export::{self, pagati::Version, scaduti::split_codes, Request};
use crate::http::attachment;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

/// Exports listed.
const LISTED: i64 = 100;

/// The request form, as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct ExportForm {
    #[serde(default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    entity: String,
    /// `pagati` or `scaduti`.
    #[serde(default)]
    cosa: String,
    dal: Option<String>,
    al: Option<String>,
    giorno: Option<String>,
    /// Due type code(s): one for paid dovuti, a list for those falling due.
    tipo: Option<String>,
    versione: Option<String>,
}

impl ExportForm {
    /// The entity and what to export, or what was typed wrong.
    fn request(&self) -> Result<(i64, Request), String> {
        let entity = self
            .entity
            .trim()
            .parse::<i64>()
            .map_err(|_| "scegliere l'ente")?;
        let req = match self.cosa.as_str() {
            "pagati" => {
                let from = day(&self.dal, "dal")?.ok_or("dal: data mancante")?;
                let to = day(&self.al, "al")?.ok_or("al: data mancante")?;
                if from > to {
                    return Err("il giorno iniziale segue quello finale".into());
                }
                let version = Version::parse(self.versione.as_deref())
                    .ok_or("versione del tracciato: 1.0, 1.1, 1.2 o 1.3")?;
                Request::paid_on_days(from, to, text(&self.tipo), version)
            }
            "scaduti" => {
                let day = day(&self.giorno, "giorno")?.ok_or("giorno: data mancante")?;
                let codes = split_codes(&text(&self.tipo).unwrap_or_default());
                if codes.is_empty() {
                    return Err("indicare almeno un tipo dovuto".into());
                }
                Request::Scaduti { day, codes }
            }
            _ => return Err("scegliere cosa esportare".into()),
        };
        Ok((entity, req))
    }
}

/// One export as the page lists it.
struct ExportView {
    id: i64,
    requested: String,
    entity: String,
    what: String,
    state: &'static str,
    code: String,
    working: bool,
    rows: i64,
    file: Option<String>,
}

impl ExportView {
    fn new(l: export_list::Listed) -> Self {
        let s = &l.status;
        let rome = |t: Option<chrono::NaiveDateTime>| t.map(|t| rome_time(&t)).unwrap_or_default();
        let what = match s.kind.as_str() {
            "SCADUTI" => format!(
                "in scadenza il {} ({})",
                crate::format::date(&l.day),
                l.codes.clone().unwrap_or_default().replace(';', ", ")
            ),
            _ => format!(
                "pagati dal {} al {} · tracciato {}{}",
                rome(l.from),
                rome(l.to),
                l.version.clone().unwrap_or_default(),
                l.codes
                    .as_ref()
                    .map(|c| format!(" · {c}"))
                    .unwrap_or_default()
            ),
        };
        Self {
            id: s.id,
            requested: rome_time(&l.created_at),
            entity: l.entity.clone(),
            what,
            state: label(&s.state),
            code: s.state.code().to_owned(),
            working: s.state.is_working(),
            rows: s.rows_done,
            file: s
                .file_name
                .clone()
                .filter(|_| s.state == FlussoState::Exported),
        }
    }
}

fn label(state: &FlussoState) -> &'static str {
    match state {
        FlussoState::ExportRequested => "In coda",
        FlussoState::Exporting => "In elaborazione",
        FlussoState::Exported => "Pronta",
        FlussoState::ExportedEmpty => "Nessun dovuto trovato",
        FlussoState::ExportFailed => "Non riuscita",
        FlussoState::ExportCancelled => "Scaduta (file rimosso)",
        _ => "—",
    }
}

#[derive(Template)]
#[template(path = "exports.html")]
struct ExportsPage<'a> {
    nav: Nav,
    f: &'a ExportForm,
    entities: Vec<(i64, String)>,
    rows: Vec<ExportView>,
    working: bool,
    error: Option<&'a str>,
}

async fn render(
    app: &AppState,
    auth: &Authenticated,
    f: &ExportForm,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    let (entities, list) = auth
        .query(app, |c, scope| {
            let entities = registry::entity_choices(c, scope)?;
            let ids: Vec<i64> = entities.iter().map(|e| e.0).collect();
            Ok((entities, export_list::listed(c, &ids, LISTED)?))
        })
        .await?;
    let rows: Vec<ExportView> = list.into_iter().map(ExportView::new).collect();
    let working = rows.iter().any(|r| r.working);
    let page = ExportsPage {
        nav: Nav::new(auth, "exports"),
        f,
        entities,
        rows,
        working,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/esportazioni`.
pub async fn page(State(app): State<AppState>, auth: Authenticated) -> Result<Response, WebError> {
    let f = ExportForm {
        cosa: "pagati".into(),
        versione: Some("1.0".into()),
        ..ExportForm::default()
    };
    render(&app, &auth, &f, (StatusCode::OK, None)).await
}

/// `POST /admin/esportazioni`: records the request and queues its job.
pub async fn request(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(f): Form<ExportForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    let (entity, req) = match f.request() {
        Ok(r) => r,
        Err(text) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&app, &auth, &f, (status, Some(&text))).await;
        }
    };
    if !auth.scope.sees_entity(entity) {
        return Err(WebError::NotFound);
    }
    let (random, now) = (app.random.clone(), app.now());
    let (_, id) = app
        .db
        .write(move |c| export::record(c, entity, &req, random.as_ref(), now, true))
        .await?;
    let a = Audit::new("esportazione.richiesta", format!("esportazione {id}"))
        .entity(entity)
        .after(&f);
    auth.audit(&app, a).await;
    Ok(Redirect::to("/admin/esportazioni").into_response())
}

/// `GET /admin/esportazioni/{id}/file`: a finished export's zip.
pub async fn download(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let found = auth
        .query(&app, move |c, scope| {
            Ok(export_list::owned(c, id)?.filter(|(e, _)| scope.sees_entity(*e)))
        })
        .await?;
    let (entity, status) = found.ok_or(WebError::NotFound)?;
    let name = match (status.state, status.file_name) {
        (FlussoState::Exported, Some(name)) => name,
        _ => return Err(WebError::BadRequest("L'esportazione non è pronta.".into())),
    };
    let path = export::dir(&app.config.files_dir, id).join(&name);
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|_| WebError::NotFound)?;
    app.journal
        .record(NewEvent {
            entity_id: Some(entity),
            operator_id: Some(auth.operator.id),
            request: Some(format!("esportazione={id} file={name}")),
            ..NewEvent::action("web", "esportazione.scarica", "OK", app.now())
        })
        .await;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok(attachment(&name, "application/zip", body))
}
