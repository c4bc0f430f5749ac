//! Exports to the entity's software: paid dovuti (`paaSILPrenotaExportFlusso`,
//! `…IncrementaleConRicevuta`) and dovuti falling due (`paaSILPrenotaExportFlussoScaduti`).
//! A request is a flusso with direction `EXPORT` (`LOAD_EXPORT`) and a durable job; the
//! job writes the zipped CSV (`EXPORT_IN_ELAB`, rows done kept current) and ends in
//! `EXPORT_ESEGUITO`, `EXPORT_ESEGUITO_NESSUN_DOVUTO_TROVATO` or `ERROR_EXPORT`. The
//! state operations hand out download URLs whose tokens expire after
//! [`DOWNLOAD_TTL_HOURS`]; files are kept [`RETENTION_DAYS`] days, then the export is
//! `EXPORT_CANCELLATO`.

pub mod columns;
pub mod pagati;
pub mod run;
pub mod scaduti;
pub mod secondario;
pub mod sink;

use crate::db::schema::{download_tokens, flussi};
use crate::db::{write_tx, AnyConnection, DbError};
use crate::domain::random::RandomSource;
use crate::security::sha256_hex;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::path::{Path, PathBuf};

/// The job queue of exports.
pub const QUEUE: &str = "flusso-export";
/// Requested, waiting.
pub const LOADED: &str = "LOAD_EXPORT";
/// Being written.
pub const RUNNING: &str = "EXPORT_IN_ELAB";
/// Written: the file can be downloaded.
pub const DONE: &str = "EXPORT_ESEGUITO";
/// Nothing matched: no file.
pub const EMPTY: &str = "EXPORT_ESEGUITO_NESSUN_DOVUTO_TROVATO";
/// Failed after its retries.
pub const FAILED: &str = "ERROR_EXPORT";
/// Past its retention: the file is gone.
pub const CANCELLED: &str = "EXPORT_CANCELLATO";
/// How long a download URL works.
pub const DOWNLOAD_TTL_HOURS: i64 = 24;
/// How long an export's file is kept.
pub const RETENTION_DAYS: i64 = 7;

/// What is to be exported.
#[derive(Debug, Clone)]
pub enum Request {
    /// Paid dovuti.
    Pagati {
        /// Receipts from (UTC, inclusive).
        from: NaiveDateTime,
        /// Receipts to (UTC, exclusive).
        to: NaiveDateTime,
        /// By arrival here rather than by payment time.
        incremental: bool,
        /// Only this due type (code).
        due_type: Option<String>,
        /// Tracciato.
        version: pagati::Version,
        /// With the receipt columns.
        receipt: bool,
    },
    /// Open dovuti due on `day`.
    Scaduti {
        /// The due date.
        day: NaiveDate,
        /// Due type codes.
        codes: Vec<String>,
    },
}

impl Request {
    /// The dovuti paid on the Italian days `from`…`to` (both included); as MyPay's back
    /// office, tracciati after 1.0 carry the receipt columns.
    pub fn paid_on_days(
        from: NaiveDate,
        to: NaiveDate,
        due_type: Option<String>,
        version: pagati::Version,
    ) -> Self {
        Self::Pagati {
            from: rome_midnight(from),
            to: rome_midnight(to + Duration::days(1)),
            incremental: false,
            due_type,
            version,
            receipt: version != pagati::Version::V1_0,
        }
    }
}

/// Midnight of `day` in Italy, in UTC.
fn rome_midnight(day: NaiveDate) -> NaiveDateTime {
    use chrono::TimeZone;
    let local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono_tz::Europe::Rome
        .from_local_datetime(&local)
        .earliest()
        .map_or(local, |t| t.naive_utc())
}

/// Where export `id`'s file lives.
pub fn dir(files_dir: &Path, id: i64) -> PathBuf {
    files_dir.join("exports").join(id.to_string())
}

/// Records the request and queues its job, atomically; returns the request token.
pub fn reserve(
    conn: &mut AnyConnection,
    entity_id: i64,
    req: &Request,
    random: &dyn RandomSource,
    now: NaiveDateTime,
) -> Result<String, DbError> {
    record(conn, entity_id, req, random, now, true).map(|(token, _)| token)
}

/// Records the request (queuing its job when `queue`); returns request token and id.
pub fn record(
    conn: &mut AnyConnection,
    entity_id: i64,
    req: &Request,
    random: &dyn RandomSource,
    now: NaiveDateTime,
    queue: bool,
) -> Result<(String, i64), DbError> {
    let token = super::upload::uuid(random);
    write_tx(conn, |c| {
        let base = (
            flussi::entity_id.eq(entity_id),
            flussi::direction.eq("EXPORT"),
            flussi::state.eq(LOADED),
            flussi::request_token.eq(&token),
            flussi::created_at.eq(now),
            flussi::updated_at.eq(now),
        );
        let id: i64 = match req {
            Request::Pagati {
                from,
                to,
                incremental,
                due_type,
                version,
                receipt,
            } => crate::with_backend!(c, c => diesel::insert_into(flussi::table)
                .values((
                    base,
                    flussi::kind.eq("PAGATI"),
                    flussi::tracciato_version.eq(version.code()),
                    flussi::include_receipt.eq(receipt),
                    flussi::incremental.eq(incremental),
                    flussi::export_from.eq(from),
                    flussi::export_to.eq(to),
                    flussi::due_type_codes.eq(due_type),
                ))
                .returning(flussi::id)
                .get_result(c))?,
            Request::Scaduti { day, codes } => {
                crate::with_backend!(c, c => diesel::insert_into(flussi::table)
                .values((
                    base,
                    flussi::kind.eq("SCADUTI"),
                    flussi::date_to.eq(day),
                    flussi::due_type_codes.eq(codes.join(";")),
                ))
                .returning(flussi::id)
                .get_result(c))?
            }
        };
        if queue {
            let payload = serde_json::json!({ "flusso": id }).to_string();
            crate::jobs::enqueue(c, QUEUE, &payload, now, 3, now)?;
        }
        Ok((token.clone(), id))
    })
}

/// An export as its state operation reports it.
#[derive(Debug, Clone, Queryable)]
pub struct Status {
    /// Flusso id.
    pub id: i64,
    /// `PAGATI` or `SCADUTI`.
    pub kind: String,
    /// State code.
    pub state: String,
    /// The zip's name, once written.
    pub file_name: Option<String>,
    /// Rows written so far.
    pub rows_done: i64,
    /// When it finished.
    pub completed_at: Option<NaiveDateTime>,
}

/// The entity's export with request token `token`, if any.
pub fn status(
    conn: &mut AnyConnection,
    entity_id: i64,
    token: &str,
) -> Result<Option<Status>, DbError> {
    Ok(flussi::table
        .filter(flussi::entity_id.eq(entity_id))
        .filter(flussi::direction.eq("EXPORT"))
        .filter(flussi::request_token.eq(token))
        .select((
            flussi::id,
            flussi::kind,
            flussi::state,
            flussi::file_name,
            flussi::rows_done,
            flussi::completed_at,
        ))
        .first(conn)
        .optional()?)
}

/// A new download token for finished export `id`, valid [`DOWNLOAD_TTL_HOURS`].
pub fn issue_download(
    conn: &mut AnyConnection,
    id: i64,
    random: &dyn RandomSource,
    now: NaiveDateTime,
) -> Result<String, DbError> {
    let token = random.token_hex(24);
    diesel::insert_into(download_tokens::table)
        .values((
            download_tokens::token_hash.eq(sha256_hex(&token)),
            download_tokens::flusso_id.eq(id),
            download_tokens::created_at.eq(now),
            download_tokens::expires_at.eq(now + Duration::hours(DOWNLOAD_TTL_HOURS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// What a download token opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Download {
    /// The export's id and zip name.
    File(i64, String),
    /// The token was valid once: expired, or its export's file is gone.
    Expired,
    /// Never issued.
    Unknown,
}

/// Resolves a download token at `now`.
pub fn resolve_download(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> Result<Download, DbError> {
    let found: Option<(i64, NaiveDateTime, String, Option<String>)> = download_tokens::table
        .inner_join(flussi::table)
        .filter(download_tokens::token_hash.eq(sha256_hex(token)))
        .select((
            flussi::id,
            download_tokens::expires_at,
            flussi::state,
            flussi::file_name,
        ))
        .first(conn)
        .optional()?;
    Ok(match found {
        None => Download::Unknown,
        Some((id, expires, state, Some(name))) if expires > now && state == DONE => {
            Download::File(id, name)
        }
        Some(_) => Download::Expired,
    })
}

/// Removes the files of exports finished more than [`RETENTION_DAYS`] ago (they become
/// `EXPORT_CANCELLATO`) and expired download tokens; returns how many exports.
pub fn purge(
    conn: &mut AnyConnection,
    files_dir: &Path,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let cutoff = now - Duration::days(RETENTION_DAYS);
    let old: Vec<i64> = flussi::table
        .filter(flussi::direction.eq("EXPORT"))
        .filter(flussi::state.eq_any([DONE, EMPTY]))
        .filter(flussi::completed_at.lt(cutoff))
        .select(flussi::id)
        .load(conn)?;
    for id in &old {
        // A directory already gone is fine.
        let _ = std::fs::remove_dir_all(dir(files_dir, *id));
    }
    diesel::update(flussi::table.filter(flussi::id.eq_any(&old)))
        .set((flussi::state.eq(CANCELLED), flussi::updated_at.eq(now)))
        .execute(conn)?;
    diesel::delete(download_tokens::table.filter(download_tokens::expires_at.lt(now)))
        .execute(conn)?;
    Ok(old.len())
}
