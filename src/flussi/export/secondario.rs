//! Tracciato 1.3's rows for payments another entity collected with a share for this one
//! (a multi-beneficiary position: this entity is the beneficiary of a transfer after the
//! first). As MyPay, such a row has no IUD or flusso of ours, the transfer's amount, due
//! type `EXPORT_ENTE_SECONDARIO`, and in its last three columns the fiscal code, name and
//! first transfer's taxonomy of the entity that collected the payment.

use super::columns::{cents, local_stamp};
use super::pagati::{attestante_and_beneficiary, Beneficiary, Query};
use super::sink::CsvZip;
use crate::db::AnyConnection;
use base64::Engine;

/// Type code MyPay gives these rows.
pub const DUE_TYPE: &str = "EXPORT_ENTE_SECONDARIO";

use crate::db::models::paid_export::{shared_page, Shared};

/// Writes the shared payments `q` selects for entity `b`; returns the rows written.
pub fn write(
    conn: &mut AnyConnection,
    q: &Query,
    b: &Beneficiary,
    w: &mut CsvZip,
) -> anyhow::Result<u64> {
    let (mut after, mut n) = (0i64, 0u64);
    let window = q.window();
    loop {
        let page = shared_page(conn, &window, &b.fiscal_code, after)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for s in &page {
            row(w, q, b, s)?;
            n += 1;
        }
    }
    Ok(n)
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
