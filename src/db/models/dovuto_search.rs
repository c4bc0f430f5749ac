//! The back office's search of dovuti, built to stay fast on tens of millions of rows:
//! newest first by id, keyset-paginated (`id < before`, never OFFSET), the count capped
//! (counting millions of matches to print a number is what makes such pages slow), and
//! every filter served by an index or by the order of ids:
//!
//! - IUV and IUD are unique per entity: looked up as `entity_id IN (visible) AND …` on the
//!   unique indexes, whoever asks;
//! - debtor fiscal code, due type and state have their own indexes (rowid-ordered);
//! - the debtor's name is a case-insensitive prefix on an index of `upper(debtor_name)`;
//! - the creation date becomes a range of ids (ids are assigned in creation order: two
//!   probes of the primary key by bisection), kept as a filter too;
//! - the payment date has a partial index over paid rows only (nothing at import);
//! - due date and amount ranges filter the id-ordered scan.

use super::dovuto::{Dovuto, DovutoRow};
use super::Scope;
use crate::db::schema::{dovuti, due_types, entities};
use crate::db::{AnyConnection, DbError};
use crate::domain::DovutoState;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

/// Most matches counted: beyond it the page says "more than".
pub const COUNT_CAP: i64 = 1000;

/// What to look for; empty fields do not filter. Ranges are inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// Exact IUV (a notice number is searched by its IUV).
    pub iuv: Option<String>,
    /// Exact IUD.
    pub iud: Option<String>,
    /// Exact debtor fiscal code.
    pub debtor_id: Option<String>,
    /// Start of the debtor's name, any case.
    pub debtor_name: Option<String>,
    /// State.
    pub state: Option<DovutoState>,
    /// Due type.
    pub due_type_id: Option<i64>,
    /// Entity.
    pub entity_id: Option<i64>,
    /// Created on or after / before (exclusive).
    pub created: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    /// Due date range.
    pub due: (Option<NaiveDate>, Option<NaiveDate>),
    /// Paid on or after / before (exclusive).
    pub paid: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    /// Amount range in cents.
    pub amount: (Option<i64>, Option<i64>),
}

/// One page of matches.
#[derive(Debug, Clone)]
pub struct Found {
    /// The rows, newest first.
    pub rows: Vec<DovutoRow>,
    /// The cursor of the next page, when there is one.
    pub next: Option<i64>,
    /// Matches counted, at most [`COUNT_CAP`].
    pub count: i64,
    /// Whether there are more than [`COUNT_CAP`].
    pub more: bool,
}

/// The first id at or after which rows are created at `at` or later (`None`: none are).
fn first_id_from(conn: &mut AnyConnection, at: NaiveDateTime) -> Result<Option<i64>, DbError> {
    let max: Option<i64> = dovuti::table
        .select(diesel::dsl::max(dovuti::id))
        .first(conn)?;
    let Some(max) = max else { return Ok(None) };
    let (mut lo, mut hi) = (0i64, max + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let probe: Option<(i64, NaiveDateTime)> = dovuti::table
            .filter(dovuti::id.ge(mid))
            .order(dovuti::id.asc())
            .select((dovuti::id, dovuti::created_at))
            .first(conn)
            .optional()?;
        match probe {
            Some((_, created)) if created < at => lo = mid + 1,
            _ => hi = mid,
        }
    }
    Ok((lo <= max).then_some(lo))
}

/// The ids that can hold rows created in `[from, to)`.
fn created_ids(
    conn: &mut AnyConnection,
    (from, to): (Option<NaiveDateTime>, Option<NaiveDateTime>),
) -> Result<(i64, i64), DbError> {
    let lo = match from {
        Some(f) => first_id_from(conn, f)?.unwrap_or(i64::MAX),
        None => 0,
    };
    let hi = match to {
        Some(t) => first_id_from(conn, t)?.map_or(i64::MAX, |id| id - 1),
        None => i64::MAX,
    };
    Ok((lo, hi))
}

/// The entities whose unique indexes serve an IUV or IUD lookup.
fn visible_entities(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<i64>, DbError> {
    match scope {
        Scope::All => Ok(entities::table.select(entities::id).load(conn)?),
        Scope::Limited { entity_ids, .. } => Ok(entity_ids.clone()),
    }
}

/// Dovuti visible in `scope` matching `s`, newest first, `size` of them with ids below
/// `before`.
pub fn search(
    conn: &mut AnyConnection,
    scope: &Scope,
    s: &Search,
    before: Option<i64>,
    size: i64,
) -> Result<Found, DbError> {
    let ids = created_ids(conn, s.created)?;
    let entities_for_keys = match (&s.iuv, &s.iud, s.entity_id) {
        (None, None, _) | (_, _, Some(_)) => None,
        _ => Some(visible_entities(conn, scope)?),
    };
    let name = s.debtor_name.as_ref().map(|n| n.trim().to_owned());
    let collate = match conn {
        AnyConnection::Postgresql(_) => " COLLATE \"C\"",
        AnyConnection::Sqlite(_) => "",
    };
    // The same WHERE clause is needed twice (count and page): build it in one place.
    macro_rules! filtered {
        () => {{
            let mut q = dovuti::table
                .inner_join(entities::table)
                .inner_join(due_types::table)
                .into_boxed();
            if let Scope::Limited { due_type_ids, .. } = scope {
                q = q.filter(dovuti::due_type_id.eq_any(due_type_ids.clone()));
            }
            if let Some(list) = &entities_for_keys {
                q = q.filter(dovuti::entity_id.eq_any(list.clone()));
            }
            if let Some(v) = s.entity_id {
                q = q.filter(dovuti::entity_id.eq(v));
            }
            if let Some(v) = &s.iuv {
                q = q.filter(dovuti::iuv.eq(v.clone()));
            }
            if let Some(v) = &s.iud {
                q = q.filter(dovuti::iud.eq(v.clone()));
            }
            if let Some(v) = &s.debtor_id {
                q = q.filter(dovuti::debtor_id.eq(v.to_uppercase()));
            }
            if let Some(v) = &name {
                // A prefix as a range on the index's expression, [P, P + U+10FFFF), in
                // byte order (PostgreSQL: the index's collation "C").
                let key = format!("upper(dovuti.debtor_name){collate}");
                let range = sql::<Bool>(&format!("{key} >= upper("))
                    .bind::<Text, _>(v.clone())
                    .sql(&format!(") AND {key} < upper("))
                    .bind::<Text, _>(format!("{v}\u{10FFFF}"))
                    .sql(")");
                q = q.filter(range);
            }
            if let Some(v) = s.state {
                q = q.filter(dovuti::state.eq(v.code()));
            }
            if let Some(v) = s.due_type_id {
                q = q.filter(dovuti::due_type_id.eq(v));
            }
            if ids != (0, i64::MAX) {
                q = q.filter(dovuti::id.between(ids.0, ids.1));
            }
            if let Some(v) = s.created.0 {
                q = q.filter(dovuti::created_at.ge(v));
            }
            if let Some(v) = s.created.1 {
                q = q.filter(dovuti::created_at.lt(v));
            }
            if let Some(v) = s.due.0 {
                q = q.filter(dovuti::due_date.ge(v));
            }
            if let Some(v) = s.due.1 {
                q = q.filter(dovuti::due_date.le(v));
            }
            if let Some(v) = s.paid.0 {
                q = q.filter(dovuti::paid_at.ge(v));
            }
            if let Some(v) = s.paid.1 {
                q = q.filter(dovuti::paid_at.lt(v));
            }
            if let Some(v) = s.amount.0 {
                q = q.filter(dovuti::amount_cents.ge(v));
            }
            if let Some(v) = s.amount.1 {
                q = q.filter(dovuti::amount_cents.le(v));
            }
            q
        }};
    }
    let mut page = filtered!();
    if let Some(b) = before {
        page = page.filter(dovuti::id.lt(b));
    }
    let mut rows: Vec<DovutoRow> = page
        .select((Dovuto::as_select(), entities::name, due_types::code))
        .order(dovuti::id.desc())
        .limit(size + 1)
        .load(conn)?;
    let next = (rows.len() as i64 > size).then(|| {
        rows.truncate(size as usize);
        rows.last().map_or(0, |r| r.0.id)
    });
    let counted: Vec<i64> = filtered!()
        .select(dovuti::id)
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    let count = (counted.len() as i64).min(COUNT_CAP);
    Ok(Found {
        rows,
        next,
        count,
        more: counted.len() as i64 > COUNT_CAP,
    })
}
