//! Static assets compiled into the binary: the back office's stylesheet, which the node
//! simulator's Checkout page uses too, the form designer's live preview script and the
//! script that keeps a job's progress current.

use axum::http::header;
use axum::response::IntoResponse;

/// The stylesheet.
const ADMIN_CSS: &str = include_str!("web/static/admin.css");

/// The form designer's live preview.
const FORM_DESIGNER_JS: &str = include_str!("web/static/form-designer.js");

/// `GET /static/form-designer.js`.
pub async fn form_designer_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        FORM_DESIGNER_JS,
    )
}

/// The script that keeps a job's progress current.
const LIVE_JS: &str = include_str!("web/static/live.js");

/// `GET /static/live.js`.
pub async fn live_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        LIVE_JS,
    )
}

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
