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
//! - a payment or due date range is read in its index's order (latest first): the
//!   payment index covers paid rows only (nothing to maintain at import);
//! - an amount range filters the scan; so do the operator's due types when they hold
//!   many rows (SQLite, which has no statistics to weigh them).

use super::dovuto::{Dovuto, DovutoRow};
use super::dovuto_cursor::{Cursor, Key};
use super::Scope;
use crate::db::schema::{dovuti, due_types, entities};
use crate::db::{AnyConnection, DbError, MultiBackend};
use crate::domain::DovutoState;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

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
    /// The rows, in the search's order.
    pub rows: Vec<DovutoRow>,
    /// The cursor of the next page, when there is one.
    pub next: Option<Cursor>,
    /// Matches counted, at most [`COUNT_CAP`].
    pub count: i64,
    /// Whether there are more than [`COUNT_CAP`].
    pub more: bool,
}

/// The ids that can hold rows created in `[from, to)`.
fn created_ids(
    conn: &mut AnyConnection,
    range: (Option<NaiveDateTime>, Option<NaiveDateTime>),
) -> Result<(i64, i64), DbError> {
    if range == (None, None) {
        return Ok((0, i64::MAX));
    }
    let max: Option<i64> = dovuti::table
        .select(diesel::dsl::max(dovuti::id))
        .first(conn)?;
    let mut probe = |mid: i64| -> Result<Option<NaiveDateTime>, DbError> {
        Ok(dovuti::table
            .filter(dovuti::id.ge(mid))
            .order(dovuti::id.asc())
            .select(dovuti::created_at)
            .first(conn)
            .optional()?)
    };
    super::id_time::id_range(max, range, &mut probe)
}

/// The entities whose unique indexes serve an IUV or IUD lookup.
fn visible_entities(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<i64>, DbError> {
    match scope {
        Scope::All => Ok(entities::table.select(entities::id).load(conn)?),
        Scope::Limited { entity_ids, .. } => Ok(entity_ids.clone()),
    }
}

/// The table a search reads (the page's names are joined afterwards, to its rows only).
type Source = dovuti::table;

/// One condition of a search.
type Condition = Box<dyn BoxableExpression<Source, MultiBackend, SqlType = Nullable<Bool>>>;

/// How the plan reads a filter SQLite's planner cannot weigh without statistics: through
/// its index (few matches: read them all, sort by id) or by the id order, the index
/// hidden (many matches: the newest turn up first).
#[derive(Debug, Clone, Copy, Default)]
struct Plan {
    /// The name prefix matches more than [`COUNT_CAP`] rows.
    many_names: bool,
    /// The operator's due types hold more than [`COUNT_CAP`] rows.
    many_in_scope: bool,
}

/// SQLite's plan for `s` (PostgreSQL weighs the filters with its own statistics).
fn plan(conn: &mut AnyConnection, scope: &Scope, s: &Search) -> Result<Plan, DbError> {
    if matches!(conn, AnyConnection::Postgresql(_)) {
        return Ok(Plan::default());
    }
    let probe = |c: &mut AnyConnection, cond: Condition| -> Result<bool, DbError> {
        let ids: Vec<i64> = dovuti::table
            .filter(cond)
            .select(dovuti::id)
            .limit(COUNT_CAP + 1)
            .load(c)?;
        Ok(ids.len() as i64 > COUNT_CAP)
    };
    let mut p = Plan::default();
    if let Some(n) = &s.debtor_name {
        p.many_names = probe(conn, name_prefix(n.trim(), "upper(dovuti.debtor_name)"))?;
    }
    if let Scope::Limited { due_type_ids, .. } = scope {
        let within = dovuti::due_type_id.eq_any(due_type_ids.clone()).nullable();
        p.many_in_scope = probe(conn, Box::new(within))?;
    }
    Ok(p)
}

/// The operator's due types as a condition no index serves (SQLite's unary `+`); the ids
/// come from the database, never from the request.
fn scope_scan(ids: &[i64]) -> Condition {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let text = match list.is_empty() {
        true => "0 = 1".to_owned(),
        false => format!("+dovuti.due_type_id IN ({})", list.join(",")),
    };
    Box::new(sql::<Bool>(&text).nullable())
}

/// A case-insensitive prefix as a range on `key`: `[P, P + U+10FFFF)`.
fn name_prefix(prefix: &str, key: &str) -> Condition {
    Box::new(
        sql::<Bool>(&format!("{key} >= upper("))
            .bind::<Text, _>(prefix.to_owned())
            .sql(&format!(") AND {key} < upper("))
            .bind::<Text, _>(format!("{prefix}\u{10FFFF}"))
            .sql(")")
            .nullable(),
    )
}

/// Every condition of `s` in `scope`.
fn conditions(
    s: &Search,
    scope: &Scope,
    keys: &Option<Vec<i64>>,
    ids: (i64, i64),
    (p, pg): (Plan, bool),
) -> Vec<Condition> {
    let mut c: Vec<Condition> = Vec::new();
    if let Scope::Limited { due_type_ids, .. } = scope {
        c.push(match (pg, p.many_in_scope) {
            (false, true) => scope_scan(due_type_ids),
            _ => Box::new(dovuti::due_type_id.eq_any(due_type_ids.clone()).nullable()),
        });
    }
    if let Some(list) = keys {
        c.push(Box::new(dovuti::entity_id.eq_any(list.clone()).nullable()));
    }
    if let Some(v) = s.entity_id {
        c.push(Box::new(dovuti::entity_id.eq(v).nullable()));
    }
    if let Some(v) = &s.iuv {
        c.push(Box::new(dovuti::iuv.eq(v.clone())));
    }
    if let Some(v) = &s.iud {
        c.push(Box::new(dovuti::iud.eq(v.clone()).nullable()));
    }
    if let Some(v) = &s.debtor_id {
        c.push(Box::new(dovuti::debtor_id.eq(v.to_uppercase()).nullable()));
    }
    if let Some(v) = &s.debtor_name {
        // The index's expression (PostgreSQL: in its byte order), or one it does not serve.
        let key = match (pg, p.many_names) {
            (true, _) => "upper(dovuti.debtor_name) COLLATE \"C\"",
            (false, false) => "upper(dovuti.debtor_name)",
            (false, true) => "upper(dovuti.debtor_name || '')",
        };
        c.push(name_prefix(v.trim(), key));
    }
    if let Some(v) = s.state {
        c.push(Box::new(dovuti::state.eq(v.code()).nullable()));
    }
    if let Some(v) = s.due_type_id {
        c.push(Box::new(dovuti::due_type_id.eq(v).nullable()));
    }
    if ids != (0, i64::MAX) {
        c.push(Box::new(dovuti::id.between(ids.0, ids.1).nullable()));
    }
    range_conditions(s, &mut c);
    c
}

/// The range filters.
fn range_conditions(s: &Search, c: &mut Vec<Condition>) {
    if let Some(v) = s.created.0 {
        c.push(Box::new(dovuti::created_at.ge(v).nullable()));
    }
    if let Some(v) = s.created.1 {
        c.push(Box::new(dovuti::created_at.lt(v).nullable()));
    }
    if let Some(v) = s.due.0 {
        c.push(Box::new(dovuti::due_date.ge(v)));
    }
    if let Some(v) = s.due.1 {
        c.push(Box::new(dovuti::due_date.le(v)));
    }
    if let Some(v) = s.paid.0 {
        c.push(Box::new(dovuti::paid_at.ge(v)));
    }
    if let Some(v) = s.paid.1 {
        c.push(Box::new(dovuti::paid_at.lt(v)));
    }
    if let Some(v) = s.amount.0 {
        c.push(Box::new(dovuti::amount_cents.ge(v).nullable()));
    }
    if let Some(v) = s.amount.1 {
        c.push(Box::new(dovuti::amount_cents.le(v).nullable()));
    }
}

/// The page of `s` after `before` in its order, `size` rows and the cursor of the next.
fn page(
    conn: &mut AnyConnection,
    mut q: Boxed,
    s: &Search,
    before: Option<Cursor>,
    size: i64,
) -> Result<(Vec<DovutoRow>, Option<Cursor>), DbError> {
    let by_paid = s.paid != (None, None);
    let by_due = !by_paid && s.due != (None, None);
    let after: Condition = match before.map(|b| (b.id, b.key)) {
        None => Box::new(sql::<Bool>("1 = 1").nullable()),
        Some((id, Key::Paid(t))) if by_paid => Box::new(
            dovuti::paid_at
                .lt(t)
                .or(dovuti::paid_at.eq(t).and(dovuti::id.lt(id))),
        ),
        Some((id, Key::Due(d))) if by_due => Box::new(
            dovuti::due_date
                .lt(d)
                .or(dovuti::due_date.eq(d).and(dovuti::id.lt(id))),
        ),
        Some((id, _)) => Box::new(dovuti::id.lt(id).nullable()),
    };
    q = q.filter(after);
    q = match (by_paid, by_due) {
        (true, _) => q.order((dovuti::paid_at.desc(), dovuti::id.desc())),
        (_, true) => q.order((dovuti::due_date.desc(), dovuti::id.desc())),
        _ => q.order(dovuti::id.desc()),
    };
    // The ids and order keys first (from the index alone where it can), the rows after.
    let limit = size + 1;
    let mut keyed: Vec<(i64, Key)> = match (by_paid, by_due) {
        (true, _) => q
            .select((dovuti::id, dovuti::paid_at))
            .limit(limit)
            .load::<(i64, Option<NaiveDateTime>)>(conn)?
            .into_iter()
            .map(|(id, t)| (id, t.map_or(Key::Id, Key::Paid)))
            .collect(),
        (_, true) => q
            .select((dovuti::id, dovuti::due_date))
            .limit(limit)
            .load::<(i64, Option<NaiveDate>)>(conn)?
            .into_iter()
            .map(|(id, d)| (id, d.map_or(Key::Id, Key::Due)))
            .collect(),
        _ => q
            .select(dovuti::id)
            .limit(limit)
            .load::<i64>(conn)?
            .into_iter()
            .map(|id| (id, Key::Id))
            .collect(),
    };
    let more = keyed.len() as i64 > size;
    keyed.truncate(size as usize);
    let next = keyed
        .last()
        .filter(|_| more)
        .map(|&(id, key)| Cursor { id, key });
    let ids: Vec<i64> = keyed.iter().map(|(id, _)| *id).collect();
    Ok((named(conn, &ids)?, next))
}

/// Rows `ids`, in that order, with their entity's name and due type's code.
pub(super) fn named(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<DovutoRow>, DbError> {
    let mut found: std::collections::HashMap<i64, DovutoRow> = dovuti::table
        .inner_join(entities::table)
        .inner_join(due_types::table)
        .filter(dovuti::id.eq_any(ids.to_vec()))
        .select((Dovuto::as_select(), entities::name, due_types::code))
        .load::<DovutoRow>(conn)?
        .into_iter()
        .map(|r| (r.0.id, r))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The order PostgreSQL counts in: that of the index the most selective range or prefix
/// rests on (a payment or due range, a name), so that the count walks that index and
/// stops at the cap, instead of walking the primary key to meet sparse matches.
fn count_order(q: Boxed, s: &Search) -> Boxed {
    if s.paid != (None, None) {
        q.order(dovuti::paid_at.desc())
    } else if s.due != (None, None) {
        q.order(dovuti::due_date.desc())
    } else if s.debtor_name.is_some() && (&s.iuv, &s.iud, &s.debtor_id) == (&None, &None, &None) {
        q.order(sql::<Text>("upper(dovuti.debtor_name) COLLATE \"C\""))
    } else {
        q.order(dovuti::id.desc())
    }
}

/// A search's query before its conditions.
type Boxed = diesel::dsl::IntoBoxed<'static, dovuti::table, MultiBackend>;

/// Dovuti visible in `scope` matching `s`, in the search's order, `size` of them after
/// `before`.
pub fn search(
    conn: &mut AnyConnection,
    scope: &Scope,
    s: &Search,
    before: Option<Cursor>,
    size: i64,
) -> Result<Found, DbError> {
    let ids = created_ids(conn, s.created)?;
    let keys = match (&s.iuv, &s.iud, s.entity_id) {
        (None, None, _) | (_, _, Some(_)) => None,
        _ => Some(visible_entities(conn, scope)?),
    };
    let how = (
        plan(conn, scope, s)?,
        matches!(conn, AnyConnection::Postgresql(_)),
    );
    let filtered = |how| -> Boxed {
        let mut q = dovuti::table.into_boxed();
        for c in conditions(s, scope, &keys, ids, how) {
            q = q.filter(c);
        }
        q
    };
    let (rows, next) = page(conn, filtered(how), s, before, size)?;
    // The count stops at the cap: reading the indexes is what bounds it, whatever the page.
    // PostgreSQL is asked for an order, or a sequential scan may start wherever the last
    // one stopped (synchronized scans) and read far before it meets a match.
    let mut count = filtered((Plan::default(), how.1));
    if how.1 {
        count = count_order(count, s);
    }
    let counted: Vec<i64> = count.select(dovuti::id).limit(COUNT_CAP + 1).load(conn)?;
    Ok(Found {
        rows,
        next,
        count: (counted.len() as i64).min(COUNT_CAP),
        more: counted.len() as i64 > COUNT_CAP,
    })
}
