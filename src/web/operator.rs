//! `/admin/operators/{id}`: an administrator changes an account it manages — name, e-mail,
//! role, the entity and the due types it works on (`accounts::update_managed`). An account
//! outside what one manages is 404; someone who manages no account gets 403.

use super::admin::Nav;
use super::audit::Audit;
use super::operators::{entity_choices, managed, role_choices, AccountFields};
use super::session::Authenticated;
use super::WebError;
use crate::accounts::{self, AccountError, Changes, Managed};
use crate::app::AppState;
use crate::db::models::{operator, operator_grants};
use crate::db::{AnyConnection, DbError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

/// The edit form, as typed (or as the account is now).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    account: AccountFields,
}

#[derive(Template)]
#[template(path = "operator.html")]
struct EditPage<'a> {
    nav: Nav,
    id: i64,
    username: String,
    f: &'a EditForm,
    roles: Vec<(&'static str, &'static str)>,
    entities: Vec<(String, String)>,
    own: bool,
    error: Option<&'a str>,
}

/// Account `id` as `m` may change it, with its form filled as it is now.
fn current(
    c: &mut AnyConnection,
    m: &Managed,
    id: i64,
) -> Result<Option<(operator::Operator, EditForm)>, DbError> {
    let Some(op) = operator::by_id(c, id)? else {
        return Ok(None);
    };
    if !m.covers(c, &op)? {
        return Ok(None);
    }
    let role = accounts::role_of(c, &op)?;
    let grants = operator_grants::of(c, id)?;
    let shown = grants
        .into_iter()
        .find(|g| m.entities().is_none_or(|ids| ids.contains(&g.entity_id)));
    let account = AccountFields {
        full_name: op.full_name.clone(),
        email: op.email.clone().unwrap_or_default(),
        role: role.name().into(),
        entity: shown
            .as_ref()
            .map(|g| g.cod_ipa.clone())
            .unwrap_or_default(),
        due_types: shown.and_then(|g| g.only).unwrap_or_default().join(", "),
    };
    let f = EditForm {
        account,
        ..EditForm::default()
    };
    Ok(Some((op, f)))
}

async fn render(
    app: &AppState,
    auth: &Authenticated,
    id: i64,
    typed: Option<&EditForm>,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    let m = managed(app, auth).await?;
    let all = m == Managed::All;
    let (found, entities) = app
        .db
        .run(move |c| Ok((current(c, &m, id)?, entity_choices(c, &m)?)))
        .await?;
    let (op, now) = found.ok_or(WebError::NotFound)?;
    let page = EditPage {
        nav: Nav::new(auth, "operators"),
        id,
        own: op.id == auth.operator.id,
        username: op.username,
        f: typed.unwrap_or(&now),
        roles: role_choices(all),
        entities,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/operators/{id}`.
pub async fn page(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    render(&app, &auth, id, None, (StatusCode::OK, None)).await
}

/// `POST /admin/operators/{id}`: the account changes; back to the list.
pub async fn update(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    let m = managed(&app, &auth).await?;
    let role = f.account.role()?;
    let (actor, m2, typed) = (auth.operator.clone(), m.clone(), f.account.clone());
    let changed = app
        .db
        .run(move |c| {
            let before = current(c, &m2, id)?.map(|(_, f)| f.account);
            let due_types = typed.codes();
            let changes = Changes {
                full_name: &typed.full_name,
                email: Some(typed.email.as_str()),
                role,
                entity: typed.entity(),
                due_types: &due_types,
            };
            let changed = accounts::update_managed(c, (&actor, &m2), id, &changes);
            Ok(changed.map(|done| (done, before)))
        })
        .await?;
    match changed {
        Ok((true, before)) => {
            let values = (
                before.and_then(|b| serde_json::to_value(b).ok()),
                serde_json::to_value(&f.account).ok(),
            );
            audited(
                &app,
                &auth,
                &m,
                ("operatore.modifica", Account::Id(id)),
                values,
            )
            .await;
            Ok(Redirect::to("/admin/operators").into_response())
        }
        Ok((false, _)) => Err(WebError::NotFound),
        Err(AccountError::Db(e)) => Err(e.into()),
        Err(AccountError::NotAllowed) => Err(WebError::Forbidden),
        Err(refusal) => {
            let text = refusal.to_string();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&app, &auth, id, Some(&f), (status, Some(&text))).await
        }
    }
}

/// An account the audit trail names: by id, or by login name (just created).
pub(super) enum Account {
    /// Row id.
    Id(i64),
    /// Login name.
    Named(String),
}

/// Writes to the audit trail that `action` was done to `account`, with its values before
/// and after; the entry's entity is the first one it is granted among those `m` manages.
pub(super) async fn audited(
    app: &AppState,
    auth: &Authenticated,
    m: &Managed,
    (action, account): (&'static str, Account),
    (before, after): (Option<serde_json::Value>, Option<serde_json::Value>),
) {
    let m = m.clone();
    let found = app
        .db
        .run(move |c| {
            let op = match account {
                Account::Id(id) => operator::by_id(c, id)?,
                Account::Named(name) => operator::by_username(c, &name)?,
            };
            let Some(op) = op else { return Ok(None) };
            let granted = operator::granted_entities(c, op.id)?;
            let entity = granted
                .into_iter()
                .find(|e| m.entities().is_none_or(|ids| ids.contains(e)));
            Ok(Some((op.username, entity)))
        })
        .await;
    let Ok(Some((username, entity))) = found else {
        return;
    };
    let mut a = Audit::new(action, format!("utente {username}"));
    if let Some(e) = entity {
        a = a.entity(e);
    }
    if let Some(b) = before {
        a = a.before(&b);
    }
    if let Some(v) = after {
        a = a.after(&v);
    }
    auth.audit(app, a).await;
}
