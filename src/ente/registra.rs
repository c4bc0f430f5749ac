//! `paaSILRegistraPagamento`: the entity records a payment made outside pagoPA (at its
//! counter, by bank transfer...) so the position stops being payable. Stored like a node
//! receipt (primitive `paaSILRegistraPagamento`, the IUR as receipt id, the attesting
//! institution as PSP), so exports, histories and the receipt PDF see it.

use super::fault::{EnteCode, EnteFault};
use crate::app::AppState;
use crate::db::models::dovuto;
use crate::db::models::receipt::{store, NewReceipt, Stored};
use crate::db::models::registry::Entity;
use crate::domain::DovutoState;
use crate::soap::seq::{date_of, Seq};
use crate::soap::writer::XmlWriter;
use crate::soap::xml::Node;
use chrono::TimeZone;

/// What the entity says was paid.
struct Registered {
    iuv: String,
    amount: crate::domain::AmountCents,
    day: chrono::NaiveDate,
    iur: String,
    institute: (String, String),
}

/// Reads the request (the schema's sequence).
fn read(body: &Node) -> Result<Registered, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text("codIpaEnte", 1, 35)?;
    s.text_opt("password", 1, 64)?;
    let iuv = s.text("identificativoUnivocoVersamento", 1, 35)?;
    s.text_opt("codiceContestoPagamento", 1, 35)?;
    let amount = s.amount("singoloImportoPagato", true)?;
    let day = date_of(
        s.req("dataEsitoSingoloPagamento")?.value(),
        "dataEsitoSingoloPagamento",
    )?;
    s.text_opt("indiceDatiSingoloPagamento", 1, 1)?;
    let iur = s.text("identificativoUnivocoRiscossione", 1, 35)?;
    s.one_of("tipoIstitutoAttestante", &["G", "A", "B"])?;
    let code = s.text("codiceIstitutiAttestante", 1, 35)?;
    let name = s.text("denominazioneAttestante", 1, 70)?;
    s.end()?;
    Ok(Registered {
        iuv,
        amount,
        day,
        iur,
        institute: (code, name),
    })
}

/// The entity's open position with the IUV paid, and the same amount.
async fn position(
    app: &AppState,
    entity: &Entity,
    r: &Registered,
) -> Result<dovuto::ByIuv, EnteFault> {
    let (entity_id, lookup) = (entity.id, r.iuv.clone());
    let found = app
        .db
        .read(move |c| dovuto::by_iuv(c, entity_id, &lookup))
        .await?;
    let iuv = &r.iuv;
    let Some(p) = found else {
        return Err(EnteFault::new(
            EnteCode::IuvNonValido,
            format!("nessun dovuto con IUV [{iuv}]"),
        ));
    };
    if matches!(p.state, DovutoState::Paid | DovutoState::Cancelled) {
        return Err(EnteFault::new(
            EnteCode::DovutoNonPagabile,
            format!("il dovuto con IUV [{iuv}] è già pagato o annullato"),
        ));
    }
    if r.amount.cents() != p.amount_cents {
        return Err(EnteFault::new(
            EnteCode::ImportoNonValido,
            format!("importo {} diverso da quello del dovuto", r.amount),
        ));
    }
    Ok(p)
}

/// Handles the call for the authenticated `entity`.
pub async fn handle(
    app: &AppState,
    entity: &Entity,
    body: &Node,
    raw: String,
) -> Result<String, EnteFault> {
    let r = read(body)?;
    let p = position(app, entity, &r).await?;
    let now = app.now();
    let receipt = receipt(entity.id, r, p, raw, now);
    let stored = app
        .db
        .write(move |c| store(c, receipt, &[], true, now))
        .await?;
    match stored {
        Stored::Duplicate => Err(EnteFault::new(
            EnteCode::DovutoNonPagabile,
            "pagamento già registrato con questo identificativoUnivocoRiscossione",
        )),
        _ => {
            let mut w = XmlWriter::new();
            w.leaf("esito", "OK");
            Ok(w.finish())
        }
    }
}

/// The payment as a stored receipt, dated at noon in Rome of its day (no time is given).
fn receipt(
    entity_id: i64,
    r: Registered,
    p: dovuto::ByIuv,
    raw: String,
    now: chrono::NaiveDateTime,
) -> NewReceipt {
    let paid_at = chrono_tz::Europe::Rome
        .from_local_datetime(&r.day.and_hms_opt(12, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.naive_utc());
    let (debtor_kind, debtor_id, debtor_name) = p.debtor;
    NewReceipt {
        entity_id,
        receipt_id: r.iur,
        dovuto_id: None,
        iuv: r.iuv,
        notice_number: p.notice_number,
        outcome: "OK".into(),
        amount_cents: p.amount_cents,
        fee_cents: None,
        psp_id: r.institute.0,
        psp_name: Some(r.institute.1),
        psp_fiscal_code: None,
        channel_id: None,
        payment_method: Some("OTHER".into()),
        payer_kind: None,
        payer_id: None,
        payer_name: None,
        payer_email: None,
        debtor_kind: Some(debtor_kind),
        debtor_id: Some(debtor_id),
        debtor_name: Some(debtor_name),
        debtor_email: None,
        payment_at: paid_at,
        application_date: Some(r.day),
        transfer_date: None,
        primitive: crate::soap::EnteOp::RegistraPagamento.action().into(),
        raw_xml: raw,
        double_payment: false,
        received_at: now,
    }
}
