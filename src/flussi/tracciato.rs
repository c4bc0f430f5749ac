//! MyPay's CSV "tracciati" of dovuti (versions 1_0 to 1_4): the columns of each version
//! and every row-level rule, with MyPay's rejection codes (`PAA_IMPORT_SINTASSI_CSV_*`).
//! A row either becomes a [`Row`] or a [`Reject`] naming the first broken rule's code and
//! every problem found, joined with `|` as MyPay writes them.

use super::checks::{amount, email_ok, flag, limited, required, secondary, Problems, SYNTAX};
pub use super::checks::{Reject, SecondaryRow};
use crate::domain::{AmountCents, Azione, CollectionData, FiscalCode, Iuv, PartitaIva};
use chrono::NaiveDate;

/// A tracciato version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// 1_0: 20 columns, causale up to 140 characters.
    V1_0,
    /// 1_1: causale up to 1024.
    V1_1,
    /// 1_2: + bilancio.
    V1_2,
    /// 1_3: + flgGeneraIuv.
    V1_3,
    /// 1_4: + multi-beneficiary columns (35 in all).
    V1_4,
}

impl Version {
    /// From the file name's version part (`1_0` … `1_4`).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "1_0" => Self::V1_0,
            "1_1" => Self::V1_1,
            "1_2" => Self::V1_2,
            "1_3" => Self::V1_3,
            "1_4" => Self::V1_4,
            _ => return None,
        })
    }

    /// As written in file names.
    pub fn code(self) -> &'static str {
        match self {
            Self::V1_0 => "1_0",
            Self::V1_1 => "1_1",
            Self::V1_2 => "1_2",
            Self::V1_3 => "1_3",
            Self::V1_4 => "1_4",
        }
    }

    /// Columns of a row (`azione` is always the last one).
    pub fn columns(self) -> usize {
        match self {
            Self::V1_0 | Self::V1_1 => 20,
            Self::V1_2 => 21,
            Self::V1_3 => 22,
            Self::V1_4 => 35,
        }
    }
}

/// A valid row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// IUD.
    pub iud: String,
    /// IUV chosen by the entity.
    pub iuv: Option<String>,
    /// `F` / `G`.
    pub debtor_kind: String,
    /// Fiscal code (or `ANONIMO`).
    pub debtor_id: String,
    /// Name.
    pub debtor_name: String,
    /// Street, civic, postal code, city, province, country, e-mail.
    pub debtor_contact: [Option<String>; 7],
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Amount.
    pub amount: AmountCents,
    /// Fee borne by the entity.
    pub pa_fee: Option<AmountCents>,
    /// Due type code.
    pub due_type: String,
    /// Causale.
    pub causale: String,
    /// datiSpecificiRiscossione.
    pub collection_data: String,
    /// Bilancio XML (1_2+).
    pub bilancio: Option<String>,
    /// flgGeneraIuv (1_3+).
    pub generate_iuv: Option<bool>,
    /// Secondary beneficiary (1_4).
    pub secondary: Option<SecondaryRow>,
    /// `I`, `M` or `A`.
    pub action: Azione,
}

/// Checks one row of `version` (fields already split).
pub fn parse_row(version: Version, f: &[&str]) -> Result<Row, Reject> {
    if f.len() != version.columns() {
        return Err(Reject {
            code: SYNTAX.into(),
            message: format!(
                "NUMERO DI COLONNE ERRATO: {} INVECE DI {}",
                f.len(),
                version.columns()
            ),
        });
    }
    let mut p = Problems::default();
    let iud = required(&mut p, f[0], 35, "PAA_IMPORT_SINTASSI_CSV_IUD", "IUD");
    let iuv = limited(&mut p, f[1], 35, "PAA_IMPORT_SINTASSI_CSV_IUV", "COD_IUV");
    if iuv.as_deref().is_some_and(|i| Iuv::parse(i).is_err()) {
        p.add("PAA_IMPORT_SINTASSI_CSV_IUV", "COD_IUV NON VALIDO");
    }
    let (kind, debtor_id) = debtor_identity(&mut p, f[2], f[3]);
    let debtor_name = required(&mut p, f[4], 70, SYNTAX, "ANAGRAFICA PAGATORE");
    let contact = debtor_contact(&mut p, &f[5..12]);
    let due_date = due_date(&mut p, f[12]);
    let (amount_v, pa_fee, due_type) = money(&mut p, &f[13..17]);
    let causale_max = if version == Version::V1_0 { 140 } else { 1024 };
    let causale = required(&mut p, f[17], causale_max, SYNTAX, "CAUSALE");
    let collection_data = collection(&mut p, f[18]);
    let (bilancio, generate_iuv, secondary) = extras(&mut p, version, f, amount_v);
    let action = action(&mut p, f[f.len() - 1]);
    p.finish(|| Row {
        iud,
        iuv,
        debtor_kind: kind,
        debtor_id,
        debtor_name,
        debtor_contact: contact,
        due_date,
        amount: amount_v.unwrap_or_default(),
        pa_fee,
        due_type,
        causale,
        collection_data,
        bilancio,
        generate_iuv,
        secondary,
        action,
    })
}

/// The debtor's kind (`F` person, `G` company) and code: a fiscal code, a partita IVA
/// (companies) or `ANONIMO`.
fn debtor_identity(p: &mut Problems, kind: &str, code: &str) -> (String, String) {
    let kind = kind.trim().to_ascii_uppercase();
    if kind != "F" && kind != "G" {
        p.add(
            "PAA_IMPORT_SINTASSI_CSV_ID_UNIV_FG",
            "TIPO IDENTIFICATIVO UNIVOCO DEVE ESSERE F O G",
        );
    }
    let code = code.trim().to_ascii_uppercase();
    let id = if code == "ANONIMO" {
        code
    } else if kind == "F" {
        match FiscalCode::parse(&code) {
            Ok(cf) => cf.as_str().to_owned(),
            Err(_) => {
                p.add(
                    "PAA_IMPORT_SINTASSI_CSV_COD_FISC",
                    "CODICE FISCALE NON VALIDO",
                );
                code
            }
        }
    } else {
        match (PartitaIva::parse(&code), FiscalCode::parse(&code)) {
            (Ok(pi), _) => pi.as_str().to_owned(),
            (_, Ok(cf)) => cf.as_str().to_owned(),
            _ => {
                p.add("PAA_IMPORT_SINTASSI_CSV_P_IVA", "PARTITA IVA NON VALIDA");
                code
            }
        }
    };
    (kind, id)
}

/// The debtor's address, civic number, postal code, city, province, country and e-mail.
fn debtor_contact(p: &mut Problems, f: &[&str]) -> [Option<String>; 7] {
    let contact = [
        limited(
            p,
            f[0],
            70,
            "PAA_IMPORT_SINTASSI_CSV_INDIRIZZO",
            "INDIRIZZO",
        ),
        limited(p, f[1], 16, "PAA_IMPORT_SINTASSI_CSV_CIVICO", "CIVICO"),
        limited(p, f[2], 16, "PAA_IMPORT_SINTASSI_CSV_CAP", "CAP"),
        limited(p, f[3], 35, SYNTAX, "LOCALITA"),
        limited(p, f[4], 2, "PAA_IMPORT_SINTASSI_CSV_PROV", "PROVINCIA"),
        limited(p, f[5], 2, "PAA_IMPORT_SINTASSI_CSV_NAZ", "NAZIONE"),
        limited(p, f[6], 256, "PAA_IMPORT_SINTASSI_CSV_EMAIL", "EMAIL"),
    ];
    if contact[6].as_deref().is_some_and(|e| !email_ok(e)) {
        p.add("PAA_IMPORT_SINTASSI_CSV_EMAIL", "EMAIL NON VALIDA");
    }
    contact
}

/// `dataEsecuzionePagamento`: empty, or a day `yyyy-MM-dd`.
fn due_date(p: &mut Problems, field: &str) -> Option<NaiveDate> {
    match field.trim() {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                p.add(
                    "PAA_IMPORT_SINTASSI_CSV_DATA_SCADENZA_PAGAMENTO",
                    "DATA SCADENZA NON VALIDA (yyyy-MM-dd)",
                );
                None
            }
        },
    }
}

/// The amount, the entity's fee, the due type (and the payment type, checked only).
fn money(p: &mut Problems, f: &[&str]) -> (Option<AmountCents>, Option<AmountCents>, String) {
    let amount_v = amount(p, f[0], "PAA_IMPORT_SINTASSI_CSV_IMPORTO", "IMPORTO", true);
    let pa_fee = amount(
        p,
        f[1],
        "PAA_IMPORT_SINTASSI_CSV_COMMISSIONI_PA",
        "COMMISSIONE CARICO PA",
        false,
    );
    let due_type = required(
        p,
        f[2],
        64,
        "PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO",
        "TIPO DOVUTO",
    );
    limited(
        p,
        f[3],
        32,
        "PAA_IMPORT_SINTASSI_CSV_TIPO_VERS",
        "TIPO VERSAMENTO",
    );
    (amount_v, pa_fee, due_type)
}

/// `datiSpecificiRiscossione`.
fn collection(p: &mut Problems, field: &str) -> String {
    let code = "PAA_IMPORT_SINTASSI_CSV_DATI_RISCOSS";
    let data = required(p, field, 140, code, "DATI SPECIFICI RISCOSSIONE");
    if !data.is_empty() && CollectionData::parse(&data).is_err() {
        p.add(code, "DATI SPECIFICI RISCOSSIONE NON VALIDI");
    }
    data
}

/// What later tracciati add: bilancio (1_2), flgGeneraIuv (1_3), the secondary
/// beneficiary (1_4).
fn extras(
    p: &mut Problems,
    version: Version,
    f: &[&str],
    amount_v: Option<AmountCents>,
) -> (Option<String>, Option<bool>, Option<SecondaryRow>) {
    let bilancio = (version >= Version::V1_2)
        .then(|| {
            limited(
                p,
                f[19],
                4096,
                "PAA_IMPORT_SINTASSI_CSV_BILANCIO",
                "BILANCIO",
            )
        })
        .flatten();
    let generate_iuv = (version >= Version::V1_3)
        .then(|| flag(p, f[20], "FLG GENERA IUV"))
        .flatten();
    let shared = version == Version::V1_4 && flag(p, f[21], "FLAG MULTIBENEFICIARIO") == Some(true);
    let secondary = if shared {
        secondary(p, &f[22..34], amount_v)
    } else {
        None
    };
    (bilancio, generate_iuv, secondary)
}

/// `azione`: I, M or A.
fn action(p: &mut Problems, field: &str) -> Azione {
    Azione::parse(field.trim()).unwrap_or_else(|| {
        p.add(
            "PAA_IMPORT_SINTASSI_CSV_AZIONE",
            "AZIONE DEVE ESSERE I, M O A",
        );
        Azione::Insert
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn base() -> Vec<&'static str> {
        vec![
            "IUD-1",
            "",
            "F",
            "RSSMRA85T10A562S",
            "Mario Rossi",
            "Via Roma",
            "1",
            "30100",
            "Venezia",
            "VE",
            "IT",
            "mario@example.org",
            "2027-01-31",
            "12.50",
            "",
            "TARI",
            "ALL",
            "TARI 2026",
            "9/0101101IM/",
        ]
    }

    fn row(version: Version, extra: &[&'static str]) -> Vec<&'static str> {
        let mut r = base();
        r.extend_from_slice(extra);
        r.push("I");
        assert_eq!(r.len(), version.columns());
        r
    }

    #[test]
    fn a_good_row_of_every_version() {
        let r = parse_row(Version::V1_0, &row(Version::V1_0, &[])).unwrap();
        assert_eq!(
            (r.amount.cents(), r.action, r.debtor_kind.as_str()),
            (1250, Azione::Insert, "F")
        );
        parse_row(Version::V1_2, &row(Version::V1_2, &[""])).unwrap();
        let r = parse_row(Version::V1_3, &row(Version::V1_3, &["", "true"])).unwrap();
        assert_eq!(r.generate_iuv, Some(true));
        let mut multi = vec![
            "",
            "true",
            "true",
            "01234567897",
            "Provincia",
            "IT60X0542811101000000123456",
        ];
        multi.extend_from_slice(&["", "", "", "", "", "", "9/0101101IM/", "", "2.50"]);
        let r = parse_row(Version::V1_4, &row(Version::V1_4, &multi)).unwrap();
        assert_eq!(r.secondary.unwrap().amount.cents(), 250);
    }

    #[test]
    fn every_problem_is_reported_under_the_first_code() {
        let mut r = row(Version::V1_0, &[]);
        r[0] = "";
        r[3] = "NOTACODE";
        r[13] = "12,50";
        let e = parse_row(Version::V1_0, &r).unwrap_err();
        assert_eq!(e.code, "PAA_IMPORT_SINTASSI_CSV_IUD");
        assert_eq!(
            e.message,
            "IUD NON PRESENTE|CODICE FISCALE NON VALIDO|IMPORTO NON VALIDO"
        );
        let mut r = row(Version::V1_0, &[]);
        *r.last_mut().unwrap() = "X";
        assert_eq!(
            parse_row(Version::V1_0, &r).unwrap_err().code,
            "PAA_IMPORT_SINTASSI_CSV_AZIONE"
        );
        assert_eq!(
            parse_row(Version::V1_1, &base()).unwrap_err().code,
            "PAA_IMPORT_SINTASSI_CSV"
        );
    }

    proptest! {
        #[test]
        fn never_panics(fields in proptest::collection::vec("\\PC{0,40}", 0..40), v in 0usize..5) {
            let version = [Version::V1_0, Version::V1_1, Version::V1_2, Version::V1_3, Version::V1_4][v];
            let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            let _ = parse_row(version, &refs);
        }
    }
}
