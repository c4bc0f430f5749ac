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

use crate::db::models::export;
use crate::db::{write_tx, AnyConnection, DbError};
use crate::domain::random::RandomSource;
use crate::domain::FlussoState;
use crate::security::sha256_hex;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::path::{Path, PathBuf};

/// The job queue of exports.
pub const QUEUE: &str = "flusso-export";
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
        let codes;
        let what = match req {
            Request::Pagati {
                from,
                to,
                incremental,
                due_type,
                version,
                receipt,
            } => export::Requested::Pagati(export::PagatiRequest {
                from: *from,
                to: *to,
                incremental: *incremental,
                due_type: due_type.as_deref(),
                version: version.code(),
                receipt: *receipt,
            }),
            Request::Scaduti { day, codes: list } => {
                codes = list.join(";");
                export::Requested::Scaduti(*day, &codes)
            }
        };
        let id = export::insert(c, entity_id, &token, what, now)?;
        if queue {
            let payload = serde_json::json!({ "flusso": id }).to_string();
            crate::jobs::enqueue(c, QUEUE, &payload, now, 3, now)?;
        }
        Ok((token.clone(), id))
    })
}

pub use crate::db::models::export::Status;

/// The entity's export with request token `token`, if any.
pub fn status(
    conn: &mut AnyConnection,
    entity_id: i64,
    token: &str,
) -> Result<Option<Status>, DbError> {
    export::status(conn, entity_id, token)
}

/// A new download token for finished export `id`, valid [`DOWNLOAD_TTL_HOURS`].
pub fn issue_download(
    conn: &mut AnyConnection,
    id: i64,
    random: &dyn RandomSource,
    now: NaiveDateTime,
) -> Result<String, DbError> {
    let token = random.token_hex(24);
    let expires = now + Duration::hours(DOWNLOAD_TTL_HOURS);
    export::add_download(conn, &sha256_hex(&token), id, now, expires)?;
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
    Ok(match export::download(conn, &sha256_hex(token))? {
        None => Download::Unknown,
        Some((id, expires, state, Some(name)))
            if expires > now && state == FlussoState::Exported =>
        {
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
    let old = export::finished_before(
        conn,
        &[FlussoState::Exported, FlussoState::ExportedEmpty],
        cutoff,
    )?;
    for id in &old {
        // A directory already gone is fine.
        let _ = std::fs::remove_dir_all(dir(files_dir, *id));
    }
    export::set_state_of(conn, &old, &FlussoState::ExportCancelled, now)?;
    export::drop_expired_downloads(conn, now)?;
    Ok(old.len())
}
