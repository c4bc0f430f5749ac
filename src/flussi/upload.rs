//! Flussi sent by an entity's software: `paaSILAutorizzaImportFlusso` reserves an import
//! (request token to follow it, authorisation token for one upload), the zip is posted to
//! the upload URL, a job imports it, `paaSILChiediStatoImportFlusso` reports the state and
//! the result files' URLs.

use super::accept::{accept, Incoming, RunBy, Zip};
use super::archive::{parse_name, FileError};
use super::import::LOADED;
use crate::db::schema::{flussi, notice_batches};
use crate::db::{AnyConnection, DbError};
use crate::domain::random::RandomSource;
use crate::security::sha256_hex;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Largest flusso zip accepted.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// What `paaSILAutorizzaImportFlusso` hands out.
#[derive(Debug, Clone)]
pub struct Authorised {
    /// Follows the import (`paaSILChiediStatoImportFlusso`, result URLs).
    pub request_token: String,
    /// Allows one upload.
    pub authorization_token: String,
}

/// A UUID-shaped random token.
pub(crate) fn uuid(random: &dyn RandomSource) -> String {
    let h = random.token_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Reserves an import for the entity.
pub fn authorise(
    conn: &mut AnyConnection,
    entity_id: i64,
    random: &dyn RandomSource,
    now: NaiveDateTime,
) -> Result<Authorised, DbError> {
    let a = Authorised {
        request_token: uuid(random),
        authorization_token: random.token_hex(24),
    };
    diesel::insert_into(flussi::table)
        .values((
            flussi::entity_id.eq(entity_id),
            flussi::direction.eq("IMPORT"),
            flussi::kind.eq("DOVUTI"),
            flussi::state.eq(LOADED),
            flussi::request_token.eq(&a.request_token),
            flussi::upload_token_hash.eq(sha256_hex(&a.authorization_token)),
            flussi::created_at.eq(now),
            flussi::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(a)
}

/// Takes the uploaded zip for the import `token` authorises (once): names it, stores it
/// and queues its import. A bad name or a duplicate IUF ends the import in that state.
/// Returns the request token.
pub fn receive(
    conn: &mut AnyConnection,
    files_dir: &std::path::Path,
    token: &str,
    file_name: &str,
    zip: &[u8],
    now: NaiveDateTime,
) -> Result<Result<String, FileError>, DbError> {
    let found: Option<(i64, i64, Option<String>)> = flussi::table
        .filter(flussi::upload_token_hash.eq(sha256_hex(token)))
        .filter(flussi::state.eq(LOADED))
        .select((flussi::id, flussi::entity_id, flussi::request_token))
        .first(conn)
        .optional()?;
    let Some((id, entity_id, request)) = found else {
        return Ok(Err(FileError {
            code: "PAA_IMPORT_NO_MATCH_AUTH".into(),
            message: "token di autorizzazione non valido o già usato".into(),
        }));
    };
    let request = request.unwrap_or_default();
    let incoming = Incoming {
        entity_id,
        file_name,
        operator_id: None,
        reserved: Some(id),
    };
    let outcome = accept(
        conn,
        files_dir,
        incoming,
        Zip::Bytes(zip),
        now,
        RunBy::Queue,
    )?;
    if let Err(e) = outcome {
        diesel::update(flussi::table.find(id))
            .set((
                flussi::state.eq(&e.code),
                flussi::error_code.eq(&e.code),
                flussi::error_message.eq(&e.message),
                flussi::upload_token_hash.eq(None::<String>),
                flussi::completed_at.eq(Some(now)),
            ))
            .execute(conn)?;
        return Ok(Err(e));
    }
    Ok(Ok(request))
}

/// Where an import stands, for its entity.
#[derive(Debug, Clone)]
pub struct Status {
    /// Flusso id.
    pub id: i64,
    /// State (or the error code).
    pub state: String,
    /// Result files' base name.
    pub base: Option<String>,
    /// Whether the notices' zip is ready.
    pub notices_ready: bool,
}

/// The import `request_token` of the entity.
pub fn status(
    conn: &mut AnyConnection,
    entity_id: i64,
    request_token: &str,
) -> Result<Option<Status>, DbError> {
    let found: Option<i64> = flussi::table
        .filter(flussi::entity_id.eq(entity_id))
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::request_token.eq(request_token))
        .select(flussi::id)
        .first(conn)
        .optional()?;
    match found {
        Some(id) => status_by_id(conn, id),
        None => Ok(None),
    }
}

/// Import `id`, whoever started it.
pub fn status_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Status>, DbError> {
    let found: Option<(String, Option<String>)> = flussi::table
        .find(id)
        .filter(flussi::direction.eq("IMPORT"))
        .select((flussi::state, flussi::file_name))
        .first(conn)
        .optional()?;
    let Some((state, file)) = found else {
        return Ok(None);
    };
    let ready: i64 = notice_batches::table
        .filter(notice_batches::flusso_id.eq(id))
        .filter(notice_batches::state.eq("done"))
        .count()
        .get_result(conn)?;
    Ok(Some(Status {
        id,
        state,
        base: file
            .as_deref()
            .and_then(|f| parse_name(f).ok())
            .map(|n| n.base),
        notices_ready: ready > 0,
    }))
}
