//! pagoPA Checkout as an EC portal meets it: `POST /checkout/ec/v{1,2}/carts` takes a cart
//! of notices and answers `302` to a checkout page; paying there verifies and activates every
//! notice through the gateway (`paymentNote` = the cart id), then sends the receipts, records
//! the payments for the reporting flows and redirects to the cart's `returnOkUrl`. Cancelling
//! goes to `returnCancelUrl`; a notice that cannot be paid to `returnErrorUrl` (nothing paid).

use super::flow::{self, Link, PayOptions, Step};
use super::messages::Station;
use super::state::SimState;
use crate::domain::random::RandomSource;
use crate::domain::{AmountCents, NoticeNumber};
use crate::random::OsRandom;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::collections::HashMap;

/// Routes.
pub fn routes() -> Router<SimState> {
    Router::new()
        .route("/checkout/ec/{version}/carts", post(create))
        .route("/checkout/c/{id}", get(page).post(act))
        .route("/static/admin.css", get(crate::assets::stylesheet))
}

pub use super::cart::{Cart, CartNotice, CartRequest, CartState, ReturnUrls};

fn problem(status: StatusCode, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

/// A cart Checkout's API schema refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadCart(String);

fn bad(why: String) -> BadCart {
    BadCart(why)
}

/// Checks a cart as Checkout's API schema does.
pub fn validate(r: &CartRequest, version: u8) -> Result<(), BadCart> {
    if !(1..=5).contains(&r.payment_notices.len()) {
        return Err(BadCart("paymentNotices must hold 1 to 5 notices".into()));
    }
    for (i, n) in r.payment_notices.iter().enumerate() {
        let at = format!("paymentNotices[{i}]");
        NoticeNumber::parse(&n.notice_number)
            .map_err(|e| bad(format!("{at}.noticeNumber: {e}")))?;
        if n.fiscal_code.len() != 11 || !n.fiscal_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(format!("{at}.fiscalCode must be 11 digits")));
        }
        if n.amount < 1 {
            return Err(bad(format!("{at}.amount must be at least 1 cent")));
        }
        for (name, v) in [
            ("companyName", &n.company_name),
            ("description", &n.description),
        ] {
            if v.chars().count() > 140 {
                return Err(bad(format!("{at}.{name} is longer than 140 characters")));
            }
        }
    }
    let u = &r.return_urls;
    if [&u.return_ok_url, &u.return_cancel_url, &u.return_error_url]
        .iter()
        .any(|s| s.trim().is_empty())
    {
        return Err(BadCart(
            "returnUrls: returnOkUrl, returnCancelUrl and returnErrorUrl are required".into(),
        ));
    }
    if version == 2
        && u.return_waiting_url
            .as_deref()
            .unwrap_or("")
            .trim()
            .is_empty()
    {
        return Err(BadCart("returnUrls.returnWaitingUrl is required".into()));
    }
    Ok(())
}

async fn create(
    State(sim): State<SimState>,
    Path(version): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let version = match version.as_str() {
        "v1" => 1,
        "v2" => 2,
        _ => return problem(StatusCode::NOT_FOUND, "unknown API version"),
    };
    if let Some(key) = &sim.config.subscription_key {
        let sent = headers
            .get("ocp-apim-subscription-key")
            .and_then(|v| v.to_str().ok())
            .or(query.get("subscription-key").map(String::as_str));
        if !sent.is_some_and(|s| crate::security::ct_eq(s, key)) {
            return problem(
                StatusCode::UNAUTHORIZED,
                "missing or invalid subscription key",
            );
        }
    }
    let request: CartRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return problem(StatusCode::BAD_REQUEST, &format!("invalid cart: {e}")),
    };
    if let Err(e) = validate(&request, version) {
        return problem(StatusCode::BAD_REQUEST, &e.to_string());
    }
    let id = OsRandom.token_hex(16);
    let location = format!("{}/checkout/c/{id}", sim.base);
    sim.carts().insert(
        id.clone(),
        Cart {
            id,
            request,
            state: CartState::Open,
            error: None,
        },
    );
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn unknown_cart() -> Response {
    (StatusCode::NOT_FOUND, "carrello sconosciuto\n").into_response()
}

/// One row of the checkout page.
struct Row {
    notice: String,
    company: String,
    description: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "sim_checkout.html")]
struct Page {
    id: String,
    rows: Vec<Row>,
    total: String,
    open: bool,
    message: String,
}

async fn page(State(sim): State<SimState>, Path(id): Path<String>) -> Response {
    let Some(cart) = sim.carts().get(&id).cloned() else {
        return unknown_cart();
    };
    let euro = |c: i64| crate::format::euro(c);
    let page = Page {
        rows: cart
            .request
            .payment_notices
            .iter()
            .map(|n| Row {
                notice: NoticeNumber::parse(&n.notice_number)
                    .map(|x| x.formatted())
                    .unwrap_or_else(|_| n.notice_number.clone()),
                company: n.company_name.clone(),
                description: n.description.clone(),
                amount: euro(n.amount),
            })
            .collect(),
        total: euro(cart.request.payment_notices.iter().map(|n| n.amount).sum()),
        open: cart.state == CartState::Open,
        message: match cart.state {
            CartState::Open => String::new(),
            CartState::Paying => "Pagamento in corso.".into(),
            CartState::Paid => "Carrello pagato.".into(),
            CartState::Cancelled => "Pagamento annullato.".into(),
            CartState::Failed => {
                format!("Pagamento non riuscito: {}", cart.error.unwrap_or_default())
            }
        },
        id: cart.id,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// The checkout page's form.
#[derive(Debug, Deserialize)]
struct Action {
    action: String,
}

async fn act(
    State(sim): State<SimState>,
    Path(id): Path<String>,
    Form(form): Form<Action>,
) -> Response {
    // Claim the cart: a double click pays once.
    let request = {
        let mut carts = sim.carts();
        let Some(cart) = carts.get_mut(&id) else {
            return unknown_cart();
        };
        if cart.state != CartState::Open {
            return Redirect::to(&format!("/checkout/c/{id}")).into_response();
        }
        cart.state = match form.action.as_str() {
            "pay" => CartState::Paying,
            _ => CartState::Cancelled,
        };
        if cart.state == CartState::Cancelled {
            return Redirect::to(&cart.request.return_urls.return_cancel_url).into_response();
        }
        cart.request.clone()
    };
    let note = request.id_cart.clone().unwrap_or_else(|| id.clone());
    let outcome = pay_cart(&sim, &request, &note).await;
    let mut carts = sim.carts();
    let Some(cart) = carts.get_mut(&id) else {
        return unknown_cart();
    };
    let urls = &request.return_urls;
    match outcome {
        Ok(()) => {
            cart.state = CartState::Paid;
            Redirect::to(&urls.return_ok_url).into_response()
        }
        Err(e) => {
            tracing::warn!(cart = %id, error = %e, "simulated checkout failed");
            cart.state = CartState::Failed;
            cart.error = Some(e);
            Redirect::to(&urls.return_error_url).into_response()
        }
    }
}

fn unreachable(notice: &str, e: anyhow::Error) -> String {
    format!("avviso {notice}: gateway non raggiungibile: {e}")
}

fn refused(notice: &str, step: &Step) -> String {
    format!(
        "avviso {notice}: {} {}",
        step.operation,
        step.fault.as_deref().unwrap_or(&step.outcome)
    )
}

/// Verifies, then activates every notice first (nothing is collected unless all can be), then sends the
/// receipts and records the payments.
async fn pay_cart(sim: &SimState, request: &CartRequest, note: &str) -> Result<(), String> {
    let cfg = &sim.config;
    let link = Link::Http(&sim.client, &cfg.gateway);
    let mut verified = Vec::new();
    for n in &request.payment_notices {
        let station = Station {
            id_pa: n.fiscal_code.clone(),
            id_broker: cfg.broker.clone(),
            id_station: cfg.station.clone(),
        };
        let opts = PayOptions {
            v2: cfg.v2,
            payment_note: Some(note.to_owned()),
            receipt_id: Some(OsRandom.token_hex(12)),
            psp: cfg.psp.clone(),
            clock: cfg.clock,
            ..PayOptions::default()
        };
        let v = flow::verify(link, &station, &n.notice_number)
            .await
            .map_err(|e| unreachable(&n.notice_number, e))?;
        if !v.ok() {
            return Err(refused(&n.notice_number, &v));
        }
        let stated = v.amount.as_deref();
        let cents = stated
            .and_then(|s| AmountCents::parse(s).ok())
            .map(AmountCents::cents);
        if cents != Some(n.amount) {
            return Err(format!(
                "avviso {}: importo {} diverso da quello dell'ente ({})",
                n.notice_number,
                n.amount,
                stated.unwrap_or("?")
            ));
        }
        verified.push((station, n, opts));
    }
    let mut activated = Vec::new();
    for (station, n, opts) in verified {
        let a = flow::activate(link, &station, &n.notice_number, &opts)
            .await
            .map_err(|e| unreachable(&n.notice_number, e))?;
        let Some(answer) = a.answer else {
            return Err(a
                .steps
                .last()
                .map(|s| refused(&n.notice_number, s))
                .unwrap_or_default());
        };
        activated.push((station, n, answer, opts));
    }
    for (station, n, answer, opts) in activated {
        let p = flow::settle(link, &station, &n.notice_number, &answer, &opts)
            .await
            .map_err(|e| format!("avviso {}: ricevuta non consegnata: {e}", n.notice_number))?;
        if let Some(s) = p.settled {
            sim.ledger().record(s);
        }
    }
    Ok(())
}
