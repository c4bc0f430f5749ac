//! The import operations of the entity services and the upload they lead to:
//! `paaSILAutorizzaImportFlusso` → multipart `POST /ente/flussi/upload` (fields
//! `authorizationToken` and `file`) → `paaSILChiediStatoImportFlusso`, whose URLs
//! (`/ente/flussi/{requestToken}/scarti|iuv|avvisi`) download the result files; the
//! request token, 122 random bits known only to the entity's software, is the key.

use super::fault::{EnteCode, EnteFault};
use crate::app::AppState;
use crate::db::models::event::NewEvent;
use crate::db::models::registry::Entity;
use crate::domain::FlussoState;
use crate::flussi::upload::{authorise, receive, status, MAX_UPLOAD};
use crate::http::multipart::{read_bounded, FieldError};
use crate::http::serve_result;
use crate::soap::seq::Seq;
use crate::soap::writer::XmlWriter;
use crate::soap::xml::Node;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// `paaSILAutorizzaImportFlusso`.
pub async fn autorizza(app: &AppState, entity: &Entity, body: &Node) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    s.end()?;
    let (id, random, now) = (entity.id, app.random.clone(), app.now());
    let a = app
        .db
        .write(move |c| authorise(c, id, random.as_ref(), now))
        .await?;
    let mut w = XmlWriter::new();
    w.leaf(
        "uploadUrl",
        &format!("{}/ente/flussi/upload", app.public_base),
    )
    .leaf("authorizationToken", &a.authorization_token)
    .leaf("requestToken", &a.request_token)
    .leaf("importPath", &a.request_token);
    Ok(w.finish())
}

/// `paaSILChiediStatoImportFlusso`.
pub async fn stato(app: &AppState, entity: &Entity, body: &Node) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    let token = s.text("requestToken", 1, 64)?;
    s.text_opt("password", 1, 64)?;
    let want = [
        s.bool_opt("fileScarti")?,
        s.bool_opt("fileIUV")?,
        s.bool_opt("fileAvvisi")?,
    ];
    s.end()?;
    let (id, t) = (entity.id, token.clone());
    let st = app
        .db
        .read(move |c| status(c, id, &t))
        .await?
        .ok_or_else(|| {
            EnteFault::new(
                EnteCode::RequestTokenNonValido,
                format!("requestToken [{token}] sconosciuto"),
            )
        })?;
    let url = |kind: &str| format!("{}/ente/flussi/{token}/{kind}", app.public_base);
    let done = st.state == FlussoState::Imported;
    let mut w = XmlWriter::new();
    w.leaf("stato", st.state.code());
    if done && want[0] != Some(false) {
        w.leaf("urlFileScarti", &url("scarti"));
    }
    if done && want[1] != Some(false) {
        w.leaf("urlFileIUV", &url("iuv"));
    }
    if done && st.notices_ready && want[2] != Some(false) {
        w.leaf("urlFileAvvisi", &url("avvisi"));
    }
    Ok(w.finish())
}

fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response()
}

/// `POST /ente/flussi/upload`.
pub async fn upload(State(app): State<AppState>, mut form: Multipart) -> Response {
    let (mut token, mut file, mut name) = (String::new(), Vec::new(), String::new());
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return plain(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({"error": e.to_string()}).to_string(),
                )
            }
        };
        if field.name() == Some("authorizationToken") {
            token = field.text().await.unwrap_or_default();
            continue;
        }
        if let Some(f) = field.file_name() {
            name = f.to_owned();
            file = match read_bounded(field, MAX_UPLOAD).await {
                Ok(f) => f,
                Err(FieldError::TooLarge) => {
                    return plain(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        serde_json::json!({"error": "oltre 64 MiB"}).to_string(),
                    )
                }
                Err(FieldError::Broken) => {
                    return plain(
                        StatusCode::BAD_REQUEST,
                        serde_json::json!({"error": "caricamento interrotto"}).to_string(),
                    )
                }
            };
        }
    }
    let (files, now) = (app.config.files_dir.clone(), app.now());
    let asked = format!("file={name} byte={}", file.len());
    let outcome = app
        .db
        .write(move |c| receive(c, &files, token.trim(), &name, &file, now))
        .await;
    let (result, fault) = match &outcome {
        Ok(Ok(_)) => ("OK", None),
        Ok(Err(e)) => ("KO", Some(e.code.clone())),
        Err(_) => ("KO", Some("PAA_SYSTEM_ERROR".to_owned())),
    };
    app.journal
        .record(NewEvent {
            fault_code: fault,
            request: Some(asked),
            ..NewEvent::action("ente-ws", "flusso.carica", result, now)
        })
        .await;
    match outcome {
        Ok(Ok(request)) => plain(
            StatusCode::OK,
            serde_json::json!({"requestToken": request, "stato": "LOAD_IMPORT"}).to_string(),
        ),
        Ok(Err(e)) => plain(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error": e.code, "description": e.message}).to_string(),
        ),
        Err(e) => {
            tracing::error!(error = %e, "flusso upload failed");
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::json!({"error": "PAA_SYSTEM_ERROR"}).to_string(),
            )
        }
    }
}

/// `GET /ente/flussi/{requestToken}/{scarti|iuv|avvisi}`.
pub async fn download(
    State(app): State<AppState>,
    Path((token, kind)): Path<(String, String)>,
) -> Response {
    let t = token.clone();
    let found = app
        .db
        .read(
            move |c| match crate::db::models::flusso::import_by_request_token(c, &t)? {
                Some((_, entity)) => Ok(status(c, entity, &t)?.map(|st| (entity, st))),
                None => Ok(None),
            },
        )
        .await;
    let Ok(Some((entity, st))) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    serve_result(&app, st, &kind, ("ente-ws", entity)).await
}
