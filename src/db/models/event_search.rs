//! Reading the journal: entries newest first by id, a page after another, filtered by a
//! time range (an id range found by bisection), interface, operation, entity, IUV, outcome
//! and correlation id; and one entry whole, with its request and response.

use super::event::{Event, EventRow, NewEvent};
use super::id_time::id_range;
use super::Scope;
use crate::db::schema::{entities, events, operators};
use crate::db::{AnyConnection, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Which entries: every bound optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// From this instant (UTC, included).
    pub from: Option<NaiveDateTime>,
    /// Before this instant (UTC, excluded).
    pub to: Option<NaiveDateTime>,
    /// Interface (`paForNode`, `ente-ws`, `web`, …).
    pub interface: Option<String>,
    /// Operation.
    pub operation: Option<String>,
    /// Entity.
    pub entity_id: Option<i64>,
    /// IUV (a notice number is read as its IUV).
    pub iuv: Option<String>,
    /// `OK` / `KO`.
    pub outcome: Option<String>,
    /// Correlation id.
    pub correlation_id: Option<String>,
}

/// Up to `limit` entries `scope` sees older than id `before`, newest first, with their
/// entity's name.
pub fn page(
    conn: &mut AnyConnection,
    scope: &Scope,
    f: &EventFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<EventRow>, DbError> {
    let (lo, hi) = ids(conn, (f.from, f.to))?;
    let hi = before.map_or(hi, |b| hi.min(b - 1));
    let mut q = events::table
        .left_join(entities::table)
        .filter(events::id.between(lo, hi))
        .into_boxed();
    if let Scope::Limited { entity_ids, .. } = scope {
        q = q.filter(events::entity_id.eq_any(entity_ids.clone()));
    }
    // The id range bounds the scan; the times decide at its ends.
    if let Some(t) = f.from {
        q = q.filter(events::occurred_at.ge(t));
    }
    if let Some(t) = f.to {
        q = q.filter(events::occurred_at.lt(t));
    }
    if let Some(v) = &f.interface {
        q = q.filter(events::interface.eq(v.clone()));
    }
    if let Some(v) = &f.operation {
        q = q.filter(events::operation.eq(v.clone()));
    }
    if let Some(v) = f.entity_id {
        q = q.filter(events::entity_id.eq(v));
    }
    if let Some(v) = &f.iuv {
        q = q.filter(events::iuv.eq(v.clone()));
    }
    if let Some(v) = &f.outcome {
        q = q.filter(events::outcome.eq(v.clone()));
    }
    if let Some(v) = &f.correlation_id {
        q = q.filter(events::correlation_id.eq(v.clone()));
    }
    Ok(q.select((Event::as_select(), entities::name.nullable()))
        .order(events::id.desc())
        .limit(limit)
        .load(conn)?)
}

/// The ids that can hold entries of `[from, to)`.
fn ids(
    conn: &mut AnyConnection,
    range: (Option<NaiveDateTime>, Option<NaiveDateTime>),
) -> Result<(i64, i64), DbError> {
    if range == (None, None) {
        return Ok((0, i64::MAX));
    }
    let max: Option<i64> = events::table
        .select(diesel::dsl::max(events::id))
        .first(conn)?;
    let mut probe = |mid: i64| -> Result<Option<NaiveDateTime>, DbError> {
        Ok(events::table
            .filter(events::id.ge(mid))
            .order(events::id.asc())
            .select(events::occurred_at)
            .first(conn)
            .optional()?)
    };
    id_range(max, range, &mut probe)
}

/// One entry whole.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventDetail {
    /// Row id.
    pub id: i64,
    /// Everything it holds.
    #[diesel(embed)]
    pub entry: NewEvent,
}

/// An entry whole, with its entity's name and its operator's login name.
pub type Detailed = (EventDetail, Option<String>, Option<String>);

/// Entry `id` when `scope` sees it, with its entity's name and its operator's login name.
pub fn detail(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i64,
) -> Result<Option<Detailed>, DbError> {
    let found: Option<EventDetail> = events::table
        .find(id)
        .select(EventDetail::as_select())
        .first(conn)
        .optional()?;
    let Some(d) = found else { return Ok(None) };
    let seen = match (scope, d.entry.entity_id) {
        (Scope::All, _) => true,
        (Scope::Limited { entity_ids, .. }, Some(e)) => entity_ids.contains(&e),
        (Scope::Limited { .. }, None) => false,
    };
    if !seen {
        return Ok(None);
    }
    let entity = match d.entry.entity_id {
        Some(e) => entities::table
            .find(e)
            .select(entities::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    let operator = match d.entry.operator_id {
        Some(o) => operators::table
            .find(o)
            .select(operators::username)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(Some((d, entity, operator)))
}
