//! Flussi sent by an entity's software: `paaSILAutorizzaImportFlusso` reserves an import
//! (request token to follow it, authorisation token for one upload), the zip is posted to
//! the upload URL, a job imports it, `paaSILChiediStatoImportFlusso` reports the state and
//! the result files' URLs.

use super::accept::{accept, Incoming, RunBy, Zip};
use super::archive::{parse_name, FileError};
use crate::db::models::flusso;
use crate::db::{AnyConnection, DbError};
use crate::domain::random::RandomSource;
use crate::domain::FlussoState;
use crate::security::sha256_hex;
use chrono::NaiveDateTime;

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
    let hash = sha256_hex(&a.authorization_token);
    flusso::reserve_import(conn, entity_id, &a.request_token, &hash, now)?;
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
    let found = flusso::reserved_for_upload(conn, &sha256_hex(token))?;
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
        flusso::refuse_import(conn, id, &e.code, &e.message, now)?;
        return Ok(Err(e));
    }
    Ok(Ok(request))
}

/// Where an import stands, for its entity.
#[derive(Debug, Clone)]
pub struct Status {
    /// Flusso id.
    pub id: i64,
    /// Where it stands.
    pub state: FlussoState,
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
    match flusso::import_by_request(conn, entity_id, request_token)? {
        Some(id) => status_by_id(conn, id),
        None => Ok(None),
    }
}

/// Import `id`, whoever started it.
pub fn status_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Status>, DbError> {
    let Some((state, file)) = flusso::import_state(conn, id)? else {
        return Ok(None);
    };
    let ready = flusso::notices_batch(conn, id)?.is_some();
    Ok(Some(Status {
        id,
        state,
        base: file
            .as_deref()
            .and_then(|f| parse_name(f).ok())
            .map(|n| n.base),
        notices_ready: ready,
    }))
}
