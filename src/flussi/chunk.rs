//! One chunk of a flusso's rows, applied in one transaction: valid `I` rows become dovuti
//! (IUVs generated where needed, secondary beneficiaries as transfers), `M` / `A` rows
//! change or annul open dovuti of the entity, every other row is a reject with its code;
//! the flusso's counters move in the same transaction, so a crash loses nothing and a
//! resumed import doubles nothing.

pub use super::context::Context;
use super::prepare::{Prepared, RawRow, Rejected};
use super::tracciato::Row;
use crate::db::iuv::reserve_progressives;
use crate::db::models::dovuto::{self, FlussoRow};
use crate::db::models::new_dovuti::{write, NewRow};
use crate::db::models::{flusso_rows, transfer};
use crate::db::stamp::{Day, Stamp};
use crate::db::{AnyConnection, DbError};
use crate::domain::load::{decide, Change, Refusal};
use crate::domain::{AuxDigit, Azione, DovutoState, Iuv, NoticeNumber};
use chrono::NaiveDateTime;
use std::collections::{HashMap, HashSet};

/// Counts of one chunk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows accepted.
    pub accepted: i64,
    /// Rows rejected.
    pub rejected: i64,
}

/// The accepted rows of a chunk: (row number, IUV), in row order.
pub type Accepted = Vec<(i64, Option<String>)>;

/// Applies a prepared chunk (inside the caller's transaction): what the database must
/// decide (IUD already held, IUV already used, the dovuto to change or annul), the writes,
/// the rejects and the flusso's counters. Returns the rows accepted.
///
/// Without `look_up`, a chunk of insertions only is written without first looking up its
/// IUDs: one the entity already holds fails it with a unique violation
/// ([`DbError::is_unique_violation`]); roll back and apply it again with `look_up`.
pub fn apply(
    c: &mut AnyConnection,
    ctx: &Context,
    chunk: &Prepared,
    now: NaiveDateTime,
    look_up: bool,
) -> Result<Accepted, DbError> {
    let good: Vec<Good> = chunk
        .good
        .iter()
        .map(|(i, row, id)| (&chunk.rows[*i], row, *id))
        .collect();
    let own_iuvs: Vec<&str> = good
        .iter()
        .filter_map(|(_, r, _)| r.iuv.as_deref())
        .collect();
    let taken = flusso_rows::iuvs_taken(c, ctx.entity_id, &own_iuvs)?;
    // Most flussi only add dovuti: the unique index on (entity, IUD) says whether one is
    // already held, and the caller applies the chunk again with `look_up` when it does.
    // Rows that change or annul need what is held anyway.
    let existing = if look_up || good.iter().any(|(_, r, _)| r.action != Azione::Insert) {
        held(c, ctx, &good)?
    } else {
        HashMap::new()
    };
    let (accepted, rejects) = decide_all(c, ctx, chunk, &good, &existing, &taken, now)?;
    let counts = Counts {
        accepted: accepted.len() as i64,
        rejected: rejects.len() as i64,
    };
    flusso_rows::add_rejects(c, ctx.flusso_id, &rejects)?;
    let rows = chunk.rows.len() as i64;
    flusso_rows::count_chunk(
        c,
        ctx.flusso_id,
        (rows, counts.accepted, counts.rejected),
        now,
    )?;
    Ok(accepted)
}

/// A row that passed the checks: as read, parsed, its due type's id.
type Good<'a> = (&'a RawRow, &'a Row, i64);
/// A dovuto the entity holds: (id, state, IUV).
type Held = (i64, DovutoState, Option<String>);

/// What the entity already holds under the IUDs of `good`.
fn held(
    c: &mut AnyConnection,
    ctx: &Context,
    good: &[Good],
) -> Result<HashMap<String, Held>, DbError> {
    let iuds: Vec<&str> = good.iter().map(|(_, r, _)| r.iud.as_str()).collect();
    Ok(flusso_rows::held_by_iuds(c, ctx.entity_id, &iuds)?
        .into_iter()
        .collect())
}

/// The reject of a refused load: MyPay's code and text.
pub(super) fn refusal(why: Refusal) -> (&'static str, &'static str) {
    match why {
        Refusal::IudHeld => ("PAA_IMPORT_IUD_DUPLICATO", "IUD GIA' PRESENTE"),
        Refusal::IuvTaken => ("PAA_IMPORT_SINTASSI_CSV_IUV", "COD_IUV GIA' USATO"),
        Refusal::IudUnknown => ("PAA_IMPORT_ERROR", "NESSUN DOVUTO CON QUESTO IUD"),
        Refusal::NotModifiable(DovutoState::Paid | DovutoState::Cancelled) => {
            ("PAA_IMPORT_ERROR", "DOVUTO GIA' PAGATO O ANNULLATO")
        }
        Refusal::NotModifiable(_) => ("PAA_IMPORT_ERROR", "PAGAMENTO DEL DOVUTO IN CORSO"),
    }
}

/// Each good row against what the entity holds (`existing`) and the IUVs already used
/// (`taken`), as `domain::load::decide` rules: inserted, changed, annulled or refused.
/// Returns the accepted rows and every reject of the chunk.
fn decide_all(
    c: &mut AnyConnection,
    ctx: &Context,
    chunk: &Prepared,
    good: &[Good],
    existing: &HashMap<String, Held>,
    taken: &HashSet<String>,
    now: NaiveDateTime,
) -> Result<(Accepted, Vec<Rejected>), DbError> {
    let mut rejects = chunk.rejects.clone();
    let mut inserts: Vec<(&RawRow, &Row, i64)> = Vec::new();
    let mut accepted: Accepted = Vec::new();
    for &(raw, row, due_type_id) in good {
        let held = existing.get(&row.iud);
        let own_iuv_taken = held.is_none() && row.iuv.as_ref().is_some_and(|i| taken.contains(i));
        let from = FlussoRow {
            flusso_id: ctx.flusso_id,
            row: raw.number,
        };
        match (decide(row.action, held.map(|h| h.1), own_iuv_taken), held) {
            (Err(why), _) => {
                let (code, text) = refusal(why);
                rejects.push(raw.reject(code, text));
            }
            (Ok(Change::Insert), _) => inserts.push((raw, row, due_type_id)),
            (Ok(Change::Annul), Some((id, _, iuv))) => {
                dovuto::annul(c, *id, now, Some(from))?;
                accepted.push((raw.number, iuv.clone()));
            }
            (Ok(Change::Modify), Some((id, _, iuv))) => {
                modify(c, *id, due_type_id, row, from, now)?;
                transfers(c, ctx, *id, row)?;
                accepted.push((raw.number, iuv.clone()));
            }
            (Ok(_), None) => {
                return Err(DbError::Rule(format!("IUD {}: nothing to change", row.iud)))
            }
        }
    }
    accepted.extend(insert(c, ctx, &inserts, now)?);
    accepted.sort_unstable_by_key(|a| a.0);
    Ok((accepted, rejects))
}

/// Rewrites dovuto `id` with what row `from` of a flusso sent, bumping its version.
fn modify(
    c: &mut AnyConnection,
    id: i64,
    due_type_id: i64,
    row: &Row,
    from: FlussoRow,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let details = dovuto::Details {
        due_type_id,
        amount_cents: row.amount.cents(),
        pa_fee_cents: row.pa_fee.map(|a| a.cents()),
        due_date: row.due_date,
        causale: &row.causale,
        collection_data: &row.collection_data,
        bilancio: row.bilancio.as_deref(),
    };
    let debtor = dovuto::Debtor::new(
        (&row.debtor_kind, &row.debtor_id, &row.debtor_name),
        row.debtor_contact.each_ref().map(Option::as_deref),
    );
    dovuto::rewrite(c, id, (&details, &debtor), from, now)
}

fn insert(
    c: &mut AnyConnection,
    ctx: &Context,
    rows: &[(&RawRow, &Row, i64)],
    now: NaiveDateTime,
) -> Result<Accepted, DbError> {
    let generate: Vec<bool> = rows
        .iter()
        .map(|(_, r, _)| r.iuv.is_none() && r.generate_iuv != Some(false))
        .collect();
    let wanted = generate.iter().filter(|g| **g).count() as i64;
    let mut next = if wanted > 0 {
        reserve_progressives(c, ctx.entity_id, wanted)?
    } else {
        0
    };
    let stamp = Stamp::new(now);
    let mut values = Vec::with_capacity(rows.len());
    let mut assigned: Accepted = Vec::with_capacity(rows.len());
    for ((raw, row, due_type_id), gen) in rows.iter().zip(&generate) {
        let iuv = if *gen {
            let i = Iuv::aux3(ctx.segregation, next).map_err(|e| DbError::Rule(e.to_string()))?;
            next += 1;
            Some(i)
        } else {
            row.iuv.as_deref().and_then(|i| Iuv::parse(i).ok())
        };
        assigned.push((raw.number, iuv.as_ref().map(|i| i.as_str().to_owned())));
        values.push(new_row(ctx, (raw, row, *due_type_id), iuv, *gen, &stamp));
    }
    write(c, &values)?;
    let multi: Vec<&Row> = rows
        .iter()
        .filter(|(_, r, _)| r.secondary.is_some())
        .map(|(_, r, _)| *r)
        .collect();
    for row in multi {
        let id = dovuto::id_of_iud(c, ctx.entity_id, &row.iud)?;
        transfers(c, ctx, id, row)?;
    }
    Ok(assigned)
}

/// The dovuti row a flusso row becomes, with `iuv` (generated here when `generated`).
fn new_row<'a>(
    ctx: &Context,
    (raw, row, due_type_id): (&RawRow, &'a Row, i64),
    iuv: Option<Iuv>,
    generated: bool,
    stamp: &'a Stamp,
) -> NewRow<'a> {
    let notice = iuv
        .as_ref()
        .and_then(|i| NoticeNumber::from_iuv(AuxDigit::Three, None, i).ok());
    let [addr, civic, cap, city, prov, country, email] =
        row.debtor_contact.each_ref().map(Option::as_deref);
    NewRow {
        entity_id: ctx.entity_id,
        due_type_id,
        iud: &row.iud,
        notice_number: notice.map(|n| n.as_str().to_owned()),
        iuv_assigned_at: iuv.as_ref().map(|_| stamp),
        iuv: iuv.map(|i| i.as_str().to_owned()),
        state: DovutoState::Payable.code(),
        debtor_kind: &row.debtor_kind,
        debtor_id: &row.debtor_id,
        debtor_name: &row.debtor_name,
        debtor_address: addr,
        debtor_civic_number: civic,
        debtor_postal_code: cap,
        debtor_city: city,
        debtor_province: prov,
        debtor_country: country,
        debtor_email: email,
        amount_cents: row.amount.cents(),
        pa_fee_cents: row.pa_fee.map(|a| a.cents()),
        due_date: row.due_date.map(Day::new),
        causale: &row.causale,
        collection_data: &row.collection_data,
        bilancio: row.bilancio.as_deref(),
        generate_iuv: generated,
        flusso_id: Some(ctx.flusso_id),
        flusso_row: Some(raw.number),
        version: 0,
        created_at: stamp,
        updated_at: stamp,
    }
}

/// The two transfers of a multi-beneficiary row (none otherwise).
fn transfers(c: &mut AnyConnection, ctx: &Context, id: i64, row: &Row) -> Result<(), DbError> {
    transfer::clear(c, id)?;
    let Some(sec) = &row.secondary else {
        return Ok(());
    };
    let iban = ctx
        .due_types
        .get(&row.due_type)
        .and_then(|d| d.account.clone())
        .unwrap_or_default();
    transfer::write_split(
        c,
        &transfer::Split {
            dovuto_id: id,
            total: row.amount.cents(),
            entity_cf: &ctx.entity_cf,
            entity_name: None,
            own_iban: &iban,
            collection: &row.collection_data,
            fiscal_code: &sec.fiscal_code,
            name: &sec.name,
            iban: &sec.iban,
            amount: sec.amount.cents(),
            causale: sec.causale.as_deref(),
            sec_collection: &sec.collection_data,
            address: &sec.address,
        },
    )?;
    Ok(())
}
