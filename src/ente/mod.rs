//! MyPay-compatible entity web services (`pa-per-ente.wsdl`, service
//! `PagamentiTelematiciDovutiPagati`) at `POST /ente/PagamentiTelematiciDovutiPagati`:
//! accounting software of the entities loads positions and reads payments with the same
//! namespaces, elements, base64 payloads and `faultBean` codes as with MyPay. Every call is
//! authenticated (IPA code in the header or body + web-service password) and journalled.

pub mod auth;
pub mod encoded;
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
use crate::clock::Clock;
use crate::soap::pa_per_ente::Who;
use crate::soap::{EnteOp, EnvelopeError, Handled, Request, Service};
use fault::{EnteCode, EnteFault};
use std::borrow::Cow;

/// The entity web services: their operations run through the one SOAP service layer.
pub struct PaPerEnte;

impl Service for PaPerEnte {
    type Op = EnteOp;
    type State = AppState;
    const INTERFACE: &'static str = "ente";

    async fn handle(app: &AppState, op: EnteOp, req: &Request) -> Handled {
        let cod = op.cod_ipa(req.header.as_ref(), &req.body);
        let result = match &cod {
            Some(cod) => run(app, op, cod, req).await,
            None if op.who() == Who::BodyOptional => Err(EnteFault::new(
                EnteCode::ServizioNonImplementato,
                "le ricerche senza codIpaEnte (su tutti gli enti) non sono disponibili",
            )),
            None => Err(EnteFault::new(
                EnteCode::EnteNonValido,
                "codIpaEnte mancante (intestazionePPT o corpo della richiesta)",
            )),
        };
        let id = cod.as_deref().unwrap_or("mypay");
        match result {
            Ok((inner, entity)) => Handled {
                entity_id: Some(entity),
                ..Handled::to(req).ok(inner)
            },
            Err(f) => failed(app.clock, op, req, id, &f),
        }
    }

    /// MyPay clients expect the operation's own answer with a `PAA_XML_NON_VALIDO`
    /// faultBean for a request that cannot be read (too large, not XML, a DTD, over the
    /// XML limits), when its SOAPAction names the operation.
    fn unreadable(app: &AppState, op: EnteOp, req: &Request, e: &EnvelopeError) -> Option<Handled> {
        let f = EnteFault::new(
            EnteCode::XmlNonValido,
            format!("richiesta non leggibile: {e}"),
        );
        Some(failed(app.clock, op, req, "mypay", &f))
    }

    fn journal_request(raw: &str) -> Cow<'_, str> {
        Cow::Owned(redact_passwords(raw))
    }
}

/// The answer of `op` carrying fault `f`, raised for the entity `id`.
fn failed(clock: Clock, op: EnteOp, req: &Request, id: &str, f: &EnteFault) -> Handled {
    let now = clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut inner = f.render(id, &req.correlation_id);
    inner.push_str(&ops::fault_tail(op, f.code.code(), id, &now));
    Handled {
        fault: Some(f.code.code()),
        entity_id: f.entity_id,
        ..Handled::to(req).ok(inner)
    }
}

/// Runs an authenticated operation.
async fn run(
    app: &AppState,
    op: EnteOp,
    cod: &str,
    req: &Request,
) -> Result<(String, i64), EnteFault> {
    let body = &req.body;
    let password = body.child(None, "password").map(|n| n.value().to_owned());
    let entity = auth::authenticate(app, cod, password.as_deref()).await?;
    let e = &entity;
    let inner = match op {
        EnteOp::ImportaDovuto => importa_dovuto::handle(app, e, body).await,
        EnteOp::InviaDovuti => portal::invia_dovuti(app, e, body).await,
        EnteOp::InviaCarrelloDovuti => portal::invia_carrello(app, e, body).await,
        EnteOp::VerificaAvviso => portal::verifica_avviso(app, e, body).await,
        EnteOp::ChiediPagati => portal::chiedi_pagati(app, e, body).await,
        EnteOp::ChiediEsitoCarrelloDovuti => portal::esito_carrello(app, e, body).await,
        EnteOp::AutorizzaImportFlusso => flussi_ops::autorizza(app, e, body).await,
        EnteOp::ChiediStatoImportFlusso => flussi_ops::stato(app, e, body).await,
        EnteOp::PrenotaExportFlusso => export_ops::prenota(app, e, body).await,
        EnteOp::PrenotaExportFlussoIncrementaleConRicevuta => {
            export_ops::prenota_incrementale(app, e, body).await
        }
        EnteOp::ChiediStatoExportFlusso => export_ops::stato(app, e, body).await,
        EnteOp::PrenotaExportFlussoScaduti => export_ops::prenota_scaduti(app, e, body).await,
        EnteOp::ChiediStatoExportFlussoScaduti => export_ops::stato_scaduti(app, e, body).await,
        EnteOp::RegistraPagamento => {
            registra::handle(app, e, body, redact_passwords(&req.raw)).await
        }
        EnteOp::ChiediPagatiConRicevuta => queries::pagati_con_ricevuta(app, e, body).await,
        EnteOp::ChiediStoricoPagamenti => queries::storico(app, e, body).await,
        EnteOp::ChiediPosizioniAperte => queries::posizioni_aperte(app, e, body).await,
        EnteOp::ChiediAvvisiPendenti => queries::avvisi_pendenti(app, e, body).await,
    };
    inner
        .map(|i| (i, entity.id))
        .map_err(|f| f.with_entity(entity.id))
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
