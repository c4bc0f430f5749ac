//! `mypay avvisi --ente COD_IPA [--flusso IUF] --out notices.zip`: every printable notice of
//! an entity (or of one imported flusso) into a zip, with a progress bar on a terminal. The
//! zip is written next to `--out` and renamed into place when complete, so a failed run
//! never leaves a truncated file under the requested name.

use crate::avviso::bulk::{Selection, REJECTS};
use crate::avviso::file::write_file;
use crate::db::models::flusso;
use crate::db::models::registry::entity_by_cod_ipa;
use crate::db::AnyConnection;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

/// What to print and where.
#[derive(Debug, clap::Args)]
pub struct AvvisiArgs {
    /// The entity's IPA code.
    #[arg(long)]
    pub ente: String,
    /// Only the dovuti of this imported flusso (its IUF).
    #[arg(long)]
    pub flusso: Option<String>,
    /// The zip to write.
    #[arg(long)]
    pub out: std::path::PathBuf,
}

/// Resolves the selection: the entity by IPA code, the flusso by IUF.
pub fn selection(
    conn: &mut AnyConnection,
    ente: &str,
    iuf: Option<&str>,
) -> anyhow::Result<Selection> {
    let entity = entity_by_cod_ipa(conn, ente)?
        .with_context(|| format!("no entity with IPA code {ente:?}"))?;
    let flusso_id = match iuf {
        None => None,
        Some(iuf) => Some(
            flusso::import_by_iuf(conn, entity.id, iuf)?
                .with_context(|| format!("{ente} has no imported flusso {iuf:?}"))?,
        ),
    };
    Ok(Selection {
        entity_id: entity.id,
        flusso_id,
    })
}

/// Runs the command.
pub fn run(
    db: &crate::db::Db,
    clock: crate::clock::Clock,
    args: &AvvisiArgs,
) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    let sel = selection(&mut conn, &args.ente, args.flusso.as_deref())?;
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} dovuti  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let now = clock.now_naive();
    let outcome = write_file(&mut conn, sel, &args.out, now, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} notices written to {} in {secs:.1} s ({:.0}/s)",
        outcome.notices,
        args.out.display(),
        outcome.notices as f64 / secs.max(1e-3)
    );
    if outcome.rejected > 0 {
        println!(
            "{} dovuti not printable: see {REJECTS} in the zip",
            outcome.rejected
        );
    }
    Ok(())
}
