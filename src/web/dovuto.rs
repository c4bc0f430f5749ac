//! `/admin/dovuti/nuovo` and `/admin/dovuti/{id}`: an operator loads a position on a due
//! type it works on, then finds it with its documents and its history from the journal,
//! changes it or cancels it while the rules allow (the rules of paaSILImportaDovuto).

use super::admin::Nav;
use super::audit::Audit;
use super::dovuto_form::{apply, journal, versamento, DovutoForm};
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::db::models::dovuto_page::{self, Choice, Shown};
use crate::domain::{Azione, DovutoState};
use crate::format::{euro, euro_input, rome_time};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;

#[derive(Template)]
#[template(path = "dovuto_new.html")]
struct NewPage<'a> {
    nav: Nav,
    choices: Vec<Choice>,
    f: &'a DovutoForm,
    error: Option<&'a str>,
}

async fn new_page(
    app: &AppState,
    auth: &Authenticated,
    f: &DovutoForm,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    let choices = auth.query(app, dovuto_page::choices).await?;
    let page = NewPage {
        nav: Nav::new(auth, "dovuti"),
        choices,
        f,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/dovuti/nuovo`.
pub async fn new(State(app): State<AppState>, auth: Authenticated) -> Result<Response, WebError> {
    let f = DovutoForm {
        debtor_kind: "F".into(),
        ..DovutoForm::default()
    };
    new_page(&app, &auth, &f, (StatusCode::OK, None)).await
}

/// `POST /admin/dovuti`: loads a new position (IUV and notice number generated).
pub async fn create(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(f): Form<DovutoForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    let wanted = f
        .due_type
        .ok_or_else(|| WebError::BadRequest("Tipo dovuto mancante.".into()))?;
    let choices = auth.query(&app, dovuto_page::choices).await?;
    let c = choices
        .into_iter()
        .find(|c| c.id == wanted)
        .ok_or(WebError::NotFound)?;
    let iud = match f.iud.trim() {
        "" => format!("BO-{}", app.random.token_hex(12)),
        own => own.to_owned(),
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let v = match versamento(
        &f,
        (&c.code, &c.collection_data),
        iud.clone(),
        Azione::Insert,
    ) {
        Ok(v) => v,
        Err(text) => return new_page(&app, &auth, &f, (status, Some(&text))).await,
    };
    match apply(&app, (c.entity_id, c.segregation_code.clone()), v).await? {
        Ok(id) => {
            let shown = auth
                .query(&app, move |db, scope| dovuto_page::shown(db, scope, id))
                .await?;
            let (iuv, notice) =
                shown.map_or((None, None), |s| (s.dovuto.iuv, s.dovuto.notice_number));
            let detail = format!("tipo={} importo={}", c.code, f.amount.trim());
            let a = Audit::new("dovuto.inserisci", target(&c.code, &iud, &iuv))
                .entity(c.entity_id)
                .after(&f);
            auth.audit(&app, a).await;
            journal(
                &app,
                &auth,
                ("dovuto.inserisci", "OK"),
                (c.entity_id, iuv, notice),
                detail,
            )
            .await;
            Ok(Redirect::to(&format!("/admin/dovuti/{id}")).into_response())
        }
        Err(text) => new_page(&app, &auth, &f, (status, Some(&text))).await,
    }
}

/// How the audit trail names a dovuto.
fn target(due_type: &str, iud: &str, iuv: &Option<String>) -> String {
    format!(
        "dovuto {due_type} IUD {iud} IUV {}",
        iuv.as_deref().unwrap_or("—")
    )
}

/// One journal entry as the page lists it.
struct ExchangeRow {
    id: i64,
    when: String,
    what: String,
    outcome: String,
    who: String,
}

#[derive(Template)]
#[template(path = "dovuto.html")]
struct DovutoPage<'a> {
    nav: Nav,
    s: Shown,
    state: &'static str,
    amount: String,
    modifiable: bool,
    paid: bool,
    f: DovutoForm,
    exchanges: Vec<ExchangeRow>,
    error: Option<&'a str>,
}

/// The form holding what dovuto `s` says now.
fn current(s: &Shown) -> DovutoForm {
    let d = &s.dovuto;
    DovutoForm {
        debtor_kind: d.debtor_kind.clone(),
        debtor_id: d.debtor_id.clone(),
        debtor_name: d.debtor_name.clone(),
        debtor_email: s.debtor_email.clone().unwrap_or_default(),
        amount: euro_input(d.amount_cents),
        due_date: d.due_date.map(|d| d.to_string()).unwrap_or_default(),
        causale: d.causale.clone(),
        ..DovutoForm::default()
    }
}

async fn render(
    app: &AppState,
    auth: &Authenticated,
    id: i64,
    typed: Option<DovutoForm>,
    (status, error): (StatusCode, Option<&str>),
) -> Result<Response, WebError> {
    let found = auth
        .query(app, move |c, scope| {
            let Some(s) = dovuto_page::shown(c, scope, id)? else {
                return Ok(None);
            };
            let log = match &s.dovuto.iuv {
                Some(iuv) => dovuto_page::exchanges(c, s.dovuto.entity_id, iuv)?,
                None => Vec::new(),
            };
            Ok(Some((s, log)))
        })
        .await?;
    let (s, log) = found.ok_or(WebError::NotFound)?;
    let exchanges = log
        .into_iter()
        .map(
            |(id, at, interface, operation, outcome, fault, who)| ExchangeRow {
                id,
                when: rome_time(&at),
                what: format!("{interface} · {operation}"),
                outcome: fault.map_or(outcome.clone(), |f| format!("{outcome} {f}")),
                who: who.unwrap_or_default(),
            },
        )
        .collect();
    let page = DovutoPage {
        nav: Nav::new(auth, "dovuti"),
        state: s.dovuto.state.label(),
        amount: euro(s.dovuto.amount_cents),
        modifiable: s.dovuto.state.is_modifiable(),
        paid: s.dovuto.state == crate::domain::DovutoState::Paid,
        f: typed.unwrap_or_else(|| current(&s)),
        s,
        exchanges,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/dovuti/{id}`.
pub async fn detail(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    render(&app, &auth, id, None, (StatusCode::OK, None)).await
}

/// Applies `action` (modify or annul) to dovuto `id` with what `f` says, and journals it:
/// `Ok(Err(reason))` when the rules refuse it (404 when the operator does not see it).
pub(super) async fn changed(
    app: &AppState,
    auth: &Authenticated,
    id: i64,
    f: &DovutoForm,
    action: Azione,
) -> Result<Result<(), String>, WebError> {
    let s = auth
        .query(app, move |c, scope| dovuto_page::shown(c, scope, id))
        .await?
        .ok_or(WebError::NotFound)?;
    let typed = match action {
        Azione::Annul => current(&s),
        _ => f.clone(),
    };
    let key = (s.due_type.as_str(), s.collection_data.as_str());
    let outcome = match versamento(&typed, key, s.dovuto.iud.clone(), action) {
        Ok(v) => apply(app, (s.dovuto.entity_id, s.segregation_code.clone()), v).await?,
        Err(text) => Err(text),
    };
    let operation = match action {
        Azione::Annul => "dovuto.annulla",
        _ => "dovuto.modifica",
    };
    let at = (
        s.dovuto.entity_id,
        s.dovuto.iuv.clone(),
        s.dovuto.notice_number.clone(),
    );
    let (result, detail) = match &outcome {
        Ok(_) => ("OK", format!("IUD={}", s.dovuto.iud)),
        Err(text) => ("KO", text.clone()),
    };
    if outcome.is_ok() {
        let was = current(&s);
        let state = |st: DovutoState| serde_json::json!({ "stato": st.code(), "valori": was });
        let after = match action {
            Azione::Annul => state(DovutoState::Cancelled),
            _ => serde_json::json!({ "stato": s.dovuto.state.code(), "valori": typed }),
        };
        let what = target(&s.due_type, &s.dovuto.iud, &s.dovuto.iuv);
        let a = Audit::new(operation, what)
            .entity(s.dovuto.entity_id)
            .before(&state(s.dovuto.state))
            .after(&after);
        auth.audit(app, a).await;
    }
    journal(app, auth, (operation, result), at, detail).await;
    Ok(outcome.map(|_| ()))
}

/// [`changed`] from the dovuto's page: back to it, or the form again with the reason.
async fn change(
    app: &AppState,
    auth: &Authenticated,
    id: i64,
    f: DovutoForm,
    action: Azione,
) -> Result<Response, WebError> {
    auth.check_csrf(&f.csrf)?;
    match changed(app, auth, id, &f, action).await? {
        Ok(()) => Ok(Redirect::to(&format!("/admin/dovuti/{id}")).into_response()),
        Err(text) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(app, auth, id, Some(f), (status, Some(&text))).await
        }
    }
}

/// `POST /admin/dovuti/{id}`: the position changes (azione M).
pub async fn update(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<DovutoForm>,
) -> Result<Response, WebError> {
    change(&app, &auth, id, f, Azione::Modify).await
}

/// `POST /admin/dovuti/{id}/annulla`: the position is cancelled (azione A).
pub async fn annul(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<DovutoForm>,
) -> Result<Response, WebError> {
    change(&app, &auth, id, f, Azione::Annul).await
}
