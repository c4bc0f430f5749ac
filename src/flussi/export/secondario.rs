//! Tracciato 1.3's rows for payments another entity collected with a share for this one
//! (a multi-beneficiary position: this entity is the beneficiary of a transfer after the
//! first). As MyPay, such a row has no IUD or flusso of ours, the transfer's amount, due
//! type `EXPORT_ENTE_SECONDARIO`, and in its last three columns the fiscal code, name and
//! first transfer's taxonomy of the entity that collected the payment.

use super::columns::{cents, local_stamp};
use super::pagati::{attestante_and_beneficiary, Beneficiary, Query};
use super::sink::CsvZip;
use crate::db::schema::{entities, receipt_transfers, receipts};
use crate::db::AnyConnection;
use base64::Engine;
use chrono::NaiveDateTime;
use diesel::prelude::*;

diesel::alias!(receipt_transfers as first_transfer: FirstTransfer);

/// Type code MyPay gives these rows.
pub const DUE_TYPE: &str = "EXPORT_ENTE_SECONDARIO";

#[derive(Debug, Queryable)]
struct Shared {
    id: i64,
    receipt_id: String,
    iuv: String,
    fee_cents: Option<i64>,
    psp: (String, Option<String>),
    payer: [Option<String>; 4],
    debtor: [Option<String>; 4],
    when: (Option<NaiveDateTime>, NaiveDateTime),
    raw_xml: String,
    share: (i32, i64, Option<String>, Option<String>),
    primary: (String, String, Option<String>),
}

type Four = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Writes the shared payments `q` selects for entity `b`; returns the rows written.
pub fn write(
    conn: &mut AnyConnection,
    q: &Query,
    b: &Beneficiary,
    w: &mut CsvZip,
) -> anyhow::Result<u64> {
    let (mut after, mut n) = (0i64, 0u64);
    loop {
        let page = page(conn, q, &b.fiscal_code, after)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for s in &page {
            row(w, q, b, s)?;
            n += 1;
        }
    }
    Ok(n)
}

fn page(conn: &mut AnyConnection, q: &Query, cf: &str, after: i64) -> QueryResult<Vec<Shared>> {
    let first = first_transfer.on(first_transfer
        .field(receipt_transfers::receipt_pk)
        .eq(receipts::id)
        .and(first_transfer.field(receipt_transfers::position).eq(1)));
    let four = |v: Four| [v.0, v.1, v.2, v.3];
    crate::with_backend!(conn, c => {
        let mut query = receipt_transfers::table
            .inner_join(receipts::table.inner_join(entities::table))
            .left_join(first)
            .filter(receipt_transfers::fiscal_code_pa.eq(cf))
            .filter(receipt_transfers::position.gt(1))
            .filter(receipts::entity_id.ne(q.entity_id))
            .filter(receipts::outcome.eq("OK"))
            .filter(receipt_transfers::id.gt(after))
            .order(receipt_transfers::id)
            .limit(1000)
            .into_boxed();
        query = if q.incremental {
            query
                .filter(receipts::received_at.ge(q.from))
                .filter(receipts::received_at.lt(q.to))
        } else {
            query
                .filter(receipts::payment_at.ge(q.from))
                .filter(receipts::payment_at.lt(q.to))
        };
        query
            .select((
                receipt_transfers::id,
                receipts::receipt_id,
                receipts::iuv,
                receipts::fee_cents,
                (receipts::psp_id, receipts::psp_name),
                (receipts::payer_kind, receipts::payer_id, receipts::payer_name, receipts::payer_email),
                (receipts::debtor_kind, receipts::debtor_id, receipts::debtor_name, receipts::debtor_email),
                (receipts::payment_at, receipts::received_at),
                receipts::raw_xml,
                (
                    receipt_transfers::position,
                    receipt_transfers::amount_cents,
                    receipt_transfers::remittance,
                    receipt_transfers::transfer_category,
                ),
                (
                    entities::fiscal_code,
                    entities::name,
                    first_transfer.field(receipt_transfers::transfer_category).nullable(),
                ),
            ))
            .load::<(i64, String, String, Option<i64>, (String, Option<String>), Four, Four,
                (Option<NaiveDateTime>, NaiveDateTime), String,
                (i32, i64, Option<String>, Option<String>),
                (String, String, Option<String>))>(c)
    })
    .map(|rows| {
        rows.into_iter()
            .map(|(id, receipt_id, iuv, fee_cents, psp, payer, debtor, when, raw_xml, share, p)| {
                Shared {
                    id,
                    receipt_id,
                    iuv,
                    fee_cents,
                    psp,
                    payer: four(payer),
                    debtor: four(debtor),
                    when,
                    raw_xml,
                    share,
                    primary: p,
                }
            })
            .collect()
    })
}

fn row(w: &mut CsvZip, q: &Query, b: &Beneficiary, s: &Shared) -> std::io::Result<()> {
    let stamp = local_stamp(&s.when.0.unwrap_or(s.when.1));
    let day = &stamp[..10];
    let (position, amount, remittance, category) = &s.share;
    let amount = cents(*amount);
    w.raw("")
        .raw("")
        .raw("")
        .raw(&s.iuv)
        .raw("6.2")
        .raw(&b.fiscal_code);
    w.text(&b.station)
        .text(&s.receipt_id)
        .raw(&stamp)
        .text(&s.receipt_id)
        .raw(day);
    attestante_and_beneficiary(w, &s.psp.0, s.psp.1.as_deref(), b);
    for who in [&s.payer, &s.debtor] {
        w.opt(who[0].as_deref())
            .opt(who[1].as_deref())
            .opt(who[2].as_deref());
        w.texts(&["", "", "", "", "", ""]).opt(who[3].as_deref());
    }
    w.raw("0")
        .raw(&amount)
        .raw(&s.iuv)
        .text(&s.receipt_id)
        .raw(&amount);
    w.raw("ESEGUITO").raw(day).text(&s.receipt_id);
    w.opt(remittance.as_deref());
    let collection = category.as_deref().map(|c| format!("9/{c}/"));
    w.opt(collection.as_deref()).raw(DUE_TYPE);
    if q.receipt {
        let rt = base64::engine::general_purpose::STANDARD.encode(&s.raw_xml);
        w.raw("").raw(&rt).raw(&position.to_string());
        w.raw(&s.fee_cents.map(cents).unwrap_or_default())
            .raw("")
            .raw("");
    }
    w.raw("").raw(&s.primary.0).text(&s.primary.1);
    w.opt(s.primary.2.as_deref());
    w.end_row()
}
