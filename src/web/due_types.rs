//! `/admin/due-types`: every visible due type; an entity's administrators create one,
//! change its settings and activate or deactivate it from its page (`/admin/due-types/{id}`),
//! where spontaneous ones also get their form (`web::form_designer`). Operators read; a
//! due type outside what one sees is 404.

use super::admin::Nav;
use super::audit::Audit;
use super::bilancio_default::{self, LineRow};
use super::entity::manages;
use super::form_designer::{self, DesignerView};
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::db::models::due_type_admin::{self, DueTypeSettings};
use crate::db::models::{operator, registry};
use crate::db::{AnyConnection, DbError};
use crate::domain::due_type::RawSettings;
use crate::due_types::{self, DueTypeError, DueTypeForm};
use crate::format::euro;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

struct DueTypeView {
    id: i64,
    entity: String,
    code: String,
    description: String,
    iban: String,
    postal: bool,
    collection_data: String,
    spontaneous: bool,
    amount: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "due_types.html")]
struct DueTypesPage<'a> {
    nav: Nav,
    rows: Vec<DueTypeView>,
    entities: Vec<(i64, String)>,
    d: DueTypeSettings,
    amount: String,
    error: Option<&'a str>,
}

/// The entities `auth` administers, as form choices.
fn managed_choices(
    c: &mut AnyConnection,
    auth_op: &operator::Operator,
    scope: &crate::db::models::Scope,
) -> Result<Vec<(i64, String)>, DbError> {
    let mut all = registry::entity_choices(c, scope)?;
    if !auth_op.is_admin() {
        let managed = operator::managed_entities(c, auth_op.id)?;
        all.retain(|(id, _)| managed.contains(id));
    }
    Ok(all)
}

async fn list(
    app: &AppState,
    auth: &Authenticated,
    typed: Option<&SettingsForm>,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    let op = auth.operator.clone();
    let (rows, entities) = auth
        .query(app, move |c, scope| {
            Ok((
                registry::list_due_types(c, scope)?,
                managed_choices(c, &op, scope)?,
            ))
        })
        .await?;
    let rows = rows
        .into_iter()
        .map(|(d, entity)| DueTypeView {
            id: d.id,
            entity,
            iban: d.bank_iban.or(d.postal_iban.clone()).unwrap_or_default(),
            postal: d.postal_iban.is_some(),
            amount: d.fixed_amount_cents.map_or_else(|| "libero".into(), euro),
            code: d.code,
            description: d.description,
            collection_data: d.collection_data,
            spontaneous: d.spontaneous,
            active: d.active,
        })
        .collect();
    let page = DueTypesPage {
        nav: Nav::new(auth, "due-types"),
        rows,
        entities,
        d: typed.map(SettingsForm::as_typed).unwrap_or_default(),
        amount: typed.map(|t| t.fixed_amount.clone()).unwrap_or_default(),
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/due-types`.
pub async fn page(State(app): State<AppState>, auth: Authenticated) -> Result<Response, WebError> {
    list(&app, &auth, None, (StatusCode::OK, None)).await
}

/// The settings form (creation adds `entity` and `code`).
#[derive(Debug, Clone, Deserialize, Default)]
pub struct SettingsForm {
    csrf: String,
    #[serde(default)]
    entity: Option<i64>,
    #[serde(default)]
    code: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    bank_iban: String,
    #[serde(default)]
    postal_iban: String,
    #[serde(default)]
    postal_holder: String,
    #[serde(default)]
    collection_data: String,
    #[serde(default)]
    fixed_amount: String,
    #[serde(default)]
    node_service_id: String,
    #[serde(default)]
    spontaneous: Option<String>,
    #[serde(default)]
    due_date_required: Option<String>,
}

impl SettingsForm {
    /// The settings as typed, to show them again with the refusal.
    fn as_typed(&self) -> DueTypeSettings {
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        DueTypeSettings {
            entity_id: self.entity.unwrap_or_default(),
            code: self.code.clone(),
            description: self.description.clone(),
            bank_iban: text(&self.bank_iban),
            postal_iban: text(&self.postal_iban),
            postal_account_holder: text(&self.postal_holder),
            collection_data: self.collection_data.clone(),
            spontaneous: self.spontaneous.is_some(),
            due_date_required: self.due_date_required.is_some(),
            node_service_id: text(&self.node_service_id),
            ..DueTypeSettings::default()
        }
    }

    fn typed(&self) -> DueTypeForm<'_> {
        DueTypeForm {
            settings: RawSettings {
                description: &self.description,
                bank_iban: &self.bank_iban,
                postal_iban: &self.postal_iban,
                postal_holder: &self.postal_holder,
                collection_data: &self.collection_data,
                fixed_amount: &self.fixed_amount,
                node_service_id: &self.node_service_id,
            },
            spontaneous: self.spontaneous.is_some(),
            due_date_required: self.due_date_required.is_some(),
        }
    }
}

/// `POST /admin/due-types`: an entity's administrator creates a due type (inactive).
pub async fn create(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(f): Form<SettingsForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    let entity = f
        .entity
        .ok_or_else(|| WebError::BadRequest("Ente mancante.".into()))?;
    if !auth.scope.sees_entity(entity) {
        return Err(WebError::NotFound);
    }
    let (op, now) = (auth.operator.clone(), app.now());
    let typed = SettingsForm {
        csrf: String::new(),
        ..f.clone()
    };
    let created = app
        .db
        .run(move |c| {
            if !manages(c, &op, entity)? {
                return Ok(Err(WebError::Forbidden));
            }
            Ok(Ok(due_types::create(c, entity, &f.code, &f.typed(), now)))
        })
        .await??;
    let f = typed;
    match created {
        Ok(id) => {
            audited(&app, &auth, ("tipo-dovuto.crea", id), None).await;
            Ok(Redirect::to(&format!("/admin/due-types/{id}")).into_response())
        }
        Err(DueTypeError::Db(e)) => Err(e.into()),
        Err(refusal) => {
            let text = refusal.to_string();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            list(&app, &auth, Some(&f), (status, Some(&text))).await
        }
    }
}

#[derive(Template)]
#[template(path = "due_type.html")]
struct DueTypePage<'a> {
    nav: Nav,
    d: DueTypeSettings,
    entity: String,
    amount: String,
    can_edit: bool,
    designer: DesignerView,
    bilancio: Vec<LineRow>,
    error: Option<&'a str>,
}

/// What the due type's page shows instead of what is stored: unsaved designer rows or
/// bilancio rows, as typed.
#[derive(Debug, Default)]
pub(super) struct Shown {
    /// The form designer's rows.
    pub designer: Option<DesignerView>,
    /// The default bilancio's rows.
    pub bilancio: Option<Vec<LineRow>>,
}

/// A due type the operator sees: its settings, its entity's name and whether the
/// operator administers it; 404 otherwise.
pub(super) async fn visible(
    app: &AppState,
    auth: &Authenticated,
    id: i64,
) -> Result<(DueTypeSettings, String, bool), WebError> {
    let op = auth.operator.clone();
    let found = auth
        .query(app, move |c, scope| {
            let Some(d) = due_type_admin::settings(c, id)? else {
                return Ok(None);
            };
            if !scope.sees_due_type(d.entity_id, d.id) {
                return Ok(None);
            }
            let (_, name) = registry::entity_names(c, d.entity_id)?;
            let edit = manages(c, &op, d.entity_id)?;
            Ok(Some((d, name, edit)))
        })
        .await?;
    found.ok_or(WebError::NotFound)
}

/// Renders due type `id`'s page (with what is `shown` instead of what is stored).
pub(super) async fn render(
    app: &AppState,
    auth: &Authenticated,
    id: i64,
    shown: Shown,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    let (d, entity, can_edit) = visible(app, auth, id).await?;
    let designer = shown.designer.unwrap_or_else(|| form_designer::stored(&d));
    let bilancio = shown
        .bilancio
        .unwrap_or_else(|| bilancio_default::stored(&d));
    let page = DueTypePage {
        nav: Nav::new(auth, "due-types"),
        amount: d
            .fixed_amount_cents
            .map(crate::format::euro_input)
            .unwrap_or_default(),
        d,
        entity,
        can_edit,
        designer,
        bilancio,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/due-types/{id}`.
pub async fn detail(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    render(&app, &auth, id, Shown::default(), (StatusCode::OK, None)).await
}

/// Writes to the audit trail that `action` changed due type `id`, `before` as it was
/// (`None`: just created).
pub(super) async fn audited(
    app: &AppState,
    auth: &Authenticated,
    (action, id): (&'static str, i64),
    before: Option<&DueTypeSettings>,
) {
    let after = app.db.run(move |c| due_type_admin::settings(c, id)).await;
    let Ok(Some(after)) = after else { return };
    let mut a = Audit::new(action, format!("tipo dovuto {}", after.code)).entity(after.entity_id);
    if let Some(b) = before {
        a = a.before(b);
    }
    auth.audit(app, a.after(&after)).await;
}

/// Runs `f` on due type `id` for an administrator of its entity (checked CSRF, 404 when
/// not visible, 403 when only visible) and audits it as `action`; a refusal re-renders
/// the page with 422.
async fn as_manager(
    app: &AppState,
    auth: &Authenticated,
    (id, csrf, action): (i64, &str, &'static str),
    f: impl FnOnce(&mut AnyConnection, &DueTypeSettings) -> Result<(), DueTypeError> + Send + 'static,
) -> Result<Response, WebError> {
    auth.check_csrf(csrf)?;
    let (current, _, can_edit) = visible(app, auth, id).await?;
    if !can_edit {
        return Err(WebError::Forbidden);
    }
    let before = current.clone();
    match app.db.run(move |c| Ok(f(c, &current))).await? {
        Ok(()) => {
            audited(app, auth, (action, id), Some(&before)).await;
            Ok(Redirect::to(&format!("/admin/due-types/{id}")).into_response())
        }
        Err(DueTypeError::Db(e)) => Err(e.into()),
        Err(DueTypeError::Unknown) => Err(WebError::NotFound),
        Err(refusal) => {
            let text = refusal.to_string();
            render(
                app,
                auth,
                id,
                Shown::default(),
                (StatusCode::UNPROCESSABLE_ENTITY, Some(&text)),
            )
            .await
        }
    }
}

/// `POST /admin/due-types/{id}`: its settings change.
pub async fn update(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, WebError> {
    let (csrf, now) = (f.csrf.clone(), app.now());
    as_manager(
        &app,
        &auth,
        (id, &csrf, "tipo-dovuto.modifica"),
        move |c, current| due_types::update(c, current, &f.typed(), now),
    )
    .await
}

/// The activation form.
#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    csrf: String,
    active: bool,
}

/// `POST /admin/due-types/{id}/active`: activated (with an account) or deactivated.
pub async fn set_active(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, WebError> {
    let now = app.now();
    as_manager(
        &app,
        &auth,
        (id, &f.csrf, "tipo-dovuto.attivo"),
        move |c, current| due_types::set_active(c, current, f.active, now),
    )
    .await
}
