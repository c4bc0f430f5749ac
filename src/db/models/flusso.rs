//! Flussi (imports of dovuti and exports) as the pages, commands and services read them.

use crate::db::schema::{entities, flussi, notice_batches};
use crate::db::{AnyConnection, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Where an import ended: state, rows (total, accepted, rejected) and the error, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// State (or the error code).
    pub state: String,
    /// Rows read.
    pub total: i64,
    /// Rows accepted.
    pub accepted: i64,
    /// Rows rejected.
    pub rejected: i64,
    /// What went wrong with the file, when it failed whole.
    pub error: Option<String>,
    /// The file's name (an export's, once written).
    pub file_name: Option<String>,
}

/// Flusso `id`'s outcome.
pub fn outcome(conn: &mut AnyConnection, id: i64) -> Result<Outcome, DbError> {
    let (state, total, accepted, rejected, error, file_name) = flussi::table
        .find(id)
        .select((
            flussi::state,
            flussi::rows_total,
            flussi::rows_accepted,
            flussi::rows_rejected,
            flussi::error_message,
            flussi::file_name,
        ))
        .first(conn)?;
    Ok(Outcome {
        state,
        total,
        accepted,
        rejected,
        error,
        file_name,
    })
}

/// The entity that flusso `id` belongs to, if there is such a flusso.
pub fn owner(conn: &mut AnyConnection, id: i64) -> Result<Option<i64>, DbError> {
    Ok(flussi::table
        .find(id)
        .select(flussi::entity_id)
        .first(conn)
        .optional()?)
}

/// The entity's import of the flusso `iuf`.
pub fn import_by_iuf(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuf: &str,
) -> Result<Option<i64>, DbError> {
    Ok(flussi::table
        .filter(flussi::entity_id.eq(entity_id))
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::iuf.eq(iuf))
        .select(flussi::id)
        .first(conn)
        .optional()?)
}

/// The import a request token follows: (id, entity).
pub fn import_by_request_token(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<(i64, i64)>, DbError> {
    Ok(flussi::table
        .filter(flussi::request_token.eq(token))
        .select((flussi::id, flussi::entity_id))
        .first(conn)
        .optional()?)
}

/// The latest imports of the entities, newest first: (id, entity's IPA code, IUF).
pub fn recent_imports(
    conn: &mut AnyConnection,
    entity_ids: &[i64],
    limit: i64,
) -> Result<Vec<(i64, String, Option<String>)>, DbError> {
    Ok(flussi::table
        .inner_join(entities::table)
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::entity_id.eq_any(entity_ids))
        .select((flussi::id, entities::cod_ipa, flussi::iuf))
        .order(flussi::id.desc())
        .limit(limit)
        .load(conn)?)
}

/// An import as the flussi page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Flusso id.
    pub id: i64,
    /// When it was registered.
    pub created_at: NaiveDateTime,
    /// The entity's name.
    pub entity: String,
    /// The file's name.
    pub file_name: Option<String>,
    /// State (or the error code).
    pub state: String,
    /// Rows done, total, accepted, rejected.
    pub rows: (i64, i64, i64, i64),
    /// What went wrong with the file.
    pub error: Option<String>,
    /// Whether its notices' zip is ready.
    pub notices_ready: bool,
}

/// The latest imports of the entities, newest first.
pub fn listed_imports(
    conn: &mut AnyConnection,
    entity_ids: &[i64],
    limit: i64,
) -> Result<Vec<Listed>, DbError> {
    type Row = (
        i64,
        NaiveDateTime,
        String,
        Option<String>,
        String,
        (i64, i64, i64, i64),
        Option<String>,
    );
    let list: Vec<Row> = flussi::table
        .inner_join(entities::table)
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::entity_id.eq_any(entity_ids))
        .select((
            flussi::id,
            flussi::created_at,
            entities::name,
            flussi::file_name,
            flussi::state,
            (
                flussi::rows_done,
                flussi::rows_total,
                flussi::rows_accepted,
                flussi::rows_rejected,
            ),
            flussi::error_message,
        ))
        .order(flussi::id.desc())
        .limit(limit)
        .load(conn)?;
    let shown: Vec<i64> = list.iter().map(|r| r.0).collect();
    let ready: Vec<Option<i64>> = notice_batches::table
        .filter(notice_batches::flusso_id.eq_any(shown))
        .filter(notice_batches::state.eq("done"))
        .select(notice_batches::flusso_id)
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(|(id, created_at, entity, file_name, state, rows, error)| Listed {
            notices_ready: ready.contains(&Some(id)),
            id,
            created_at,
            entity,
            file_name,
            state,
            rows,
            error,
        })
        .collect())
}
