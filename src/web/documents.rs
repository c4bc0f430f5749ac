//! PDF downloads of the back office: a dovuto's payment notice and its payment receipt,
//! within the operator's scope (others' dovuti are 404, as if they did not exist).

use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::avviso::{ricevuta, source};
use axum::extract::{Path, State};
use axum::response::Response;

pub use crate::http::attachment;

/// `GET /admin/dovuti/{id}/avviso.pdf`: the payment notice (with the other options of its
/// instalment plan) of a dovuto the operator sees.
pub async fn avviso(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let printable = auth
        .query(&app, move |c, scope| source::printable(c, scope, id))
        .await?
        .ok_or(WebError::NotFound)?
        .map_err(|reason| WebError::BadRequest(format!("Avviso non disponibile: {reason}.")))?;
    let name = printable.file_name();
    let pdf =
        tokio::task::spawn_blocking(move || crate::avviso::render::render(&printable.notice()))
            .await
            .map_err(WebError::internal)?
            .map_err(WebError::internal)?;
    Ok(attachment(&name, "application/pdf", pdf))
}

/// `GET /admin/dovuti/{id}/ricevuta.pdf`: the payment receipt of a paid dovuto.
pub async fn ricevuta(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let receipt = auth
        .query(&app, move |c, scope| ricevuta::for_dovuto(c, scope, id))
        .await?
        .ok_or(WebError::NotFound)?
        .ok_or_else(|| {
            WebError::BadRequest("Ricevuta non disponibile: il dovuto non risulta pagato.".into())
        })?;
    let name = receipt.file_name();
    let pdf = tokio::task::spawn_blocking(move || receipt.render())
        .await
        .map_err(WebError::internal)?
        .map_err(WebError::internal)?;
    Ok(attachment(&name, "application/pdf", pdf))
}
