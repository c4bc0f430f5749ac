//! The citizen's payment page for carts started by an entity portal: what is being paid,
//! then off to pagoPA Checkout; back from Checkout, the outcome goes to the entity's return
//! URL with `idSession` and `esito` (as MyPay does). Public pages: the session id (128
//! random bits) is the key.

use super::view::euro;
use super::WebError;
use crate::app::AppState;
use crate::db::models::cart::{self, Cart, CartLine};
use crate::db::models::event::NewEvent;
use crate::domain::CartState;
use crate::pagopa::node_client::{create_cart, CartNotice, CartRequest, CheckoutError, ReturnUrls};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

struct LineView {
    entity: String,
    causale: String,
    notice: String,
    amount: String,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "pagamento.html")]
struct PaymentPage {
    session: String,
    entity: String,
    lines: Vec<LineView>,
    total: String,
    payable: bool,
    message: String,
    back: Option<String>,
}

async fn load(
    app: &AppState,
    session: String,
) -> Result<(Cart, CartState, Vec<CartLine>), WebError> {
    let now = app.now();
    app.db
        .write(move |c| {
            let Some(cart) = cart::by_session(c, &session)? else {
                return Ok(None);
            };
            let (state, lines) = cart::refresh(c, &cart, now)?;
            Ok(Some((cart, state, lines)))
        })
        .await?
        .ok_or(WebError::NotFound)
}

fn message(state: CartState) -> &'static str {
    match state {
        CartState::New => "",
        CartState::Paying => "Pagamento avviato su pagoPA: se non lo hai concluso puoi riprovare.",
        CartState::Paid => "Pagamento completato. La ricevuta è disponibile presso l'ente.",
        CartState::Aborted => "Pagamento annullato.",
        CartState::Expired => {
            "Il tempo per il pagamento è scaduto: richiedi un nuovo pagamento al sito dell'ente."
        }
    }
}

/// `?avvia=1`: go straight to Checkout.
#[derive(Debug, Deserialize)]
pub struct Start {
    avvia: Option<String>,
}

/// `GET /pagamento/{session}`.
pub async fn page(
    State(app): State<AppState>,
    Path(session): Path<String>,
    Query(q): Query<Start>,
) -> Result<Response, WebError> {
    let (cart, state, lines) = load(&app, session).await?;
    let payable = state.is_payable();
    if payable && q.avvia.as_deref() == Some("1") && state == CartState::New {
        return start_checkout(&app, &cart, &lines).await;
    }
    let entity = lines
        .first()
        .map(|l| l.entity_name.clone())
        .unwrap_or_default();
    let total = euro(lines.iter().map(|l| l.amount_cents).sum());
    let view = lines
        .into_iter()
        .map(|l| LineView {
            state: l.state.label(),
            entity: l.entity_name,
            causale: l.causale,
            notice: l.notice_number.unwrap_or_default(),
            amount: euro(l.amount_cents),
        })
        .collect();
    Ok(Html(
        PaymentPage {
            message: message(state).to_owned(),
            back: (!payable).then(|| back_url(&cart, state)).flatten(),
            session: cart.session_id,
            entity,
            lines: view,
            total,
            payable,
        }
        .render()?,
    )
    .into_response())
}

/// `POST /pagamento/{session}`: hands the cart to Checkout.
pub async fn pay(
    State(app): State<AppState>,
    Path(session): Path<String>,
) -> Result<Response, WebError> {
    let (cart, state, lines) = load(&app, session.clone()).await?;
    if !state.is_payable() {
        return Ok(Redirect::to(&format!("/pagamento/{session}")).into_response());
    }
    start_checkout(&app, &cart, &lines).await
}

async fn start_checkout(
    app: &AppState,
    cart: &Cart,
    lines: &[CartLine],
) -> Result<Response, WebError> {
    let base = format!("{}/pagamento/{}/esito", app.public_base, cart.session_id);
    let request = CartRequest {
        payment_notices: lines
            .iter()
            .filter(|l| !l.paid())
            .map(|l| CartNotice {
                notice_number: l.notice_number.clone().unwrap_or_default(),
                fiscal_code: l.entity_cf.clone(),
                amount: l.amount_cents,
                company_name: crate::soap::writer::truncate_chars(&l.entity_name, 140).to_owned(),
                description: crate::soap::writer::truncate_chars(&l.causale, 140).to_owned(),
            })
            .collect(),
        return_urls: ReturnUrls {
            return_ok_url: format!("{base}?esito=OK"),
            return_cancel_url: format!("{base}?esito=ANNULLATO"),
            return_error_url: format!("{base}?esito=ERRORE"),
            return_waiting_url: format!("{base}?esito=IN_CORSO"),
        },
        id_cart: cart.session_id.clone(),
        email_notice: cart.payer_email.clone(),
    };
    let started = std::time::Instant::now();
    let called = create_cart(&app.config.pagopa, &request).await;
    journal_cart(app, cart, (&request, &called), started).await;
    match called {
        Ok(location) => {
            let (id, now) = (cart.id, app.now());
            app.db
                .write(move |c| cart::transition(c, id, &[CartState::New], CartState::Paying, now))
                .await?;
            Ok(Redirect::to(&location).into_response())
        }
        Err(e) => {
            tracing::warn!(error = %e, session = %cart.session_id, "Checkout refused a cart");
            Ok((
                StatusCode::BAD_GATEWAY,
                Html(format!(
                    "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/static/admin.css\"><title>pagoPA non disponibile</title></head><body><main class=\"narrow\"><h1>pagoPA non è raggiungibile</h1><p id=\"outcome\">Il pagamento non è stato avviato. Riprova tra qualche minuto.</p><p><a href=\"/pagamento/{}\">Torna al riepilogo</a></p></main></body></html>",
                    cart.session_id
                )),
            )
                .into_response())
        }
    }
}

/// Journals our call to Checkout for `cart`: the cart sent, and the page it answered
/// with or why it refused.
async fn journal_cart(
    app: &AppState,
    cart: &Cart,
    (request, called): (&CartRequest, &Result<String, CheckoutError>),
    started: std::time::Instant,
) {
    let (outcome, fault, response) = match called {
        Ok(location) => ("OK", None, format!("302 Location: {location}")),
        Err(CheckoutError::Refused { status, detail }) => {
            ("KO", Some("CHECKOUT_REFUSED"), format!("{status} {detail}"))
        }
        Err(e) => ("KO", Some("CHECKOUT_UNREACHABLE"), e.to_string()),
    };
    let first = request.payment_notices.first();
    app.journal
        .record(NewEvent {
            occurred_at: app.now(),
            correlation_id: crate::random::correlation_id(),
            interface: "checkout".into(),
            operation: "postCarts".into(),
            direction: "OUT".into(),
            entity_id: Some(cart.entity_id),
            entity_fiscal_code: first.map(|n| n.fiscal_code.clone()),
            iuv: first
                .and_then(|n| crate::domain::NoticeNumber::parse(&n.notice_number).ok())
                .map(|n| n.iuv().as_str().to_owned()),
            notice_number: first.map(|n| n.notice_number.clone()),
            outcome: outcome.into(),
            fault_code: fault.map(str::to_owned),
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            request: serde_json::to_string(request).ok(),
            response: Some(response),
            ..NewEvent::default()
        })
        .await;
}

/// `POST /pagamento/{session}/annulla`.
pub async fn cancel(
    State(app): State<AppState>,
    Path(session): Path<String>,
) -> Result<Response, WebError> {
    let (cart, _, _) = load(&app, session).await?;
    finish(&app, &cart, "ANNULLATO").await
}

/// Checkout's return: `?esito=OK|ANNULLATO|ERRORE|IN_CORSO`.
#[derive(Debug, Deserialize)]
pub struct Outcome {
    esito: Option<String>,
}

/// `GET /pagamento/{session}/esito`.
pub async fn outcome(
    State(app): State<AppState>,
    Path(session): Path<String>,
    Query(q): Query<Outcome>,
) -> Result<Response, WebError> {
    let (cart, _, _) = load(&app, session).await?;
    finish(&app, &cart, q.esito.as_deref().unwrap_or("IN_CORSO")).await
}

async fn finish(app: &AppState, c: &Cart, esito: &str) -> Result<Response, WebError> {
    let (id, now) = (c.id, app.now());
    if matches!(esito, "ANNULLATO" | "ERRORE") {
        app.db
            .write(move |conn| {
                cart::transition(
                    conn,
                    id,
                    &[CartState::New, CartState::Paying],
                    CartState::Aborted,
                    now,
                )
            })
            .await?;
    }
    let (cart, state, _) = load(app, c.session_id.clone()).await?;
    match back_url(&cart, state) {
        Some(url) => Ok(Redirect::to(&url).into_response()),
        None => Ok(Redirect::to(&format!("/pagamento/{}", cart.session_id)).into_response()),
    }
}

/// The entity's return URL with `idSession` and `esito` (the cart state).
fn back_url(cart: &Cart, state: CartState) -> Option<String> {
    let base = cart.return_url.as_deref()?;
    let sep = if base.contains('?') { '&' } else { '?' };
    let esito = match state {
        CartState::Paid => "OK",
        CartState::Aborted => "ANNULLATO",
        CartState::Expired => "SCADUTO",
        CartState::New | CartState::Paying => "IN_CORSO",
    };
    Some(format!(
        "{base}{sep}idSession={}&esito={esito}",
        cart.session_id
    ))
}
