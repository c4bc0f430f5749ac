//! The default bilancio of a due type, on its page: one row per assessment (chapter,
//! office, assessment, amount or `TOTALE`) plus blank rows to add some; saving all rows
//! blank removes the default. Positions that arrive without a bilancio — through the web
//! services, flussi, the back office or paDemandPaymentNotice — receive it.

use super::due_types::{render, visible, Shown};
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::db::models::due_type_admin::DueTypeSettings;
use crate::domain::bilancio::{RawLine, Share, LINES_MAX};
use crate::due_types::{self, DueTypeError};
use crate::format::euro_input;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::HashMap;

/// Blank rows offered for new lines.
const BLANK_ROWS: usize = 2;

/// One row of the table.
#[derive(Debug, Clone, Default)]
pub struct LineRow {
    /// Position in the table (names its inputs).
    pub index: usize,
    /// Chapter code.
    pub chapter: String,
    /// Office code.
    pub office: String,
    /// Assessment code.
    pub assessment: String,
    /// Amount in euro, or `TOTALE`.
    pub share: String,
}

fn with_blanks(mut rows: Vec<LineRow>) -> Vec<LineRow> {
    let start = rows.len();
    let blanks = BLANK_ROWS.min(LINES_MAX.saturating_sub(start));
    rows.extend((start..start + blanks).map(|index| LineRow {
        index,
        ..LineRow::default()
    }));
    rows
}

/// The rows of due type `d`'s stored default, and blank ones.
pub fn stored(d: &DueTypeSettings) -> Vec<LineRow> {
    let mut rows = Vec::new();
    for c in due_types::default_bilancio(d)
        .iter()
        .flat_map(|b| b.chapters())
    {
        for a in &c.assessments {
            rows.push(LineRow {
                index: rows.len(),
                chapter: c.code.clone(),
                office: c.office.clone().unwrap_or_default(),
                assessment: a.code.clone().unwrap_or_default(),
                share: match a.amount {
                    Share::Fixed(f) => euro_input(f.cents()),
                    Share::Rest => crate::domain::bilancio::REST.to_owned(),
                },
            });
        }
    }
    with_blanks(rows)
}

/// The rows as posted (`b{i}_capitolo`, `b{i}_ufficio`, `b{i}_accertamento`,
/// `b{i}_importo`), in table order; a few more than the limit are read so that a
/// table too long is refused rather than cut.
fn posted(form: &HashMap<String, String>) -> Vec<LineRow> {
    let get = |i: usize, k: &str| form.get(&format!("b{i}_{k}")).cloned().unwrap_or_default();
    (0..LINES_MAX + BLANK_ROWS + 1)
        .map(|index| LineRow {
            index,
            chapter: get(index, "capitolo"),
            office: get(index, "ufficio"),
            assessment: get(index, "accertamento"),
            share: get(index, "importo"),
        })
        .collect()
}

/// `POST /admin/due-types/{id}/bilancio`: an administrator of the entity saves the
/// default; a refusal shows the rows again as typed, with the reason.
pub async fn post(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    auth.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let (current, _, can_edit) = visible(&app, &auth, id).await?;
    if !can_edit {
        return Err(WebError::Forbidden);
    }
    let rows = posted(&form);
    let typed = rows.clone();
    let (before, now) = (current.clone(), app.now());
    let saved = app
        .db
        .run(move |c| {
            let lines: Vec<RawLine<'_>> = typed
                .iter()
                .map(|r| RawLine {
                    chapter: &r.chapter,
                    office: &r.office,
                    assessment: &r.assessment,
                    share: &r.share,
                })
                .collect();
            Ok(due_types::set_default_bilancio(c, &current, &lines, now))
        })
        .await?;
    match saved {
        Ok(()) => {
            let action = ("tipo-dovuto.bilancio", id);
            super::due_types::audited(&app, &auth, action, Some(&before)).await;
            Ok(Redirect::to(&format!("/admin/due-types/{id}#bilancio")).into_response())
        }
        Err(DueTypeError::Db(e)) => Err(e.into()),
        Err(DueTypeError::Unknown) => Err(WebError::NotFound),
        Err(refusal) => {
            let text = refusal.to_string();
            // The rows keep their numbers (the reason names them); blank ones at the end
            // give way to the usual blank rows.
            let filled = |r: &LineRow| {
                [&r.chapter, &r.office, &r.assessment, &r.share]
                    .iter()
                    .any(|s| !s.trim().is_empty())
            };
            let mut rows = rows;
            let last = rows.iter().rposition(filled).map_or(0, |i| i + 1);
            rows.truncate(last);
            let shown = Shown {
                bilancio: Some(with_blanks(rows)),
                ..Shown::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&app, &auth, id, shown, (status, Some(&text))).await
        }
    }
}
