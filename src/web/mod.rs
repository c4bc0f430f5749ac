//! Back office (and later front office): server-rendered pages.
//!
//! Pages are askama templates under `src/web/templates`; every page handler lives in a
//! module by area (`auth`, `admin`) and returns `Result<_, WebError>`.

pub mod admin;
pub mod auth;
pub mod batches;
pub mod documents;
pub mod error;
pub mod flussi;
pub mod logo;
pub mod multipart;
pub mod pagamento;
pub mod session;
pub mod view;

use crate::app::AppState;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;

pub use error::WebError;

/// The stylesheet, compiled into the binary.
const ADMIN_CSS: &str = include_str!("static/admin.css");

/// Routes of the back office.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/login",
            get(auth::login_page).post(auth::login_submit),
        )
        .route("/admin/logout", post(auth::logout))
        .route("/admin", get(admin::dashboard))
        .route("/admin/entities", get(admin::entities))
        .route(
            "/admin/entities/{id}/logo",
            get(logo::show).post(logo::upload),
        )
        .route("/admin/due-types", get(admin::due_types))
        .route("/admin/dovuti", get(admin::dovuti))
        .route("/admin/dovuti/{id}/avviso.pdf", get(documents::avviso))
        .route("/admin/dovuti/{id}/ricevuta.pdf", get(documents::ricevuta))
        .route(
            "/admin/flussi",
            get(flussi::page)
                .post(flussi::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::ente::flussi_ops::MAX_UPLOAD + 64 * 1024,
                )),
        )
        .route("/admin/flussi/{id}/{kind}", get(flussi::download))
        .route("/admin/avvisi", get(batches::page).post(batches::request))
        .route("/admin/avvisi/{id}/zip", get(batches::download))
        .route("/admin/events", get(admin::events))
        .route(
            "/pagamento/{session}",
            get(pagamento::page).post(pagamento::pay),
        )
        .route("/pagamento/{session}/annulla", post(pagamento::cancel))
        .route("/pagamento/{session}/esito", get(pagamento::outcome))
        .route("/static/admin.css", get(stylesheet))
}

/// `GET /static/admin.css` (also served by the node simulator for its checkout page).
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        ADMIN_CSS,
    )
}
