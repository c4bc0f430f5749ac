//! Static assets compiled into the binary: the back office's stylesheet, which the node
//! simulator's Checkout page uses too, and the form designer's live preview script.

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
