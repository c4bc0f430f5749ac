//! One chunk of a flusso's rows, applied in one transaction: valid `I` rows become dovuti
//! (IUVs generated where needed, secondary beneficiaries as transfers), `M` / `A` rows
//! change or annul open dovuti of the entity, every other row is a reject with its code;
//! the flusso's counters move in the same transaction, so a crash loses nothing and a
//! resumed import doubles nothing.

use crate::db::models::new_dovuti::{write, NewRow};
use super::prepare::{Prepared, RawRow, Rejected};
use super::tracciato::{Row, Version};
use crate::db::iuv::reserve_progressives;
use crate::db::models::dovuto::{self, FlussoRow};
use crate::db::schema::{dovuti, dovuto_transfers, flussi, flusso_rejects};
use crate::db::stamp::{Day, Stamp};
use crate::db::{AnyConnection, DbError};
use crate::domain::load::{decide, Change, Refusal};
use crate::domain::{AuxDigit, Azione, DovutoState, Iuv, NoticeNumber, SegregationCode};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// What the import knows about the entity.
#[derive(Debug, Clone)]
pub struct Context {
    /// The clock the chunks' timestamps come from.
    pub clock: crate::clock::Clock,
    /// The flusso.
    pub flusso_id: i64,
    /// The entity.
    pub entity_id: i64,
    /// Its fiscal code (transfers).
    pub entity_cf: String,
    /// Its segregation code (IUVs).
    pub segregation: SegregationCode,
    /// Tracciato version.
    pub version: Version,
    /// Due types by code: (id, active, due date required, bank IBAN).
    pub due_types: HashMap<String, (i64, bool, bool, Option<String>)>,
}

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
    let taken: HashSet<String> = if own_iuvs.is_empty() {
        HashSet::new()
    } else {
        dovuti::table
            .filter(dovuti::entity_id.eq(ctx.entity_id))
            .filter(dovuti::iuv.eq_any(&own_iuvs))
            .select(dovuti::iuv.assume_not_null())
            .load::<String>(c)?
            .into_iter()
            .collect()
    };
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
    if !rejects.is_empty() {
        let values: Vec<_> = rejects
            .iter()
            .map(|(n, code, msg, line)| {
                (
                    flusso_rejects::flusso_id.eq(ctx.flusso_id),
                    flusso_rejects::row_number.eq(*n),
                    flusso_rejects::code.eq(code),
                    flusso_rejects::message.eq(msg),
                    flusso_rejects::line.eq(line),
                )
            })
            .collect();
        for part in values.chunks(500) {
            crate::with_backend!(&mut *c, c => diesel::insert_into(flusso_rejects::table).values(part).execute(c))?;
        }
    }
    diesel::update(flussi::table.find(ctx.flusso_id))
        .set((
            flussi::rows_done.eq(flussi::rows_done + chunk.rows.len() as i64),
            flussi::rows_accepted.eq(flussi::rows_accepted + counts.accepted),
            flussi::rows_rejected.eq(flussi::rows_rejected + counts.rejected),
            flussi::updated_at.eq(now),
        ))
        .execute(c)?;
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
    dovuti::table
        .filter(dovuti::entity_id.eq(ctx.entity_id))
        .filter(dovuti::iud.eq_any(&iuds))
        .select((dovuti::iud, dovuti::id, dovuti::state, dovuti::iuv))
        .load::<(String, i64, String, Option<String>)>(c)?
        .into_iter()
        .map(|(iud, id, state, iuv)| Ok((iud, (id, dovuto::state_of(id, &state)?, iuv))))
        .collect()
}

/// The reject of a refused load: MyPay's code and text.
fn refusal(why: Refusal) -> (&'static str, &'static str) {
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
    let [addr, civic, cap, city, prov, country, email] = &row.debtor_contact;
    diesel::update(dovuti::table.find(id))
        .set((
            dovuti::due_type_id.eq(due_type_id),
            (
                dovuti::debtor_kind.eq(&row.debtor_kind),
                dovuti::debtor_id.eq(&row.debtor_id),
                dovuti::debtor_name.eq(&row.debtor_name),
            ),
            (
                dovuti::debtor_address.eq(addr),
                dovuti::debtor_civic_number.eq(civic),
                dovuti::debtor_postal_code.eq(cap),
                dovuti::debtor_city.eq(city),
                dovuti::debtor_province.eq(prov),
                dovuti::debtor_country.eq(country),
                dovuti::debtor_email.eq(email),
            ),
            dovuti::amount_cents.eq(row.amount.cents()),
            dovuti::pa_fee_cents.eq(row.pa_fee.map(|a| a.cents())),
            dovuti::due_date.eq(row.due_date),
            dovuti::causale.eq(&row.causale),
            dovuti::collection_data.eq(&row.collection_data),
            dovuti::bilancio.eq(&row.bilancio),
            (
                dovuti::flusso_id.eq(from.flusso_id),
                dovuti::flusso_row.eq(from.row),
                dovuti::updated_at.eq(now),
                dovuti::version.eq(dovuti::version + 1),
            ),
        ))
        .execute(c)?;
    Ok(())
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
        let notice = iuv
            .as_ref()
            .and_then(|i| NoticeNumber::from_iuv(AuxDigit::Three, None, i).ok());
        let [addr, civic, cap, city, prov, country, email] =
            row.debtor_contact.each_ref().map(Option::as_deref);
        assigned.push((raw.number, iuv.as_ref().map(|i| i.as_str().to_owned())));
        values.push(NewRow {
            entity_id: ctx.entity_id,
            due_type_id: *due_type_id,
            iud: &row.iud,
            notice_number: notice.map(|n| n.as_str().to_owned()),
            iuv_assigned_at: iuv.as_ref().map(|_| &stamp),
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
            generate_iuv: *gen,
            flusso_id: Some(ctx.flusso_id),
            flusso_row: Some(raw.number),
            version: 0,
            created_at: &stamp,
            updated_at: &stamp,
        });
    }
    write(c, &values)?;
    let multi: Vec<&Row> = rows
        .iter()
        .filter(|(_, r, _)| r.secondary.is_some())
        .map(|(_, r, _)| *r)
        .collect();
    for row in multi {
        let id: i64 = dovuti::table
            .filter(dovuti::entity_id.eq(ctx.entity_id))
            .filter(dovuti::iud.eq(&row.iud))
            .select(dovuti::id)
            .first(c)?;
        transfers(c, ctx, id, row)?;
    }
    Ok(assigned)
}

/// The two transfers of a multi-beneficiary row (none otherwise).
fn transfers(c: &mut AnyConnection, ctx: &Context, id: i64, row: &Row) -> Result<(), DbError> {
    diesel::delete(dovuto_transfers::table.filter(dovuto_transfers::dovuto_id.eq(id)))
        .execute(c)?;
    let Some(sec) = &row.secondary else {
        return Ok(());
    };
    let iban = ctx
        .due_types
        .get(&row.due_type)
        .and_then(|d| d.3.clone())
        .unwrap_or_default();
    crate::ente::secondari::write_split(
        c,
        &crate::ente::secondari::Split {
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
