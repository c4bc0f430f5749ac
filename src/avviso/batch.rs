//! Notice batches: an operator asks for the notices of an entity (or of one flusso) as a
//! zip; a durable job builds it in the files directory and records its progress, so the back
//! office shows "n of N" while it runs and offers the download when done. A batch whose
//! worker dies is picked up again when the job's lease runs out and rebuilt from the start
//! (the zip is renamed into place only when complete).

use super::bulk::{count, Selection};
use super::command::write_file;
use crate::clock::Clock;
use crate::db::models::Scope;
use crate::db::schema::{entities, flussi, notice_batches};
use crate::db::{write_tx, AnyConnection, Db, DbError};
use crate::error::JobResult;
use crate::jobs::{self, Job};
use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The job queue of notice batches.
pub const QUEUE: &str = "notice-zip";

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
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
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

/// Where batch `id`'s zip lives.
pub fn zip_path(files_dir: &Path, id: i64) -> PathBuf {
    files_dir.join("avvisi").join(format!("batch-{id}.zip"))
}

/// How long a finished batch and its zip are kept.
pub const RETENTION_DAYS: i64 = 7;

/// Deletes the batches finished before `cutoff` with their zips; returns how many.
pub fn purge(
    conn: &mut AnyConnection,
    files_dir: &Path,
    cutoff: NaiveDateTime,
) -> Result<usize, DbError> {
    let old: Vec<i64> = notice_batches::table
        .filter(notice_batches::completed_at.lt(cutoff))
        .select(notice_batches::id)
        .load(conn)?;
    for id in &old {
        // A zip already gone (or never written, for a failed batch) is fine.
        let _ = std::fs::remove_file(zip_path(files_dir, *id));
    }
    diesel::delete(notice_batches::table.filter(notice_batches::id.eq_any(&old))).execute(conn)?;
    Ok(old.len())
}

/// Records a batch and queues its job, atomically; returns the batch id.
pub fn request(
    conn: &mut AnyConnection,
    sel: Selection,
    operator_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    write_tx(conn, |c| {
        let cod_ipa: String = entities::table
            .find(sel.entity_id)
            .select(entities::cod_ipa)
            .first(c)?;
        let iuf: Option<Option<String>> = match sel.flusso_id {
            Some(f) => Some(flussi::table.find(f).select(flussi::iuf).first(c)?),
            None => None,
        };
        let suffix = iuf.flatten().map(|i| format!("_{i}")).unwrap_or_default();
        let file_name = format!(
            "MYPAY_AVVISI_{cod_ipa}{suffix}_{}.zip",
            now.format("%Y%m%d%H%M%S")
        );
        let id: i64 = crate::with_backend!(c, c => diesel::insert_into(notice_batches::table)
            .values((
                notice_batches::entity_id.eq(sel.entity_id),
                notice_batches::flusso_id.eq(sel.flusso_id),
                notice_batches::state.eq("queued"),
                notice_batches::file_name.eq(&file_name),
                notice_batches::operator_id.eq(operator_id),
                notice_batches::created_at.eq(now),
                notice_batches::updated_at.eq(now),
            ))
            .returning(notice_batches::id)
            .get_result(c))?;
        let payload = serde_json::json!({ "batch": id }).to_string();
        jobs::enqueue(c, QUEUE, &payload, now, 3, now)?;
        Ok(id)
    })
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

/// Batch `id` if `scope` sees its entity.
pub fn get(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i64,
) -> Result<Option<NoticeBatch>, DbError> {
    let b: Option<NoticeBatch> = notice_batches::table
        .find(id)
        .select(NoticeBatch::as_select())
        .first(conn)
        .optional()?;
    Ok(b.filter(|b| scope.sees_entity(b.entity_id)))
}

fn set_state(
    conn: &mut AnyConnection,
    id: i64,
    state: &str,
    error: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let finished = matches!(state, "done" | "failed").then_some(now);
    diesel::update(notice_batches::table.find(id))
        .set((
            notice_batches::state.eq(state),
            notice_batches::error_message.eq(error),
            notice_batches::updated_at.eq(now),
            notice_batches::completed_at.eq(finished),
        ))
        .execute(conn)?;
    Ok(())
}

/// Runs one claimed job of [`QUEUE`]: builds the zip, keeping the batch's progress current.
pub fn run_job(db: &Db, files_dir: &Path, clock: Clock, job: &Job) -> JobResult {
    let id = serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .and_then(|v| v["batch"].as_i64())
        .with_context(|| format!("bad payload {:?}", job.payload))?;
    let result = build(db, files_dir, id, clock);
    if let Err(e) = &result {
        let last = job.attempts >= job.max_attempts;
        let state = if last { "failed" } else { "queued" };
        if let Ok(mut c) = db.get() {
            let _ = set_state(
                &mut c,
                id,
                state,
                Some(&format!("{e:#}")),
                clock.now_naive(),
            );
        }
    }
    result
}

fn build(db: &Db, files_dir: &Path, id: i64, clock: Clock) -> JobResult {
    let mut conn = db.get()?;
    let (entity_id, flusso_id): (i64, Option<i64>) = notice_batches::table
        .find(id)
        .select((notice_batches::entity_id, notice_batches::flusso_id))
        .first(&mut *conn)?;
    let sel = Selection {
        entity_id,
        flusso_id,
    };
    let total = count(&mut conn, sel)?;
    set_state(&mut conn, id, "running", None, clock.now_naive())?;
    let progress = |done: i64| -> Result<(), DbError> {
        let mut c = db.get()?;
        diesel::update(notice_batches::table.find(id))
            .set((
                notice_batches::notices_total.eq(total),
                notice_batches::notices_done.eq(done),
                notice_batches::updated_at.eq(clock.now_naive()),
            ))
            .execute(&mut *c)?;
        Ok(())
    };
    progress(0)?;
    let path = zip_path(files_dir, id);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    }
    let mut last = Instant::now();
    write_file(&mut conn, sel, &path, clock.now_naive(), &mut |done, _| {
        // Progress is for people: at most a few writes a second.
        if last.elapsed() >= Duration::from_millis(500) {
            last = Instant::now();
            let _ = progress(done as i64);
        }
    })?;
    progress(total)?;
    Ok(set_state(&mut conn, id, "done", None, clock.now_naive())?)
}
