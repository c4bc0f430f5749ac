//! Running an export job: the file is written from scratch each attempt (an interrupted
//! export restarts cleanly: the half-written `.part` is replaced), under MyPay's names —
//! `<id>_ESTRAZIONE_DOVUTI_<yyyy-MM-dd_HH_mm_ss>` in tracciato 1.0,
//! `<IPA>-<id>_ESTRAZIONE_DOVUTI_<yyyyMMddHHmmss>-<1_x>` in the others,
//! `<IPA>-<id>_SCADUTI_<yyyy-MM-dd>` for positions falling due.

use super::sink::{CsvZip, Quote};
use super::{dir, pagati, purge, scaduti, secondario};
use crate::clock::Clock;
use crate::db::models::{export, registry};
use crate::db::{AnyConnection, Db};
use crate::domain::FlussoState;
use crate::error::JobResult;
use anyhow::Context;
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Europe::Rome;
use std::path::Path;

/// Runs one claimed job of [`super::QUEUE`]; on its last attempt a failure is recorded
/// as `ERROR_EXPORT`.
pub fn run_job(db: &Db, files_dir: &Path, clock: Clock, job: &crate::jobs::Job) -> JobResult {
    let id = serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .and_then(|v| v["flusso"].as_i64())
        .with_context(|| format!("bad payload {:?}", job.payload))?;
    let outcome = run(db, files_dir, id, clock).map(|_| ());
    if let Err(e) = &outcome {
        tracing::error!(flusso = id, error = %e, "export failed");
        if job.attempts >= job.max_attempts {
            let mut conn = db.get()?;
            let failed = FlussoState::ExportFailed;
            export::finish(&mut conn, id, &failed, (None, 0), clock.now_naive())?;
            let message: String = format!("{e:#}").chars().take(500).collect();
            export::fail(&mut conn, id, &message)?;
        }
    }
    outcome
}

/// Writes export `id` (if still to do); returns the rows written.
pub fn run(db: &Db, files_dir: &Path, id: i64, clock: Clock) -> anyhow::Result<u64> {
    let mut conn = db.get()?;
    let now = clock.now_naive();
    purge(&mut conn, files_dir, now)?;
    let job = export::job(&mut conn, id)?;
    if !matches!(
        job.state,
        FlussoState::ExportRequested | FlussoState::Exporting
    ) {
        return Ok(0);
    }
    export::start(&mut conn, id, now)?;
    let (name, rows) = if job.kind == "SCADUTI" {
        write_scaduti(&mut conn, files_dir, id, &job)?
    } else {
        write_pagati(db, &mut conn, files_dir, (id, &job), now)?
    };
    let file = name.map(|n| format!("{n}.zip"));
    let state = if file.is_some() {
        FlussoState::Exported
    } else {
        FlussoState::ExportedEmpty
    };
    let done = clock.now_naive();
    export::finish(&mut conn, id, &state, (file.as_deref(), rows as i64), done)?;
    Ok(rows)
}

/// What an export wrote: the file's name without `.zip` (none when no row matched) and
/// the rows.
type Written = (Option<String>, u64);

/// Writes the `SCADUTI` export `id`: the open dovuti of the due types falling due that day.
fn write_scaduti(
    conn: &mut AnyConnection,
    files_dir: &Path,
    id: i64,
    job: &export::Job,
) -> anyhow::Result<Written> {
    let day = job.day.context("scaduti export without a date")?;
    let name = format!("{}-{id}_SCADUTI_{}", job.cod_ipa, day.format("%Y-%m-%d"));
    let codes = scaduti::split_codes(job.codes.as_deref().unwrap_or(""));
    let (ids, _) = scaduti::resolve(conn, job.entity_id, &codes)?;
    let mut w = zip_for(files_dir, id, &name, Quote::Needed)?;
    let n = scaduti::write(conn, job.entity_id, &ids, day, &mut w)?;
    Ok((close(w, n)?.then_some(name), n))
}

/// Writes the paid-dovuti export `id` in its tracciato version, its progress noted through
/// a second connection of `db` (the first one is streaming).
fn write_pagati(
    db: &Db,
    conn: &mut AnyConnection,
    files_dir: &Path,
    (id, job): (i64, &export::Job),
    now: NaiveDateTime,
) -> anyhow::Result<Written> {
    let entity_id = job.entity_id;
    let version = pagati::Version::parse(job.version.as_deref()).context("bad version")?;
    let local = Rome.from_utc_datetime(&now);
    let name = match version {
        pagati::Version::V1_0 => format!(
            "{id}_ESTRAZIONE_DOVUTI_{}",
            local.format("%Y-%m-%d_%H_%M_%S")
        ),
        v => format!(
            "{}-{id}_ESTRAZIONE_DOVUTI_{}-{}",
            job.cod_ipa,
            local.format("%Y%m%d%H%M%S"),
            v.code().replace('.', "_")
        ),
    };
    let due_type_id = match &job.codes {
        Some(code) => Some(registry::due_type_id(conn, entity_id, code)?),
        None => None,
    };
    let q = pagati::Query {
        entity_id,
        from: job.window.0.context("export without a start")?,
        to: job.window.1.context("export without an end")?,
        incremental: job.incremental,
        due_type_id,
        version,
        receipt: job.receipt,
    };
    let (b, l) = pagati::context(conn, entity_id)?;
    let mut progress = db.get()?;
    let mut tick = |n: u64| {
        let _ = export::progress(&mut progress, id, n as i64);
    };
    let mut w = zip_for(files_dir, id, &name, Quote::All)?;
    let mut n = pagati::write(conn, &q, &b, &l, &mut w, &mut tick)?;
    // Tracciato 1.3 also lists the shares this entity holds in others' payments.
    if q.version == pagati::Version::V1_3 {
        n += secondario::write(conn, &q, &b, &mut w)?;
    }
    Ok((close(w, n)?.then_some(name), n))
}

fn zip_for(files_dir: &Path, id: i64, name: &str, quote: Quote) -> anyhow::Result<CsvZip> {
    let dest = dir(files_dir, id).join(format!("{name}.zip"));
    Ok(CsvZip::create(&dest, &format!("{name}.csv"), quote)?)
}

/// Keeps the file when it has rows (true); an empty export leaves none.
fn close(w: CsvZip, rows: u64) -> anyhow::Result<bool> {
    if rows == 0 {
        drop(w);
        return Ok(false);
    }
    Ok(w.finish().map(|_| true)?)
}
