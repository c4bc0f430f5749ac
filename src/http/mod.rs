//! What every HTTP surface shares: file downloads, bounded multipart uploads, and the
//! result files of an import (served to the entity's software and to operators alike).

pub mod multipart;

use crate::app::AppState;
use crate::db::models::event::NewEvent;
use crate::domain::FlussoState;
use crate::flussi::import::dir;
use crate::flussi::upload::Status;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// A download named `name`.
pub fn attachment(name: &str, mime: &str, body: impl Into<axum::body::Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}

/// Streams a finished import's result file: `scarti`, `iuv` or `avvisi` (404 otherwise),
/// journalled as a download through `interface` by entity `entity_id`.
pub async fn serve_result(
    app: &AppState,
    st: Status,
    kind: &str,
    (interface, entity_id): (&str, i64),
) -> Response {
    let Some(base) = st.base.filter(|_| st.state == FlussoState::Imported) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let d = dir(&app.config.files_dir, st.id);
    let (path, name, mime) = match kind {
        "scarti" => (
            d.join(format!("{base}_SCARTI.csv")),
            format!("{base}_SCARTI.csv"),
            "text/csv",
        ),
        "iuv" => (
            d.join(format!("{base}_IUV.csv")),
            format!("{base}_IUV.csv"),
            "text/csv",
        ),
        "avvisi" => {
            let batch = app
                .db
                .read(move |c| crate::db::models::flusso::notices_batch(c, st.id))
                .await;
            let Ok(Some(b)) = batch else {
                return StatusCode::NOT_FOUND.into_response();
            };
            (
                crate::avviso::batch::zip_path(&app.config.files_dir, b),
                format!("{base}_AVVISI_PDF.zip"),
                "application/zip",
            )
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let Ok(file) = tokio::fs::File::open(&path).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    app.journal
        .record(NewEvent {
            entity_id: Some(entity_id),
            request: Some(format!("flusso={} file={name}", st.id)),
            ..NewEvent::action(interface, "flusso.scarica", "OK", app.now())
        })
        .await;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    attachment(&name, mime, body)
}
