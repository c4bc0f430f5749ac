//! The transfers of a dovuto (its beneficiaries' shares): none for a plain position, the
//! stamp, or the entity's and one secondary beneficiary's shares.

use crate::db::schema::dovuto_transfers;
use crate::db::{AnyConnection, DbError};
use crate::domain::Iban;
use diesel::prelude::*;

/// Removes dovuto `dovuto_id`'s transfers.
pub fn clear(c: &mut AnyConnection, dovuto_id: i64) -> Result<(), DbError> {
    diesel::delete(dovuto_transfers::table.filter(dovuto_transfers::dovuto_id.eq(dovuto_id)))
        .execute(c)?;
    Ok(())
}

/// A marca da bollo digitale bought with the position.
#[derive(Debug, Clone, Copy)]
pub struct Stamp<'a> {
    /// The document's hash.
    pub hash: &'a str,
    /// The stamp's type.
    pub kind: &'a str,
    /// The province of residence.
    pub province: &'a str,
}

/// Writes the one transfer of a position that buys a stamp (the caller removed the old ones).
pub fn write_stamp(
    c: &mut AnyConnection,
    dovuto_id: i64,
    entity_cf: &str,
    total: i64,
    collection: &str,
    stamp: Stamp<'_>,
) -> Result<(), DbError> {
    diesel::insert_into(dovuto_transfers::table)
        .values((
            dovuto_transfers::dovuto_id.eq(dovuto_id),
            dovuto_transfers::position.eq(1),
            dovuto_transfers::beneficiary_fiscal_code.eq(entity_cf),
            dovuto_transfers::amount_cents.eq(total),
            dovuto_transfers::collection_data.eq(collection),
            dovuto_transfers::stamp_hash.eq(Some(stamp.hash)),
            dovuto_transfers::stamp_type.eq(Some(stamp.kind)),
            dovuto_transfers::stamp_province.eq(Some(stamp.province)),
        ))
        .execute(c)?;
    Ok(())
}

/// A position shared between its entity and one secondary beneficiary.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The position.
    pub dovuto_id: i64,
    /// Its amount in cents.
    pub total: i64,
    /// The entity's fiscal code.
    pub entity_cf: &'a str,
    /// The entity's name.
    pub entity_name: Option<&'a str>,
    /// The account of the entity's share.
    pub own_iban: &'a str,
    /// Taxonomy of the entity's share.
    pub collection: &'a str,
    /// Secondary beneficiary's fiscal code.
    pub fiscal_code: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its account.
    pub iban: &'a str,
    /// Its share in cents.
    pub amount: i64,
    /// Causale of its transfer.
    pub causale: Option<&'a str>,
    /// Taxonomy of its transfer.
    pub sec_collection: &'a str,
    /// Its street, civic, postal code, city, province, country.
    pub address: &'a [Option<String>; 6],
}

/// Writes the two transfers of a split position (the caller removed the old ones): the
/// entity's share first, the secondary one second. Used by the web services and flussi.
pub fn write_split(c: &mut AnyConnection, s: &Split<'_>) -> Result<(), DbError> {
    let postal = |iban: &str| Iban::parse(iban).is_ok_and(|i| i.is_postal());
    diesel::insert_into(dovuto_transfers::table)
        .values((
            dovuto_transfers::dovuto_id.eq(s.dovuto_id),
            dovuto_transfers::position.eq(1),
            dovuto_transfers::beneficiary_fiscal_code.eq(s.entity_cf),
            dovuto_transfers::beneficiary_name.eq(s.entity_name),
            dovuto_transfers::iban.eq(Some(s.own_iban)),
            dovuto_transfers::postal.eq(postal(s.own_iban)),
            dovuto_transfers::amount_cents.eq(s.total - s.amount),
            dovuto_transfers::collection_data.eq(s.collection),
        ))
        .execute(c)?;
    let [street, civic, cap, city, province, country] = s.address;
    diesel::insert_into(dovuto_transfers::table)
        .values((
            dovuto_transfers::dovuto_id.eq(s.dovuto_id),
            dovuto_transfers::position.eq(2),
            dovuto_transfers::beneficiary_fiscal_code.eq(s.fiscal_code),
            dovuto_transfers::beneficiary_name.eq(Some(s.name)),
            dovuto_transfers::iban.eq(Some(s.iban)),
            dovuto_transfers::postal.eq(postal(s.iban)),
            dovuto_transfers::amount_cents.eq(s.amount),
            dovuto_transfers::remittance.eq(s.causale),
            dovuto_transfers::collection_data.eq(s.sec_collection),
            dovuto_transfers::address.eq(street),
            dovuto_transfers::civic_number.eq(civic),
            dovuto_transfers::postal_code.eq(cap),
            dovuto_transfers::city.eq(city),
            dovuto_transfers::province.eq(province),
            dovuto_transfers::country.eq(country),
        ))
        .execute(c)?;
    Ok(())
}
