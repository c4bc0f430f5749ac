//! What MyPay's payloads (`Dovuti`, `Pagati`) are written from: open dovuti and positive
//! receipts, as the entity services read them.

use crate::db::schema::{dovuti, due_types, entities, receipts, stations};
use crate::db::{AnyConnection, DbError};
use crate::domain::DovutoState;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A dovuto as the `Dovuti` payload describes it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dovuti)]
pub struct DovutoOut {
    /// IUD.
    pub iud: String,
    /// IUV.
    pub iuv: Option<String>,
    pub debtor_kind: String,
    pub debtor_id: String,
    pub debtor_name: String,
    pub debtor_address: Option<String>,
    pub debtor_civic_number: Option<String>,
    pub debtor_postal_code: Option<String>,
    pub debtor_city: Option<String>,
    pub debtor_province: Option<String>,
    pub debtor_country: Option<String>,
    pub debtor_email: Option<String>,
    pub amount_cents: i64,
    pub pa_fee_cents: Option<i64>,
    pub causale: String,
    pub collection_data: String,
    pub bilancio: Option<String>,
    /// When the IUV was assigned.
    pub iuv_assigned_at: Option<NaiveDateTime>,
    #[diesel(select_expression = due_types::code)]
    pub due_type: String,
}

/// A stored positive receipt with what `Pagati` needs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = receipts)]
pub struct PaidOut {
    pub receipt_id: String,
    pub iuv: String,
    pub outcome: String,
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
    /// The receipt as the node sent it.
    pub raw_xml: String,
    #[diesel(select_expression = dovuti::iud)]
    pub iud: String,
    #[diesel(select_expression = dovuti::causale)]
    pub causale: String,
    #[diesel(select_expression = dovuti::collection_data)]
    pub collection_data: String,
    #[diesel(select_expression = dovuti::debtor_kind)]
    pub debtor_kind: String,
    #[diesel(select_expression = dovuti::debtor_id)]
    pub debtor_id: String,
    #[diesel(select_expression = dovuti::debtor_name)]
    pub debtor_name: String,
    #[diesel(select_expression = entities::fiscal_code)]
    pub entity_cf: String,
    #[diesel(select_expression = entities::name)]
    pub entity_name: String,
    /// The entity's IPA code.
    #[diesel(select_expression = entities::cod_ipa)]
    pub cod_ipa: String,
}

/// Which receipts to read.
#[derive(Debug, Clone, Default)]
pub struct PaidFilter {
    /// The entity.
    pub entity_id: i64,
    /// Only this dovuto's.
    pub dovuto_id: Option<i64>,
    /// Only dovuti of this debtor (fiscal code).
    pub debtor: Option<String>,
    /// Paid at or after (UTC).
    pub from: Option<NaiveDateTime>,
    /// Paid before (UTC).
    pub to: Option<NaiveDateTime>,
}

/// Positive receipts (oldest first, at most `limit`) matching `f`, with station codes.
pub fn paid(
    conn: &mut AnyConnection,
    f: &PaidFilter,
    limit: i64,
) -> Result<Vec<(PaidOut, Option<String>)>, DbError> {
    Ok(crate::with_backend!(conn, c => {
        let mut q = receipts::table
            .inner_join(dovuti::table)
            .inner_join(entities::table.left_join(stations::table))
            .filter(receipts::outcome.eq("OK"))
            .filter(receipts::entity_id.eq(f.entity_id))
            .order((receipts::received_at.asc(), receipts::id.asc()))
            .limit(limit)
            .select((PaidOut::as_select(), stations::code.nullable()))
            .into_boxed();
        if let Some(id) = f.dovuto_id {
            q = q.filter(receipts::dovuto_id.eq(id));
        }
        if let Some(debtor) = &f.debtor {
            q = q.filter(dovuti::debtor_id.eq(debtor.clone()));
        }
        if let Some(from) = f.from {
            q = q.filter(receipts::received_at.ge(from));
        }
        if let Some(to) = f.to {
            q = q.filter(receipts::received_at.lt(to));
        }
        q.load(c)
    })?)
}

/// The states of a position still to be paid.
fn open_states() -> [&'static str; 3] {
    [
        DovutoState::Payable.code(),
        DovutoState::PaymentStarted.code(),
        DovutoState::Expired.code(),
    ]
}

/// The open dovuti of the entity whose debtor is `debtor`, at most `limit`.
pub fn open_of_debtor(
    conn: &mut AnyConnection,
    entity_id: i64,
    debtor: &str,
    limit: i64,
) -> Result<Vec<DovutoOut>, DbError> {
    Ok(dovuti::table
        .inner_join(due_types::table)
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::debtor_id.eq(debtor))
        .filter(dovuti::state.eq_any(open_states()))
        .order(dovuti::id)
        .limit(limit)
        .select(DovutoOut::as_select())
        .load(conn)?)
}

/// The open dovuti of the entity whose IUV was assigned in `[start, end)`, at most `limit`.
pub fn open_with_iuv_assigned(
    conn: &mut AnyConnection,
    entity_id: i64,
    (start, end): (NaiveDateTime, NaiveDateTime),
    limit: i64,
) -> Result<Vec<DovutoOut>, DbError> {
    Ok(dovuti::table
        .inner_join(due_types::table)
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::iuv.is_not_null())
        .filter(dovuti::state.eq_any(open_states()))
        .filter(dovuti::iuv_assigned_at.ge(start))
        .filter(dovuti::iuv_assigned_at.lt(end))
        .order(dovuti::id)
        .limit(limit)
        .select(DovutoOut::as_select())
        .load(conn)?)
}

/// The entity's dovuto with this IUV and/or IUD.
pub fn find(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuv: Option<&str>,
    iud: Option<&str>,
) -> Result<Option<i64>, DbError> {
    let ids: Vec<i64> = crate::with_backend!(conn, c => {
        let mut q = dovuti::table
            .filter(dovuti::entity_id.eq(entity_id))
            .select(dovuti::id)
            .into_boxed();
        if let Some(iuv) = iuv {
            q = q.filter(dovuti::iuv.eq(iuv));
        }
        if let Some(iud) = iud {
            q = q.filter(dovuti::iud.eq(iud));
        }
        q.limit(1).load(c)
    })?;
    Ok(ids.first().copied())
}
