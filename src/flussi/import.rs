//! Importing a flusso: registered (`LOAD_IMPORT`, duplicate IUF refused), checked whole
//! (`archive::prescan`), then applied in chunks of [`CHUNK`] rows (`IMPORT_IN_ELAB`, rows
//! done / total kept current), and finished with its result files (`IMPORT_ESEGUITO`):
//! `<name>_SCARTI.csv` (rejected rows + `cod_rifiuto;de_rifiuto`), `<name>_IUV.csv` (the
//! accepted rows as sent, with their IUV) and a notice batch that builds the notices' zip. A
//! file-level failure ends the flusso in a state named by its code, with nothing imported.
//! Interrupted, it resumes after the last committed chunk.

pub use super::archive::dir;
use super::archive::{csv_reader, generic, parse_name, prescan, with_csv, FileError};
use super::chunk::{apply, Accepted};
use super::context::Context;
use super::prepare::{prepare, Prepared, RawRow};
use super::results::{outputs, IuvWriter};
use super::tracciato::Version;
use crate::clock::Clock;
use crate::db::models::flusso;
use crate::db::{write_tx, AnyConnection, Db, DbError};
use crate::domain::{FlussoState, SegregationCode};
use crate::error::JobResult;
use anyhow::Context as _;
use chrono::NaiveDateTime;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// The job queue of imports sent through the web services or the back office.
pub const QUEUE: &str = "flusso-import";

/// Runs one claimed job of [`QUEUE`].
pub fn run_job(db: &Db, files_dir: &Path, clock: Clock, job: &crate::jobs::Job) -> JobResult {
    let id = serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .and_then(|v| v["flusso"].as_i64())
        .with_context(|| format!("bad payload {:?}", job.payload))?;
    run(db, files_dir, id, clock, &mut |_, _| {})
}

/// Rows per transaction.
pub const CHUNK: usize = 2000;

/// Stores flusso `id`'s zip as `dir(..)/upload.zip`, written aside and renamed so that
/// its job never sees half a file. Call it before queuing the job.
pub fn store_upload(files_dir: &Path, id: i64, zip: &[u8]) -> Result<(), DbError> {
    let target = dir(files_dir, id);
    place_upload(files_dir, id, &target, |part| std::fs::write(part, zip))
}

/// Copies a file on this machine in as import `id`'s zip, aside and then renamed.
pub fn copy_upload(files_dir: &Path, id: i64, from: &Path) -> Result<(), DbError> {
    place_upload(files_dir, id, from, |part| {
        std::fs::copy(from, part).map(|_| ())
    })
}

/// Writes import `id`'s zip with `fill` aside, then renames it into place; an error names
/// `what`.
fn place_upload(
    files_dir: &Path,
    id: i64,
    what: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), DbError> {
    let target = dir(files_dir, id);
    let io = |e: std::io::Error| DbError::Rule(format!("{}: {e}", what.display()));
    std::fs::create_dir_all(&target).map_err(io)?;
    let part = target.join("upload.zip.part");
    fill(&part).map_err(io)?;
    std::fs::rename(&part, target.join("upload.zip")).map_err(io)
}

fn set_state(
    c: &mut AnyConnection,
    id: i64,
    state: &FlussoState,
    error: Option<&FileError>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let error = error.map(|e| (e.code.as_str(), e.message.as_str()));
    flusso::set_import_state(c, id, state, error, now)
}

fn context(
    c: &mut AnyConnection,
    id: i64,
    clock: Clock,
) -> Result<(Context, String, i64, FlussoState), DbError> {
    let run = flusso::import_run(c, id)?;
    let ctx = Context {
        clock,
        flusso_id: id,
        entity_id: run.entity_id,
        entity_cf: run.entity_cf,
        segregation: SegregationCode::parse(&run.segregation).map_err(|e| DbError::BadRow {
            table: "entities",
            id: run.entity_id,
            problem: e.to_string(),
        })?,
        version: run
            .version
            .as_deref()
            .and_then(Version::parse)
            .unwrap_or(Version::V1_0),
        due_types: super::context::rules(run.due_types),
    };
    let base = run
        .file_name
        .as_deref()
        .and_then(|f| parse_name(f).ok())
        .map_or_else(|| format!("flusso-{id}"), |n| n.base);
    Ok((ctx, base, run.rows_done, run.state))
}

/// Imports flusso `id` from `dir(files_dir, id)/upload.zip`, resuming after its last
/// committed chunk; `progress(done, total)` after each chunk. A file-level failure is a
/// final state, not an error; `Err` only when the database or disk fail (retry).
pub fn run(
    db: &Db,
    files_dir: &Path,
    id: i64,
    clock: Clock,
    progress: &mut dyn FnMut(u64, u64),
) -> JobResult {
    let mut conn = crate::db::BulkWrites::new(db)?;
    run_on(&mut conn, files_dir, id, clock, progress)
}

fn run_on(
    conn: &mut AnyConnection,
    files_dir: &Path,
    id: i64,
    clock: Clock,
    progress: &mut dyn FnMut(u64, u64),
) -> JobResult {
    let (ctx, base, done, state) = context(conn, id, clock)?;
    if !matches!(state, FlussoState::Loaded | FlussoState::Importing) {
        return Ok(());
    }
    let target = dir(files_dir, id);
    let zip = target.join("upload.zip");
    let total = match prescan(&zip) {
        Ok(n) => n,
        Err(e) => {
            let refused = flusso::refusal(&e.code)?;
            return Ok(set_state(conn, id, &refused, Some(&e), clock.now_naive())?);
        }
    };
    set_state(conn, id, &FlussoState::Importing, None, clock.now_naive())?;
    flusso::set_rows_total(conn, id, total as i64)?;
    progress(done as u64, total);
    // Three stages: rows read, parsed and checked on one thread; applied here, a chunk
    // per transaction; the IUV file written (and the chunk freed) on a third. With two
    // cores the checks and the file overlap the database's work.
    let (to_writer, from_reader) = sync_channel(2);
    let (to_results, from_writer) = sync_channel(2);
    let (applied, read, results) = std::thread::scope(|s| {
        let (zip, ctx, target, base) = (&zip, &ctx, &target, &base);
        let reader = s.spawn(move || read_chunks(zip, ctx, done, &to_writer));
        let results = s.spawn(move || write_results(target, base, done == 0, from_writer));
        let applied = write_chunks(conn, ctx, from_reader, to_results, &mut |n| {
            progress(n, total)
        });
        let stopped = || Err(generic("lettura del flusso interrotta".into()));
        let read = reader.join().unwrap_or_else(|_| stopped());
        let results = results
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("scrittura del file IUV interrotta")));
        (applied, read, results)
    });
    applied?;
    read?;
    let written = results?;
    outputs(conn, files_dir, id, &ctx, &base, written)?;
    Ok(set_state(
        conn,
        id,
        &FlussoState::Imported,
        None,
        clock.now_naive(),
    )?)
}

/// What passes between the stages of an import.
enum Piece {
    /// The header line (the IUV file starts with it).
    Header(csv::StringRecord),
    /// The next rows, checked; then also the rows accepted.
    Chunk(Prepared, Accepted),
    /// Every row read (and, past the writing stage, applied).
    End,
}

/// Reads the flusso's rows after the first `done`, in chunks of [`CHUNK`] prepared for
/// `apply`, until the end or until the writing side stops listening.
fn read_chunks(
    zip: &Path,
    ctx: &Context,
    done: i64,
    tx: &SyncSender<Piece>,
) -> Result<(), FileError> {
    with_csv(zip, |r| {
        let mut reader = csv_reader(r);
        let mut record = csv::StringRecord::new();
        let (mut number, mut rows) = (0i64, Vec::with_capacity(CHUNK));
        let mut header = true;
        let send = |rows| tx.send(Piece::Chunk(prepare(ctx, rows), Vec::new()));
        while reader
            .read_record(&mut record)
            .map_err(|e| generic(e.to_string()))?
        {
            if std::mem::take(&mut header) {
                if tx.send(Piece::Header(record.clone())).is_err() {
                    return Ok(());
                }
                continue;
            }
            number += 1;
            if number <= done {
                continue;
            }
            rows.push(RawRow {
                number,
                fields: record.clone(),
            });
            if rows.len() == CHUNK
                && send(std::mem::replace(&mut rows, Vec::with_capacity(CHUNK))).is_err()
            {
                return Ok(());
            }
        }
        if rows.is_empty() || send(rows).is_ok() {
            let _ = tx.send(Piece::End);
        }
        Ok(())
    })
}

/// Applies each chunk read in its own transaction, then hands it on with its accepted
/// rows. `progress(rows done)` after each.
fn write_chunks(
    conn: &mut AnyConnection,
    ctx: &Context,
    rx: Receiver<Piece>,
    tx: SyncSender<Piece>,
    progress: &mut dyn FnMut(u64),
) -> JobResult {
    for mut piece in rx {
        if let Piece::Chunk(chunk, accepted) = &mut piece {
            let now = ctx.clock.now_naive();
            // Insertions go in without their IUDs looked up; if one is already held, the
            // chunk is rolled back and applied again, looking them up.
            *accepted = match write_tx(conn, |c| apply(c, ctx, chunk, now, false)) {
                Err(e) if e.is_unique_violation() => {
                    write_tx(conn, |c| apply(c, ctx, chunk, now, true))
                }
                done => done,
            }?;
            progress(chunk.rows.last().map_or(0, |r| r.number) as u64);
        }
        // The other end stops only on an error, which it reports itself.
        if tx.send(piece).is_err() {
            break;
        }
    }
    Ok(())
}

/// A fresh import's IUV file, written as the chunks commit; `Ok(true)` once complete
/// (a resumed import, `fresh == false`, rebuilds it afterwards).
fn write_results(
    target: &Path,
    base: &str,
    fresh: bool,
    rx: Receiver<Piece>,
) -> anyhow::Result<bool> {
    let mut iuvs: Option<IuvWriter> = None;
    let mut complete = false;
    for piece in rx {
        match piece {
            Piece::End => complete = true,
            Piece::Header(h) if fresh => {
                iuvs = Some(IuvWriter::create(target, base, &h)?);
            }
            Piece::Header(_) => {}
            Piece::Chunk(chunk, accepted) => {
                if let Some(w) = iuvs.as_mut() {
                    w.rows(&chunk.rows, &accepted)?;
                }
            }
        }
    }
    match iuvs {
        // An import stopped midway leaves the file unfinished: its retry rebuilds it.
        Some(w) if complete => Ok(w.finish().map(|_| true)?),
        _ => Ok(false),
    }
}
