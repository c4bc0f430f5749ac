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

/// Handles the call for the authenticated `entity`.
pub async fn handle(
    app: &AppState,
    entity: &Entity,
    body: &Node,
    raw: String,
) -> Result<String, EnteFault> {
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
    let entity_id = entity.id;
    let lookup_iuv = iuv.clone();
    let position = app
        .db
        .read(move |c| dovuto::by_iuv(c, entity_id, &lookup_iuv))
        .await?;
    let Some(dovuto::ByIuv {
        id: _,
        state,
        amount_cents: cents,
        notice_number: notice,
        debtor: (debtor_kind, debtor_id, debtor_name),
    }) = position
    else {
        return Err(EnteFault::new(
            EnteCode::IuvNonValido,
            format!("nessun dovuto con IUV [{iuv}]"),
        ));
    };
    if matches!(state, DovutoState::Paid | DovutoState::Cancelled) {
        return Err(EnteFault::new(
            EnteCode::DovutoNonPagabile,
            format!("il dovuto con IUV [{iuv}] è già pagato o annullato"),
        ));
    }
    if amount.cents() != cents {
        return Err(EnteFault::new(
            EnteCode::ImportoNonValido,
            format!("importo {amount} diverso da quello del dovuto"),
        ));
    }
    let now = app.now();
    // The day of the payment, at noon in Rome (no time is given).
    let paid_at = chrono_tz::Europe::Rome
        .from_local_datetime(&day.and_hms_opt(12, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.naive_utc());
    let receipt = NewReceipt {
        entity_id,
        receipt_id: iur,
        dovuto_id: None,
        iuv,
        notice_number: notice,
        outcome: "OK".into(),
        amount_cents: cents,
        fee_cents: None,
        psp_id: code,
        psp_name: Some(name),
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
        application_date: Some(day),
        transfer_date: None,
        primitive: crate::soap::EnteOp::RegistraPagamento.action().into(),
        raw_xml: raw,
        double_payment: false,
        received_at: now,
    };
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
