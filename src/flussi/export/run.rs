//! Running an export job: the file is written from scratch each attempt (an interrupted
//! export restarts cleanly: the half-written `.part` is replaced), under MyPay's names —
//! `<id>_ESTRAZIONE_DOVUTI_<yyyy-MM-dd_HH_mm_ss>` in tracciato 1.0,
//! `<IPA>-<id>_ESTRAZIONE_DOVUTI_<yyyyMMddHHmmss>-<1_x>` in the others,
//! `<IPA>-<id>_SCADUTI_<yyyy-MM-dd>` for positions falling due.

use super::sink::{CsvZip, Quote};
use super::{dir, pagati, purge, scaduti, DONE, EMPTY, FAILED, LOADED, RUNNING};
use crate::clock::Clock;
use crate::db::schema::{due_types, entities, flussi};
use crate::db::{AnyConnection, Db};
use crate::error::JobResult;
use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Rome;
use diesel::prelude::*;
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
            finish(&mut conn, id, FAILED, None, 0, clock.now_naive())?;
            diesel::update(flussi::table.find(id))
                .set(
                    flussi::error_message
                        .eq(format!("{e:#}").chars().take(500).collect::<String>()),
                )
                .execute(&mut *conn)?;
        }
    }
    outcome
}

type Params = (
    i64,
    String,
    String,
    Option<String>,
    bool,
    bool,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDate>,
    Option<String>,
    String,
);

fn finish(
    c: &mut AnyConnection,
    id: i64,
    state: &str,
    file: Option<&str>,
    rows: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(flussi::table.find(id))
        .set((
            flussi::state.eq(state),
            flussi::file_name.eq(file),
            flussi::rows_total.eq(rows),
            flussi::rows_done.eq(rows),
            flussi::updated_at.eq(now),
            flussi::completed_at.eq(now),
        ))
        .execute(c)
}

/// Writes export `id` (if still to do); returns the rows written.
pub fn run(db: &Db, files_dir: &Path, id: i64, clock: Clock) -> anyhow::Result<u64> {
    let mut conn = db.get()?;
    let now = clock.now_naive();
    purge(&mut conn, files_dir, now)?;
    let p: Params = flussi::table
        .inner_join(entities::table)
        .filter(flussi::id.eq(id))
        .select((
            flussi::entity_id,
            flussi::kind,
            flussi::state,
            flussi::tracciato_version,
            flussi::include_receipt,
            flussi::incremental,
            flussi::export_from,
            flussi::export_to,
            flussi::date_to,
            flussi::due_type_codes,
            entities::cod_ipa,
        ))
        .first(&mut *conn)?;
    let (entity_id, kind, state, version, receipt, incremental, from, to, day, codes, ipa) = p;
    if state != LOADED && state != RUNNING {
        return Ok(0);
    }
    diesel::update(flussi::table.find(id))
        .set((
            flussi::state.eq(RUNNING),
            flussi::rows_done.eq(0),
            flussi::updated_at.eq(now),
        ))
        .execute(&mut *conn)?;
    let local = Rome.from_utc_datetime(&now);
    let (name, rows) = if kind == "SCADUTI" {
        let day = day.context("scaduti export without a date")?;
        let name = format!("{ipa}-{id}_SCADUTI_{}", day.format("%Y-%m-%d"));
        let codes = scaduti::split_codes(codes.as_deref().unwrap_or(""));
        let (ids, _) = scaduti::resolve(&mut conn, entity_id, &codes)?;
        let mut w = zip_for(files_dir, id, &name, Quote::Needed)?;
        let n = scaduti::write(&mut conn, entity_id, &ids, day, &mut w)?;
        (close(w, n)?.then_some(name), n)
    } else {
        let version = pagati::Version::parse(version.as_deref()).context("bad version")?;
        let name = match version {
            pagati::Version::V1_0 => format!(
                "{id}_ESTRAZIONE_DOVUTI_{}",
                local.format("%Y-%m-%d_%H_%M_%S")
            ),
            v => format!(
                "{ipa}-{id}_ESTRAZIONE_DOVUTI_{}-{}",
                local.format("%Y%m%d%H%M%S"),
                v.code().replace('.', "_")
            ),
        };
        let due_type_id = match codes {
            Some(code) => Some(
                due_types::table
                    .filter(due_types::entity_id.eq(entity_id))
                    .filter(due_types::code.eq(code))
                    .select(due_types::id)
                    .first::<i64>(&mut *conn)?,
            ),
            None => None,
        };
        let q = pagati::Query {
            entity_id,
            from: from.context("export without a start")?,
            to: to.context("export without an end")?,
            incremental,
            due_type_id,
            version,
            receipt,
        };
        let (b, l) = pagati::context(&mut conn, entity_id)?;
        // Progress goes through a second connection: the first one is streaming.
        let mut progress = db.get()?;
        let mut tick = |n: u64| {
            let _ = diesel::update(flussi::table.find(id))
                .set(flussi::rows_done.eq(n as i64))
                .execute(&mut *progress);
        };
        let mut w = zip_for(files_dir, id, &name, Quote::All)?;
        let n = pagati::write(&mut conn, &q, &b, &l, &mut w, &mut tick)?;
        (close(w, n)?.then_some(name), n)
    };
    let file = name.map(|n| format!("{n}.zip"));
    let state = if file.is_some() { DONE } else { EMPTY };
    let done = clock.now_naive();
    finish(&mut conn, id, state, file.as_deref(), rows as i64, done)?;
    Ok(rows)
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
