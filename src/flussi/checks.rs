//! The checks behind [`super::tracciato::parse_row`]: problems collected under the first
//! one's code, field-level rules, and the 1_4 secondary beneficiary columns.

use crate::domain::{AmountCents, Iban, PartitaIva};

/// The secondary beneficiary of a 1_4 multi-beneficiary row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondaryRow {
    /// Fiscal code.
    pub fiscal_code: String,
    /// Name.
    pub name: String,
    /// IBAN credited.
    pub iban: String,
    /// Street, civic, postal code, city, province, country.
    pub address: [Option<String>; 6],
    /// Taxonomy.
    pub collection_data: String,
    /// Causale.
    pub causale: Option<String>,
    /// Its share.
    pub amount: AmountCents,
}

/// Why a row was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// `cod_rifiuto`.
    pub code: String,
    /// `de_rifiuto`.
    pub message: String,
}

/// Collects problems; the first one's code names the rejection.
#[derive(Default)]
pub(super) struct Problems {
    code: Option<&'static str>,
    messages: Vec<String>,
}

impl Problems {
    pub(super) fn add(&mut self, code: &'static str, message: impl Into<String>) {
        self.code.get_or_insert(code);
        self.messages.push(message.into());
    }

    pub(super) fn finish<T>(self, ok: impl FnOnce() -> T) -> Result<T, Reject> {
        match self.code {
            None => Ok(ok()),
            Some(code) => Err(Reject {
                code: code.to_owned(),
                message: self.messages.join("|"),
            }),
        }
    }
}

pub(super) const SYNTAX: &str = "PAA_IMPORT_SINTASSI_CSV";

pub(super) fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Whether `s` has more than `max` characters. No more bytes than `max` means no more
/// characters, so only longer strings are counted.
pub(super) fn longer_than(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

/// `Some(value)` within `max` characters; records `code` otherwise.
pub(super) fn limited(
    p: &mut Problems,
    value: &str,
    max: usize,
    code: &'static str,
    what: &str,
) -> Option<String> {
    let v = opt(value);
    if v.as_deref().is_some_and(|v| longer_than(v, max)) {
        p.add(code, format!("{what} TROPPO LUNGO (MAX {max})"));
        return None;
    }
    v
}

pub(super) fn required(
    p: &mut Problems,
    value: &str,
    max: usize,
    code: &'static str,
    what: &str,
) -> String {
    match limited(p, value, max, code, what) {
        Some(v) => v,
        None if value.trim().is_empty() => {
            p.add(code, format!("{what} NON PRESENTE"));
            String::new()
        }
        None => String::new(),
    }
}

pub(super) fn email_ok(e: &str) -> bool {
    let Some((user, domain)) = e.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(char::is_whitespace)
}

pub(super) fn amount(
    p: &mut Problems,
    value: &str,
    code: &'static str,
    what: &str,
    required: bool,
) -> Option<AmountCents> {
    let v = value.trim();
    if v.is_empty() {
        if required {
            p.add(code, format!("{what} NON PRESENTE"));
        }
        return None;
    }
    match AmountCents::parse(v) {
        Ok(a) if v.len() <= 15 && (!required || a.cents() > 0) => Some(a),
        _ => {
            p.add(code, format!("{what} NON VALIDO"));
            None
        }
    }
}

pub(super) fn flag(p: &mut Problems, value: &str, what: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" => None,
        "true" => Some(true),
        "false" => Some(false),
        _ => {
            p.add(SYNTAX, format!("{what} DEVE ESSERE true O false"));
            None
        }
    }
}

/// The secondary beneficiary columns of a 1_4 multi-beneficiary row.
pub(super) fn secondary(
    p: &mut Problems,
    f: &[&str],
    total: Option<AmountCents>,
) -> Option<SecondaryRow> {
    const CODE: &str = "PAA_IMPORT_SINTASSI_CSV_ENTE_SECONDARIO";
    let cf = f[0].trim();
    if PartitaIva::parse(cf).is_err() {
        p.add(
            "PAA_IMPORT_SINTASSI_CSV_COD_FISC_ENTE_SECONDARIO",
            "CODICE FISCALE ENTE SECONDARIO NON VALIDO",
        );
    }
    let name = required(p, f[1], 70, CODE, "DENOMINAZIONE ENTE SECONDARIO");
    let iban = f[2].trim().to_uppercase();
    if Iban::parse(&iban).is_err() {
        p.add(
            "PAA_IMPORT_SINTASSI_CSV_IBAN_ENTE_SECONDARIO",
            "IBAN ENTE SECONDARIO NON VALIDO",
        );
    }
    let address = [
        limited(p, f[3], 70, CODE, "INDIRIZZO ENTE SECONDARIO"),
        limited(p, f[4], 16, CODE, "CIVICO ENTE SECONDARIO"),
        limited(p, f[5], 16, CODE, "CAP ENTE SECONDARIO"),
        limited(p, f[6], 35, CODE, "LOCALITA ENTE SECONDARIO"),
        limited(p, f[7], 35, CODE, "PROVINCIA ENTE SECONDARIO"),
        limited(p, f[8], 2, CODE, "NAZIONE ENTE SECONDARIO"),
    ];
    let collection_data = required(
        p,
        f[9],
        140,
        "PAA_IMPORT_SINTASSI_CSV_DATI_RISCOSS_ENTE_SECONDARIO",
        "DATI SPECIFICI RISCOSSIONE ENTE SECONDARIO",
    );
    if !collection_data.is_empty() && !collection_data.starts_with("9/") {
        p.add(
            "PAA_IMPORT_SINTASSI_CSV_DATI_RISCOSS_ENTE_SECONDARIO",
            "DATI SPECIFICI RISCOSSIONE ENTE SECONDARIO: 9/<tassonomia>/...",
        );
    }
    let causale = limited(p, f[10], 1024, CODE, "CAUSALE ENTE SECONDARIO");
    let share = amount(
        p,
        f[11],
        "PAA_IMPORT_SINTASSI_CSV_IMPORTO_ENTE_SECONDARIO",
        "IMPORTO ENTE SECONDARIO",
        true,
    )?;
    if total.is_some_and(|t| share.cents() >= t.cents()) {
        p.add(
            "PAA_IMPORT_SINTASSI_CSV_IMPORTO_ENTE_SECONDARIO",
            "IMPORTO ENTE SECONDARIO NON INFERIORE ALL'IMPORTO DEL DOVUTO",
        );
    }
    Some(SecondaryRow {
        fiscal_code: cf.to_owned(),
        name,
        iban,
        address,
        collection_data,
        causale,
        amount: share,
    })
}
