//! Receipts pushed by the node: stored whole before we acknowledge, never refused.

use crate::db::models::position;
use crate::db::schema::{dovuti, receipt_transfers, receipts};
use crate::db::{write_tx, AnyConnection, DbError};
use crate::with_backend;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A receipt row to insert.
#[derive(Debug, Clone, Insertable)]
// Absent values bind as NULL instead of writing DEFAULT: the SQL text stays the same for
// every row, so the prepared statement is cached (PostgreSQL re-parsed it on every insert).
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = receipts)]
pub struct NewReceipt {
    /// Receiving entity.
    pub entity_id: i64,
    /// receiptId.
    pub receipt_id: String,
    /// Linked dovuto (set by [`store`]).
    pub dovuto_id: Option<i64>,
    /// IUV.
    pub iuv: String,
    /// Notice number.
    pub notice_number: Option<String>,
    /// `OK` / `KO`.
    pub outcome: String,
    /// Amount in cents.
    pub amount_cents: i64,
    /// Fee in cents.
    pub fee_cents: Option<i64>,
    /// PSP id.
    pub psp_id: String,
    /// PSP name.
    pub psp_name: Option<String>,
    /// PSP fiscal code.
    pub psp_fiscal_code: Option<String>,
    /// Channel.
    pub channel_id: Option<String>,
    /// Payment method.
    pub payment_method: Option<String>,
    /// Payer `F` / `G`.
    pub payer_kind: Option<String>,
    /// Payer id.
    pub payer_id: Option<String>,
    /// Payer name.
    pub payer_name: Option<String>,
    /// Payer e-mail.
    pub payer_email: Option<String>,
    /// Debtor `F` / `G`.
    pub debtor_kind: Option<String>,
    /// Debtor id.
    pub debtor_id: Option<String>,
    /// Debtor name.
    pub debtor_name: Option<String>,
    /// Debtor e-mail.
    pub debtor_email: Option<String>,
    /// When paid.
    pub payment_at: Option<NaiveDateTime>,
    /// Application date.
    pub application_date: Option<NaiveDate>,
    /// Transfer date.
    pub transfer_date: Option<NaiveDate>,
    /// `paSendRT` / `paSendRTV2`.
    pub primitive: String,
    /// The whole request as received.
    pub raw_xml: String,
    /// A second receipt for an already paid position.
    pub double_payment: bool,
    /// When we received it.
    pub received_at: NaiveDateTime,
}

/// A receipt transfer row (its `receipt_pk` is set by [`store`]).
#[derive(Debug, Clone)]
pub struct NewTransfer {
    /// 1..5.
    pub position: i32,
    /// Beneficiary.
    pub fiscal_code_pa: String,
    /// IBAN.
    pub iban: Option<String>,
    /// Amount in cents.
    pub amount_cents: i64,
    /// Causale.
    pub remittance: Option<String>,
    /// Taxonomy.
    pub transfer_category: Option<String>,
    /// Marca da bollo.
    pub stamp: bool,
}

/// What storing a receipt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// New receipt; `double_payment` when its position was already paid by another one.
    New {
        /// Position it paid, when it is one of ours.
        dovuto_id: Option<i64>,
        /// Flagged as a double payment.
        double_payment: bool,
    },
    /// The same receiptId was already stored: an identical re-delivery.
    Duplicate,
}

/// Stores a receipt (and its transfers), links it to the entity's position with `iuv`
/// (when `link`), and marks that position paid — all in one transaction.
pub fn store(
    conn: &mut AnyConnection,
    mut r: NewReceipt,
    transfers: &[NewTransfer],
    link: bool,
    now: NaiveDateTime,
) -> Result<Stored, DbError> {
    // A receipt without a payment time is dated at its arrival (exports select by it).
    r.payment_at = r.payment_at.or(Some(now));
    let result = write_tx(conn, |conn| {
        if link {
            link_position(conn, &mut r, now)?;
        }
        let inserted: Vec<i64> = with_backend!(&mut *conn, c => diesel::insert_into(receipts::table)
            .values(&r)
            .on_conflict((receipts::entity_id, receipts::receipt_id))
            .do_nothing()
            .returning(receipts::id)
            .get_results(c))?;
        let Some(pk) = inserted.into_iter().next() else {
            // Already stored: a re-delivery. Undo anything done above.
            return Err(DbError::rollback());
        };
        insert_transfers(conn, pk, transfers)?;
        Ok(Stored::New {
            dovuto_id: r.dovuto_id,
            double_payment: r.double_payment,
        })
    });
    match result {
        Err(DbError::Query(diesel::result::Error::RollbackTransaction)) => Ok(Stored::Duplicate),
        // The same receipt raced in on another connection and won: it is stored.
        Err(e) if e.is_unique_violation() => Ok(Stored::Duplicate),
        other => other,
    }
}

/// Names the position receipt `r` pays: an OK receipt marks its notice paid; one that
/// finds it already paid is a double payment.
fn link_position(
    conn: &mut AnyConnection,
    r: &mut NewReceipt,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    // Usual case, one statement: an OK receipt marks its notice paid and names it.
    // Of two concurrent receipts exactly one finds it unpaid (conditional update).
    if r.outcome == "OK" {
        let paid_at = r.payment_at.unwrap_or(now);
        r.dovuto_id = position::mark_paid_by_iuv(conn, r.entity_id, &r.iuv, paid_at, now)?;
    }
    if r.dovuto_id.is_none() {
        // Already paid (then this OK receipt is a double payment), a KO receipt, or a
        // notice we do not hold.
        let ids: Vec<i64> = with_backend!(&mut *conn, c => dovuti::table
            .filter(dovuti::entity_id.eq(r.entity_id))
            .filter(dovuti::iuv.eq(&r.iuv))
            .select(dovuti::id)
            .load(c))?;
        r.dovuto_id = ids.into_iter().next();
        r.double_payment = r.dovuto_id.is_some() && r.outcome == "OK";
    }
    Ok(())
}

/// Stores the transfers of receipt `pk`.
fn insert_transfers(
    conn: &mut AnyConnection,
    pk: i64,
    transfers: &[NewTransfer],
) -> Result<(), DbError> {
    let rows: Vec<_> = transfers
        .iter()
        .map(|t| {
            (
                receipt_transfers::receipt_pk.eq(pk),
                receipt_transfers::position.eq(t.position),
                receipt_transfers::fiscal_code_pa.eq(&t.fiscal_code_pa),
                receipt_transfers::iban.eq(&t.iban),
                receipt_transfers::amount_cents.eq(t.amount_cents),
                receipt_transfers::remittance.eq(&t.remittance),
                receipt_transfers::transfer_category.eq(&t.transfer_category),
                receipt_transfers::stamp.eq(t.stamp),
            )
        })
        .collect();
    // One transfer (the usual case) as a single-row insert, whose statement is cached;
    // several in one multi-row insert.
    match rows.as_slice() {
        [] => {}
        [one] => {
            with_backend!(&mut *conn, c => diesel::insert_into(receipt_transfers::table)
                .values(*one)
                .execute(c))?;
        }
        many => {
            with_backend!(&mut *conn, c => diesel::insert_into(receipt_transfers::table)
                .values(many)
                .execute(c))?;
        }
    }
    Ok(())
}
