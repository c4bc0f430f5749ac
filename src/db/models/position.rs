//! A payable position as the node sees it: the dovuto, where its money goes (due type
//! accounts or explicit transfers), and the state changes node calls make.

use crate::db::schema::{dovuti, dovuto_transfers, due_types};
use crate::db::{AnyConnection, DbError};
use crate::domain::{AmountCents, DovutoState, Iuv, NoticeNumber};
use crate::with_backend;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// The dovuto fields the node operations need.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dovuti)]
pub struct PositionRow {
    /// Row id.
    pub id: i64,
    /// Due type.
    pub due_type_id: i64,
    /// IUV.
    pub iuv: Option<Iuv>,
    /// Notice number.
    pub notice_number: Option<NoticeNumber>,
    /// Where it stands.
    pub state: DovutoState,
    /// `F` / `G`.
    pub debtor_kind: String,
    /// Debtor fiscal code.
    pub debtor_id: String,
    /// Debtor name.
    pub debtor_name: String,
    /// Street.
    pub debtor_address: Option<String>,
    /// Civic number.
    pub debtor_civic_number: Option<String>,
    /// Postal code.
    pub debtor_postal_code: Option<String>,
    /// City.
    pub debtor_city: Option<String>,
    /// Province.
    pub debtor_province: Option<String>,
    /// Country.
    pub debtor_country: Option<String>,
    /// E-mail.
    pub debtor_email: Option<String>,
    /// Amount.
    pub amount_cents: AmountCents,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Causale.
    pub causale: String,
    /// datiSpecificiRiscossione.
    pub collection_data: String,
}

/// The accounts of the position's due type.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = due_types)]
pub struct Accounts {
    /// Bank IBAN.
    pub bank_iban: Option<String>,
    /// Postal IBAN.
    pub postal_iban: Option<String>,
    /// Due type description.
    pub description: String,
}

/// An explicit transfer of a multi-beneficiary or stamp-duty position.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dovuto_transfers)]
pub struct TransferRow {
    /// 1..5.
    pub position: i32,
    /// Beneficiary entity fiscal code.
    pub beneficiary_fiscal_code: String,
    /// Beneficiary name.
    pub beneficiary_name: Option<String>,
    /// IBAN credited (absent for a stamp-duty transfer).
    pub iban: Option<String>,
    /// Whether `iban` is a postal account.
    pub postal: bool,
    /// Amount.
    pub amount_cents: AmountCents,
    /// Causale of this transfer.
    pub remittance: Option<String>,
    /// datiSpecificiRiscossione / taxonomy of this transfer.
    pub collection_data: String,
    /// Marca da bollo: base64 SHA-256 of the document.
    pub stamp_hash: Option<String>,
    /// Marca da bollo type (`01`).
    pub stamp_type: Option<String>,
    /// Marca da bollo: debtor's province.
    pub stamp_province: Option<String>,
}

/// One row of the position lookup: the dovuto, its accounts and one transfer (if any).
#[derive(Queryable, Selectable)]
struct Joined {
    #[diesel(embed)]
    dovuto: PositionRow,
    #[diesel(embed)]
    accounts: Accounts,
    #[diesel(embed)]
    transfer: Option<TransferRow>,
}

/// Everything needed to answer verify / activate.
#[derive(Debug, Clone)]
pub struct Position {
    /// The dovuto.
    pub dovuto: PositionRow,
    /// Its due type's accounts.
    pub accounts: Accounts,
    /// Explicit transfers (empty: everything to the due type's account).
    pub transfers: Vec<TransferRow>,
}

/// Finds the entity's position with this IUV.
pub fn find(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuv: &Iuv,
) -> Result<Option<Position>, DbError> {
    // Hot path, one round trip: the dovuto, its due type's accounts and its explicit
    // transfers (left join: usually none). On the concrete connection so diesel's
    // prepared-statement cache applies, and without `.first()`: its `LIMIT ?` makes SQLite
    // recompile the statement whenever the bound limit is set (measured 25 µs vs 7 µs per
    // lookup). (entity_id, iuv) is unique, so all rows belong to one dovuto.
    let rows: Vec<Joined> = with_backend!(conn, c => dovuti::table
        .inner_join(due_types::table)
        .left_join(dovuto_transfers::table)
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::iuv.eq(iuv.as_str()))
        .select(Joined::as_select())
        .order(dovuto_transfers::position.asc())
        .load(c))?;
    let mut rows = rows.into_iter();
    let Some(Joined {
        dovuto,
        accounts,
        transfer,
    }) = rows.next()
    else {
        return Ok(None);
    };
    let transfers = transfer
        .into_iter()
        .chain(rows.filter_map(|j| j.transfer))
        .collect();
    Ok(Some(Position {
        dovuto,
        accounts,
        transfers,
    }))
}

/// Marks the entity's notice with this IUV paid unless it already is; returns its id when
/// this call changed it (one statement: the receipt hot path).
pub fn mark_paid_by_iuv(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuv: &str,
    paid_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<Option<i64>, DbError> {
    let ids: Vec<i64> = with_backend!(conn, c => diesel::update(
        dovuti::table
            .filter(dovuti::entity_id.eq(entity_id))
            .filter(dovuti::iuv.eq(iuv))
            .filter(dovuti::state.ne(DovutoState::Paid.code())),
    )
    .set((
        dovuti::state.eq(DovutoState::Paid.code()),
        dovuti::paid_at.eq(Some(paid_at)),
        dovuti::updated_at.eq(now),
        dovuti::version.eq(dovuti::version + 1),
    ))
    .returning(dovuti::id)
    .get_results(c))?;
    Ok(ids.into_iter().next())
}

/// Records an activation: payable → payment started. Never touches any other state.
pub fn mark_started(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(
        dovuti::table
            .filter(dovuti::id.eq(id))
            .filter(dovuti::state.eq(DovutoState::Payable.code())),
    )
    .set((
        dovuti::state.eq(DovutoState::PaymentStarted.code()),
        dovuti::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(())
}
