//! The notices of a selection written to a zip file through a temporary file renamed on
//! success, so a failed run never leaves a truncated file under the requested name.

use super::bulk::{write_zip, Outcome, Selection};
use crate::db::AnyConnection;
use anyhow::Context;
use std::path::Path;

/// Writes `sel`'s notices to `out` through a temporary file renamed on success.
pub fn write_file(
    conn: &mut AnyConnection,
    sel: Selection,
    out: &Path,
    now: chrono::NaiveDateTime,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<Outcome> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let writer = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file());
    let outcome = write_zip(conn, sel, writer, now, progress)?;
    tmp.as_file().sync_all()?;
    tmp.persist(out)
        .with_context(|| format!("cannot create {}", out.display()))?;
    Ok(outcome)
}
