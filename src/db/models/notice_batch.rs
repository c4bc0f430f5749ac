//! Notice batches: the zips of notices an operator asked for, and their progress.

use super::job::JobState;
use super::notice::Selection;
use super::Scope;
use crate::db::schema::{entities, notice_batches};
use crate::db::{AnyConnection, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A batch as listed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notice_batches)]
pub struct NoticeBatch {
    /// Row id.
    pub id: i64,
    /// Entity.
    pub entity_id: i64,
    /// Flusso, when limited to one.
    pub flusso_id: Option<i64>,
    /// Where it stands (the job states).
    pub state: JobState,
    /// Dovuti to look at.
    pub notices_total: i64,
    /// Dovuti looked at so far.
    pub notices_done: i64,
    /// Name of the zip for the person downloading it.
    pub file_name: String,
    /// Why it failed.
    pub error_message: Option<String>,
    /// Requested.
    pub created_at: NaiveDateTime,
    /// Finished.
    pub completed_at: Option<NaiveDateTime>,
}

/// The batches finished before `cutoff`.
pub fn finished_before(
    conn: &mut AnyConnection,
    cutoff: NaiveDateTime,
) -> Result<Vec<i64>, DbError> {
    Ok(notice_batches::table
        .filter(notice_batches::completed_at.lt(cutoff))
        .select(notice_batches::id)
        .load(conn)?)
}

/// Deletes batches `ids`.
pub fn delete(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), DbError> {
    diesel::delete(notice_batches::table.filter(notice_batches::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

/// Records a queued batch of `sel` whose zip the person downloading it gets as
/// `file_name`; returns its id.
pub fn insert(
    conn: &mut AnyConnection,
    sel: Selection,
    file_name: &str,
    operator_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(
        crate::with_backend!(conn, c => diesel::insert_into(notice_batches::table)
        .values((
            notice_batches::entity_id.eq(sel.entity_id),
            notice_batches::flusso_id.eq(sel.flusso_id),
            notice_batches::state.eq(JobState::Queued.code()),
            notice_batches::file_name.eq(file_name),
            notice_batches::operator_id.eq(operator_id),
            notice_batches::created_at.eq(now),
            notice_batches::updated_at.eq(now),
        ))
        .returning(notice_batches::id)
        .get_result(c))?,
    )
}

/// The latest batches of the entities `scope` sees, with the entity name.
pub fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    limit: i64,
) -> Result<Vec<(NoticeBatch, String)>, DbError> {
    let visible = match scope {
        Scope::All => None,
        Scope::Limited { entity_ids, .. } => Some(entity_ids.clone()),
    };
    Ok(crate::with_backend!(conn, c => {
        let mut q = notice_batches::table
            .inner_join(entities::table)
            .select((NoticeBatch::as_select(), entities::name))
            .order(notice_batches::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(ids) = &visible {
            q = q.filter(notice_batches::entity_id.eq_any(ids.clone()));
        }
        q.load(c)
    })?)
}

/// Batch `id`.
pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<NoticeBatch>, DbError> {
    Ok(notice_batches::table
        .find(id)
        .select(NoticeBatch::as_select())
        .first(conn)
        .optional()?)
}

/// Moves batch `id` to `state` (a finished state marks it finished).
pub fn set_state(
    conn: &mut AnyConnection,
    id: i64,
    state: JobState,
    error: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let finished = state.is_finished().then_some(now);
    diesel::update(notice_batches::table.find(id))
        .set((
            notice_batches::state.eq(state.code()),
            notice_batches::error_message.eq(error),
            notice_batches::updated_at.eq(now),
            notice_batches::completed_at.eq(finished),
        ))
        .execute(conn)?;
    Ok(())
}

/// Notes batch `id`'s progress: `done` of `total` dovuti looked at.
pub fn set_progress(
    conn: &mut AnyConnection,
    id: i64,
    (done, total): (i64, i64),
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(notice_batches::table.find(id))
        .set((
            notice_batches::notices_total.eq(total),
            notice_batches::notices_done.eq(done),
            notice_batches::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
