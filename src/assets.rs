//! Static assets compiled into the binary: the back office's stylesheet, which the node
//! simulator's Checkout page uses too.

use axum::http::header;
use axum::response::IntoResponse;

/// The stylesheet.
const ADMIN_CSS: &str = include_str!("web/static/admin.css");

/// `GET /static/admin.css`.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        ADMIN_CSS,
    )
}
