//! The part of a chunk's work that needs no database: every row parsed and checked against
//! its tracciato and the entity's due types, and IUDs repeated inside the chunk refused.
//! An import does it on a second thread while the previous chunk is written, so what
//! reaches the writing thread is only what the database must decide.

use super::context::{Context, DueTypeRules};
use super::tracciato::{parse_row, Row};
use std::collections::HashSet;

/// A row as read: its number (1 = first after the header) and fields.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// Row number.
    pub number: i64,
    /// Its fields (one buffer for the whole row).
    pub fields: csv::StringRecord,
}

impl RawRow {
    /// The row written back as CSV (`;`, quoted where needed): only rejected rows need it.
    pub fn line(&self) -> String {
        line_of(&self.fields)
    }

    /// A rejection of this row: (number, code, message, line as sent).
    pub fn reject(&self, code: &str, message: &str) -> Rejected {
        (
            self.number,
            code.to_owned(),
            message.to_owned(),
            self.line(),
        )
    }
}

/// Fields written back as one CSV line (`;`, quoted where needed, no terminator).
pub fn line_of<I, S>(fields: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\n')
        .to_owned()
}

/// A rejected row: (number, `cod_rifiuto`, `de_rifiuto`, the line as sent).
pub type Rejected = (i64, String, String, String);

/// A chunk after the checks that need no database.
#[derive(Debug, Default)]
pub struct Prepared {
    /// The rows as read, in file order.
    pub rows: Vec<RawRow>,
    /// Rows refused so far.
    pub rejects: Vec<Rejected>,
    /// Rows that passed: (index in `rows`, the parsed row, its due type's id).
    pub good: Vec<(usize, Row, i64)>,
}

/// `row`, given its due type's default bilancio when it came without one (and the
/// default fits its amount).
fn with_default(mut row: Row, d: &DueTypeRules) -> Row {
    if row.bilancio.is_none() {
        row.bilancio = d
            .default_bilancio
            .as_ref()
            .and_then(|b| b.split(row.amount))
            .map(|b| crate::bilancio::stored(&b));
    }
    row
}

/// Parses and checks `rows` for `ctx`'s entity.
pub fn prepare(ctx: &Context, rows: Vec<RawRow>) -> Prepared {
    let mut rejects = Vec::new();
    let mut good = Vec::with_capacity(rows.len());
    let mut seen: HashSet<&str> = HashSet::with_capacity(rows.len());
    for (index, raw) in rows.iter().enumerate() {
        let fields: Vec<&str> = raw.fields.iter().collect();
        let row = match parse_row(ctx.version, &fields) {
            Ok(row) => row,
            Err(e) => {
                rejects.push((raw.number, e.code, e.message, raw.line()));
                continue;
            }
        };
        match ctx.due_types.get(&row.due_type) {
            None => rejects.push(raw.reject(
                "PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO_INESISTENTE",
                "TIPO DOVUTO INESISTENTE",
            )),
            Some(d) if !d.active => rejects.push(raw.reject(
                "PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO_NON_ATTIVO_PER_ENTE",
                "TIPO DOVUTO NON ATTIVO PER L'ENTE",
            )),
            Some(d) if d.due_date_required && row.due_date.is_none() => rejects.push(raw.reject(
                "PAA_IMPORT_SINTASSI_CSV_DATA_SCADENZA_PAGAMENTO_NON_PRESENTE",
                "DATA SCADENZA OBBLIGATORIA PER IL TIPO DOVUTO",
            )),
            Some(d) if d.account.is_none() && row.secondary.is_some() => rejects.push(raw.reject(
                "PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO",
                "TIPO DOVUTO SENZA CONTO PER LA QUOTA DELL'ENTE",
            )),
            // A parsed row's IUD is its first field trimmed; the field outlives the row.
            Some(_) if !seen.insert(raw.fields.get(0).unwrap_or_default().trim()) => {
                rejects.push(raw.reject("PAA_IMPORT_IUD_DUPLICATO", "IUD DUPLICATO NEL FLUSSO"))
            }
            Some(d) => good.push((index, with_default(row, d), d.id)),
        }
    }
    drop(seen);
    Prepared {
        rows,
        rejects,
        good,
    }
}
