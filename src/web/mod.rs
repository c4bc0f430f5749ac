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

use axum::http::header;
use axum::response::IntoResponse;

pub use error::WebError;

/// The stylesheet, compiled into the binary.
const ADMIN_CSS: &str = include_str!("static/admin.css");

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
