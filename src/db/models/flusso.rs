//! Flussi (imports of dovuti and exports) as the pages, commands and services read them.

use crate::db::schema::{entities, flussi, notice_batches};
use crate::db::{AnyConnection, DbError};
use crate::domain::FlussoState;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Where an import ended: state, rows (total, accepted, rejected) and the error, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Where it stands.
    pub state: FlussoState,
    /// Rows read.
    pub total: i64,
    /// Rows accepted.
    pub accepted: i64,
    /// Rows rejected.
    pub rejected: i64,
    /// What went wrong with the file, when it failed whole.
    pub error: Option<String>,
    /// The file's name (an export's, once written).
    pub file_name: Option<String>,
}

/// Flusso `id`'s outcome.
pub fn outcome(conn: &mut AnyConnection, id: i64) -> Result<Outcome, DbError> {
    let (state, total, accepted, rejected, error, file_name) = flussi::table
        .find(id)
        .select((
            flussi::state,
            flussi::rows_total,
            flussi::rows_accepted,
            flussi::rows_rejected,
            flussi::error_message,
            flussi::file_name,
        ))
        .first(conn)?;
    Ok(Outcome {
        state,
        total,
        accepted,
        rejected,
        error,
        file_name,
    })
}

/// The entity that flusso `id` belongs to, if there is such a flusso.
pub fn owner(conn: &mut AnyConnection, id: i64) -> Result<Option<i64>, DbError> {
    Ok(flussi::table
        .find(id)
        .select(flussi::entity_id)
        .first(conn)
        .optional()?)
}

/// The entity's import of the flusso `iuf`.
pub fn import_by_iuf(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuf: &str,
) -> Result<Option<i64>, DbError> {
    Ok(flussi::table
        .filter(flussi::entity_id.eq(entity_id))
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::iuf.eq(iuf))
        .select(flussi::id)
        .first(conn)
        .optional()?)
}

/// The import a request token follows: (id, entity).
pub fn import_by_request_token(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<(i64, i64)>, DbError> {
    Ok(flussi::table
        .filter(flussi::request_token.eq(token))
        .select((flussi::id, flussi::entity_id))
        .first(conn)
        .optional()?)
}

/// The latest imports of the entities, newest first: (id, entity's IPA code, IUF).
pub fn recent_imports(
    conn: &mut AnyConnection,
    entity_ids: &[i64],
    limit: i64,
) -> Result<Vec<(i64, String, Option<String>)>, DbError> {
    Ok(flussi::table
        .inner_join(entities::table)
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::entity_id.eq_any(entity_ids))
        .select((flussi::id, entities::cod_ipa, flussi::iuf))
        .order(flussi::id.desc())
        .limit(limit)
        .load(conn)?)
}

/// The latest finished notice batch of import `id` (its notices' zip).
pub fn notices_batch(conn: &mut AnyConnection, id: i64) -> Result<Option<i64>, DbError> {
    Ok(notice_batches::table
        .filter(notice_batches::flusso_id.eq(id))
        .filter(notice_batches::state.eq(super::job::JobState::Done.code()))
        .select(notice_batches::id)
        .order(notice_batches::id.desc())
        .first(conn)
        .optional()?)
}

/// Reserves an import for the entity's software: followed by `request_token`, uploaded
/// once with the token whose hash is `upload_token_hash`.
pub fn reserve_import(
    conn: &mut AnyConnection,
    entity_id: i64,
    request_token: &str,
    upload_token_hash: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(flussi::table)
        .values((
            flussi::entity_id.eq(entity_id),
            flussi::direction.eq("IMPORT"),
            flussi::kind.eq("DOVUTI"),
            flussi::state.eq(FlussoState::Loaded.code()),
            flussi::request_token.eq(request_token),
            flussi::upload_token_hash.eq(upload_token_hash),
            flussi::created_at.eq(now),
            flussi::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The reserved import an upload token (by its hash) still opens: (id, entity, request
/// token).
pub fn reserved_for_upload(
    conn: &mut AnyConnection,
    upload_token_hash: &str,
) -> Result<Option<(i64, i64, Option<String>)>, DbError> {
    Ok(flussi::table
        .filter(flussi::upload_token_hash.eq(upload_token_hash))
        .filter(flussi::state.eq(FlussoState::Loaded.code()))
        .select((flussi::id, flussi::entity_id, flussi::request_token))
        .first(conn)
        .optional()?)
}

/// Ends import `id` refused as a whole, in the state named by `code`.
pub fn refuse_import(
    conn: &mut AnyConnection,
    id: i64,
    code: &str,
    message: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let state = refusal(code)?;
    diesel::update(flussi::table.find(id))
        .set((
            flussi::state.eq(state.code()),
            flussi::error_code.eq(code),
            flussi::error_message.eq(message),
            flussi::upload_token_hash.eq(None::<String>),
            flussi::completed_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The entity's import that `request_token` follows.
pub fn import_by_request(
    conn: &mut AnyConnection,
    entity_id: i64,
    request_token: &str,
) -> Result<Option<i64>, DbError> {
    Ok(flussi::table
        .filter(flussi::entity_id.eq(entity_id))
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::request_token.eq(request_token))
        .select(flussi::id)
        .first(conn)
        .optional()?)
}

/// Import `id`'s state and file name, if it is an import.
pub fn import_state(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(FlussoState, Option<String>)>, DbError> {
    Ok(flussi::table
        .find(id)
        .filter(flussi::direction.eq("IMPORT"))
        .select((flussi::state, flussi::file_name))
        .first(conn)
        .optional()?)
}

/// The entity's import of flusso `iuf` with its state: (id, state).
pub fn held_import(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuf: &str,
) -> Result<Option<(i64, FlussoState)>, DbError> {
    Ok(flussi::table
        .filter(flussi::entity_id.eq(entity_id))
        .filter(flussi::direction.eq("IMPORT"))
        .filter(flussi::iuf.eq(iuf))
        .select((flussi::id, flussi::state))
        .first(conn)
        .optional()?)
}

/// What a flusso's name says: its IUF, its file name and its tracciato version.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    /// The IUF.
    pub iuf: &'a str,
    /// The file name.
    pub file_name: &'a str,
    /// The tracciato version's code (`1_3`…).
    pub version: &'a str,
}

/// Names the reserved import `id` after its file.
pub fn name_import(
    conn: &mut AnyConnection,
    id: i64,
    named: Named<'_>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(flussi::table.find(id))
        .set((
            flussi::iuf.eq(named.iuf),
            flussi::file_name.eq(named.file_name),
            flussi::tracciato_version.eq(named.version),
            flussi::upload_token_hash.eq(None::<String>),
            flussi::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Registers a new import of the entity; returns its id.
pub fn new_import(
    conn: &mut AnyConnection,
    entity_id: i64,
    named: Named<'_>,
    operator_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    let id = crate::with_backend!(conn, c => diesel::insert_into(flussi::table)
        .values((
            flussi::entity_id.eq(entity_id),
            flussi::direction.eq("IMPORT"),
            flussi::kind.eq("DOVUTI"),
            flussi::iuf.eq(named.iuf),
            flussi::file_name.eq(named.file_name),
            flussi::tracciato_version.eq(named.version),
            flussi::state.eq(FlussoState::Loaded.code()),
            flussi::operator_id.eq(operator_id),
            flussi::created_at.eq(now),
            flussi::updated_at.eq(now),
        ))
        .returning(flussi::id)
        .get_result(c))?;
    Ok(id)
}

/// Moves import `id` to `state`, with the file-level error when it failed whole; a final
/// state marks it completed.
pub fn set_import_state(
    conn: &mut AnyConnection,
    id: i64,
    state: &FlussoState,
    error: Option<(&str, &str)>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let done = (!state.is_working()).then_some(now);
    diesel::update(flussi::table.find(id))
        .set((
            flussi::state.eq(state.code()),
            flussi::error_code.eq(error.map(|e| e.0)),
            flussi::error_message.eq(error.map(|e| e.1)),
            flussi::updated_at.eq(now),
            flussi::completed_at.eq(done),
        ))
        .execute(conn)?;
    // A run starting: its rate counts from here.
    if *state == FlussoState::Importing {
        diesel::update(flussi::table.find(id))
            .set((
                flussi::started_at.eq(Some(now)),
                flussi::started_rows.eq(flussi::rows_done),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Notes how many rows import `id` holds.
pub fn set_rows_total(conn: &mut AnyConnection, id: i64, total: i64) -> Result<(), DbError> {
    diesel::update(flussi::table.find(id))
        .set(flussi::rows_total.eq(total))
        .execute(conn)?;
    Ok(())
}

/// A due type as an import checks rows against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportDueType {
    /// Its id.
    pub id: i64,
    /// Active.
    pub active: bool,
    /// Positions need a due date.
    pub due_date_required: bool,
    /// Its bank IBAN, else its postal one.
    pub account: Option<String>,
    /// Its default bilancio (`bilancioDefault` XML).
    pub default_bilancio: Option<String>,
}

/// What an import runs with: its entity and file, how far it got, and the entity's due
/// types.
#[derive(Debug, Clone)]
pub struct ImportRun {
    /// The entity.
    pub entity_id: i64,
    /// Its fiscal code.
    pub entity_cf: String,
    /// Its segregation code, as stored.
    pub segregation: String,
    /// The tracciato version's code.
    pub version: Option<String>,
    /// The file's name.
    pub file_name: Option<String>,
    /// Rows already committed.
    pub rows_done: i64,
    /// Where it stands.
    pub state: FlussoState,
    /// The entity's due types by code.
    pub due_types: Vec<(String, ImportDueType)>,
}

/// Import `id` as it is about to run.
pub fn import_run(conn: &mut AnyConnection, id: i64) -> Result<ImportRun, DbError> {
    let (entity_id, version, file_name, rows_done, state) = flussi::table
        .find(id)
        .select((
            flussi::entity_id,
            flussi::tracciato_version,
            flussi::file_name,
            flussi::rows_done,
            flussi::state,
        ))
        .first(conn)?;
    let (entity_cf, segregation, due_types) = entity_setup(conn, entity_id)?;
    Ok(ImportRun {
        entity_id,
        entity_cf,
        segregation,
        version,
        file_name,
        rows_done,
        state,
        due_types,
    })
}

/// What loading dovuti for entity `entity_id` needs: (its fiscal code, its segregation
/// code, its due types by code).
pub type EntitySetup = (String, String, Vec<(String, ImportDueType)>);

/// The [`EntitySetup`] of entity `entity_id`.
pub fn entity_setup(conn: &mut AnyConnection, entity_id: i64) -> Result<EntitySetup, DbError> {
    use crate::db::schema::due_types;
    type DueTypeRow = (
        String,
        i64,
        bool,
        bool,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let (entity_cf, segregation): (String, String) = entities::table
        .find(entity_id)
        .select((entities::fiscal_code, entities::segregation_code))
        .first(conn)?;
    let types: Vec<DueTypeRow> = due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .select((
            due_types::code,
            due_types::id,
            due_types::active,
            due_types::due_date_required,
            due_types::bank_iban,
            due_types::postal_iban,
            due_types::default_bilancio,
        ))
        .load(conn)?;
    let types = types
        .into_iter()
        .map(
            |(code, id, active, required, bank, postal, default_bilancio)| {
                let d = ImportDueType {
                    id,
                    active,
                    due_date_required: required,
                    account: bank.or(postal),
                    default_bilancio,
                };
                (code, d)
            },
        )
        .collect();
    Ok((entity_cf, segregation, types))
}

/// Flusso `id`'s IUF, if it has one.
pub fn iuf_of(conn: &mut AnyConnection, id: i64) -> Result<Option<String>, DbError> {
    Ok(flussi::table.find(id).select(flussi::iuf).first(conn)?)
}

/// The state of an import refused with `code`; a code that is not a refusal code is a
/// mistake of ours, not a state to store.
pub fn refusal(code: &str) -> Result<FlussoState, DbError> {
    FlussoState::refused(code)
        .ok_or_else(|| DbError::Rule(format!("{code:?} is not a refusal code")))
}
