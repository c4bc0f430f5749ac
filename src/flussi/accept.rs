//! The one way a flusso of dovuti is accepted, whoever sends it — the entity's software
//! (`paaSILAutorizzaImportFlusso` → upload), an operator's upload page or `mypay flusso
//! import`: its name read (IUF, tracciato), a duplicate IUF refused, the import registered,
//! the zip stored, and the import queued (or left for the caller to run).

use super::archive::{parse_name, FileError};
use super::import::{copy_upload, dir, store_upload, QUEUE};
use crate::db::models::flusso;
use crate::db::{write_tx, AnyConnection, DbError};
use chrono::NaiveDateTime;
use std::path::Path;

/// A flusso arriving.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// The entity it is for.
    pub entity_id: i64,
    /// Its file name (`<name>-<IUF>-<1_0…1_4>.zip`).
    pub file_name: &'a str,
    /// The operator who uploaded it, if one did.
    pub operator_id: Option<i64>,
    /// The import `paaSILAutorizzaImportFlusso` reserved for it, if it came that way.
    pub reserved: Option<i64>,
}

/// Where the zip is.
#[derive(Debug, Clone, Copy)]
pub enum Zip<'a> {
    /// Received in memory.
    Bytes(&'a [u8]),
    /// A file on this machine.
    File(&'a Path),
}

/// Who runs the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunBy {
    /// A worker, through the job queue.
    Queue,
    /// The caller, right after (`mypay flusso import`): an unfinished import of the same
    /// IUF is resumed instead of refused.
    Caller,
}

/// Accepts a flusso: returns its import's id, or why the file is refused (its name, or
/// a duplicate IUF: `PAA_IMPORT_FLUSSO_DUPLICATO`).
pub fn accept(
    conn: &mut AnyConnection,
    files_dir: &Path,
    incoming: Incoming<'_>,
    zip: Zip<'_>,
    now: NaiveDateTime,
    run_by: RunBy,
) -> Result<Result<i64, FileError>, DbError> {
    let name = match parse_name(incoming.file_name) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    write_tx(conn, |c| {
        let held = flusso::held_import(c, incoming.entity_id, &name.iuf)?;
        let stored = |id| dir(files_dir, id).join("upload.zip").exists();
        let id = match held {
            None => register(c, &incoming, &name, now)?,
            // An upload the entity's software was authorised for is a new import.
            Some(_) if incoming.reserved.is_some() => {
                return Ok(Err(duplicate(&name.iuf, "è già stato caricato")))
            }
            Some((id, state)) if state.is_working() => {
                if run_by == RunBy::Queue && stored(id) {
                    return Ok(Err(duplicate(&name.iuf, "è già in caricamento")));
                }
                id
            }
            Some(_) => return Ok(Err(duplicate(&name.iuf, "è già stato caricato"))),
        };
        // The file first: a worker may take the job as soon as this commits.
        if !stored(id) {
            match zip {
                Zip::Bytes(bytes) => store_upload(files_dir, id, bytes)?,
                Zip::File(path) => copy_upload(files_dir, id, path)?,
            }
        }
        if run_by == RunBy::Queue {
            let payload = serde_json::json!({ "flusso": id }).to_string();
            crate::jobs::enqueue(c, QUEUE, &payload, now, 3, now)?;
        }
        Ok(Ok(id))
    })
}

/// The refusal of a flusso whose IUF the entity already loaded (`what`: how).
pub(super) fn duplicate(iuf: &str, what: &str) -> FileError {
    FileError {
        code: "PAA_IMPORT_FLUSSO_DUPLICATO".into(),
        message: format!("il flusso {iuf} {what}"),
    }
}

/// The import's row: the one reserved for it, named now, or a new one.
fn register(
    c: &mut AnyConnection,
    incoming: &Incoming<'_>,
    name: &super::archive::FlussoName,
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    let named = flusso::Named {
        iuf: &name.iuf,
        file_name: incoming.file_name,
        version: name.version.code(),
    };
    match incoming.reserved {
        Some(id) => flusso::name_import(c, id, named, now).map(|()| id),
        None => flusso::new_import(c, incoming.entity_id, named, incoming.operator_id, now),
    }
}
