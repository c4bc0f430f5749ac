//! A flusso as uploaded: `<anything>-<IUF>-<version>.zip` holding exactly one CSV. The zip
//! is checked before a single row is imported — one CSV, sizes and compression ratio
//! within limits (zip bombs), UTF-8, no line longer than [`MAX_LINE`], at least one row
//! after the header — so a bad file fails whole and nothing is half-imported.

use super::checks::longer_than;
use super::tracciato::Version;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Longest CSV line accepted (characters of one record).
pub const MAX_LINE: usize = 100_000;
/// Largest CSV accepted once uncompressed.
pub const MAX_CSV_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Highest uncompressed/compressed ratio accepted.
pub const MAX_RATIO: u64 = 200;

/// A file-level failure: MyPay's code and a description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct FileError {
    /// Code (the flusso's state when it fails).
    pub code: String,
    /// What is wrong.
    pub message: String,
}

fn fail<T>(code: &str, message: impl Into<String>) -> Result<T, FileError> {
    Err(FileError {
        code: code.to_owned(),
        message: message.into(),
    })
}

/// What the file name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlussoName {
    /// Name without `.zip`.
    pub base: String,
    /// Identificativo univoco del flusso.
    pub iuf: String,
    /// Tracciato version.
    pub version: Version,
}

/// Parses `<anything>-<IUF>-<version>.zip` as MyPay does (second and third `-` parts).
pub fn parse_name(file_name: &str) -> Result<FlussoName, FileError> {
    let Some(base) = file_name
        .strip_suffix(".zip")
        .or_else(|| file_name.strip_suffix(".ZIP"))
    else {
        return fail(
            "PAA_IMPORT_NOME_FILE_NON_VALIDO",
            "il file deve essere uno zip",
        );
    };
    let parts: Vec<&str> = base.split('-').collect();
    if parts.len() < 3 || parts[1].is_empty() || parts[1].len() > 35 {
        return fail(
            "PAA_IMPORT_NOME_FILE_NON_VALIDO",
            format!("nome {file_name:?}: atteso <nome>-<IUF>-<versione>.zip"),
        );
    }
    let Some(version) = Version::parse(parts[2]) else {
        return fail(
            "PAA_IMPORT_FILE_VERSIONE_ERR",
            format!(
                "versione del tracciato {:?} non supportata (1_0 … 1_4)",
                parts[2]
            ),
        );
    };
    Ok(FlussoName {
        base: base.to_owned(),
        iuf: parts[1].to_owned(),
        version,
    })
}

/// Runs `f` on a streaming reader of the only CSV of the zip at `path`, the reader
/// refusing to inflate beyond the limits.
pub fn with_csv<T>(
    path: &Path,
    f: impl FnOnce(&mut dyn Read) -> Result<T, FileError>,
) -> Result<T, FileError> {
    let io = |e: std::io::Error| FileError {
        code: "PAA_IMPORT_FLUSSO_ERRORE_GENERICO".into(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| FileError {
        code: "PAA_IMPORT_NO_CSV".into(),
        message: format!("zip non leggibile: {e}"),
    })?;
    let csvs: Vec<usize> = (0..zip.len())
        .filter(|&i| zip.by_index_raw(i).is_ok_and(|e| e.is_file()))
        .collect();
    let [index] = csvs[..] else {
        return fail(
            "PAA_IMPORT_NO_CSV",
            format!(
                "lo zip deve contenere un solo file CSV, ne contiene {}",
                csvs.len()
            ),
        );
    };
    let entry = zip.by_index(index).map_err(|e| FileError {
        code: "PAA_IMPORT_NO_CSV".into(),
        message: e.to_string(),
    })?;
    let (size, packed) = (entry.size(), entry.compressed_size().max(1));
    if size > MAX_CSV_BYTES || size / packed > MAX_RATIO {
        return fail(
            "PAA_IMPORT_FLUSSO_TROPPO_GRANDE",
            format!(
                "CSV di {size} byte ({}x compresso): oltre i limiti",
                size / packed
            ),
        );
    }
    // The declared size may lie: never read more than it, nor past the limits.
    let budget = size
        .min(MAX_CSV_BYTES)
        .min(packed.saturating_mul(MAX_RATIO));
    let mut limited = Guard {
        inner: entry,
        left: budget,
    };
    f(&mut limited)
}

/// Stops a reader at `left` bytes with an error (instead of a silent end).
struct Guard<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(
                "il CSV supera la dimensione dichiarata o i limiti",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// A CSV reader for the tracciati: `;`, optional `"` quoting with `""` or `\"` escapes,
/// `\n` or `\r\n` line ends, the header read as an ordinary record.
pub fn csv_reader<R: Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .escape(Some(b'\\'))
        .double_quote(true)
        .from_reader(r)
}

/// First pass over the CSV: every record UTF-8 and within [`MAX_LINE`], at least one row
/// after the header. Returns the number of rows (header excluded).
pub fn prescan(path: &Path) -> Result<u64, FileError> {
    with_csv(path, |r| {
        let mut reader = csv_reader(r);
        let mut record = csv::ByteRecord::new();
        let mut rows = 0u64;
        let mut line = 0u64;
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    return fail(
                        "PAA_IMPORT_FLUSSO_ERRORE_GENERICO",
                        format!("CSV non leggibile: {e}"),
                    )
                }
            }
            line += 1;
            let bytes = record.as_slice();
            if bytes.len() > MAX_LINE * 4
                || std::str::from_utf8(bytes).map_or(true, |s| longer_than(s, MAX_LINE))
            {
                let why = if std::str::from_utf8(record.as_slice()).is_err() {
                    "caratteri non UTF-8"
                } else {
                    "riga più lunga di 100.000 caratteri"
                };
                return fail(
                    "PAA_IMPORT_FLUSSO_ERRORE_GENERICO",
                    format!("riga {line}: {why}"),
                );
            }
            if line > 1 {
                rows += 1;
            }
        }
        if rows == 0 {
            return fail(
                "PAA_IMPORT_FLUSSO_VUOTO",
                "il CSV non contiene righe oltre l'intestazione",
            );
        }
        Ok(rows)
    })
}

/// Where flusso `id`'s zip (`upload.zip`) and result files live.
pub fn dir(files_dir: &Path, id: i64) -> PathBuf {
    files_dir.join("flussi").join(id.to_string())
}

/// A file-level failure of no more specific kind.
pub fn generic(message: String) -> FileError {
    FileError {
        code: "PAA_IMPORT_FLUSSO_ERRORE_GENERICO".into(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let n = parse_name("COMUNE-IUF123-1_4.zip").unwrap();
        assert_eq!((n.iuf.as_str(), n.version), ("IUF123", Version::V1_4));
        assert_eq!(
            parse_name("X-IUF-2_0.zip").unwrap_err().code,
            "PAA_IMPORT_FILE_VERSIONE_ERR"
        );
        assert_eq!(
            parse_name("flusso.zip").unwrap_err().code,
            "PAA_IMPORT_NOME_FILE_NON_VALIDO"
        );
        assert_eq!(
            parse_name("A-B-1_0.csv").unwrap_err().code,
            "PAA_IMPORT_NOME_FILE_NON_VALIDO"
        );
    }
}
