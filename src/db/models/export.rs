//! Exports to the entity's software as stored: the request (a flusso with direction
//! `EXPORT`), its state, and the download tokens that open its file.

use crate::db::schema::{download_tokens, flussi};
use crate::db::{AnyConnection, DbError};
use crate::domain::FlussoState;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A paid-dovuti export as requested.
#[derive(Debug, Clone, Copy)]
pub struct PagatiRequest<'a> {
    /// Receipts from (UTC, inclusive).
    pub from: NaiveDateTime,
    /// Receipts to (UTC, exclusive).
    pub to: NaiveDateTime,
    /// By arrival here rather than by payment time.
    pub incremental: bool,
    /// Only this due type (code).
    pub due_type: Option<&'a str>,
    /// The tracciato version's code.
    pub version: &'a str,
    /// With the receipt columns.
    pub receipt: bool,
}

/// What is requested: paid dovuti, or open dovuti due on a day of some due types.
#[derive(Debug, Clone, Copy)]
pub enum Requested<'a> {
    /// Paid dovuti.
    Pagati(PagatiRequest<'a>),
    /// Open dovuti due on the day, of the due types (codes joined by `;`).
    Scaduti(NaiveDate, &'a str),
}

/// Records the entity's export request followed by `token`; returns its id.
pub fn insert(
    conn: &mut AnyConnection,
    entity_id: i64,
    token: &str,
    what: Requested<'_>,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    let base = (
        flussi::entity_id.eq(entity_id),
        flussi::direction.eq("EXPORT"),
        flussi::state.eq(FlussoState::ExportRequested.code()),
        flussi::request_token.eq(token),
        flussi::created_at.eq(now),
        flussi::updated_at.eq(now),
    );
    let id = match what {
        Requested::Pagati(p) => crate::with_backend!(conn, c => diesel::insert_into(flussi::table)
            .values((
                base,
                flussi::kind.eq("PAGATI"),
                flussi::tracciato_version.eq(p.version),
                flussi::include_receipt.eq(p.receipt),
                flussi::incremental.eq(p.incremental),
                flussi::export_from.eq(p.from),
                flussi::export_to.eq(p.to),
                flussi::due_type_codes.eq(p.due_type),
            ))
            .returning(flussi::id)
            .get_result(c))?,
        Requested::Scaduti(day, codes) => {
            crate::with_backend!(conn, c => diesel::insert_into(flussi::table)
            .values((
                base,
                flussi::kind.eq("SCADUTI"),
                flussi::date_to.eq(day),
                flussi::due_type_codes.eq(codes),
            ))
            .returning(flussi::id)
            .get_result(c))?
        }
    };
    Ok(id)
}

/// An export as its state operation reports it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = flussi)]
pub struct Status {
    /// Flusso id.
    pub id: i64,
    /// `PAGATI` or `SCADUTI`.
    pub kind: String,
    /// Where it stands.
    pub state: FlussoState,
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
        .select(Status::as_select())
        .first(conn)
        .optional()?)
}

/// Stores a download token (by its hash) for export `id`, valid until `expires_at`.
pub fn add_download(
    conn: &mut AnyConnection,
    token_hash: &str,
    id: i64,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(download_tokens::table)
        .values((
            download_tokens::token_hash.eq(token_hash),
            download_tokens::flusso_id.eq(id),
            download_tokens::created_at.eq(now),
            download_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a download token opens: (export id, expiry, state, file name).
pub type Opened = (i64, NaiveDateTime, FlussoState, Option<String>);

/// What a download token (by its hash) opens.
pub fn download(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<Opened>, DbError> {
    Ok(download_tokens::table
        .inner_join(flussi::table)
        .filter(download_tokens::token_hash.eq(token_hash))
        .select((
            flussi::id,
            download_tokens::expires_at,
            flussi::state,
            flussi::file_name,
        ))
        .first(conn)
        .optional()?)
}

/// The exports in one of `states` finished before `cutoff`.
pub fn finished_before(
    conn: &mut AnyConnection,
    states: &[FlussoState],
    cutoff: NaiveDateTime,
) -> Result<Vec<i64>, DbError> {
    let states: Vec<&str> = states.iter().map(FlussoState::code).collect();
    Ok(flussi::table
        .filter(flussi::direction.eq("EXPORT"))
        .filter(flussi::state.eq_any(states))
        .filter(flussi::completed_at.lt(cutoff))
        .select(flussi::id)
        .load(conn)?)
}

/// Moves exports `ids` to `state`.
pub fn set_state_of(
    conn: &mut AnyConnection,
    ids: &[i64],
    state: &FlussoState,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(flussi::table.filter(flussi::id.eq_any(ids)))
        .set((flussi::state.eq(state.code()), flussi::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Removes the download tokens expired at `now`.
pub fn drop_expired_downloads(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::delete(download_tokens::table.filter(download_tokens::expires_at.lt(now)))
        .execute(conn)?;
    Ok(())
}

/// An export about to run, as requested.
#[derive(Debug, Clone)]
pub struct Job {
    /// The entity.
    pub entity_id: i64,
    /// Its IPA code.
    pub cod_ipa: String,
    /// `PAGATI` or `SCADUTI`.
    pub kind: String,
    /// Where it stands.
    pub state: FlussoState,
    /// The tracciato version's code.
    pub version: Option<String>,
    /// With the receipt columns.
    pub receipt: bool,
    /// By arrival here rather than by payment time.
    pub incremental: bool,
    /// Receipts from / to (UTC).
    pub window: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    /// The due date (`SCADUTI`).
    pub day: Option<NaiveDate>,
    /// Due type codes.
    pub codes: Option<String>,
}

/// Export `id` as requested.
pub fn job(conn: &mut AnyConnection, id: i64) -> Result<Job, DbError> {
    use crate::db::schema::entities;
    type Row = (
        i64,
        String,
        FlussoState,
        Option<String>,
        bool,
        bool,
        (Option<NaiveDateTime>, Option<NaiveDateTime>),
        Option<NaiveDate>,
        Option<String>,
        String,
    );
    let (entity_id, kind, state, version, receipt, incremental, window, day, codes, cod_ipa): Row =
        flussi::table
            .inner_join(entities::table)
            .filter(flussi::id.eq(id))
            .select((
                flussi::entity_id,
                flussi::kind,
                flussi::state,
                flussi::tracciato_version,
                flussi::include_receipt,
                flussi::incremental,
                (flussi::export_from, flussi::export_to),
                flussi::date_to,
                flussi::due_type_codes,
                entities::cod_ipa,
            ))
            .first(conn)?;
    Ok(Job {
        entity_id,
        cod_ipa,
        kind,
        state,
        version,
        receipt,
        incremental,
        window,
        day,
        codes,
    })
}

/// Export `id` starts (again) from its first row.
pub fn start(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(flussi::table.find(id))
        .set((
            flussi::state.eq(FlussoState::Exporting.code()),
            flussi::rows_done.eq(0),
            flussi::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Notes export `id`'s rows written so far.
pub fn progress(conn: &mut AnyConnection, id: i64, rows: i64) -> Result<(), DbError> {
    diesel::update(flussi::table.find(id))
        .set(flussi::rows_done.eq(rows))
        .execute(conn)?;
    Ok(())
}

/// Ends export `id` in `state` with its file (if any) and rows.
pub fn finish(
    conn: &mut AnyConnection,
    id: i64,
    state: &FlussoState,
    (file, rows): (Option<&str>, i64),
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(flussi::table.find(id))
        .set((
            flussi::state.eq(state.code()),
            flussi::file_name.eq(file),
            flussi::rows_total.eq(rows),
            flussi::rows_done.eq(rows),
            flussi::updated_at.eq(now),
            flussi::completed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Notes why export `id` failed.
pub fn fail(conn: &mut AnyConnection, id: i64, message: &str) -> Result<(), DbError> {
    diesel::update(flussi::table.find(id))
        .set(flussi::error_message.eq(message))
        .execute(conn)?;
    Ok(())
}
