//! A stored receipt as its PDF shows it: the receipt with its entity and dovuto, and the
//! beneficiaries' shares.

use crate::db::schema::{dovuti, entities, receipt_transfers, receipts};
use crate::db::{AnyConnection, DbError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A stored receipt with what its PDF shows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = receipts)]
pub struct ReceiptSource {
    pub id: i64,
    pub entity_id: i64,
    pub receipt_id: String,
    pub iuv: String,
    pub notice_number: Option<String>,
    pub outcome: String,
    pub amount_cents: i64,
    pub fee_cents: Option<i64>,
    pub psp_id: String,
    pub psp_name: Option<String>,
    pub channel_id: Option<String>,
    pub payment_method: Option<String>,
    pub payer_id: Option<String>,
    pub payer_name: Option<String>,
    pub debtor_id: Option<String>,
    pub debtor_name: Option<String>,
    pub payment_at: Option<NaiveDateTime>,
    pub application_date: Option<NaiveDate>,
    pub received_at: NaiveDateTime,
    #[diesel(select_expression = entities::name)]
    pub entity_name: String,
    #[diesel(select_expression = entities::fiscal_code)]
    pub entity_cf: String,
    #[diesel(select_expression = entities::cod_ipa)]
    pub cod_ipa: String,
    #[diesel(select_expression = dovuti::causale)]
    pub causale: String,
}

/// One beneficiary's share.
#[derive(Debug, Clone, Queryable)]
pub struct TransferLine {
    pub fiscal_code_pa: String,
    pub iban: Option<String>,
    pub amount_cents: i64,
    pub remittance: Option<String>,
}

/// The receipt that paid dovuto `dovuto_id` (a paid-twice dovuto's first), with its
/// shares; `None` when there is no positive receipt.
pub fn paid_by(
    conn: &mut AnyConnection,
    dovuto_id: i64,
) -> Result<Option<(ReceiptSource, Vec<TransferLine>)>, DbError> {
    let src: Option<ReceiptSource> = receipts::table
        .inner_join(entities::table)
        .inner_join(dovuti::table)
        .filter(receipts::dovuto_id.eq(dovuto_id))
        .filter(receipts::outcome.eq("OK"))
        .order((receipts::double_payment.asc(), receipts::received_at.asc()))
        .select(ReceiptSource::as_select())
        .first(conn)
        .optional()?;
    let Some(src) = src else {
        return Ok(None);
    };
    let transfers = receipt_transfers::table
        .filter(receipt_transfers::receipt_pk.eq(src.id))
        .order(receipt_transfers::position.asc())
        .select((
            receipt_transfers::fiscal_code_pa,
            receipt_transfers::iban,
            receipt_transfers::amount_cents,
            receipt_transfers::remittance,
        ))
        .load(conn)?;
    Ok(Some((src, transfers)))
}
