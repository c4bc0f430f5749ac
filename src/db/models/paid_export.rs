//! The paid-dovuti export's rows, streamed from the database: one per positive receipt
//! of the entity in a window, with its dovuto's columns (and the receipt as received).

use crate::db::schema::{dovuti, entities, receipt_transfers, receipts};
use crate::db::{AnyConnection, DbError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// Which receipts an export reads.
#[derive(Debug, Clone, Copy)]
pub struct Window {
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
}

/// A positive receipt with its dovuti's columns, as the export writes it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = receipts)]
pub struct Paid {
    pub receipt_id: String,
    pub iuv: String,
    pub amount_cents: i64,
    pub fee_cents: Option<i64>,
    pub psp_id: String,
    pub psp_name: Option<String>,
    pub payer_kind: Option<String>,
    pub payer_id: Option<String>,
    pub payer_name: Option<String>,
    pub payer_email: Option<String>,
    pub payment_at: Option<NaiveDateTime>,
    pub received_at: NaiveDateTime,
    #[diesel(select_expression = dovuti::iud)]
    pub iud: String,
    #[diesel(select_expression = dovuti::flusso_id)]
    pub flusso_id: Option<i64>,
    #[diesel(select_expression = dovuti::flusso_row)]
    pub flusso_row: Option<i64>,
    #[diesel(select_expression = dovuti::due_type_id)]
    pub due_type_id: i64,
    #[diesel(select_expression = dovuti::causale)]
    pub causale: String,
    #[diesel(select_expression = dovuti::collection_data)]
    pub collection_data: String,
    #[diesel(select_expression = dovuti::bilancio)]
    pub bilancio: Option<String>,
    #[diesel(select_expression = (dovuti::debtor_kind, dovuti::debtor_id, dovuti::debtor_name))]
    pub debtor: (String, String, String),
    #[diesel(select_expression = DEBTOR_CONTACT, select_expression_type = DebtorContactColumns)]
    pub debtor_contact: DebtorContact,
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
pub type DebtorContact = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The columns of [`DebtorContact`].
pub type DebtorContactColumns = (
    dovuti::debtor_address,
    dovuti::debtor_civic_number,
    dovuti::debtor_postal_code,
    dovuti::debtor_city,
    dovuti::debtor_province,
    dovuti::debtor_country,
    dovuti::debtor_email,
);

/// Selects a [`DebtorContact`].
pub const DEBTOR_CONTACT: DebtorContactColumns = (
    dovuti::debtor_address,
    dovuti::debtor_civic_number,
    dovuti::debtor_postal_code,
    dovuti::debtor_city,
    dovuti::debtor_province,
    dovuti::debtor_country,
    dovuti::debtor_email,
);

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

macro_rules! paid_query {
    ($q:expr, $backend:ty, $select:ty) => {{
        let q: &Window = $q;
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

/// Streams the receipts of `q` (with the receipt as received when `with_receipt`) to
/// `each`, in time order. PostgreSQL hands rows over one by one (libpq would otherwise
/// buffer the whole result); SQLite steps through its cursor either way.
pub fn stream<E: From<DbError>>(
    conn: &mut AnyConnection,
    q: &Window,
    with_receipt: bool,
    mut each: impl FnMut(&Paid, Option<&str>) -> Result<(), E>,
) -> Result<(), E> {
    let db = |e: diesel::result::Error| E::from(DbError::from(e));
    macro_rules! stream {
        ($c:expr, $backend:ty, $mode:ty, $select:ty) => {{
            let it = paid_query!(q, $backend, $select)
                .load_iter::<$select, $mode>($c)
                .map_err(db)?;
            for p in it {
                let (paid, raw) = p.map_err(db)?.parts_owned();
                each(&paid, raw.as_deref())?;
            }
        }};
    }
    use diesel::connection::DefaultLoadingMode as Cursor;
    use diesel::pg::{Pg, PgRowByRowLoadingMode as RowByRow};
    use diesel::sqlite::Sqlite;
    match (&mut *conn, with_receipt) {
        (AnyConnection::Sqlite(c), false) => stream!(c, Sqlite, Cursor, Paid),
        (AnyConnection::Sqlite(c), true) => stream!(c, Sqlite, Cursor, PaidWithReceipt),
        (AnyConnection::Postgresql(c), false) => stream!(c, Pg, RowByRow, Paid),
        (AnyConnection::Postgresql(c), true) => stream!(c, Pg, RowByRow, PaidWithReceipt),
    }
    Ok(())
}

/// The entity as beneficiary: fiscal code, name, station code, and address, civic
/// number, postal code, city, province, country.
pub type BeneficiaryRow = (String, String, Option<String>, [Option<String>; 6]);

/// Entity `entity_id` as beneficiary.
pub fn beneficiary(conn: &mut AnyConnection, entity_id: i64) -> Result<BeneficiaryRow, DbError> {
    use crate::db::schema::{entities, stations};
    Ok(entities::table
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
        .map(|(f, n, s, a)| (f, n, s, [a.0, a.1, a.2, a.3, a.4, a.5]))?)
}

/// Ids with their names: imports' IUFs or due types' codes.
pub type Named = Vec<(i64, String)>;

/// The entity's imports' IUFs (by flusso id) and due types' codes (by id).
pub fn lookups(conn: &mut AnyConnection, entity_id: i64) -> Result<(Named, Named), DbError> {
    use crate::db::schema::{due_types, flussi};
    let iuf = flussi::table
        .filter(flussi::entity_id.eq(entity_id))
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::iuf.is_not_null())
        .select((flussi::id, flussi::iuf.assume_not_null()))
        .load::<(i64, String)>(conn)?;
    let due_type = due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .select((due_types::id, due_types::code))
        .load::<(i64, String)>(conn)?;
    Ok((iuf, due_type))
}

diesel::alias!(receipt_transfers as first_transfer: FirstTransfer);

/// A share this entity holds in a payment another entity collected.
#[derive(Debug, Queryable)]
pub struct Shared {
    pub id: i64,
    pub receipt_id: String,
    pub iuv: String,
    pub fee_cents: Option<i64>,
    pub psp: (String, Option<String>),
    pub payer: [Option<String>; 4],
    pub debtor: [Option<String>; 4],
    pub when: (Option<NaiveDateTime>, NaiveDateTime),
    pub raw_xml: String,
    pub share: (i32, i64, Option<String>, Option<String>),
    pub primary: (String, String, Option<String>),
}

type Four = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The next shares (after transfer id `after`) entity `cf` holds in payments other entities
/// collected in window `q`, by transfer id.
pub fn shared_page(
    conn: &mut AnyConnection,
    q: &Window,
    cf: &str,
    after: i64,
) -> Result<Vec<Shared>, DbError> {
    let first = first_transfer.on(first_transfer
        .field(receipt_transfers::receipt_pk)
        .eq(receipts::id)
        .and(first_transfer.field(receipt_transfers::position).eq(1)));
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
            .load::<SharedRow>(c)
    })
    .map(|rows| rows.into_iter().map(shared).collect())
    .map_err(DbError::from)
}

/// A share as [`shared_page`] selects it.
type SharedRow = (
    i64,
    String,
    String,
    Option<i64>,
    (String, Option<String>),
    Four,
    Four,
    (Option<NaiveDateTime>, NaiveDateTime),
    String,
    (i32, i64, Option<String>, Option<String>),
    (String, String, Option<String>),
);

fn shared(row: SharedRow) -> Shared {
    let four = |v: Four| [v.0, v.1, v.2, v.3];
    let (id, receipt_id, iuv, fee_cents, psp, payer, debtor, when, raw_xml, share, primary) = row;
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
        primary,
    }
}

/// A dovuto falling due, as the scaduti export writes it: IUD, IUV, created, debtor,
/// contact, payment (amount, fee, due type, payment type, causale, taxonomy), bilancio,
/// IUV generated.
pub type FallingDue = (
    String,
    Option<String>,
    NaiveDateTime,
    (String, String, String),
    DebtorContact,
    (i64, Option<i64>, String, Option<String>, String, String),
    Option<String>,
    bool,
);

/// The entity's open dovuti of `due_type_ids` due on `day`, after id `after`, by id.
pub fn falling_due_page(
    conn: &mut AnyConnection,
    entity_id: i64,
    (due_type_ids, day): (&[i64], NaiveDate),
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, FallingDue)>, DbError> {
    use crate::db::schema::due_types;
    use crate::domain::DovutoState;
    Ok(dovuti::table
        .inner_join(due_types::table)
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::due_type_id.eq_any(due_type_ids))
        .filter(dovuti::due_date.eq(day))
        .filter(dovuti::state.eq_any([DovutoState::Payable.code(), DovutoState::Expired.code()]))
        .filter(dovuti::iuv.is_not_null())
        .filter(dovuti::id.gt(after))
        .order(dovuti::id)
        .limit(limit)
        .select((
            dovuti::id,
            (
                dovuti::iud,
                dovuti::iuv,
                dovuti::created_at,
                (dovuti::debtor_kind, dovuti::debtor_id, dovuti::debtor_name),
                DEBTOR_CONTACT,
                (
                    dovuti::amount_cents,
                    dovuti::pa_fee_cents,
                    due_types::code,
                    dovuti::payment_type,
                    dovuti::causale,
                    dovuti::collection_data,
                ),
                dovuti::bilancio,
                dovuti::generate_iuv,
            ),
        ))
        .load(conn)?)
}

/// The entity's due types named in `codes`: (id, code, due date required).
pub fn due_types_named(
    conn: &mut AnyConnection,
    entity_id: i64,
    codes: &[String],
) -> Result<Vec<(i64, String, bool)>, DbError> {
    use crate::db::schema::due_types;
    Ok(due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .filter(due_types::code.eq_any(codes))
        .select((due_types::id, due_types::code, due_types::due_date_required))
        .load(conn)?)
}
