//! Bulk generation: the notices of an entity (or of one flusso) into a zip written as it is
//! produced. Rows are read in pages by id and rendered on every core, then written in order;
//! memory stays flat in the number of notices (a page of rows and PDFs at a time, plus the
//! zip's central directory). One notice per instalment plan. Dovuti that cannot be printed
//! are listed with the reason in `AVVISI_NON_GENERATI.csv` inside the zip.

use super::canvas::{AvvisoError, Logo};
use super::render::render;
use super::source::{entity_logo, plan_options, printable, NoticeSource, Printable};
use crate::db::models::{notice, Scope};
use crate::db::{AnyConnection, DbError};
use chrono::{Datelike, NaiveDateTime, Timelike};
use std::collections::HashSet;
use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Rows read and rendered per round.
const PAGE: i64 = 128;
/// Name of the list of dovuti that could not be printed.
pub const REJECTS: &str = "AVVISI_NON_GENERATI.csv";
/// Its header line.
const REJECTS_HEADER: &str = "id_dovuto;motivo\n";

pub use crate::db::models::notice::Selection;

/// What a run produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Notices written.
    pub notices: u64,
    /// Dovuti skipped, with the reason, in `AVVISI_NON_GENERATI.csv`.
    pub rejected: u64,
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// Reading the dovuti failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Writing the zip failed.
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing the output failed.
    #[error("write: {0}")]
    Io(#[from] std::io::Error),
    /// A rendering thread died.
    #[error("rendering: {0}")]
    Render(String),
}

/// How many dovuti a run will look at (the progress total; plans count once per option).
pub fn count(conn: &mut AnyConnection, sel: Selection) -> Result<i64, DbError> {
    notice::count(conn, sel)
}

/// Writes the notices of `sel` into a zip on `out`; `progress(done, total)` is called after
/// every page of rows. Returns what was written.
pub fn write_zip<W: Write>(
    conn: &mut AnyConnection,
    sel: Selection,
    out: W,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Outcome, BulkError> {
    let total = count(conn, sel)? as u64;
    let logo: Option<Logo> = entity_logo(conn, sel.entity_id)?;
    let mut zip = Output::new(out, now);
    let (mut done, mut after) = (0u64, 0i64);
    let mut plans_seen: HashSet<String> = HashSet::new();
    loop {
        let rows: Vec<NoticeSource> = notice::candidates_after(conn, sel, after, PAGE)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        done += rows.len() as u64;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(plan) = &row.plan_code {
                if !plans_seen.insert(plan.clone()) {
                    continue;
                }
            }
            let id = row.id;
            let plan = row.plan_code.clone();
            match row.printable() {
                Ok(p) => {
                    let options = match plan {
                        Some(plan) => plan_options(conn, sel.entity_id, &plan)?,
                        None => Default::default(),
                    };
                    jobs.push((id, p.with_plan(options).with_logo(logo.clone())));
                }
                Err(reason) => zip.reject(id, &reason.to_string()),
            }
        }
        zip.store(&jobs)?;
        progress(done.min(total), total);
    }
    let (mut out, outcome) = zip.close()?;
    out.flush()?;
    Ok(outcome)
}

/// A zip of notices being written, with its list of rejects.
struct Output<W: Write> {
    zip: ZipWriter<zip::write::StreamWriter<W>>,
    stamp: zip::DateTime,
    rejects: String,
    outcome: Outcome,
}

impl<W: Write> Output<W> {
    fn new(out: W, now: NaiveDateTime) -> Self {
        Self {
            zip: ZipWriter::new_stream(out),
            stamp: zip_time(now),
            rejects: String::from(REJECTS_HEADER),
            outcome: Outcome::default(),
        }
    }

    /// Lists dovuto `id` as not printed, for `reason`.
    fn reject(&mut self, id: i64, reason: &str) {
        self.rejects += &format!("{id};{}\n", reason.replace(';', ","));
    }

    /// Renders `jobs` on every core and adds them in order; a failed rendering is a reject.
    fn store(&mut self, jobs: &[(i64, Printable)]) -> Result<(), BulkError> {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let pdf = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(self.stamp);
        for (id, (name, rendered)) in render_all(jobs, threads)? {
            match rendered {
                Ok(bytes) => {
                    self.zip.start_file(name, pdf)?;
                    self.zip.write_all(&bytes)?;
                    self.outcome.notices += 1;
                }
                Err(e) => self.reject(id, &e.to_string()),
            }
        }
        Ok(())
    }

    /// Adds the list of rejects (when there are any) and ends the zip.
    fn close(mut self) -> Result<(W, Outcome), BulkError> {
        self.outcome.rejected = self.rejects.lines().count() as u64 - 1;
        if self.outcome.rejected > 0 {
            let options = SimpleFileOptions::default().last_modified_time(self.stamp);
            self.zip.start_file(REJECTS, options)?;
            self.zip.write_all(self.rejects.as_bytes())?;
        }
        Ok((self.zip.finish()?.into_inner(), self.outcome))
    }
}

/// Most dovuti a selection prints in one request (a page of the search and then some).
pub const MAX_SELECTED: usize = 100;

/// The notices of the selected dovuti `scope` sees, in one zip built in memory (one notice
/// per instalment plan); those not printable or not found are listed with the reason in
/// [`REJECTS`].
pub fn zip_selected(
    conn: &mut AnyConnection,
    scope: &Scope,
    ids: &[i64],
    now: NaiveDateTime,
) -> Result<(Vec<u8>, Outcome), BulkError> {
    let mut zip = Output::new(Vec::new(), now);
    let (mut jobs, mut plans) = (Vec::new(), HashSet::new());
    for &id in ids.iter().take(MAX_SELECTED) {
        match printable(conn, scope, id)? {
            None => zip.reject(id, "dovuto non trovato"),
            Some(Err(reason)) => zip.reject(id, &reason.to_string()),
            Some(Ok(p)) => {
                let plan = p.plan_key().map(|(e, c)| (e, c.to_owned()));
                if plan.is_none_or(|k| plans.insert(k)) {
                    jobs.push((id, p));
                }
            }
        }
    }
    zip.store(&jobs)?;
    zip.close()
}

/// A zip holding one file (the notice of a single position, as paaSILImportaDovuto
/// returns it).
pub fn zip_one(name: &str, data: &[u8], now: NaiveDateTime) -> Result<Vec<u8>, BulkError> {
    let mut zip = ZipWriter::new_stream(Vec::with_capacity(data.len() + 256));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(zip_time(now));
    zip.start_file(name, options)?;
    zip.write_all(data)?;
    Ok(zip.finish()?.into_inner())
}

type Rendered = (i64, (String, Result<Vec<u8>, AvvisoError>));

/// Renders `jobs` on `threads` threads, results in the input order.
fn render_all(
    jobs: &[(i64, super::source::Printable)],
    threads: usize,
) -> Result<Vec<Rendered>, BulkError> {
    let per = jobs.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(id, p)| (*id, (p.file_name(), render(&p.notice()))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(jobs.len());
        for h in handles {
            all.extend(
                h.join()
                    .map_err(|_| BulkError::Render("a thread panicked".into()))?,
            );
        }
        Ok(all)
    })
}

/// A zip timestamp (local time of Rome, as zip tools show it).
fn zip_time(utc: chrono::NaiveDateTime) -> zip::DateTime {
    use chrono::TimeZone;
    let t = chrono_tz::Europe::Rome.from_utc_datetime(&utc);
    zip::DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}
