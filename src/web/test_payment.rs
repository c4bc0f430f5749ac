//! `POST /admin/entities/{id}/test-payment`: an entity's administrator pays a test notice
//! through the simulated node and sees each call and its outcome.

use super::admin::Nav;
use super::audit::Audit;
use super::auth::CsrfForm;
use super::entity::{as_manager, render};
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::onboarding::test_payment::{self, TestPaymentError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;

/// One call as the page lists it.
struct StepRow {
    operation: &'static str,
    outcome: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "test_payment.html")]
struct TestPaymentPage<'a> {
    nav: Nav,
    id: i64,
    entity: &'a str,
    notice: &'a str,
    dovuto_id: i64,
    paid: bool,
    steps: Vec<StepRow>,
}

/// Makes the test payment and shows how it went.
pub async fn make(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    let (name, cod_ipa) = as_manager(&app, &auth, (id, &f.csrf), move |c, _| {
        Ok(crate::db::models::onboarding::entity(c, id)?.map(|e| (e.name, e.cod_ipa)))
    })
    .await?
    .ok_or(WebError::NotFound)?;
    let done = match test_payment::make(&app, id).await {
        Ok(done) => done,
        Err(TestPaymentError::Unknown) => return Err(WebError::NotFound),
        Err(TestPaymentError::Db(e)) => return Err(e.into()),
        Err(refusal) => {
            let text = refusal.to_string();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&app, &auth, id, (status, Some(&text))).await;
        }
    };
    let after = serde_json::json!({ "avviso": done.notice, "pagato": done.paid });
    let a = Audit::new("ente.pagamento-prova", format!("ente {cod_ipa}"))
        .entity(id)
        .after(&after);
    auth.audit(&app, a).await;
    let steps = done
        .steps
        .iter()
        .map(|s| StepRow {
            operation: s.operation,
            outcome: s.outcome.clone(),
            detail: match (&s.fault, &s.amount) {
                (Some(fault), _) => fault.clone(),
                (None, Some(amount)) => format!("importo {amount}"),
                (None, None) => String::new(),
            },
        })
        .collect();
    let page = TestPaymentPage {
        nav: Nav::new(&auth, "entities"),
        id,
        entity: &name,
        notice: &done.notice,
        dovuto_id: done.dovuto_id,
        paid: done.paid,
        steps,
    };
    Ok(Html(page.render()?).into_response())
}
