//! paSendRT and paSendRTV2 — `paForNode.wsdl`, messages `paSendRTReq` / `paSendRTRes` and
//! `paSendRTV2Request` / `paSendRTV2Response` of `paForNode.xsd` 1.0.0.
//! The whole receipt is stored before we answer OK; an identical re-delivery is OK again;
//! a different receipt for a paid notice is stored and flagged as a double payment.

use super::fault::{Fault, FaultCode};
use super::receipt_wire::{self, Receipt};
use super::routing::Caller;
use super::{wire, Fails};
use crate::app::App;
use crate::db::models::receipt::{self, NewReceipt, NewTransfer, Stored};
use crate::domain::NoticeNumber;
use crate::soap::seq::Seq;
use crate::soap::{Handled, PaForNodeOp, Request};

/// Handles one call; the request as received is kept with the receipt.
#[tracing::instrument(skip_all, fields(v2))]
pub async fn handle(app: &App, req: &Request, v2: bool) -> Handled {
    let (body, raw) = (&req.body, req.raw.as_str());
    let mut seen = Handled::to(req);
    let (caller, r) = match read(body, v2) {
        Ok(p) => p,
        Err(f) => return seen.fail(f, body),
    };
    seen.notice = Some(r.notice_number.clone());
    seen.entity_cf = Some(caller.id_pa.clone());
    if let Err(f) = transfers_add_up(&r) {
        return seen.fail_for(f, &caller.id_pa);
    }
    let iuv = NoticeNumber::parse(&r.notice_number)
        .map(|n| n.iuv().as_str().to_owned())
        .unwrap_or_else(|_| r.creditor_reference_id.clone());
    seen.iuv = Some(iuv.clone());
    let (now, raw, primitive) = (
        app.now(),
        raw.to_owned(),
        if v2 {
            PaForNodeOp::SendRtV2
        } else {
            PaForNodeOp::SendRt
        }
        .action(),
    );
    let (c, routes) = (caller.clone(), app.routes.clone());
    let outcome = app
        .db
        .write(move |conn| {
            let route = match super::routing::resolve(&routes, conn, &c)? {
                Ok(route) => route,
                Err(f) => return Ok(Err(f)),
            };
            // A broadcast copy for a secondary beneficiary has another entity's notice.
            let own_notice = r.fiscal_code == route.entity.fiscal_code;
            let (row, transfers) = to_rows(&r, route.entity.id, iuv, primitive, raw, now);
            let stored = receipt::store(conn, row, &transfers, own_notice, now)?;
            Ok(Ok((route.entity.id, stored)))
        })
        .await;
    match outcome {
        Ok(Ok((entity_id, stored))) => {
            seen.entity_id = Some(entity_id);
            note(&stored);
            seen.ok("<outcome>OK</outcome>".into())
        }
        Ok(Err(fault)) => seen.fail_for(fault, &caller.id_pa),
        Err(e) => seen.system_error(e, &caller.id_pa),
    }
}

/// The caller and the receipt of a request.
fn read(body: &crate::soap::xml::Node, v2: bool) -> Result<(Caller, Receipt), Fault> {
    let mut s = Seq::root(body)?;
    let caller = wire::caller(&mut s)?;
    let path = s.path_of("receipt");
    let r = receipt_wire::parse(s.req("receipt")?, &path, v2)?;
    s.end()?;
    Ok((caller, r))
}

/// The transfers must add up to the amount paid.
fn transfers_add_up(r: &Receipt) -> Result<(), Fault> {
    let sum: i64 = r.transfers.iter().map(|t| t.amount.cents()).sum();
    if sum == r.amount.cents() {
        return Ok(());
    }
    Err(Fault::new(
        FaultCode::SintassiExtraXsd,
        "la somma dei trasferimenti differisce da paymentAmount",
    ))
}

/// Logs what storing the receipt found.
fn note(stored: &Stored) {
    match stored {
        Stored::Duplicate => tracing::info!("receipt re-delivered, already stored"),
        Stored::New {
            double_payment: true,
            ..
        } => tracing::warn!("double payment: receipt stored and flagged"),
        Stored::New {
            dovuto_id: None, ..
        } => tracing::warn!("receipt for a notice we do not hold: stored"),
        Stored::New { .. } => {}
    }
}

fn to_rows(
    r: &Receipt,
    entity_id: i64,
    iuv: String,
    primitive: &str,
    raw: String,
    now: chrono::NaiveDateTime,
) -> (NewReceipt, Vec<NewTransfer>) {
    let row = NewReceipt {
        entity_id,
        receipt_id: r.receipt_id.clone(),
        dovuto_id: None,
        iuv,
        notice_number: Some(r.notice_number.clone()),
        outcome: r.outcome.clone(),
        amount_cents: r.amount.cents(),
        fee_cents: r.fee.map(|f| f.cents()),
        psp_id: r.id_psp.clone(),
        psp_name: Some(r.psp_company_name.clone()),
        psp_fiscal_code: r.psp_fiscal_code.clone(),
        channel_id: Some(r.id_channel.clone()),
        payment_method: r.payment_method.clone(),
        payer_kind: r.payer.as_ref().map(|p| p.kind.clone()),
        payer_id: r.payer.as_ref().map(|p| p.id.clone()),
        payer_name: r.payer.as_ref().map(|p| p.full_name.clone()),
        payer_email: r.payer.as_ref().and_then(|p| p.email.clone()),
        debtor_kind: Some(r.debtor.kind.clone()),
        debtor_id: Some(r.debtor.id.clone()),
        debtor_name: Some(r.debtor.full_name.clone()),
        debtor_email: r.debtor.email.clone(),
        payment_at: r.payment_at,
        application_date: r.application_date,
        transfer_date: r.transfer_date,
        primitive: primitive.to_owned(),
        raw_xml: raw,
        double_payment: false,
        received_at: now,
    };
    let transfers = r
        .transfers
        .iter()
        .map(|t| NewTransfer {
            position: t.id,
            fiscal_code_pa: t.fiscal_code_pa.clone(),
            iban: t.iban.clone(),
            amount_cents: t.amount.cents(),
            remittance: Some(t.remittance.clone()),
            transfer_category: Some(t.category.clone()),
            stamp: t.stamp,
        })
        .collect();
    (row, transfers)
}
