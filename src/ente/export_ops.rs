//! The export operations of the entity services: `paaSILPrenotaExportFlusso` (paid
//! dovuti by payment date), `…IncrementaleConRicevuta` (by date-time; incremental = by
//! arrival here, the answer's `dateTo` being the next call's `dateFrom`),
//! `paaSILPrenotaExportFlussoScaduti` (open dovuti due on a day) and their
//! `ChiediStato…` operations, whose `downloadUrl` carries a token valid for
//! [`DOWNLOAD_TTL_HOURS`](crate::flussi::export::DOWNLOAD_TTL_HOURS) hours.

use super::fault::{EnteCode, EnteFault};
use crate::app::AppState;
use crate::db::models::registry::Entity;
use crate::domain::FlussoState;
use crate::flussi::export::pagati::Version;
use crate::flussi::export::{
    self, dir, issue_download, reserve, resolve_download, scaduti, Download, Request,
};
use crate::soap::seq::{date_of, datetime_of, Seq};
use crate::soap::writer::XmlWriter;
use crate::soap::xml::Node;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::TimeZone;
use chrono_tz::Europe::Rome;

fn version(v: Option<String>) -> Result<Version, EnteFault> {
    Version::parse(v.as_deref()).ok_or_else(|| {
        EnteFault::new(
            EnteCode::VersioneTracciatoNonValida,
            format!(
                "versioneTracciato [{}] non valida: 1.0, 1.1, 1.2 o 1.3",
                v.unwrap_or_default()
            ),
        )
    })
}

async fn check_due_type(
    app: &AppState,
    entity: &Entity,
    code: &Option<String>,
) -> Result<(), EnteFault> {
    let Some(code) = code.clone() else {
        return Ok(());
    };
    let id = entity.id;
    let (_, unknown) = app
        .db
        .read(move |c| scaduti::resolve(c, id, std::slice::from_ref(&code)))
        .await?;
    match unknown.first() {
        Some(u) => Err(EnteFault::new(
            EnteCode::TipoDovutoNonValido,
            format!("tipo dovuto [{u}] sconosciuto per l'ente"),
        )),
        None => Ok(()),
    }
}

async fn book(app: &AppState, entity: &Entity, req: Request) -> Result<String, EnteFault> {
    let (id, random, now) = (entity.id, app.random.clone(), app.now());
    Ok(app
        .db
        .write(move |c| reserve(c, id, &req, random.as_ref(), now))
        .await?)
}

fn bad_range() -> EnteFault {
    EnteFault::new(
        EnteCode::IntervalloDateNonValido,
        "dateFrom successiva a dateTo",
    )
}

/// `paaSILPrenotaExportFlusso`: paid on the days `dateFrom`…`dateTo` (Italian dates).
/// As MyPay's back office, tracciati after 1.0 carry the receipt columns.
pub async fn prenota(app: &AppState, entity: &Entity, body: &Node) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    let from = date_of(s.req("dateFrom")?.value(), "dateFrom")?;
    let to = date_of(s.req("dateTo")?.value(), "dateTo")?;
    let due_type = s.text_opt("identificativoTipoDovuto", 1, 35)?;
    let version = version(s.text_opt("versioneTracciato", 1, 35)?)?;
    s.end()?;
    if from > to {
        return Err(bad_range());
    }
    check_due_type(app, entity, &due_type).await?;
    let req = Request::paid_on_days(from, to, due_type, version);
    let token = book(app, entity, req).await?;
    let mut w = XmlWriter::new();
    w.leaf("requestToken", &token);
    Ok(w.finish())
}

/// `paaSILPrenotaExportFlussoIncrementaleConRicevuta`.
pub async fn prenota_incrementale(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    let from = datetime_of(s.req("dateFrom")?.value(), "dateFrom")?;
    let to = match s.opt("dateTo") {
        Some(n) => Some(datetime_of(n.value(), "dateTo")?),
        None => None,
    };
    let due_type = s.text_opt("identificativoTipoDovuto", 1, 35)?;
    let receipt = s.bool_opt("ricevuta")?.ok_or_else(|| missing("ricevuta"))?;
    let incremental = s
        .bool_opt("incrementale")?
        .ok_or_else(|| missing("incrementale"))?;
    let version = version(s.text_opt("versioneTracciato", 1, 35)?)?;
    s.text_opt("passwordMypivot", 1, 64)?;
    s.end()?;
    // Receipts still arriving can only be counted up to now: the bound used (and
    // returned, for the next call) is never in the future.
    let now = app.now();
    let now = chrono::Timelike::with_nanosecond(&now, 0).unwrap_or(now);
    let to = to.map_or(now, |t| t.min(now));
    if from > to {
        return Err(bad_range());
    }
    check_due_type(app, entity, &due_type).await?;
    let req = Request::Pagati {
        from,
        to,
        incremental,
        due_type,
        version,
        receipt,
    };
    let token = book(app, entity, req).await?;
    let mut w = XmlWriter::new();
    w.leaf("requestToken", &token).leaf(
        "dateTo",
        &Rome
            .from_utc_datetime(&to)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
    );
    Ok(w.finish())
}

fn missing(name: &str) -> EnteFault {
    EnteFault::new(EnteCode::XmlNonValido, format!("{name} mancante"))
}

/// `paaSILPrenotaExportFlussoScaduti`.
pub async fn prenota_scaduti(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    let day = date_of(s.req("dataScadenza")?.value(), "dataScadenza")?;
    let list = s.text("tipiDovuto", 1, 4096)?;
    s.end()?;
    let codes = scaduti::split_codes(&list);
    let (id, wanted) = (entity.id, codes.clone());
    let (_, unknown) = app
        .db
        .read(move |c| scaduti::resolve(c, id, &wanted))
        .await?;
    if codes.is_empty() || !unknown.is_empty() {
        return Err(EnteFault::new(
            EnteCode::TipoDovutoNonValido,
            format!(
                "tipi dovuto sconosciuti per l'ente: [{}]",
                unknown.join(";")
            ),
        ));
    }
    let token = book(app, entity, Request::Scaduti { day, codes }).await?;
    let mut w = XmlWriter::new();
    w.leaf("requestToken", &token);
    Ok(w.finish())
}

/// The export behind `requestToken` (of `kind`) and, when written, a download URL.
async fn state_of(
    app: &AppState,
    entity: &Entity,
    body: &Node,
    kind: &'static str,
) -> Result<(export::Status, Option<String>), EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    let token = s.text("requestToken", 1, 64)?;
    s.end()?;
    let (id, t, random, now) = (entity.id, token.clone(), app.random.clone(), app.now());
    let found = app
        .db
        .write(move |c| {
            let Some(st) = export::status(c, id, &t)?.filter(|s| s.kind == kind) else {
                return Ok(None);
            };
            let url = if st.state == FlussoState::Exported {
                Some(issue_download(c, st.id, random.as_ref(), now)?)
            } else {
                None
            };
            Ok(Some((st, url)))
        })
        .await?;
    let (st, url) = found.ok_or_else(|| {
        EnteFault::new(
            EnteCode::RequestTokenNonValido,
            format!("requestToken [{token}] sconosciuto"),
        )
    })?;
    let url = url.map(|t| format!("{}/ente/flussi/export/{t}", app.public_base));
    Ok((st, url))
}

/// `paaSILChiediStatoExportFlusso`.
pub async fn stato(app: &AppState, entity: &Entity, body: &Node) -> Result<String, EnteFault> {
    let (st, url) = state_of(app, entity, body, "PAGATI").await?;
    let mut w = XmlWriter::new();
    w.leaf("stato", st.state.code())
        .leaf("downloadUrl", url.as_deref().unwrap_or(""));
    Ok(w.finish())
}

/// `paaSILChiediStatoExportFlussoScaduti`.
pub async fn stato_scaduti(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let (st, url) = state_of(app, entity, body, "SCADUTI").await?;
    let file = st.file_name.clone().unwrap_or_default();
    let path = match (&st.file_name, st.completed_at) {
        (Some(f), Some(at)) => format!(
            "/EXPORT/{}/{f}",
            Rome.from_utc_datetime(&at).format("%Y-%m")
        ),
        _ => String::new(),
    };
    let mut w = XmlWriter::new();
    w.leaf("stato", st.state.code())
        .leaf("nomeFile", &file)
        .leaf("downloadUrl", url.as_deref().unwrap_or(""))
        .leaf("pathFile", &path);
    Ok(w.finish())
}

/// `GET /ente/flussi/export/{downloadToken}`: the zip while the token is valid (410
/// once it has expired or the file was purged, 404 for a token never issued).
pub async fn download(State(app): State<AppState>, Path(token): Path<String>) -> Response {
    let now = app.now();
    let found = app.db.read(move |c| resolve_download(c, &token, now)).await;
    let (id, name) = match found {
        Ok(Download::File(id, name)) => (id, name),
        Ok(Download::Expired) => return (StatusCode::GONE, "link scaduto\n").into_response(),
        Ok(Download::Unknown) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "export download failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Ok(file) = tokio::fs::File::open(dir(&app.config.files_dir, id).join(&name)).await else {
        return (StatusCode::GONE, "file non più disponibile\n").into_response();
    };
    app.journal
        .record(crate::db::models::event::NewEvent {
            request: Some(format!("esportazione={id} file={name}")),
            ..crate::db::models::event::NewEvent::action(
                "ente-ws",
                "esportazione.scarica",
                "OK",
                now,
            )
        })
        .await;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    crate::http::attachment(&name, "application/zip", body)
}
