//! Dovuti (debt positions): insert and search.

use crate::db::schema::{dovuti, entities};
use crate::db::{models::Scope, AnyConnection, DbError};
use crate::domain::DovutoState;
use crate::with_backend;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A dovuto as listed in the back office.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dovuti)]
pub struct Dovuto {
    /// Row id.
    pub id: i64,
    /// Owning entity.
    pub entity_id: i64,
    /// Due type.
    pub due_type_id: i64,
    /// The entity's own id for the position (IUD).
    pub iud: String,
    /// IUV, once assigned.
    pub iuv: Option<String>,
    /// 18-digit notice number, once assigned.
    pub notice_number: Option<String>,
    /// Where it stands.
    pub state: DovutoState,
    /// `F` person / `G` legal person.
    pub debtor_kind: String,
    /// Debtor fiscal code.
    pub debtor_id: String,
    /// Debtor name.
    pub debtor_name: String,
    /// Amount in cents.
    pub amount_cents: i64,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Causale.
    pub causale: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Paid, when paid.
    pub paid_at: Option<NaiveDateTime>,
}

/// A new dovuto.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = dovuti)]
pub struct NewDovuto {
    /// Owning entity.
    pub entity_id: i64,
    /// Due type.
    pub due_type_id: i64,
    /// IUD.
    pub iud: String,
    /// IUV.
    pub iuv: Option<String>,
    /// Notice number.
    pub notice_number: Option<String>,
    /// Where it stands.
    #[diesel(serialize_as = crate::db::codes::StoredCode)]
    pub state: DovutoState,
    /// `F` / `G`.
    pub debtor_kind: String,
    /// Debtor fiscal code.
    pub debtor_id: String,
    /// Debtor name.
    pub debtor_name: String,
    /// Debtor e-mail.
    pub debtor_email: Option<String>,
    /// Amount in cents.
    pub amount_cents: i64,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Causale.
    pub causale: String,
    /// datiSpecificiRiscossione.
    pub collection_data: String,
    /// Whether we generated the IUV.
    pub generate_iuv: bool,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
    /// When the IUV was assigned.
    pub iuv_assigned_at: Option<NaiveDateTime>,
    /// When paid.
    pub paid_at: Option<NaiveDateTime>,
    /// The flusso the row came from.
    pub flusso_id: Option<i64>,
    /// Instalment plan the dovuto belongs to (shared by its options).
    pub plan_code: Option<String>,
    /// Instalment number within the plan; `None` is the single-solution option.
    pub instalment: Option<i32>,
    /// Bilancio XML.
    pub bilancio: Option<String>,
}

/// A listed dovuto with its entity name and due type code.
pub type DovutoRow = (Dovuto, String, String);

/// Count of visible dovuti per state, in the states' order.
pub fn count_by_state(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<(DovutoState, i64)>, DbError> {
    let mut q = dovuti::table
        .group_by(dovuti::state)
        .select((dovuti::state, diesel::dsl::count_star()))
        .into_boxed();
    if let Scope::Limited { due_type_ids, .. } = scope {
        q = q.filter(dovuti::due_type_id.eq_any(due_type_ids.clone()));
    }
    let mut rows: Vec<(DovutoState, i64)> = q.load(conn)?;
    rows.sort_by_key(|(s, _)| DovutoState::ALL.iter().position(|a| a == s));
    Ok(rows)
}

/// Inserts dovuti in one statement per chunk (call inside a transaction for atomicity).
pub fn insert_many(conn: &mut AnyConnection, rows: &[NewDovuto]) -> Result<usize, DbError> {
    let mut n = 0;
    // SQLite limits bound parameters per statement; 20 columns × 200 rows stays well below.
    for chunk in rows.chunks(200) {
        // Multi-row VALUES is backend-specific SQL (DEFAULT keyword handling). The rows
        // are written by value: their state is stored through its code.
        let chunk = chunk.to_vec();
        n += with_backend!(&mut *conn, c => diesel::insert_into(dovuti::table).values(chunk).execute(c))?;
    }
    Ok(n)
}

/// Where a change of a dovuto came from: a row of an imported flusso.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlussoRow {
    /// The flusso.
    pub flusso_id: i64,
    /// The row's number in it.
    pub row: i64,
}

/// Annuls dovuto `id` (the load decided it may: `domain::load::decide`), bumping its
/// version; from a flusso, the row that asked is noted on it.
pub fn annul(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
    from: Option<FlussoRow>,
) -> Result<(), DbError> {
    let cancelled = crate::domain::DovutoState::Cancelled.code();
    let target = diesel::update(dovuti::table.find(id));
    match from {
        None => target
            .set((
                dovuti::state.eq(cancelled),
                dovuti::updated_at.eq(now),
                dovuti::version.eq(dovuti::version + 1),
            ))
            .execute(conn)?,
        Some(f) => target
            .set((
                dovuti::state.eq(cancelled),
                dovuti::updated_at.eq(now),
                dovuti::version.eq(dovuti::version + 1),
                dovuti::flusso_id.eq(f.flusso_id),
                dovuti::flusso_row.eq(f.row),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// A dovuto an entity holds under an IUD: (id, state, IUV).
pub type Held = (i64, crate::domain::DovutoState, Option<String>);

/// What the entity holds under `iud`; a stored state that is not one of ours is an error
/// naming the dovuto.
pub fn held_by_iud(
    conn: &mut AnyConnection,
    entity_id: i64,
    iud: &str,
) -> Result<Option<Held>, DbError> {
    Ok(dovuti::table
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::iud.eq(iud))
        .select((dovuti::id, dovuti::state, dovuti::iuv))
        .first(conn)
        .optional()?)
}

/// A dovuto found by its IUV: what recording a payment of it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByIuv {
    /// Its id.
    pub id: i64,
    /// Its state.
    pub state: crate::domain::DovutoState,
    /// Its amount.
    pub amount_cents: i64,
    /// Its notice number.
    pub notice_number: Option<String>,
    /// Debtor: `F` or `G`, fiscal code, name.
    pub debtor: (String, String, String),
}

/// The entity's dovuto with `iuv`.
pub fn by_iuv(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuv: &str,
) -> Result<Option<ByIuv>, DbError> {
    type Row = (
        i64,
        DovutoState,
        i64,
        Option<String>,
        String,
        String,
        String,
    );
    let row: Option<Row> = dovuti::table
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::iuv.eq(iuv))
        .select((
            dovuti::id,
            dovuti::state,
            dovuti::amount_cents,
            dovuti::notice_number,
            dovuti::debtor_kind,
            dovuti::debtor_id,
            dovuti::debtor_name,
        ))
        .first(conn)
        .optional()?;
    row.map(|(id, state, amount_cents, notice_number, kind, cf, name)| {
        Ok(ByIuv {
            id,
            state,
            amount_cents,
            notice_number,
            debtor: (kind, cf, name),
        })
    })
    .transpose()
}

/// The entity's dovuto `iud`'s id.
pub fn id_of_iud(conn: &mut AnyConnection, entity_id: i64, iud: &str) -> Result<i64, DbError> {
    Ok(dovuti::table
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::iud.eq(iud))
        .select(dovuti::id)
        .first(conn)?)
}

/// Whether another dovuto of the entity already uses `iuv`.
pub fn iuv_used(conn: &mut AnyConnection, entity_id: i64, iuv: &str) -> Result<bool, DbError> {
    Ok(!super::flusso_rows::iuvs_taken(conn, entity_id, &[iuv])?.is_empty())
}

/// What a load says of a dovuto, debtor aside.
#[derive(Debug, Clone, Copy, AsChangeset)]
#[diesel(table_name = dovuti, treat_none_as_null = true)]
pub struct Details<'a> {
    /// Its due type.
    pub due_type_id: i64,
    /// Amount.
    pub amount_cents: i64,
    /// The entity's fee.
    pub pa_fee_cents: Option<i64>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Causale.
    pub causale: &'a str,
    /// datiSpecificiRiscossione.
    pub collection_data: &'a str,
    /// Bilancio XML.
    pub bilancio: Option<&'a str>,
}

/// Writes `d` onto dovuto `id`, its version going up by `version_step`.
pub fn set_details(
    conn: &mut AnyConnection,
    id: i64,
    d: &Details<'_>,
    now: NaiveDateTime,
    version_step: i32,
) -> Result<(), DbError> {
    diesel::update(dovuti::table.find(id))
        .set((
            d,
            dovuti::updated_at.eq(now),
            dovuti::version.eq(dovuti::version + version_step),
        ))
        .execute(conn)?;
    Ok(())
}

/// A dovuto's debtor, whole.
#[derive(Debug, Clone, Copy, AsChangeset)]
#[diesel(table_name = dovuti, treat_none_as_null = true)]
pub struct Debtor<'a> {
    /// `F` or `G`.
    pub debtor_kind: &'a str,
    /// Fiscal code.
    pub debtor_id: &'a str,
    /// Name.
    pub debtor_name: &'a str,
    /// Street.
    pub debtor_address: Option<&'a str>,
    /// Civic number.
    pub debtor_civic_number: Option<&'a str>,
    /// Postal code.
    pub debtor_postal_code: Option<&'a str>,
    /// City.
    pub debtor_city: Option<&'a str>,
    /// Province.
    pub debtor_province: Option<&'a str>,
    /// Country.
    pub debtor_country: Option<&'a str>,
    /// E-mail.
    pub debtor_email: Option<&'a str>,
}

impl<'a> Debtor<'a> {
    /// A debtor from its kind, code and name and its street, civic, postal code, city,
    /// province, country and e-mail.
    pub fn new(
        (kind, id, name): (&'a str, &'a str, &'a str),
        contact: [Option<&'a str>; 7],
    ) -> Self {
        let [street, civic, cap, city, province, country, email] = contact;
        Self {
            debtor_kind: kind,
            debtor_id: id,
            debtor_name: name,
            debtor_address: street,
            debtor_civic_number: civic,
            debtor_postal_code: cap,
            debtor_city: city,
            debtor_province: province,
            debtor_country: country,
            debtor_email: email,
        }
    }
}

/// Replaces dovuto `id`'s debtor.
pub fn set_debtor(conn: &mut AnyConnection, id: i64, d: &Debtor<'_>) -> Result<(), DbError> {
    diesel::update(dovuti::table.find(id))
        .set(d)
        .execute(conn)?;
    Ok(())
}

/// Rewrites dovuto `id` with what row `from` of a flusso sent, debtor included, bumping
/// its version.
pub fn rewrite(
    conn: &mut AnyConnection,
    id: i64,
    (d, debtor): (&Details<'_>, &Debtor<'_>),
    from: FlussoRow,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(dovuti::table.find(id))
        .set((
            d,
            debtor,
            dovuti::flusso_id.eq(from.flusso_id),
            dovuti::flusso_row.eq(from.row),
            dovuti::updated_at.eq(now),
            dovuti::version.eq(dovuti::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Who dovuto `id` belongs to: (entity, due type).
pub fn owner(conn: &mut AnyConnection, id: i64) -> Result<Option<(i64, i64)>, DbError> {
    Ok(dovuti::table
        .find(id)
        .select((dovuti::entity_id, dovuti::due_type_id))
        .first(conn)
        .optional()?)
}

/// The first `limit` payable dovuti with a notice number: (entity fiscal code, notice
/// number, amount in cents, debtor's name).
pub fn payable_notices(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<(String, String, i64, String)>, DbError> {
    Ok(entities::table
        .inner_join(dovuti::table)
        .filter(dovuti::state.eq(crate::domain::DovutoState::Payable.code()))
        .filter(dovuti::notice_number.is_not_null())
        .select((
            entities::fiscal_code,
            dovuti::notice_number.assume_not_null(),
            dovuti::amount_cents,
            dovuti::debtor_name,
        ))
        .order(dovuti::id.asc())
        .limit(limit)
        .load(conn)?)
}
