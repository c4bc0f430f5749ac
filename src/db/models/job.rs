//! The durable job queue's table: enqueue, claim, complete, fail (the workers are in `jobs`).

use crate::db::schema::jobs;
use crate::db::{write_tx, AnyConnection, DbError};
use crate::with_backend;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for `run_at`.
    Queued,
    /// Leased by a worker.
    Running,
    /// Finished.
    Done,
    /// Gave up after `max_attempts`.
    Failed,
}

impl JobState {
    /// Every state.
    pub const ALL: [Self; 4] = [Self::Queued, Self::Running, Self::Done, Self::Failed];

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Done or failed: nothing more will happen to it.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Done | Self::Failed)
    }

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
}

/// A claimed job.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = jobs)]
pub struct Job {
    /// Row id.
    pub id: i64,
    /// Queue name (e.g. `flusso-import`).
    pub queue: String,
    /// JSON payload.
    pub payload: String,
    /// Where it stands.
    pub state: JobState,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
}

/// Adds a job; returns its id.
pub fn enqueue(
    conn: &mut AnyConnection,
    queue: &str,
    payload: &str,
    run_at: NaiveDateTime,
    max_attempts: i32,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    let values = (
        jobs::queue.eq(queue),
        jobs::payload.eq(payload),
        jobs::state.eq(JobState::Queued.code()),
        jobs::run_at.eq(run_at),
        jobs::max_attempts.eq(max_attempts.max(1)),
        jobs::created_at.eq(now),
        jobs::updated_at.eq(now),
    );
    Ok(with_backend!(conn, c => diesel::insert_into(jobs::table)
        .values(values)
        .returning(jobs::id)
        .get_result(c))?)
}

/// Claims the next due job of `queue` for `worker` with a lease of `lease`; also takes
/// over running jobs whose lease expired (their worker died) while attempts remain. A job
/// whose lease expired on its last attempt is marked failed instead (a job that kills its
/// worker must not loop forever).
pub fn claim(
    conn: &mut AnyConnection,
    queue: &str,
    worker: &str,
    now: NaiveDateTime,
    lease: Duration,
) -> Result<Option<Job>, DbError> {
    const PICK: &str = "SELECT id FROM jobs WHERE queue = $1 \
        AND ((state = 'queued' AND run_at <= $2) \
          OR (state = 'running' AND locked_until < $2 AND attempts < max_attempts)) \
        ORDER BY priority DESC, run_at, id LIMIT 1";
    diesel::update(
        jobs::table
            .filter(jobs::queue.eq(queue))
            .filter(jobs::state.eq(JobState::Running.code()))
            .filter(jobs::locked_until.lt(now))
            .filter(jobs::attempts.ge(jobs::max_attempts)),
    )
    .set((
        jobs::state.eq(JobState::Failed.code()),
        jobs::last_error.eq("lease expired on the last attempt"),
        jobs::locked_by.eq(None::<String>),
        jobs::locked_until.eq(None::<NaiveDateTime>),
        jobs::finished_at.eq(Some(now)),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)?;
    let sql = |lock: &str| {
        format!(
            "UPDATE jobs SET state = 'running', locked_by = $3, locked_until = $4, \
             attempts = attempts + 1, updated_at = $2 WHERE id = ({PICK}{lock}) \
             RETURNING id, queue, payload, state, attempts, max_attempts"
        )
    };
    let until = now + lease;
    match conn {
        AnyConnection::Postgresql(c) => Ok(diesel::sql_query(sql(" FOR UPDATE SKIP LOCKED"))
            .bind::<Text, _>(queue)
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(until)
            .get_result(c)
            .optional()?),
        AnyConnection::Sqlite(_) => write_tx(conn, |conn| {
            let AnyConnection::Sqlite(c) = conn else {
                return Err(DbError::Rule("backend changed inside a transaction".into()));
            };
            // In SQLite `$1` is a *named* parameter numbered by first appearance; `?1` is
            // explicitly numbered, so the same binds land in the same places.
            Ok(diesel::sql_query(sql("").replace('$', "?"))
                .bind::<Text, _>(queue)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>(worker)
                .bind::<Timestamp, _>(until)
                .get_result(c)
                .optional()?)
        }),
    }
}

/// Marks a job done (only if `worker` still holds it).
pub fn complete(
    conn: &mut AnyConnection,
    id: i64,
    worker: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(held(id, worker))
        .set((
            jobs::state.eq(JobState::Done.code()),
            jobs::locked_by.eq(None::<String>),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::finished_at.eq(Some(now)),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Records a failure: requeued after `base_backoff × 2^(attempts-1)`, or failed for good
/// once `max_attempts` is reached. Returns the new state.
pub fn fail(
    conn: &mut AnyConnection,
    job: &Job,
    worker: &str,
    error: &str,
    now: NaiveDateTime,
    base_backoff: Duration,
) -> Result<JobState, DbError> {
    let state = if job.attempts >= job.max_attempts {
        JobState::Failed
    } else {
        JobState::Queued
    };
    let factor = 1i32 << (job.attempts - 1).clamp(0, 16);
    let run_at = now + base_backoff * factor;
    diesel::update(held(job.id, worker))
        .set((
            jobs::state.eq(state.code()),
            jobs::locked_by.eq(None::<String>),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::last_error.eq(Some(error)),
            jobs::run_at.eq(run_at),
            jobs::finished_at.eq((state == JobState::Failed).then_some(now)),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(state)
}

type Held = diesel::dsl::Filter<
    diesel::dsl::Filter<jobs::table, diesel::dsl::Eq<jobs::id, i64>>,
    diesel::dsl::Eq<jobs::locked_by, String>,
>;

fn held(id: i64, worker: &str) -> Held {
    jobs::table
        .filter(jobs::id.eq(id))
        .filter(jobs::locked_by.eq(worker.to_owned()))
}

/// Counts jobs of a queue in a state (for dashboards and tests).
pub fn count(conn: &mut AnyConnection, queue: &str, state: JobState) -> Result<i64, DbError> {
    Ok(jobs::table
        .filter(jobs::queue.eq(queue))
        .filter(jobs::state.eq(state.code()))
        .count()
        .get_result(conn)?)
}
