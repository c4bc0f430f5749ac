//! Notice batches: an operator asks for the notices of an entity (or of one flusso) as a
//! zip; a durable job builds it in the files directory and records its progress, so the back
//! office shows "n of N" while it runs and offers the download when done. A batch whose
//! worker dies is picked up again when the job's lease runs out and rebuilt from the start
//! (the zip is renamed into place only when complete).

use super::bulk::{count, Selection};
use super::file::write_file;
use crate::clock::Clock;
use crate::db::models::job::JobState;
use crate::db::models::notice_batch::set_state;
use crate::db::models::Scope;
use crate::db::models::{flusso, notice_batch, registry};
use crate::db::{write_tx, AnyConnection, Db, DbError};
use crate::error::JobResult;
use crate::jobs::{self, Job};
use anyhow::Context;
use chrono::NaiveDateTime;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The job queue of notice batches.
pub const QUEUE: &str = "notice-zip";

pub use crate::db::models::notice_batch::NoticeBatch;

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
    let old = notice_batch::finished_before(conn, cutoff)?;
    for id in &old {
        // A zip already gone (or never written, for a failed batch) is fine.
        let _ = std::fs::remove_file(zip_path(files_dir, *id));
    }
    notice_batch::delete(conn, &old)?;
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
        let cod_ipa = registry::cod_ipa_of(c, sel.entity_id)?;
        let iuf = match sel.flusso_id {
            Some(f) => flusso::iuf_of(c, f)?,
            None => None,
        };
        let suffix = iuf.map(|i| format!("_{i}")).unwrap_or_default();
        let file_name = format!(
            "MYPAY_AVVISI_{cod_ipa}{suffix}_{}.zip",
            now.format("%Y%m%d%H%M%S")
        );
        let id = notice_batch::insert(c, sel, &file_name, operator_id, now)?;
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
    notice_batch::list(conn, scope, limit)
}

/// Batch `id` if `scope` sees its entity.
pub fn get(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i64,
) -> Result<Option<NoticeBatch>, DbError> {
    Ok(notice_batch::get(conn, id)?.filter(|b| scope.sees_entity(b.entity_id)))
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
        let state = if last {
            JobState::Failed
        } else {
            JobState::Queued
        };
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
    let batch = notice_batch::get(&mut conn, id)?.with_context(|| format!("no batch {id}"))?;
    let sel = Selection {
        entity_id: batch.entity_id,
        flusso_id: batch.flusso_id,
    };
    let total = count(&mut conn, sel)?;
    set_state(&mut conn, id, JobState::Running, None, clock.now_naive())?;
    let progress = |done: i64| -> Result<(), DbError> {
        let mut c = db.get()?;
        notice_batch::set_progress(&mut c, id, (done, total), clock.now_naive())
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
    Ok(set_state(
        &mut conn,
        id,
        JobState::Done,
        None,
        clock.now_naive(),
    )?)
}
