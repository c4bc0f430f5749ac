//! The paid-dovuti export in MyPay's tracciati 1.0–1.3: one row per positive receipt of
//! the entity. Every version starts with the same 64 columns (flusso, IUD, IUV, receipt,
//! PSP, beneficiary, payer, debtor, payment); with the receipt option six more follow
//! (`tipoFirma`, the receipt in base64, index, PSP fee, attachment type and text); 1.2 adds
//! `bilancio`, 1.3 `bilancio` and the three columns naming the primary entity of a
//! payment shared with a secondary one. Rows are streamed from the database, never held.

pub use super::columns::Version;
use super::columns::{cents, header, local_stamp};
use super::sink::CsvZip;
use crate::db::models::paid_export;
use crate::db::{AnyConnection, DbError};
use base64::Engine;
use chrono::NaiveDateTime;
use std::collections::HashMap;

/// What an export asks for.
#[derive(Debug, Clone)]
pub struct Query {
    /// The entity.
    pub entity_id: i64,
    /// Receipts from (UTC, inclusive).
    pub from: NaiveDateTime,
    /// Receipts to (UTC, exclusive).
    pub to: NaiveDateTime,
    /// By arrival here (incremental) rather than by payment time.
    pub incremental: bool,
    /// Only this due type.
    pub due_type_id: Option<i64>,
    /// Tracciato.
    pub version: Version,
    /// With the receipt columns.
    pub receipt: bool,
}

impl Query {
    /// The receipts it reads.
    pub fn window(&self) -> paid_export::Window {
        paid_export::Window {
            entity_id: self.entity_id,
            from: self.from,
            to: self.to,
            incremental: self.incremental,
            due_type_id: self.due_type_id,
        }
    }
}

/// The constant part of every row: the entity as beneficiary.
#[derive(Debug, Clone, Default)]
pub struct Beneficiary {
    /// Fiscal code.
    pub fiscal_code: String,
    /// Name.
    pub name: String,
    /// Station code (`identificativoStazioneRichiedente`).
    pub station: String,
    /// Address, civic number, postal code, city, province, country.
    pub address: [String; 6],
}

/// Lookups resolved once per export.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    /// Flusso id → IUF.
    pub iuf: HashMap<i64, String>,
    /// Due type id → code.
    pub due_type: HashMap<i64, String>,
}

pub use crate::db::models::paid_export::{DebtorContact, Paid, DEBTOR_CONTACT};

/// Writes the attesting PSP's columns (only its code and name are known) and the
/// beneficiary's: type, fiscal code, name, two empty unit columns, address.
pub(super) fn attestante_and_beneficiary(
    w: &mut CsvZip,
    psp_id: &str,
    psp_name: Option<&str>,
    b: &Beneficiary,
) {
    w.raw("B").text(psp_id).opt(psp_name);
    w.texts(&["", "", "", "", "", "", "", ""]);
    w.raw("G")
        .raw(&b.fiscal_code)
        .text(&b.name)
        .texts(&["", ""]);
    for part in &b.address {
        w.text(part);
    }
}

/// Writes a [`DebtorContact`]'s seven cells.
pub(super) fn contact_cells(w: &mut CsvZip, c: &DebtorContact) {
    let (address, civic, cap, city, province, country, email) = c;
    for part in [address, civic, cap, city, province, country, email] {
        w.opt(part.as_deref());
    }
}

/// Writes one row.
fn row(
    w: &mut CsvZip,
    q: &Query,
    b: &Beneficiary,
    l: &Lookups,
    p: &Paid,
    raw: Option<&str>,
) -> std::io::Result<()> {
    let stamp = local_stamp(&p.payment_at.unwrap_or(p.received_at));
    let day = &stamp[..10];
    let amount = cents(p.amount_cents);
    let iuf = p.flusso_id.and_then(|f| l.iuf.get(&f));
    let row_no = p.flusso_row.map(|n| n.to_string()).unwrap_or_default();
    w.opt(iuf.map(String::as_str))
        .raw(&row_no)
        .text(&p.iud)
        .raw(&p.iuv);
    w.raw("6.2").raw(&b.fiscal_code).text(&b.station);
    w.text(&p.receipt_id)
        .raw(&stamp)
        .text(&p.receipt_id)
        .raw(day);
    attestante_and_beneficiary(w, &p.psp_id, p.psp_name.as_deref(), b);
    let payer_kind = p
        .payer_id
        .as_ref()
        .map(|_| p.payer_kind.as_deref().unwrap_or("F"));
    w.opt(payer_kind)
        .opt(p.payer_id.as_deref())
        .opt(p.payer_name.as_deref());
    w.texts(&["", "", "", "", "", ""])
        .opt(p.payer_email.as_deref());
    let (kind, id, name) = &p.debtor;
    w.raw(kind).text(id).text(name);
    contact_cells(w, &p.debtor_contact);
    w.raw("0")
        .raw(&amount)
        .raw(&p.iuv)
        .text(&p.receipt_id)
        .raw(&amount);
    w.raw("ESEGUITO").raw(day).text(&p.receipt_id);
    w.text(crate::soap::writer::truncate_chars(&p.causale, 1024));
    w.text(&p.collection_data);
    w.opt(l.due_type.get(&p.due_type_id).map(String::as_str));
    if q.receipt {
        let rt = raw.map(|x| base64::engine::general_purpose::STANDARD.encode(x));
        w.raw("").raw(rt.as_deref().unwrap_or("")).raw("1");
        w.raw(&p.fee_cents.map(cents).unwrap_or_default())
            .raw("")
            .raw("");
    }
    match q.version {
        Version::V1_2 => {
            w.opt(p.bilancio.as_deref());
        }
        Version::V1_3 => {
            w.opt(p.bilancio.as_deref()).texts(&["", "", ""]);
        }
        _ => {}
    }
    w.end_row()
}

/// Streams the rows `q` selects into `w` (header first); `tick(rows)` every 10,000 rows.
/// Returns the number of data rows.
pub fn write(
    conn: &mut AnyConnection,
    q: &Query,
    b: &Beneficiary,
    l: &Lookups,
    w: &mut CsvZip,
    tick: &mut dyn FnMut(u64),
) -> anyhow::Result<u64> {
    for h in header(q.version, q.receipt) {
        w.raw(h);
    }
    w.end_row()?;
    let mut n = 0u64;
    let mut emit = |p: &Paid, raw: Option<&str>| -> anyhow::Result<()> {
        row(w, q, b, l, p, raw)?;
        n += 1;
        if n % 10_000 == 0 {
            tick(n);
        }
        Ok(())
    };
    paid_export::stream(conn, &q.window(), q.receipt, &mut emit)?;
    Ok(n)
}

/// Resolves the lookups and the beneficiary columns of entity `entity_id`.
pub fn context(
    conn: &mut AnyConnection,
    entity_id: i64,
) -> Result<(Beneficiary, Lookups), DbError> {
    let (fiscal_code, name, station, address) = paid_export::beneficiary(conn, entity_id)?;
    let b = Beneficiary {
        fiscal_code,
        name,
        station: station.unwrap_or_default(),
        address: address.map(Option::unwrap_or_default),
    };
    let (iuf, due_type) = paid_export::lookups(conn, entity_id)?;
    let lookups = Lookups {
        iuf: iuf.into_iter().collect(),
        due_type: due_type.into_iter().collect(),
    };
    Ok((b, lookups))
}
