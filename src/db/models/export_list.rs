//! The exports page's list: the latest exports of some entities, each with what was asked
//! and where it stands.

use super::export::Status;
use crate::db::schema::{entities, flussi};
use crate::db::{AnyConnection, DbError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// An export as the page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct Listed {
    /// When it was asked for.
    pub created_at: NaiveDateTime,
    /// The entity's name.
    pub entity: String,
    /// The tracciato version (paid dovuti).
    pub version: Option<String>,
    /// Receipts from (UTC, paid dovuti).
    pub from: Option<NaiveDateTime>,
    /// Receipts to (UTC, exclusive, paid dovuti).
    pub to: Option<NaiveDateTime>,
    /// The due date (dovuti falling due).
    pub day: Option<NaiveDate>,
    /// The due type codes asked for (`;`-joined).
    pub codes: Option<String>,
    /// Its state, file and rows.
    pub status: Status,
}

/// The latest `limit` exports of the entities `entity_ids`, newest first.
pub fn listed(
    conn: &mut AnyConnection,
    entity_ids: &[i64],
    limit: i64,
) -> Result<Vec<Listed>, DbError> {
    Ok(flussi::table
        .inner_join(entities::table)
        .filter(flussi::direction.eq("EXPORT"))
        .filter(flussi::entity_id.eq_any(entity_ids))
        .select((
            flussi::created_at,
            entities::name,
            flussi::tracciato_version,
            flussi::export_from,
            flussi::export_to,
            flussi::date_to,
            flussi::due_type_codes,
            Status::as_select(),
        ))
        .order(flussi::id.desc())
        .limit(limit)
        .load(conn)?)
}

/// Export `id` with its entity's id, if it is one.
pub fn owned(conn: &mut AnyConnection, id: i64) -> Result<Option<(i64, Status)>, DbError> {
    Ok(flussi::table
        .filter(flussi::id.eq(id))
        .filter(flussi::direction.eq("EXPORT"))
        .select((flussi::entity_id, Status::as_select()))
        .first(conn)
        .optional()?)
}
