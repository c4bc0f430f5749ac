//! The flussi page's list of imports: each with its state, its rows done, accepted and
//! rejected, how fast its current run goes, and whether its notices are ready.

use crate::db::schema::{entities, flussi, notice_batches};
use crate::db::{AnyConnection, DbError};
use crate::domain::FlussoState;
use chrono::NaiveDateTime;
use diesel::prelude::*;

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
    /// Where it stands.
    pub state: FlussoState,
    /// Rows done, total, accepted, rejected.
    pub rows: (i64, i64, i64, i64),
    /// What went wrong with the file.
    pub error: Option<String>,
    /// Whether its notices' zip is ready.
    pub notices_ready: bool,
    /// Rows per second of its current (or last) run, once it has done some.
    pub rate: Option<i64>,
}

type Row = (
    i64,
    NaiveDateTime,
    String,
    Option<String>,
    FlussoState,
    (i64, i64, i64, i64),
    Option<String>,
    (Option<NaiveDateTime>, NaiveDateTime, i64),
);

/// Rows per second between `started` (with `from` rows done) and `updated` (with `done`).
fn rate(
    (started, updated, from): (Option<NaiveDateTime>, NaiveDateTime, i64),
    done: i64,
) -> Option<i64> {
    let ms = (updated - started?).num_milliseconds();
    let rows = done - from;
    (ms > 0 && rows > 0).then(|| rows * 1000 / ms)
}

/// The latest imports of the entities, newest first.
pub fn listed_imports(
    conn: &mut AnyConnection,
    entity_ids: &[i64],
    limit: i64,
) -> Result<Vec<Listed>, DbError> {
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
            (flussi::started_at, flussi::updated_at, flussi::started_rows),
        ))
        .order(flussi::id.desc())
        .limit(limit)
        .load(conn)?;
    let shown: Vec<i64> = list.iter().map(|r| r.0).collect();
    let ready: Vec<Option<i64>> = notice_batches::table
        .filter(notice_batches::flusso_id.eq_any(shown))
        .filter(notice_batches::state.eq(super::job::JobState::Done.code()))
        .select(notice_batches::flusso_id)
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(
            |(id, created_at, entity, file_name, state, rows, error, run)| Listed {
                notices_ready: ready.contains(&Some(id)),
                rate: rate(run, rows.0),
                id,
                created_at,
                entity,
                file_name,
                state,
                rows,
                error,
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_counts_the_rows_of_the_current_run() {
        let t = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap().naive_utc();
        assert_eq!(rate((Some(t(0)), t(4), 2000), 10000), Some(2000));
        assert_eq!(rate((None, t(4), 0), 10000), None, "not started");
        assert_eq!(rate((Some(t(4)), t(4), 0), 0), None, "nothing yet");
    }
}
