//! `/admin/operators`: region administrators manage every account, entity administrators
//! those of their entities: create one (its temporary password shown once), disable or
//! enable it, reset its password. Anyone else gets 403; an account outside what one
//! manages is 404.

use super::admin::Nav;
use super::auth::CsrfForm;
use super::operator::{audited, Account};
use super::session::Authenticated;
use super::view::rome_time;
use super::WebError;
use crate::accounts::{self, AccountError, Link, Managed, NewAccount, Role};
use crate::app::AppState;
use crate::db::models::{operator, registry};
use crate::db::{AnyConnection, DbError};
use crate::domain::random::RandomSource;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDateTime;
use serde::Deserialize;
use serde_json::json;

struct OperatorView {
    id: i64,
    username: String,
    full_name: String,
    role: &'static str,
    entities: String,
    last_login: String,
    active: bool,
    must_change: bool,
}

impl OperatorView {
    fn new(l: operator::Listed) -> Self {
        let manages = l.grants.iter().any(|g| g.2);
        let role = match (l.operator.is_admin(), manages) {
            (true, _) => "Amministratore regionale",
            (false, true) => "Amministratore di ente",
            (false, false) => "Operatore",
        };
        let names: Vec<&str> = l.grants.iter().map(|g| g.1.as_str()).collect();
        Self {
            id: l.operator.id,
            role,
            entities: names.join(", "),
            last_login: l
                .last_login_at
                .as_ref()
                .map_or_else(|| "mai".into(), rome_time),
            active: l.operator.active,
            must_change: l.operator.must_change_password,
            username: l.operator.username,
            full_name: l.operator.full_name,
        }
    }
}

#[derive(Template)]
#[template(path = "operators.html")]
struct OperatorsPage<'a> {
    nav: Nav,
    rows: Vec<OperatorView>,
    entities: Vec<(String, String)>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "operator_password.html")]
struct PasswordShown<'a> {
    nav: Nav,
    username: &'a str,
    password: Option<&'a str>,
    invited: Option<&'a str>,
}

/// What the operator manages, or 403.
pub(super) async fn managed(app: &AppState, auth: &Authenticated) -> Result<Managed, WebError> {
    let op = auth.operator.clone();
    app.db
        .run(move |c| Managed::of(c, &op))
        .await?
        .ok_or(WebError::Forbidden)
}

async fn render(
    app: &AppState,
    auth: &Authenticated,
    m: Managed,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    let all = m == Managed::All;
    let (rows, entities) = app
        .db
        .run(move |c| Ok((operator::list(c, m.entities())?, entity_choices(c, &m)?)))
        .await?;
    let roles = role_choices(all);
    let page = OperatorsPage {
        nav: Nav::new(auth, "operators"),
        rows: rows.into_iter().map(OperatorView::new).collect(),
        entities,
        roles,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The entities whose accounts `m` manages: (IPA code, name).
pub(super) fn entity_choices(
    c: &mut AnyConnection,
    m: &Managed,
) -> Result<Vec<(String, String)>, DbError> {
    let entities = registry::list_entities(c, &m.scope())?;
    Ok(entities.into_iter().map(|e| (e.cod_ipa, e.name)).collect())
}

/// The roles offered: a region administrator's only to a region administrator (`all`).
pub(super) fn role_choices(all: bool) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .into_iter()
        .filter(|r| all || *r != Role::RegionAdmin)
        .map(|r| (r.name(), role_label(r)))
        .collect()
}

fn role_label(r: Role) -> &'static str {
    match r {
        Role::RegionAdmin => "Amministratore regionale",
        Role::EntityAdmin => "Amministratore di ente",
        Role::EntityOperator => "Operatore di ente",
    }
}

/// `GET /admin/operators`.
pub async fn page(State(app): State<AppState>, auth: Authenticated) -> Result<Response, WebError> {
    let m = managed(&app, &auth).await?;
    render(&app, &auth, m, (StatusCode::OK, None)).await
}

/// What an account is, as the new-account and edit forms type it.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct AccountFields {
    pub(super) full_name: String,
    #[serde(default)]
    pub(super) email: String,
    pub(super) role: String,
    #[serde(default)]
    pub(super) entity: String,
    /// Due type codes, separated by commas or spaces (entity operators; empty: all).
    #[serde(default)]
    pub(super) due_types: String,
}

impl AccountFields {
    /// The role asked for (400 when unknown).
    pub(super) fn role(&self) -> Result<Role, WebError> {
        Role::parse(&self.role).ok_or_else(|| WebError::BadRequest("Ruolo non valido.".into()))
    }

    /// The entity's IPA code, when one is chosen.
    pub(super) fn entity(&self) -> Option<&str> {
        Some(self.entity.trim()).filter(|e| !e.is_empty())
    }

    /// The due type codes, separated by commas or spaces.
    pub(super) fn codes(&self) -> Vec<String> {
        self.due_types
            .split(|ch: char| ch == ',' || ch.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The new-account form.
#[derive(Debug, Deserialize)]
pub struct NewForm {
    csrf: String,
    username: String,
    /// `invito`: an e-mail link; otherwise a temporary password shown now.
    #[serde(default)]
    delivery: String,
    #[serde(flatten)]
    account: AccountFields,
}

/// `POST /admin/operators`: creates an account and shows its temporary password once, or
/// sends its holder an invitation by e-mail.
pub async fn create(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(f): Form<NewForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    let m = managed(&app, &auth).await?;
    let role = f.account.role()?;
    let after = f.account.clone();
    let (random, now, m2) = (app.random.clone(), app.now(), m.clone());
    let link = (app.public_base.clone(), app.config.mail.invite_ttl_hours);
    let created = app
        .db
        .run(move |c| {
            let link = Link {
                public_base: &link.0,
                ttl_hours: link.1,
            };
            new_account(c, &m2, role, &f, (random.as_ref(), link, now))
        })
        .await?;
    match created {
        Ok((username, delivered)) => {
            let values = (None, serde_json::to_value(&after).ok());
            let account = Account::Named(username.clone());
            audited(&app, &auth, &m, ("operatore.crea", account), values).await;
            shown(&auth, &username, &delivered)
        }
        Err(None) => Err(WebError::Forbidden),
        Err(Some(refusal)) => refused(&app, &auth, m, refusal).await,
    }
}

/// How a new account's holder gets in.
pub(super) enum Delivered {
    /// With this temporary password, shown once.
    Password(String),
    /// Through the invitation sent to this address.
    Invited(String),
}

/// A new account's login name and how its holder gets in, or why not (`None`: not
/// allowed).
type Created = Result<(String, Delivered), Option<AccountError>>;

/// Creates the account the form asks for, if `m` may: `Err(None)` when it may not,
/// `Err(Some(_))` for what the account's rules refuse.
fn new_account(
    c: &mut AnyConnection,
    m: &Managed,
    role: Role,
    f: &NewForm,
    (random, link, now): (&dyn RandomSource, Link<'_>, NaiveDateTime),
) -> Result<Created, DbError> {
    let cod = f.account.entity();
    let entity = match cod {
        None => None,
        Some(cod) => registry::entity_by_cod_ipa(c, cod)?.map(|e| e.id),
    };
    // Without a known entity the account's own rules say what is missing.
    let refused = match entity {
        Some(_) => !m.may_create(role, entity),
        None => role == Role::RegionAdmin && !m.may_create(role, None),
    };
    if refused {
        return Ok(Err(None));
    }
    let due_types = f.account.codes();
    let account = NewAccount {
        username: &f.username,
        full_name: &f.account.full_name,
        email: Some(f.account.email.as_str()),
        role,
        entity: cod,
        due_types: &due_types,
    };
    let name = f.username.trim().to_lowercase();
    let delivered = if f.delivery == "invito" {
        accounts::invite(c, &account, (random, link), now)
            .map(|_| Delivered::Invited(f.account.email.trim().to_owned()))
    } else {
        accounts::create_with_temporary_password(c, &account, random, now).map(Delivered::Password)
    };
    Ok(delivered.map(|d| (name, d)).map_err(Some))
}

/// The page again with the refusal (a database failure is an error page).
async fn refused(
    app: &AppState,
    auth: &Authenticated,
    m: Managed,
    refusal: AccountError,
) -> Result<Response, WebError> {
    if let AccountError::Db(e) = refusal {
        return Err(e.into());
    }
    let text = refusal.to_string();
    render(
        app,
        auth,
        m,
        (StatusCode::UNPROCESSABLE_ENTITY, Some(&text)),
    )
    .await
}

pub(super) fn shown(
    auth: &Authenticated,
    username: &str,
    delivered: &Delivered,
) -> Result<Response, WebError> {
    let (password, invited) = match delivered {
        Delivered::Password(p) => (Some(p.as_str()), None),
        Delivered::Invited(to) => (None, Some(to.as_str())),
    };
    let page = PasswordShown {
        nav: Nav::new(auth, "operators"),
        username,
        password,
        invited,
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /admin/operators/{id}/disable` and `/enable`.
pub async fn set_active(
    State(app): State<AppState>,
    auth: Authenticated,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    let active = match action.as_str() {
        "enable" => true,
        "disable" => false,
        _ => return Err(WebError::NotFound),
    };
    let m = managed(&app, &auth).await?;
    let (actor, m2) = (auth.operator.clone(), m.clone());
    let changed = app
        .db
        .run(move |c| Ok(accounts::set_active(c, (&actor, &m2), id, active)))
        .await?;
    match changed {
        Ok(true) => {
            let (before, after) = (json!({ "attivo": !active }), json!({ "attivo": active }));
            let what = ("operatore.attivo", Account::Id(id));
            audited(&app, &auth, &m, what, (Some(before), Some(after))).await;
            Ok(Redirect::to("/admin/operators").into_response())
        }
        Ok(false) => Err(WebError::NotFound),
        Err(refusal) => refused(&app, &auth, m, refusal).await,
    }
}

/// `POST /admin/operators/{id}/password`: a new temporary password, shown once.
pub async fn reset_password(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    let m = managed(&app, &auth).await?;
    let (random, now, m2) = (app.random.clone(), app.now(), m.clone());
    let reset = app
        .db
        .run(move |c| {
            Ok(accounts::reset_managed_password(
                c,
                &m2,
                id,
                random.as_ref(),
                now,
            ))
        })
        .await?;
    match reset {
        Ok(Some((username, password))) => {
            let what = ("operatore.password", Account::Id(id));
            audited(&app, &auth, &m, what, (None, None)).await;
            shown(&auth, &username, &Delivered::Password(password))
        }
        Ok(None) => Err(WebError::NotFound),
        Err(AccountError::Db(e)) => Err(e.into()),
        Err(other) => Err(WebError::BadRequest(other.to_string())),
    }
}
