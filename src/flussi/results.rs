//! An import's result files: `<name>_SCARTI.csv` (the rejected rows as sent, with
//! `cod_rifiuto;de_rifiuto`) and `<name>_IUV.csv` (the accepted rows as sent, with the IUV
//! assigned in `codIuv`), cells a spreadsheet would run as formulas neutralised. The IUV
//! file is written while the chunks commit; an import resumed after an interruption
//! rebuilds it from the database instead.

use super::archive::{csv_reader, with_csv};
use super::archive::{dir, generic};
use super::context::Context;
use super::prepare::{line_of, RawRow};
use crate::avviso::bulk::Selection;
use crate::db::models::flusso_rows;
use crate::db::AnyConnection;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Rows read per query when writing the result files.
const PAGE: i64 = 10_000;

/// Whether a spreadsheet would run the cell as a formula (`=`, `+`, `-`, `@` first).
pub fn starts_formula(v: &str) -> bool {
    v.starts_with(['=', '+', '-', '@'])
}

/// Neutralises a cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first).
pub fn safe_cell(v: &str) -> String {
    if starts_formula(v) {
        format!("'{v}")
    } else {
        v.to_owned()
    }
}

/// `<name>_IUV.csv`: the accepted rows as sent, in file order, with `codIuv` (the
/// second column) holding the IUV assigned. The file is read again beside the accepted
/// rows' numbers, page by page: memory stays flat.
fn iuv_file(c: &mut AnyConnection, d: &Path, id: i64, base: &str) -> anyhow::Result<()> {
    let file = std::fs::File::create(d.join(format!("{base}_IUV.csv")))?;
    let mut out = std::io::BufWriter::new(file);
    let mut page: std::collections::VecDeque<(i64, Option<String>)> = Default::default();
    let mut after = 0i64;
    let mut next_page = |page: &mut std::collections::VecDeque<_>| -> anyhow::Result<()> {
        let rows = flusso_rows::accepted_after(c, id, after, PAGE)?;
        if let Some(last) = rows.last() {
            after = last.0;
        }
        page.extend(rows);
        Ok(())
    };
    next_page(&mut page)?;
    with_csv(&d.join("upload.zip"), |r| {
        let mut reader = csv_reader(r);
        let mut rec = csv::StringRecord::new();
        let io = |x: std::io::Error| generic(x.to_string());
        let mut number = -1i64;
        while reader
            .read_record(&mut rec)
            .map_err(|x| generic(x.to_string()))?
        {
            number += 1;
            if number > 0 {
                if page.is_empty() {
                    next_page(&mut page).map_err(|e| generic(format!("{e:#}")))?;
                }
                match page.front() {
                    Some((n, _)) if *n == number => {}
                    _ => continue,
                }
            }
            let mut cells: Vec<String> = rec.iter().map(safe_cell).collect();
            if number > 0 {
                let iuv = page.pop_front().and_then(|p| p.1).unwrap_or_default();
                if let Some(cell) = cells.get_mut(1) {
                    *cell = iuv;
                }
            }
            writeln!(out, "{}", line_of(&cells)).map_err(io)?;
        }
        out.flush().map_err(io)
    })?;
    Ok(())
}

pub(super) fn outputs(
    c: &mut AnyConnection,
    files_dir: &Path,
    id: i64,
    ctx: &Context,
    base: &str,
    iuv_written: bool,
) -> anyhow::Result<()> {
    let d = dir(files_dir, id);
    let header = with_csv(&d.join("upload.zip"), |r| {
        let mut reader = csv_reader(r);
        let mut first = csv::StringRecord::new();
        reader
            .read_record(&mut first)
            .map_err(|x| generic(x.to_string()))?;
        Ok(first.iter().map(safe_cell).collect::<Vec<_>>())
    })?;
    let file = std::fs::File::create(d.join(format!("{base}_SCARTI.csv")))?;
    let mut scarti = std::io::BufWriter::new(file);
    // The rows as sent with MyPay's two extra columns; cells a spreadsheet would run as
    // formulas are neutralised.
    let mut head = header;
    head.extend(["cod_rifiuto".to_owned(), "de_rifiuto".to_owned()]);
    writeln!(scarti, "{}", line_of(&head))?;
    // Read in pages by row number: memory stays flat however large the flusso.
    let mut after = 0i64;
    loop {
        let page = flusso_rows::rejects_after(c, id, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.0;
        for (_, line, code, msg) in &page {
            let mut reader = csv_reader(line.as_bytes());
            let mut rec = csv::StringRecord::new();
            let mut cells: Vec<String> = match reader.read_record(&mut rec) {
                Ok(true) => rec.iter().map(safe_cell).collect(),
                _ => vec![safe_cell(line)],
            };
            cells.extend([code.clone(), safe_cell(msg)]);
            writeln!(scarti, "{}", line_of(&cells))?;
        }
    }
    scarti.flush()?;
    if !iuv_written {
        // What an interrupted run had started writing is replaced.
        let _ = std::fs::remove_file(d.join(format!("{base}_IUV.csv.part")));
        iuv_file(c, &d, id, base)?;
    }
    // The notices of a large flusso take minutes: a notice batch builds their zip.
    let sel = Selection {
        entity_id: ctx.entity_id,
        flusso_id: Some(id),
    };
    crate::avviso::batch::request(c, sel, None, ctx.clock.now_naive())?;
    Ok(())
}

/// `<name>_IUV.csv` written while the import runs: the header, then each chunk's accepted
/// rows once the chunk has committed; complete (renamed from `.part`) only at the end.
pub(super) struct IuvWriter {
    out: csv::Writer<std::io::BufWriter<std::fs::File>>,
    part: PathBuf,
    dest: PathBuf,
}

impl IuvWriter {
    /// Starts the file with the flusso's header.
    pub(super) fn create(
        d: &Path,
        base: &str,
        header: &csv::StringRecord,
    ) -> std::io::Result<Self> {
        let dest = d.join(format!("{base}_IUV.csv"));
        let part = d.join(format!("{base}_IUV.csv.part"));
        let file = std::io::BufWriter::new(std::fs::File::create(&part)?);
        let mut out = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .from_writer(file);
        out.write_record(header.iter().map(safe_cell))?;
        Ok(Self { out, part, dest })
    }

    /// Appends the `accepted` rows of `chunk` (both in row order).
    pub(super) fn rows(
        &mut self,
        chunk: &[RawRow],
        accepted: &[(i64, Option<String>)],
    ) -> std::io::Result<()> {
        let mut rows = chunk.iter();
        for (number, iuv) in accepted {
            let Some(raw) = rows.find(|r| r.number == *number) else {
                continue;
            };
            // Field by field: only a cell that needs neutralising is copied.
            for (i, f) in raw.fields.iter().enumerate() {
                match i {
                    1 => self.out.write_field(iuv.as_deref().unwrap_or_default())?,
                    _ if starts_formula(f) => self.out.write_field(safe_cell(f))?,
                    _ => self.out.write_field(f)?,
                }
            }
            self.out.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }

    /// Completes the file.
    pub(super) fn finish(self) -> std::io::Result<()> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&self.part, &self.dest)
    }
}
