//! The paid-dovuti export in MyPay's tracciati 1.0–1.3: one row per positive receipt of
//! the entity. Every version starts with the same 64 columns (flusso, IUD, IUV, receipt,
//! PSP, beneficiary, payer, debtor, payment); with the receipt option six more follow
//! (`tipoFirma`, the receipt in base64, index, PSP fee, attachment type and text); 1.2 adds
//! `bilancio`, 1.3 `bilancio` and the three columns naming the primary entity of a
//! payment shared with a secondary one. Rows are streamed from the database, never held.

pub use super::columns::Version;
use super::columns::{cents, header, local_stamp};
use super::sink::CsvZip;
use crate::db::schema::{dovuti, receipts};
use crate::db::{AnyConnection, DbError};
use base64::Engine;
use chrono::NaiveDateTime;
use diesel::prelude::*;
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

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = receipts)]
struct Paid {
    receipt_id: String,
    iuv: String,
    amount_cents: i64,
    fee_cents: Option<i64>,
    psp_id: String,
    psp_name: Option<String>,
    payer_kind: Option<String>,
    payer_id: Option<String>,
    payer_name: Option<String>,
    payer_email: Option<String>,
    payment_at: Option<NaiveDateTime>,
    received_at: NaiveDateTime,
    #[diesel(select_expression = dovuti::iud)]
    iud: String,
    #[diesel(select_expression = dovuti::flusso_id)]
    flusso_id: Option<i64>,
    #[diesel(select_expression = dovuti::flusso_row)]
    flusso_row: Option<i64>,
    #[diesel(select_expression = dovuti::due_type_id)]
    due_type_id: i64,
    #[diesel(select_expression = dovuti::causale)]
    causale: String,
    #[diesel(select_expression = dovuti::collection_data)]
    collection_data: String,
    #[diesel(select_expression = dovuti::bilancio)]
    bilancio: Option<String>,
    #[diesel(select_expression = (dovuti::debtor_kind, dovuti::debtor_id, dovuti::debtor_name))]
    debtor: (String, String, String),
    #[diesel(select_expression = DEBTOR_CONTACT, select_expression_type = DebtorContactColumns)]
    debtor_contact: DebtorContact,
}

type Address = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A dovuto's debtor address, civic number, postal code, city, province, country and
/// e-mail, as the export tracciati list them.
pub(super) type DebtorContact = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The columns of [`DebtorContact`].
pub(super) type DebtorContactColumns = (
    dovuti::debtor_address,
    dovuti::debtor_civic_number,
    dovuti::debtor_postal_code,
    dovuti::debtor_city,
    dovuti::debtor_province,
    dovuti::debtor_country,
    dovuti::debtor_email,
);

/// Selects a [`DebtorContact`].
pub(super) const DEBTOR_CONTACT: DebtorContactColumns = (
    dovuti::debtor_address,
    dovuti::debtor_civic_number,
    dovuti::debtor_postal_code,
    dovuti::debtor_city,
    dovuti::debtor_province,
    dovuti::debtor_country,
    dovuti::debtor_email,
);

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

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = receipts)]
struct PaidWithReceipt {
    #[diesel(embed)]
    paid: Paid,
    raw_xml: String,
}

/// A row read for the export: the payment and, when asked for, the receipt as received.
trait Streamed {
    fn parts_owned(self) -> (Paid, Option<String>);
}

impl Streamed for Paid {
    fn parts_owned(self) -> (Paid, Option<String>) {
        (self, None)
    }
}

impl Streamed for PaidWithReceipt {
    fn parts_owned(self) -> (Paid, Option<String>) {
        (self.paid, Some(self.raw_xml))
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

macro_rules! paid_query {
    ($q:expr, $backend:ty, $select:ty) => {{
        let q: &Query = $q;
        let query = receipts::table
            .inner_join(dovuti::table)
            .filter(receipts::entity_id.eq(q.entity_id))
            .filter(receipts::outcome.eq("OK"))
            .select(<$select>::as_select())
            .into_boxed::<$backend>();
        // Each window is one range of an (entity, time) index, read in its order: no
        // sort, rows flow as they are read.
        let mut query = if q.incremental {
            query
                .filter(receipts::received_at.ge(q.from))
                .filter(receipts::received_at.lt(q.to))
                .order((receipts::received_at, receipts::id))
        } else {
            query
                .filter(receipts::payment_at.ge(q.from))
                .filter(receipts::payment_at.lt(q.to))
                .order((receipts::payment_at, receipts::id))
        };
        if let Some(t) = q.due_type_id {
            query = query.filter(dovuti::due_type_id.eq(t));
        }
        query
    }};
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
    // PostgreSQL hands rows over one by one (libpq would otherwise buffer the whole
    // result); SQLite steps through its cursor either way.
    macro_rules! stream {
        ($c:expr, $backend:ty, $mode:ty, $select:ty) => {{
            let it = paid_query!(q, $backend, $select).load_iter::<$select, $mode>($c)?;
            for p in it {
                let (paid, raw) = p?.parts_owned();
                emit(&paid, raw.as_deref())?;
            }
        }};
    }
    use diesel::connection::DefaultLoadingMode as Cursor;
    use diesel::pg::{Pg, PgRowByRowLoadingMode as RowByRow};
    use diesel::sqlite::Sqlite;
    match (&mut *conn, q.receipt) {
        (AnyConnection::Sqlite(c), false) => stream!(c, Sqlite, Cursor, Paid),
        (AnyConnection::Sqlite(c), true) => stream!(c, Sqlite, Cursor, PaidWithReceipt),
        (AnyConnection::Postgresql(c), false) => stream!(c, Pg, RowByRow, Paid),
        (AnyConnection::Postgresql(c), true) => stream!(c, Pg, RowByRow, PaidWithReceipt),
    }
    if q.version == Version::V1_3 {
        n += super::secondario::write(conn, q, b, w)?;
    }
    Ok(n)
}

/// Resolves the lookups and the beneficiary columns of entity `entity_id`.
pub fn context(
    conn: &mut AnyConnection,
    entity_id: i64,
) -> Result<(Beneficiary, Lookups), DbError> {
    use crate::db::schema::{due_types, entities, flussi, stations};
    type Row = (String, String, Option<String>, [Option<String>; 6]);
    let (fiscal_code, name, station, address): Row = entities::table
        .left_join(stations::table)
        .filter(entities::id.eq(entity_id))
        .select((
            entities::fiscal_code,
            entities::name,
            stations::code.nullable(),
            (
                entities::address,
                entities::civic_number,
                entities::postal_code,
                entities::city,
                entities::province,
                entities::country,
            ),
        ))
        .first::<(String, String, Option<String>, Address)>(conn)
        .map(|(f, n, s, a)| (f, n, s, [a.0, a.1, a.2, a.3, a.4, a.5]))?;
    let b = Beneficiary {
        fiscal_code,
        name,
        station: station.unwrap_or_default(),
        address: address.map(Option::unwrap_or_default),
    };
    let iuf = flussi::table
        .filter(flussi::entity_id.eq(entity_id))
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::iuf.is_not_null())
        .select((flussi::id, flussi::iuf.assume_not_null()))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let due_type = due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .select((due_types::id, due_types::code))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok((b, Lookups { iuf, due_type }))
}
