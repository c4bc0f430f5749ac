//! The zipped CSV an export writes: `;`-separated rows built in a buffer on the reading
//! thread and deflated on a second thread (the database read and the compression each
//! keep one core busy), into `<name>.zip.part`, renamed to `<name>.zip` when complete.
//! Free-text cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) are
//! neutralised with a leading `'`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

/// Bytes gathered before a buffer goes to the compressing thread.
const BLOCK: usize = 256 * 1024;

/// When cells are put in double quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// Every cell, as MyPay's paid-dovuti export (opencsv's default) does.
    All,
    /// Only cells holding `;`, `"` or a line break.
    Needed,
}

/// A CSV being written into a zip.
pub struct CsvZip {
    buf: Vec<u8>,
    quote: Quote,
    first: bool,
    rows: u64,
    tx: Option<SyncSender<Vec<u8>>>,
    worker: Option<JoinHandle<std::io::Result<()>>>,
    part: PathBuf,
    dest: PathBuf,
}

impl CsvZip {
    /// Starts `dest` (a `.zip`) holding one entry `entry` (the CSV).
    pub fn create(dest: &Path, entry: &str, quote: Quote) -> std::io::Result<Self> {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let part = dest.with_extension("zip.part");
        let file = std::fs::File::create(&part)?;
        let (tx, rx) = sync_channel::<Vec<u8>>(4);
        let entry = entry.to_owned();
        let worker = std::thread::Builder::new()
            .name("export-zip".into())
            .spawn(move || -> std::io::Result<()> {
                let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
                // Level 1: a CSV still shrinks about tenfold, at several times the speed.
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .compression_level(Some(1))
                    .large_file(true);
                zip.start_file(entry, options)
                    .map_err(std::io::Error::other)?;
                for block in rx {
                    zip.write_all(&block)?;
                }
                zip.finish()
                    .map_err(std::io::Error::other)?
                    .into_inner()
                    .map_err(|e| e.into_error())?
                    .sync_all()
            })?;
        Ok(Self {
            buf: Vec::with_capacity(BLOCK + 64 * 1024),
            quote,
            first: true,
            rows: 0,
            tx: Some(tx),
            worker: Some(worker),
            part,
            dest: dest.to_owned(),
        })
    }

    /// Rows ended so far (the header included).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// A free-text cell: neutralised if it would start a formula.
    pub fn text(&mut self, v: &str) -> &mut Self {
        self.put(v, true)
    }

    /// A cell we produced ourselves (codes, dates, amounts, base64): written as it is.
    pub fn raw(&mut self, v: &str) -> &mut Self {
        self.put(v, false)
    }

    /// An optional free-text cell (empty when absent).
    pub fn opt(&mut self, v: Option<&str>) -> &mut Self {
        self.put(v.unwrap_or(""), true)
    }

    /// Several free-text cells.
    pub fn texts(&mut self, vs: &[&str]) -> &mut Self {
        for v in vs {
            self.put(v, true);
        }
        self
    }

    fn put(&mut self, v: &str, neutralise: bool) -> &mut Self {
        if !std::mem::take(&mut self.first) {
            self.buf.push(b';');
        }
        let lead = neutralise && crate::flussi::results::starts_formula(v);
        let quoted = self.quote == Quote::All || v.contains([';', '"', '\n', '\r']);
        if quoted {
            self.buf.push(b'"');
        }
        if lead {
            self.buf.push(b'\'');
        }
        if quoted && v.contains('"') {
            self.buf
                .extend_from_slice(v.replace('"', "\"\"").as_bytes());
        } else {
            self.buf.extend_from_slice(v.as_bytes());
        }
        if quoted {
            self.buf.push(b'"');
        }
        self
    }

    /// Ends the current row.
    pub fn end_row(&mut self) -> std::io::Result<()> {
        self.buf.push(b'\n');
        self.first = true;
        self.rows += 1;
        if self.buf.len() >= BLOCK {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> std::io::Result<()> {
        let block = std::mem::replace(&mut self.buf, Vec::with_capacity(BLOCK + 64 * 1024));
        let sent = self.tx.as_ref().map(|tx| tx.send(block));
        match sent {
            Some(Ok(())) => Ok(()),
            // The compressing thread stopped: its error is the one to report.
            _ => self
                .join()
                .and(Err(std::io::Error::other("zip writer stopped"))),
        }
    }

    fn join(&mut self) -> std::io::Result<()> {
        self.tx = None;
        match self.worker.take().map(JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(std::io::Error::other("zip writer panicked")),
            None => Ok(()),
        }
    }

    /// Completes the zip and moves it to its final name; returns its size in bytes.
    pub fn finish(mut self) -> std::io::Result<u64> {
        if !self.buf.is_empty() {
            self.send()?;
        }
        self.join()?;
        std::fs::rename(&self.part, &self.dest)?;
        Ok(std::fs::metadata(&self.dest)?.len())
    }
}

impl Drop for CsvZip {
    fn drop(&mut self) {
        // Abandoned (an error midway): no half file is left behind.
        if self.worker.is_some() {
            let _ = self.join();
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn read_back(path: &Path) -> String {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        assert_eq!(zip.len(), 1);
        let mut s = String::new();
        zip.by_index(0).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn quotes_escapes_and_neutralises() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.zip");
        let mut w = CsvZip::create(&dest, "x.csv", Quote::Needed).unwrap();
        w.texts(&["a", "=SUM(A1)", "b;c", "say \"hi\""]).raw("-1");
        w.end_row().unwrap();
        w.text("@cmd").opt(None).text("+39");
        w.end_row().unwrap();
        assert_eq!(w.rows(), 2);
        w.finish().unwrap();
        assert_eq!(
            read_back(&dest),
            "a;'=SUM(A1);\"b;c\";\"say \"\"hi\"\"\";-1\n'@cmd;;'+39\n"
        );
        assert!(!dir.path().join("x.zip.part").exists());
    }

    #[test]
    fn quote_all_and_large_output_in_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("y.zip");
        let mut w = CsvZip::create(&dest, "y.csv", Quote::All).unwrap();
        for i in 0..50_000 {
            w.raw(&i.to_string()).text("causale di prova");
            w.end_row().unwrap();
        }
        w.finish().unwrap();
        let s = read_back(&dest);
        assert_eq!(s.lines().count(), 50_000);
        assert_eq!(
            s.lines().nth(49_999),
            Some("\"49999\";\"causale di prova\"")
        );
    }

    #[test]
    fn an_abandoned_export_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("z.zip");
        let mut w = CsvZip::create(&dest, "z.csv", Quote::All).unwrap();
        w.raw("1");
        w.end_row().unwrap();
        drop(w);
        assert!(!dest.exists());
        assert!(!dir.path().join("z.zip.part").exists());
    }
}
