//! The "validate only" mode of the flussi page: the uploaded zip is checked as an import
//! would decide it (`flussi::check`), nothing is written, and the page lists every row an
//! import would reject with its code and reason.

use super::admin::Nav;
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::flussi::check::{check, Report};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Most rejects the page lists (the count is always whole).
const SHOWN: usize = 1000;

#[derive(Template)]
#[template(path = "flusso_check.html")]
struct CheckPage {
    nav: Nav,
    name: String,
    refused: Option<String>,
    report: Report,
    hidden: usize,
}

/// Checks `file` (named `name`) as a flusso of entity `entity` and shows the outcome.
pub(super) async fn verify(
    app: &AppState,
    auth: &Authenticated,
    entity: i64,
    (name, file): (String, Vec<u8>),
) -> Result<Response, WebError> {
    let (clock, shown_name) = (app.clock, name.clone());
    // The zip goes to disk before a database connection is taken for the check.
    let tmp = tokio::task::spawn_blocking(move || {
        let mut tmp = tempfile::NamedTempFile::new()?;
        std::io::Write::write_all(&mut tmp, &file)?;
        Ok::<_, std::io::Error>(tmp)
    })
    .await
    .map_err(WebError::internal)?
    .map_err(WebError::internal)?;
    let outcome = app
        .db
        .run(move |c| check(c, entity, (&name, tmp.path()), clock))
        .await?;
    let (status, refused, mut report) = match outcome {
        Ok(r) => (StatusCode::OK, None, r),
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(format!("{}: {}", e.code, e.message)),
            Report::default(),
        ),
    };
    let hidden = report.rejects.len().saturating_sub(SHOWN);
    report.rejects.truncate(SHOWN);
    let page = CheckPage {
        nav: Nav::new(auth, "flussi"),
        name: shown_name,
        refused,
        report,
        hidden,
    };
    Ok((status, Html(page.render()?)).into_response())
}
