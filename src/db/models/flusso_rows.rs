//! What an import writes row by row: the rejects, the dovuti it holds by row number, and the
//! counters of each chunk.

use crate::db::schema::{dovuti, flussi, flusso_rejects};
use crate::db::{AnyConnection, DbError};
use crate::domain::DovutoState;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashSet;

/// A rejected row: (row number, code, message, the line as sent).
pub type Reject = (i64, String, String, String);

/// Stores a chunk's rejects.
pub fn add_rejects(
    conn: &mut AnyConnection,
    flusso_id: i64,
    rejects: &[Reject],
) -> Result<(), DbError> {
    let values: Vec<_> = rejects
        .iter()
        .map(|(n, code, msg, line)| {
            (
                flusso_rejects::flusso_id.eq(flusso_id),
                flusso_rejects::row_number.eq(*n),
                flusso_rejects::code.eq(code),
                flusso_rejects::message.eq(msg),
                flusso_rejects::line.eq(line),
            )
        })
        .collect();
    for part in values.chunks(500) {
        crate::with_backend!(&mut *conn, c => diesel::insert_into(flusso_rejects::table).values(part).execute(c))?;
    }
    Ok(())
}

/// The rejects of import `id` after row `after`, at most `limit`, by row: (row, line, code,
/// message).
pub fn rejects_after(
    conn: &mut AnyConnection,
    id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, String, String, String)>, DbError> {
    Ok(flusso_rejects::table
        .filter(flusso_rejects::flusso_id.eq(id))
        .filter(flusso_rejects::row_number.gt(after))
        .order(flusso_rejects::row_number)
        .limit(limit)
        .select((
            flusso_rejects::row_number,
            flusso_rejects::line,
            flusso_rejects::code,
            flusso_rejects::message,
        ))
        .load(conn)?)
}

/// The rows of import `id` after row `after` that a dovuto holds, at most `limit`, by
/// row: (row, IUV).
pub fn accepted_after(
    conn: &mut AnyConnection,
    id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Option<String>)>, DbError> {
    Ok(dovuti::table
        .filter(dovuti::flusso_id.eq(id))
        .filter(dovuti::flusso_row.gt(after))
        .order(dovuti::flusso_row)
        .limit(limit)
        .select((dovuti::flusso_row.assume_not_null(), dovuti::iuv))
        .load(conn)?)
}

/// Moves import `id`'s counters on by one chunk.
pub fn count_chunk(
    conn: &mut AnyConnection,
    id: i64,
    (rows, accepted, rejected): (i64, i64, i64),
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(flussi::table.find(id))
        .set((
            flussi::rows_done.eq(flussi::rows_done + rows),
            flussi::rows_accepted.eq(flussi::rows_accepted + accepted),
            flussi::rows_rejected.eq(flussi::rows_rejected + rejected),
            flussi::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which of `iuvs` the entity already uses.
pub fn iuvs_taken(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuvs: &[&str],
) -> Result<HashSet<String>, DbError> {
    if iuvs.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(dovuti::table
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::iuv.eq_any(iuvs))
        .select(dovuti::iuv.assume_not_null())
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// What the entity holds under `iuds`: IUD → (id, state, IUV).
pub fn held_by_iuds(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuds: &[&str],
) -> Result<Vec<(String, super::dovuto::Held)>, DbError> {
    Ok(dovuti::table
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::iud.eq_any(iuds))
        .select((dovuti::iud, dovuti::id, dovuti::state, dovuti::iuv))
        .load::<(String, i64, DovutoState, Option<String>)>(conn)?
        .into_iter()
        .map(|(iud, id, state, iuv)| (iud, (id, state, iuv)))
        .collect())
}
