//! The read operations: a position's payment with its receipt
//! (`paaSILChiediPagatiConRicevuta`), a person's payment history
//! (`paaSILChiediStoricoPagamenti`) and open positions (`paaSILChiediPosizioniAperte`),
//! and the notices created in a period (`paaSILChiediAvvisiPendenti`).

use super::fault::{EnteCode, EnteFault};
use super::pagati::{dovuti_xml, pagati_xml, paid, DovutoOut, PaidFilter};
use crate::app::AppState;
use crate::db::models::payload;
use crate::db::models::registry::Entity;
use crate::domain::FiscalCode;
use crate::soap::pa_per_ente::element;
use crate::soap::seq::{date_of, datetime_of, Seq};
use crate::soap::writer::{truncate_chars, XmlWriter};
use crate::soap::xml::Node;
use base64::Engine;
use chrono::{NaiveDateTime, TimeZone};

/// Most items one answer carries.
pub const MAX_ITEMS: i64 = 1000;

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// `identificativoUnivocoPersonaFG` (children qualified in the payload namespace, as the
/// schema says, or unqualified, as some clients send them): the fiscal code.
fn person(node: &Node, path: &str) -> Result<String, EnteFault> {
    let child = |name: &str| {
        node.children
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value().to_uppercase())
    };
    let (Some(kind), Some(code)) = (
        child("tipoIdentificativoUnivoco"),
        child("codiceIdentificativoUnivoco"),
    ) else {
        return Err(EnteFault::new(
            EnteCode::XmlNonValido,
            format!("{path}: tipo e codice obbligatori"),
        ));
    };
    match (kind.as_str(), FiscalCode::parse(&code)) {
        (_, Ok(cf)) => Ok(cf.as_str().to_owned()),
        ("F", Err(_)) => Err(EnteFault::new(
            EnteCode::CodiceFiscaleNonValido,
            format!("[{code}]"),
        )),
        _ => Err(EnteFault::new(EnteCode::PIvaNonValido, format!("[{code}]"))),
    }
}

fn storico_item(w: &mut XmlWriter, entity: &Entity, pagati: &str, rt: &str) {
    w.open(element::STORICO_PAGAMENTI)
        .leaf("ctPagatiConRicevuta", &b64(pagati))
        .leaf("rt", &b64(rt))
        .leaf("codIpaEnte", &entity.cod_ipa)
        .leaf("deNomeEnte", truncate_chars(&entity.name, 35))
        .close(element::STORICO_PAGAMENTI);
}

/// `paaSILChiediPagatiConRicevuta`: by IUV or IUD (an `idSession` names a portal cart).
pub async fn pagati_con_ricevuta(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text("codIpaEnte", 1, 35)?;
    s.text_opt("password", 1, 64)?;
    let session = s.text_opt("idSession", 1, 64)?;
    let iuv = s.text_opt("identificativoUnivocoVersamento", 1, 35)?;
    let iud = s.text_opt("identificativoUnivocoDovuto", 1, 35)?;
    s.end()?;
    if let Some(session) = session {
        return Err(EnteFault::new(
            EnteCode::IdSessionNonValido,
            format!("sessione [{session}] sconosciuta"),
        ));
    }
    if iuv.is_none() && iud.is_none() {
        return Err(EnteFault::new(
            EnteCode::XmlNonValido,
            "indicare idSession, identificativoUnivocoVersamento o identificativoUnivocoDovuto",
        ));
    }
    let entity_id = entity.id;
    let found = app
        .db
        .read(move |c| {
            let Some(id) = payload::find(c, entity_id, iuv.as_deref(), iud.as_deref())? else {
                return Ok(None);
            };
            let f = PaidFilter {
                entity_id,
                dovuto_id: Some(id),
                ..PaidFilter::default()
            };
            Ok(Some(paid(c, &f, 1)?))
        })
        .await?;
    let rows = found.ok_or_else(|| {
        EnteFault::new(
            EnteCode::DatiNonTrovati,
            "nessun dovuto con questi identificativi",
        )
    })?;
    let (p, station) = rows
        .into_iter()
        .next()
        .ok_or_else(|| EnteFault::new(EnteCode::DatiNonTrovati, "il dovuto non risulta pagato"))?;
    let mut w = XmlWriter::new();
    w.leaf(
        "pagati",
        &b64(&pagati_xml(
            std::slice::from_ref(&p),
            station.as_deref(),
            true,
        )),
    )
    .leaf("tipoFirma", "")
    .leaf("rt", &b64(&p.raw_xml));
    Ok(w.finish())
}

/// `paaSILChiediStoricoPagamenti`: a person's payments to the entity in a period.
pub async fn storico(app: &AppState, entity: &Entity, body: &Node) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    s.text_opt("codIpaEnte", 1, 35)?;
    let who = person(
        s.req("identificativoUnivocoPersonaFG")?,
        "identificativoUnivocoPersonaFG",
    )?;
    let from_node = s.req("dataFrom")?;
    let from = datetime_of(from_node.value(), "dataFrom")?;
    let to = match s.opt("dataTo") {
        Some(n) => datetime_of(n.value(), "dataTo")?,
        None => app.now(),
    };
    s.end()?;
    if from > to {
        return Err(EnteFault::new(
            EnteCode::IntervalloDateNonValido,
            "dataFrom successiva a dataTo",
        ));
    }
    let f = PaidFilter {
        entity_id: entity.id,
        debtor: Some(who),
        from: Some(from),
        to: Some(to),
        ..PaidFilter::default()
    };
    let rows = app.db.read(move |c| paid(c, &f, MAX_ITEMS)).await?;
    let mut w = XmlWriter::new();
    w.leaf("dateTo", &xs_datetime(&to));
    for (p, station) in &rows {
        storico_item(
            &mut w,
            entity,
            &pagati_xml(std::slice::from_ref(p), station.as_deref(), true),
            &p.raw_xml,
        );
    }
    Ok(w.finish())
}

fn xs_datetime(utc: &NaiveDateTime) -> String {
    chrono_tz::Europe::Rome
        .from_utc_datetime(utc)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `paaSILChiediPosizioniAperte`: the person's open positions at the entity.
pub async fn posizioni_aperte(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    s.text_opt("codIpaEnte", 1, 35)?;
    let who = person(
        s.req("identificativoUnivocoPersonaFG")?,
        "identificativoUnivocoPersonaFG",
    )?;
    s.end()?;
    let entity_id = entity.id;
    let rows: Vec<DovutoOut> = app
        .db
        .read(move |c| payload::open_of_debtor(c, entity_id, &who, MAX_ITEMS))
        .await?;
    let mut w = XmlWriter::new();
    for d in &rows {
        w.open(element::POSIZIONI_APERTE)
            .leaf("codIpaEnte", &entity.cod_ipa)
            .leaf("deNomeEnte", truncate_chars(&entity.name, 35))
            .leaf("dovuti", &b64(&dovuti_xml(d)))
            .close(element::POSIZIONI_APERTE);
    }
    Ok(w.finish())
}

/// `paaSILChiediAvvisiPendenti`: open positions whose IUV was created in the period.
pub async fn avvisi_pendenti(
    app: &AppState,
    entity: &Entity,
    body: &Node,
) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    s.text("codIpaEnte", 1, 35)?;
    let from = date_of(s.req("dateFrom")?.value(), "dateFrom")?;
    let to = date_of(s.req("dateTo")?.value(), "dateTo")?;
    s.end()?;
    if from > to {
        return Err(EnteFault::new(
            EnteCode::IntervalloDateNonValido,
            "dateFrom successiva a dateTo",
        ));
    }
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = (to + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let entity_id = entity.id;
    let rows: Vec<DovutoOut> = app
        .db
        .read(move |c| payload::open_with_iuv_assigned(c, entity_id, (start, end), MAX_ITEMS))
        .await?;
    let mut w = XmlWriter::new();
    for d in &rows {
        let day = d
            .iuv_assigned_at
            .map(|t| chrono_tz::Europe::Rome.from_utc_datetime(&t).date_naive())
            .unwrap_or(from);
        w.open(element::AVVISO_PENDENTE)
            .leaf("dtCreazioneCodIuv", &day.format("%Y-%m-%d").to_string())
            .leaf("dovuti", &b64(&dovuti_xml(d)))
            .close(element::AVVISO_PENDENTE);
    }
    Ok(w.finish())
}
