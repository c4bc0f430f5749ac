//! The form designer of a spontaneous due type, without JavaScript: one row per field
//! (name, label, type, required, pattern, length or range, options, help, order, remove)
//! plus blank rows to add fields; "Anteprima" renders the payer's form from the rows
//! without saving, "Salva" stores them as the form's next revision.

use super::due_types::{render, visible, Shown};
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::db::models::due_type_admin::DueTypeSettings;
use crate::domain::form::{FieldDef, FieldKind, FormDefinition};
use crate::due_types::{self, DueTypeError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

/// Blank rows offered for new fields.
const BLANK_ROWS: usize = 2;

/// One row of the designer.
#[derive(Debug, Clone, Default)]
pub struct FieldRow {
    /// Position of the row in the table (names its inputs).
    pub index: usize,
    /// Order typed (1, 2, ...).
    pub order: usize,
    /// Key.
    pub name: String,
    /// Label.
    pub label: String,
    /// Help text.
    pub help: String,
    /// Kind code.
    pub kind: &'static str,
    /// Required.
    pub required: bool,
    /// Pattern.
    pub pattern: String,
    /// Longest text.
    pub max_length: String,
    /// Smallest number.
    pub min: String,
    /// Largest number.
    pub max: String,
    /// Options, one per line.
    pub options: String,
}

/// One field of the preview.
#[derive(Debug, Clone)]
pub struct PreviewField {
    /// Input id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Help.
    pub help: String,
    /// `text`, `number`, `date`, `email` or `select`.
    pub input: &'static str,
    /// Required.
    pub required: bool,
    /// A select's options.
    pub options: Vec<String>,
}

/// What the designer shows.
#[derive(Debug, Clone, Default)]
pub struct DesignerView {
    /// Revision stored (0: none yet, or a list stored before revisions).
    pub version: u32,
    /// The rows.
    pub rows: Vec<FieldRow>,
    /// The payer's form as the rows describe it.
    pub preview: Vec<PreviewField>,
    /// Whether `preview` shows unsaved rows.
    pub unsaved: bool,
    /// The kinds offered: (code, label).
    pub kinds: Vec<(&'static str, &'static str)>,
}

fn row(index: usize, f: &FieldDef) -> FieldRow {
    let text = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    FieldRow {
        index,
        order: index + 1,
        name: f.name.clone(),
        label: f.label.clone(),
        help: f.help.clone(),
        kind: f.kind.code(),
        required: f.required,
        pattern: f.pattern.clone().unwrap_or_default(),
        max_length: f.max_length.map(|m| m.to_string()).unwrap_or_default(),
        min: text(f.min),
        max: text(f.max),
        options: f.options.join("\n"),
    }
}

fn preview(fields: &[FieldDef]) -> Vec<PreviewField> {
    fields
        .iter()
        .map(|f| PreviewField {
            id: format!("anteprima-{}", f.name),
            label: f.label.clone(),
            help: f.help.clone(),
            input: match f.kind {
                FieldKind::Number => "number",
                FieldKind::Date => "date",
                FieldKind::Email => "email",
                FieldKind::Select => "select",
                FieldKind::Text | FieldKind::FiscalCode => "text",
            },
            required: f.required,
            options: f.options.clone(),
        })
        .collect()
}

/// The designer of `fields` at `version`, with blank rows after them.
fn view(version: u32, fields: &[FieldDef], rows: Vec<FieldRow>, unsaved: bool) -> DesignerView {
    let mut rows = rows;
    let start = rows.len();
    rows.extend((start..start + BLANK_ROWS).map(|index| FieldRow {
        index,
        order: index + 1,
        kind: FieldKind::Text.code(),
        ..FieldRow::default()
    }));
    DesignerView {
        version,
        rows,
        preview: preview(fields),
        unsaved,
        kinds: FieldKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
    }
}

/// The designer of the stored form.
pub fn stored(d: &DueTypeSettings) -> DesignerView {
    let form = FormDefinition::parse(d.form_fields.as_deref()).unwrap_or_default();
    let rows = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| row(i, f))
        .collect();
    view(form.version, &form.fields, rows, false)
}

/// Reads the rows posted (`f{i}_{what}`), in the order typed, without the removed and
/// blank ones; the rows come back as typed to re-show them.
fn read_rows(posted: &HashMap<String, String>) -> (Vec<FieldRow>, Result<Vec<FieldDef>, String>) {
    let get = |i: usize, what: &str| {
        posted
            .get(&format!("f{i}_{what}"))
            .map(|v| v.trim().to_owned())
    };
    let mut rows = Vec::new();
    for i in 0..crate::domain::form::MAX_FIELDS + BLANK_ROWS {
        let (Some(name), Some(label)) = (get(i, "name"), get(i, "label")) else {
            continue;
        };
        if (name.is_empty() && label.is_empty()) || get(i, "remove").is_some() {
            continue;
        }
        rows.push(FieldRow {
            index: rows.len(),
            order: get(i, "order")
                .and_then(|o| o.parse().ok())
                .unwrap_or(i + 1),
            kind: get(i, "type")
                .and_then(|k| FieldKind::from_code(&k))
                .unwrap_or(FieldKind::Text)
                .code(),
            name,
            label,
            help: get(i, "help").unwrap_or_default(),
            required: get(i, "required").is_some(),
            pattern: get(i, "pattern").unwrap_or_default(),
            max_length: get(i, "max_length").unwrap_or_default(),
            min: get(i, "min").unwrap_or_default(),
            max: get(i, "max").unwrap_or_default(),
            options: get(i, "options").unwrap_or_default(),
        });
    }
    rows.sort_by_key(|r| r.order);
    for (i, r) in rows.iter_mut().enumerate() {
        (r.index, r.order) = (i, i + 1);
    }
    let fields = rows.iter().map(field).collect();
    (rows, fields)
}

/// The field a row describes, or why its limits cannot be read.
fn field(r: &FieldRow) -> Result<FieldDef, String> {
    let blank = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    let number = |s: &str| match blank(s) {
        None => Ok(None),
        Some(v) => Decimal::from_str(&v.replace(',', "."))
            .map(Some)
            .map_err(|_| format!("campo [{}]: {v} non è un numero", r.name)),
    };
    let max_length = match blank(&r.max_length) {
        None => None,
        Some(v) => Some(
            v.parse()
                .map_err(|_| format!("campo [{}]: lunghezza {v} non valida", r.name))?,
        ),
    };
    Ok(FieldDef {
        name: r.name.clone(),
        label: r.label.clone(),
        help: r.help.clone(),
        kind: FieldKind::from_code(r.kind).unwrap_or(FieldKind::Text),
        required: r.required,
        pattern: blank(&r.pattern),
        max_length,
        min: number(&r.min)?,
        max: number(&r.max)?,
        options: r
            .options
            .lines()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// `POST /admin/due-types/{id}/form`: preview (`action=preview`) or save the rows.
pub async fn post(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let posted: HashMap<String, String> = pairs.into_iter().collect();
    auth.check_csrf(posted.get("csrf").map_or("", String::as_str))?;
    let (current, _, can_edit) = visible(&app, &auth, id).await?;
    if !can_edit {
        return Err(WebError::Forbidden);
    }
    let (rows, fields) = read_rows(&posted);
    let version = FormDefinition::parse(current.form_fields.as_deref()).map_or(0, |f| f.version);
    let refused = |text: String, shown: &[FieldDef]| {
        let v = view(version, shown, rows.clone(), true);
        (v, text)
    };
    let (designer, error) = match fields {
        Err(text) => refused(text, &[]),
        Ok(fields) if posted.get("action").map(String::as_str) == Some("preview") => {
            let v = view(version, &fields, rows.clone(), true);
            let status = StatusCode::OK;
            return render(
                &app,
                &auth,
                id,
                Shown {
                    designer: Some(v),
                    ..Shown::default()
                },
                (status, None),
            )
            .await;
        }
        Ok(fields) => {
            let now = app.now();
            let keep = fields.clone();
            let before = current.clone();
            let saved = app
                .db
                .run(move |c| Ok(due_types::save_form(c, &current, fields, now)))
                .await?;
            match saved {
                Ok(_) => {
                    let action = ("tipo-dovuto.modulo", id);
                    super::due_types::audited(&app, &auth, action, Some(&before)).await;
                    let to = format!("/admin/due-types/{id}#modulo");
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(DueTypeError::Db(e)) => return Err(e.into()),
                Err(refusal) => refused(refusal.to_string(), &keep),
            }
        }
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(
        &app,
        &auth,
        id,
        Shown {
            designer: Some(designer),
            ..Shown::default()
        },
        (status, Some(&error)),
    )
    .await
}
