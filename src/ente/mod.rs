//! MyPay-compatible entity web services (`pa-per-ente.wsdl`, service
//! `PagamentiTelematiciDovutiPagati`) at `POST /ente/PagamentiTelematiciDovutiPagati`:
//! accounting software of the entities loads positions and reads payments with the same
//! namespaces, elements, base64 payloads and `faultBean` codes as with MyPay. Every call is
//! authenticated (IPA code in the header or body + web-service password) and journalled.

pub mod auth;
pub mod export_ops;
pub mod fault;
pub mod flussi_ops;
pub mod importa_dovuto;
pub mod ops;
pub mod pagati;
pub mod payload;
pub mod portal;
pub mod queries;
pub mod registra;
pub mod secondari;

use crate::app::AppState;
use crate::db::models::event::NewEvent;
use crate::pagopa::{clip, elapsed_ms, envelope_fault};
use crate::soap::{self, xml::Node, EnvelopeError};
use axum::body::Body;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use fault::{EnteCode, EnteFault};
use ops::{Op, Who, HEAD_NS};
use std::net::SocketAddr;
use std::time::Instant;

/// Where the service is served.
pub const PATH: &str = "/ente/PagamentiTelematiciDovutiPagati";
/// Our WSDL of the service, compiled in.
const WSDL: &str = include_str!("../../wsdl/pa-per-ente.wsdl");

/// Routes of the entity web services.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, post(service).get(describe))
        .route(
            "/ente/flussi/upload",
            post(flussi_ops::upload).layer(axum::extract::DefaultBodyLimit::max(
                flussi_ops::MAX_UPLOAD + 64 * 1024,
            )),
        )
        .route(
            "/ente/flussi/export/{token}",
            axum::routing::get(export_ops::download),
        )
        .route(
            "/ente/flussi/{token}/{kind}",
            axum::routing::get(flussi_ops::download),
        )
}

/// `GET ?wsdl` → the WSDL with this server's address.
async fn describe(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    if query.unwrap_or_default().eq_ignore_ascii_case("wsdl") {
        let wsdl = WSDL.replace("{{ENDPOINT}}", &format!("{}{PATH}", app.public_base));
        return soap::xml_response(StatusCode::OK, wsdl);
    }
    (StatusCode::NOT_FOUND, "ask for ?wsdl\n").into_response()
}

/// The IPA code the request names: header or body, as the operation defines.
fn cod_ipa(op: Op, header: Option<&Node>, body: &Node) -> Option<String> {
    let from_body = || body.child(None, "codIpaEnte").map(|n| n.value().to_owned());
    let found = match op.who {
        Who::Header => header
            .filter(|h| h.ns.as_deref() == Some(HEAD_NS) && h.name == "intestazionePPT")
            .and_then(|h| h.child(None, "codIpaEnte"))
            .map(|n| n.value().to_owned()),
        Who::Body | Who::BodyOptional => from_body(),
    };
    found.filter(|c| !c.is_empty())
}

/// Runs an authenticated operation.
async fn run(
    app: &AppState,
    op: Op,
    cod: &str,
    body: &Node,
    raw: &str,
) -> Result<(String, i64), EnteFault> {
    let password = body.child(None, "password").map(|n| n.value().to_owned());
    let entity = auth::authenticate(app, cod, password.as_deref()).await?;
    let inner = match op.name {
        "paaSILImportaDovuto" => importa_dovuto::handle(app, &entity, body).await,
        "paaSILInviaDovuti" => portal::invia_dovuti(app, &entity, body).await,
        "paaSILInviaCarrelloDovuti" => portal::invia_carrello(app, &entity, body).await,
        "paaSILVerificaAvviso" => portal::verifica_avviso(app, &entity, body).await,
        "paaSILChiediPagati" => portal::chiedi_pagati(app, &entity, body).await,
        "paaSILChiediEsitoCarrelloDovuti" => portal::esito_carrello(app, &entity, body).await,
        "paaSILAutorizzaImportFlusso" => flussi_ops::autorizza(app, &entity, body).await,
        "paaSILChiediStatoImportFlusso" => flussi_ops::stato(app, &entity, body).await,
        "paaSILPrenotaExportFlusso" => export_ops::prenota(app, &entity, body).await,
        "paaSILPrenotaExportFlussoIncrementaleConRicevuta" => {
            export_ops::prenota_incrementale(app, &entity, body).await
        }
        "paaSILChiediStatoExportFlusso" => export_ops::stato(app, &entity, body).await,
        "paaSILPrenotaExportFlussoScaduti" => export_ops::prenota_scaduti(app, &entity, body).await,
        "paaSILChiediStatoExportFlussoScaduti" => {
            export_ops::stato_scaduti(app, &entity, body).await
        }
        "paaSILRegistraPagamento" => {
            registra::handle(app, &entity, body, redact_passwords(raw)).await
        }
        "paaSILChiediPagatiConRicevuta" => queries::pagati_con_ricevuta(app, &entity, body).await,
        "paaSILChiediStoricoPagamenti" => queries::storico(app, &entity, body).await,
        "paaSILChiediPosizioniAperte" => queries::posizioni_aperte(app, &entity, body).await,
        "paaSILChiediAvvisiPendenti" => queries::avvisi_pendenti(app, &entity, body).await,
        name => Err(EnteFault::new(
            EnteCode::ServizioNonImplementato,
            format!("{name} non è ancora disponibile su questo gateway"),
        )),
    };
    inner
        .map(|i| (i, entity.id))
        .map_err(|f| f.with_entity(entity.id))
}

async fn service(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    const IFACE: &str = "ente";
    let started = Instant::now();
    let (content_type, action) = soap::request_headers(&headers);
    let Ok(bytes) = axum::body::to_bytes(body, soap::MAX_BODY_BYTES).await else {
        let e = EnvelopeError::TooLarge(soap::MAX_BODY_BYTES);
        return unreadable(&app, peer, started, "", action.as_deref(), e).await;
    };
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    let (header, node) = match soap::decode_parts(&bytes, content_type.as_deref()) {
        Ok(parts) => parts,
        Err(e) => return unreadable(&app, peer, started, &raw, action.as_deref(), e).await,
    };
    let op = match Op::dispatch(&node, action.as_deref()) {
        Ok(op) => op,
        Err(e) => return envelope_fault(&app, IFACE, peer, started, &raw, e).await,
    };
    let cod = cod_ipa(op, header.as_ref(), &node);
    let result = match &cod {
        Some(cod) => run(&app, op, cod, &node, &raw).await,
        None if op.who == Who::BodyOptional => Err(EnteFault::new(
            EnteCode::ServizioNonImplementato,
            "le ricerche senza codIpaEnte (su tutti gli enti) non sono disponibili",
        )),
        None => Err(EnteFault::new(
            EnteCode::EnteNonValido,
            "codIpaEnte mancante (intestazionePPT o corpo della richiesta)",
        )),
    };
    let id = cod.as_deref().unwrap_or("mypay");
    let (inner, entity_id, fault) = match result {
        Ok((inner, entity)) => (inner, Some(entity), None),
        Err(f) => {
            let now = app.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
            let mut inner = f.render(id);
            inner.push_str(&ops::fault_tail(op.name, f.code.code(), id, &now));
            (inner, f.entity_id, Some(f.code.code()))
        }
    };
    let xml = soap::envelope(&op.response(&inner));
    let exchange = Exchange {
        op: op.name,
        peer,
        started,
        raw: &raw,
        entity_id,
        fault,
    };
    journal(&app, exchange, &xml).await;
    soap::xml_response(StatusCode::OK, xml)
}

/// A request that cannot be read (too large, not XML, a DTD, over the XML limits): when
/// its SOAPAction names one of our operations, the answer is that operation's response
/// with a `PAA_XML_NON_VALIDO` faultBean, which is what MyPay clients handle; otherwise a
/// SOAP Fault.
async fn unreadable(
    app: &AppState,
    peer: SocketAddr,
    started: Instant,
    raw: &str,
    action: Option<&str>,
    e: EnvelopeError,
) -> Response {
    let op = action
        .map(soap::normalise_action)
        .and_then(|a| ops::OPERATIONS.iter().find(|(n, _)| *n == a))
        .map(|(name, who)| Op { name, who: *who });
    let Some(op) = op else {
        return envelope_fault(app, "ente", peer, started, raw, e).await;
    };
    let f = EnteFault::new(
        EnteCode::XmlNonValido,
        format!("richiesta non leggibile: {e}"),
    );
    let now = app.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let inner = f.render("mypay") + &ops::fault_tail(op.name, f.code.code(), "mypay", &now);
    let xml = soap::envelope(&op.response(&inner));
    let exchange = Exchange {
        op: op.name,
        peer,
        started,
        raw,
        entity_id: None,
        fault: Some(f.code.code()),
    };
    journal(app, exchange, &xml).await;
    soap::xml_response(StatusCode::OK, xml)
}

/// One exchange, for the journal.
struct Exchange<'a> {
    op: &'static str,
    peer: SocketAddr,
    started: Instant,
    raw: &'a str,
    entity_id: Option<i64>,
    fault: Option<&'static str>,
}

async fn journal(app: &AppState, e: Exchange<'_>, response: &str) {
    let entry = NewEvent {
        occurred_at: app.now(),
        correlation_id: crate::app::correlation_id(),
        interface: "ente".into(),
        operation: e.op.into(),
        direction: "IN".into(),
        entity_id: e.entity_id,
        outcome: if e.fault.is_some() { "KO" } else { "OK" }.into(),
        fault_code: e.fault.map(str::to_owned),
        duration_ms: elapsed_ms(e.started),
        remote_addr: Some(e.peer.ip().to_string()),
        request: Some(clip(&redact_passwords(e.raw))),
        response: Some(clip(response)),
        ..NewEvent::default()
    };
    app.journal.record(entry).await;
}

/// The request as the journal keeps it: every `<password>` and `<passwordMypivot>`
/// value replaced by `***`.
pub fn redact_passwords(xml: &str) -> String {
    redact(&redact(xml, "password"), "passwordMypivot")
}

fn redact(xml: &str, tag: &str) -> String {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let self_closing = rest[..open_end].ends_with("/>");
        let name_ok = matches!(
            rest.as_bytes().get(start + open.len()),
            Some(b'>' | b' ' | b'/')
        );
        out.push_str(&rest[..open_end]);
        rest = &rest[open_end..];
        if !name_ok || self_closing {
            continue;
        }
        if let Some(end) = rest.find(&close) {
            out.push_str("***");
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_journal() {
        let raw = "<a><password>segreta123</password><passwordX>k</passwordX><password/><b><password >x</password></b><passwordMypivot>pivot9</passwordMypivot></a>";
        let kept = redact_passwords(raw);
        assert!(
            !kept.contains("segreta123") && !kept.contains(">x<") && !kept.contains("pivot9"),
            "{kept}"
        );
        assert!(kept.contains("<passwordX>k</passwordX>") && kept.contains("<password/>"));
    }
}
