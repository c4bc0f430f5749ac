//! `mypay flusso import FILE.zip --ente COD_IPA`: imports a flusso from the command line
//! with a progress bar; running it again on a flusso that did not finish resumes it.
//! `mypay flusso check FILE.zip --ente COD_IPA`: the same checks, every reject printed,
//! nothing imported.
//! `mypay flusso export --ente COD_IPA --from DAY --to DAY [--tipo T] [--versione V]
//! --out FILE.zip`: the paid dovuti of those days, as `paaSILPrenotaExportFlusso` makes.

use crate::clock::Clock;
use crate::db::models::flusso;
use crate::db::models::registry::entity_by_cod_ipa;
use crate::flussi::accept::{accept, Incoming, RunBy, Zip};
use crate::flussi::import::{dir, run};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;

/// What to do with flussi.
#[derive(Debug, clap::Subcommand)]
pub enum FlussoAction {
    /// Import a zip of dovuti (`<name>-<IUF>-<version>.zip`).
    Import {
        /// The zip.
        file: PathBuf,
        /// The entity's IPA code.
        #[arg(long)]
        ente: String,
        /// Database.
        #[command(flatten)]
        overrides: super::Overrides,
    },
    /// Check a zip of dovuti as an import would, importing nothing: every row an import
    /// would reject is printed (`row N: code: reason`); exits non-zero if any is.
    Check {
        /// The zip.
        file: PathBuf,
        /// The entity's IPA code.
        #[arg(long)]
        ente: String,
        /// Database.
        #[command(flatten)]
        overrides: super::Overrides,
    },
    /// Export the dovuti paid on some days (Italian dates, both included) to a zip.
    Export {
        /// The entity's IPA code.
        #[arg(long)]
        ente: String,
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: chrono::NaiveDate,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: chrono::NaiveDate,
        /// Only this due type.
        #[arg(long)]
        tipo: Option<String>,
        /// Tracciato: 1.0, 1.1, 1.2 or 1.3 (after 1.0 with the receipts).
        #[arg(long, default_value = "1.0")]
        versione: String,
        /// Where to write the zip.
        #[arg(long)]
        out: PathBuf,
        /// Database.
        #[command(flatten)]
        overrides: super::Overrides,
    },
}

impl FlussoAction {
    /// The database settings given with the action.
    pub fn overrides(&self) -> &super::Overrides {
        match self {
            FlussoAction::Import { overrides, .. }
            | FlussoAction::Check { overrides, .. }
            | FlussoAction::Export { overrides, .. } => overrides,
        }
    }
}

/// Runs the command.
pub fn run_command(
    db: &crate::db::Db,
    files_dir: &std::path::Path,
    clock: Clock,
    action: &FlussoAction,
) -> anyhow::Result<()> {
    let (file, ente) = match action {
        FlussoAction::Import { file, ente, .. } => (file, ente),
        FlussoAction::Export { .. } => return export_command(db, files_dir, clock, action),
        FlussoAction::Check { file, ente, .. } => return check_command(db, clock, file, ente),
    };
    let mut conn = db.get()?;
    let (entity, name) = entity_and_name(&mut conn, ente, file)?;
    let incoming = Incoming {
        entity_id: entity,
        file_name: &name,
        operator_id: None,
        reserved: None,
    };
    let now = clock.now_naive();
    let id = accept(
        &mut conn,
        files_dir,
        incoming,
        Zip::File(file),
        now,
        RunBy::Caller,
    )?
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let target = dir(files_dir, id);
    drop(conn);
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} righe  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    run(db, files_dir, id, clock, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .context("import interrupted (run the command again to resume)")?;
    bar.finish_and_clear();
    let mut conn = db.get()?;
    let flusso::Outcome {
        state,
        total,
        accepted,
        rejected,
        error: message,
        ..
    } = flusso::outcome(&mut conn, id)?;
    let secs = started.elapsed().as_secs_f64();
    let done = crate::db::models::event::NewEvent {
        entity_id: Some(entity),
        fault_code: message.as_ref().map(|_| state.code().to_owned()),
        duration_ms: (secs * 1000.0) as i64,
        request: Some(format!("flusso={id} file={name}")),
        response: Some(format!(
            "{total} righe: {accepted} accettate, {rejected} scartate"
        )),
        ..crate::db::models::event::NewEvent::action(
            "cli",
            "flusso.importa",
            if message.is_some() { "KO" } else { "OK" },
            clock.now_naive(),
        )
    };
    crate::db::models::event::record(&mut conn, &done)?;
    println!("flusso {id} ({name}): {state}");
    if let Some(m) = message {
        anyhow::bail!("{state}: {m}");
    }
    println!(
        "{total} rows: {accepted} accepted, {rejected} rejected, in {secs:.1} s ({:.0} rows/s)",
        total as f64 / secs.max(1e-3)
    );
    println!("result files in {}", target.display());
    Ok(())
}

/// The id of the entity `ente` names, and the name of `file`.
fn entity_and_name(
    conn: &mut crate::db::AnyConnection,
    ente: &str,
    file: &std::path::Path,
) -> anyhow::Result<(i64, String)> {
    let entity = entity_by_cod_ipa(conn, ente)?
        .with_context(|| format!("no entity with IPA code {ente:?}"))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .context("the file has no name")?;
    Ok((entity.id, name))
}

/// `mypay flusso check FILE --ente COD_IPA`.
fn check_command(
    db: &crate::db::Db,
    clock: Clock,
    file: &std::path::Path,
    ente: &str,
) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    let (entity, name) = entity_and_name(&mut conn, ente, file)?;
    let report = crate::flussi::check::check(&mut conn, entity, (&name, file), clock)?
        .map_err(|e| anyhow::anyhow!("{name} refused: {}: {}", e.code, e.message))?;
    for (row, code, reason, _) in &report.rejects {
        println!("row {row}: {code}: {reason}");
    }
    println!(
        "{name}: {} rows, {} would be accepted, {} rejected; nothing imported",
        report.total,
        report.accepted,
        report.rejects.len()
    );
    anyhow::ensure!(
        report.rejects.is_empty(),
        "{} rows would be rejected",
        report.rejects.len()
    );
    Ok(())
}

fn export_command(
    db: &crate::db::Db,
    files_dir: &std::path::Path,
    clock: Clock,
    action: &FlussoAction,
) -> anyhow::Result<()> {
    use crate::flussi::export::{dir, pagati::Version, record, run::run, Request};
    let FlussoAction::Export {
        ente,
        from,
        to,
        tipo,
        versione,
        out,
        ..
    } = action
    else {
        anyhow::bail!("not an export");
    };
    let version = Version::parse(Some(versione)).context("versione: 1.0, 1.1, 1.2 or 1.3")?;
    anyhow::ensure!(from <= to, "--from is after --to");
    let mut conn = db.get()?;
    let entity = entity_by_cod_ipa(&mut conn, ente)?
        .with_context(|| format!("no entity with IPA code {ente:?}"))?;
    let req = Request::paid_on_days(*from, *to, tipo.clone(), version);
    let random = crate::random::OsRandom;
    let now = clock.now_naive();
    let (_, id) = record(&mut conn, entity.id, &req, &random, now, false)?;
    drop(conn);
    let started = std::time::Instant::now();
    let rows = run(db, files_dir, id, clock).context("export failed")?;
    let secs = started.elapsed().as_secs_f64();
    let mut conn = db.get()?;
    let flusso::Outcome {
        state,
        file_name: name,
        ..
    } = flusso::outcome(&mut conn, id)?;
    let done = crate::db::models::event::NewEvent {
        entity_id: Some(entity.id),
        duration_ms: (secs * 1000.0) as i64,
        request: Some(format!(
            "esportazione={id} dal={from} al={to} versione={versione}"
        )),
        response: Some(format!("{rows} righe, {state}")),
        ..crate::db::models::event::NewEvent::action("cli", "esportazione", "OK", clock.now_naive())
    };
    crate::db::models::event::record(&mut conn, &done)?;
    println!("export {id}: {state}");
    if let Some(name) = name {
        std::fs::copy(dir(files_dir, id).join(&name), out)
            .with_context(|| format!("cannot write {}", out.display()))?;
        println!(
            "{rows} rows in {secs:.1} s ({:.0} rows/s) -> {} ({name})",
            rows as f64 / secs.max(1e-3),
            out.display()
        );
    }
    Ok(())
}
