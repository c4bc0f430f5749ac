//! Payments started at the entity ("iniziato presso Ente"): the portal sends positions
//! (`paaSILInviaDovuti`, `paaSILInviaCarrelloDovuti` for several entities) or names an
//! existing notice (`paaSILVerificaAvviso`); we answer with a session id and the URL of our
//! payment page, which hands the cart to pagoPA Checkout. The portal then asks for the
//! outcome (`paaSILChiediPagati`, `paaSILChiediEsitoCarrelloDovuti`).

use super::fault::{EnteCode, EnteFault};
use super::importa_dovuto::{apply, Done};
use super::pagati::{pagati_xml, paid, PaidFilter};
use super::payload::{self, Versamento};
use crate::app::AppState;
use crate::db::models::cart::{self, Cart, CartLine, NewCart};
use crate::db::models::dovuto;
use crate::db::models::registry::{entity_by_cod_ipa, Entity};
use crate::db::{write_tx, DbError};
use crate::domain::CartState;
use crate::security::{ct_eq, sha256_hex};
use crate::soap::seq::Seq;
use crate::soap::writer::XmlWriter;
use crate::soap::xml::Node;
use crate::soap::EnteOp;
use base64::Engine;

/// Positions a cart may hold (pagoPA Checkout's limit).
pub const MAX_CART: usize = 5;

/// Positions to create for one entity.
struct Batch {
    entity_id: i64,
    segregation: String,
    items: Vec<Versamento>,
}

/// The answer of the three cart-creating operations.
fn started(app: &AppState, session_field: &str, session: &str, direct: bool) -> String {
    let mut url = format!("{}/pagamento/{session}", app.public_base);
    if direct {
        url.push_str("?avvia=1");
    }
    let mut w = XmlWriter::new();
    w.leaf("esito", "OK")
        .leaf(session_field, session)
        .leaf("redirect", "1")
        .leaf("url", &url);
    w.finish()
}

fn return_url(entity: &Entity, given: Option<String>) -> Option<String> {
    given
        .filter(|u| !u.trim().is_empty())
        .or_else(|| entity.return_url.clone())
}

/// Creates the positions and the cart in one transaction; a refused position refuses all.
async fn create(
    app: &AppState,
    entity: &Entity,
    kind: &'static str,
    batches: Vec<Batch>,
    existing: Vec<i64>,
    return_url: Option<String>,
) -> Result<String, EnteFault> {
    let session = app.random.token_hex(16);
    let now = app.now();
    let expires = now + chrono::Duration::minutes(app.config.cart_ttl_minutes.max(1));
    let (caller, s) = (entity.id, session.clone());
    let email = batches
        .first()
        .and_then(|b| b.items.first())
        .and_then(|v| v.subject.as_ref())
        .and_then(|p| p.email.clone());
    let outcome = app
        .db
        .write(move |c| {
            let mut refused = None;
            let result = write_tx(c, |c| {
                let mut ids = existing;
                for b in &batches {
                    for v in &b.items {
                        match apply(c, b.entity_id, &b.segregation, v, Some(true), now)? {
                            Done::Saved(id, _) => ids.push(id),
                            Done::Refused(f) => {
                                refused = Some(f);
                                return Err(DbError::rollback());
                            }
                        }
                    }
                }
                let new = NewCart {
                    entity_id: caller,
                    session_id: &s,
                    kind,
                    return_url: return_url.as_deref(),
                    payer_email: email.as_deref(),
                    expires_at: expires,
                };
                cart::create(c, &new, &ids, now)
            });
            match (result, refused) {
                (_, Some(f)) => Ok(Err(f)),
                (Ok(_), None) => Ok(Ok(())),
                (Err(e), None) => Err(e),
            }
        })
        .await;
    match outcome {
        Ok(Ok(())) => Ok(session),
        Ok(Err(f)) => Err(f),
        Err(e) if e.is_unique_violation() => Err(EnteFault::new(
            EnteCode::IudDuplicato,
            "esiste già un dovuto con uno di questi IUD",
        )),
        Err(e) => Err(e.into()),
    }
}

/// `paaSILInviaDovuti`.
pub async fn invia_dovuti(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    let b64 = s.req("dovuti")?.value().to_owned();
    let back = s.text_opt("enteSILInviaRispostaPagamentoUrl", 0, 2048)?;
    let show = s.one_of_opt("showMyPay", &["SHORT", "NONE"])?;
    s.end()?;
    let items = payload::dovuti(&payload::decode("dovuti", &b64, "Dovuti")?)?;
    let batch = Batch {
        entity_id: entity.id,
        segregation: entity.segregation_code.clone(),
        items,
    };
    let session = create(
        app,
        entity,
        "DOVUTI",
        vec![batch],
        Vec::new(),
        return_url(entity, back),
    )
    .await?;
    Ok(started(
        app,
        "idSession",
        &session,
        show.as_deref() == Some("NONE"),
    ))
}

/// `paaSILVerificaAvviso`: pay an existing notice from the entity's portal.
pub async fn verifica_avviso(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    let iuv = s.text("identificativoUnivocoVersamento", 1, 35)?;
    let back = s.text_opt("enteSILInviaRispostaPagamentoUrl", 0, 2048)?;
    s.end()?;
    let (entity_id, lookup) = (entity.id, iuv.clone());
    let found = app
        .db
        .read(move |c| dovuto::by_iuv(c, entity_id, &lookup))
        .await?;
    let Some(dovuto::ByIuv { id, state, .. }) = found else {
        return Err(EnteFault::new(
            EnteCode::IuvNonValido,
            format!("nessun avviso con IUV [{iuv}]"),
        ));
    };
    if !state.is_payable() {
        return Err(EnteFault::new(
            EnteCode::DovutoNonPagabile,
            format!("l'avviso [{iuv}] non è pagabile"),
        ));
    }
    let session = create(
        app,
        entity,
        "AVVISO",
        Vec::new(),
        vec![id],
        return_url(entity, back),
    )
    .await?;
    Ok(started(app, "idSession", &session, false))
}

/// `paaSILInviaCarrelloDovuti`: positions of one or more entities, each element proving the
/// caller's right with `sha256hex(operation name + "-" + password + "-" + CF)`.
pub async fn invia_carrello(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    let password = s.text("password", 1, 64)?;
    let list = s.req("listaDovuti")?;
    if s.opt("listaDovutiEntiSecondari").is_some() {
        return Err(EnteFault::new(
            EnteCode::ServizioNonImplementato,
            "listaDovutiEntiSecondari (dovuti multibeneficiario) non è ancora gestita",
        ));
    }
    let back = s.text_opt("enteSILInviaRispostaPagamentoUrl", 0, 2048)?;
    s.end()?;
    let mut l = Seq::new(list, &format!("{}/listaDovuti", body.name))?;
    let elements = l.many("elementoListaDovuti", 1, MAX_CART)?;
    l.end()?;
    let mut batches: Vec<Batch> = Vec::new();
    for el in elements {
        batches.push(element(app, &password, el).await?);
    }
    let count: usize = batches.iter().map(|b| b.items.len()).sum();
    if count > MAX_CART {
        return Err(EnteFault::new(
            EnteCode::XmlNonValido,
            format!("il carrello contiene {count} dovuti: al massimo {MAX_CART}"),
        ));
    }
    let session = create(
        app,
        entity,
        "CARRELLO",
        batches,
        Vec::new(),
        return_url(entity, back),
    )
    .await?;
    Ok(started(app, "idSessionCarrello", &session, false))
}

/// One `elementoListaDovuti`: the dovuti of an operational entity, whose right the caller
/// proves with the password hash.
async fn element(app: &AppState, password: &str, el: &Node) -> Result<Batch, EnteFault> {
    let mut e = Seq::new(el, "listaDovuti/elementoListaDovuti")?;
    let cod = e.text("codIpaEnte", 1, 35)?;
    let hash = e.text("password", 64, 64)?;
    let b64 = e.req("dovuti")?.value().to_owned();
    e.end()?;
    let lookup = cod.clone();
    let owner = app.db.read(move |c| entity_by_cod_ipa(c, &lookup)).await?;
    let owner = owner.filter(|o| o.state.is_operational()).ok_or_else(|| {
        EnteFault::new(
            EnteCode::EnteNonValido,
            format!("Codice IPA Ente [{cod}] non valido"),
        )
    })?;
    let expected = sha256_hex(&format!(
        "{}-{password}-{}",
        EnteOp::InviaCarrelloDovuti.action(),
        owner.fiscal_code
    ));
    if !ct_eq(&expected, &hash.to_ascii_lowercase()) {
        return Err(EnteFault::new(
            EnteCode::EnteNonValido,
            format!("hash della password errato per l'ente [{cod}]"),
        ));
    }
    let items = payload::dovuti(&payload::decode("dovuti", &b64, "Dovuti")?)?;
    Ok(Batch {
        entity_id: owner.id,
        segregation: owner.segregation_code,
        items,
    })
}

/// The caller's cart `session`, brought up to date.
async fn load(
    app: &AppState,
    entity: &Entity,
    session: String,
) -> Result<(Cart, CartState, Vec<CartLine>), EnteFault> {
    let (caller, now) = (entity.id, app.now());
    let found = app
        .db
        .write(move |c| {
            let Some(cart) = cart::by_session(c, &session)?.filter(|k| k.entity_id == caller)
            else {
                return Ok(None);
            };
            let (state, lines) = cart::refresh(c, &cart, now)?;
            Ok(Some((cart, state, lines)))
        })
        .await?;
    found.ok_or_else(|| {
        EnteFault::new(
            EnteCode::IdSessionNonValido,
            "sessione sconosciuta per questo ente",
        )
    })
}

fn not_paid(state: CartState) -> EnteFault {
    let (code, text) = match state {
        CartState::New => (
            EnteCode::PagamentoNonIniziato,
            "il cittadino non ha ancora avviato il pagamento",
        ),
        CartState::Paying => (EnteCode::PagamentoInCorso, "pagamento in corso"),
        CartState::Aborted => (
            EnteCode::PagamentoAnnullato,
            "il cittadino ha annullato il pagamento",
        ),
        CartState::Expired | CartState::Paid => (
            EnteCode::PagamentoScaduto,
            "il carrello non è stato pagato in tempo",
        ),
    };
    EnteFault::new(code, text)
}

/// `Pagati` of the given lines' receipts (one per paid line).
async fn pagati_of(
    app: &AppState,
    lines: &[CartLine],
) -> Result<(String, Option<String>), EnteFault> {
    let wanted: Vec<(i64, i64)> = lines.iter().map(|l| (l.entity_id, l.id)).collect();
    let found = app
        .db
        .read(move |c| {
            let mut all = Vec::new();
            for (entity_id, id) in wanted {
                let f = PaidFilter {
                    entity_id,
                    dovuto_id: Some(id),
                    ..PaidFilter::default()
                };
                all.extend(paid(c, &f, 1)?);
            }
            Ok(all)
        })
        .await?;
    let station = found.first().and_then(|(_, s)| s.clone());
    let rt = found.first().map(|(p, _)| p.raw_xml.clone());
    let items: Vec<_> = found.into_iter().map(|(p, _)| p).collect();
    Ok((pagati_xml(&items, station.as_deref(), false), rt))
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// `paaSILChiediPagati`: the outcome of a cart created by `paaSILInviaDovuti` or
/// `paaSILVerificaAvviso`.
pub async fn chiedi_pagati(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text("codIpaEnte", 1, 35)?;
    s.text_opt("password", 1, 64)?;
    let session = s.text("idSession", 1, 64)?;
    s.end()?;
    let (_, state, lines) = load(app, entity, session).await?;
    if state != CartState::Paid {
        return Err(not_paid(state));
    }
    let (pagati, _) = pagati_of(app, &lines).await?;
    let mut w = XmlWriter::new();
    w.leaf("pagati", &b64(&pagati));
    Ok(w.finish())
}

/// `paaSILChiediEsitoCarrelloDovuti`: per entity of the cart, its outcome and payments.
pub async fn esito_carrello(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text("codIpaEnte", 1, 35)?;
    s.text_opt("password", 1, 64)?;
    let session = s.text("idSessionCarrello", 1, 64)?;
    s.end()?;
    let (cart, state, lines) = load(app, entity, session).await?;
    let mut entities: Vec<&str> = lines.iter().map(|l| l.cod_ipa.as_str()).collect();
    entities.dedup();
    let mut w = XmlWriter::new();
    w.open("listaCarrelli");
    for cod in entities {
        let own: Vec<CartLine> = lines.iter().filter(|l| l.cod_ipa == cod).cloned().collect();
        w.open("rispostaCarrello")
            .leaf("esito", state.code())
            .leaf("codIpaEnte", cod)
            .leaf(
                "codIdentificativoUnivocoCarrello",
                crate::soap::writer::truncate_chars(&cart.session_id, 35),
            );
        if state == CartState::Paid {
            let (pagati, rt) = pagati_of(app, &own).await?;
            w.leaf("pagati", &b64(&pagati))
                .leaf_opt("rt", rt.map(|r| b64(&r)).as_deref());
        }
        w.close("rispostaCarrello");
    }
    w.close("listaCarrelli");
    Ok(w.finish())
}
