//! The columns of MyPay's paid-dovuti export tracciati 1.0–1.3 and how values are
//! written in them (amounts with a dot and two decimals, Italian local date-times).

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Europe::Rome;

/// An export tracciato version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 1.0 (MyPay's default).
    V1_0,
    /// 1.1.
    V1_1,
    /// 1.2: with `bilancio`.
    V1_2,
    /// 1.3: with `bilancio` and the primary entity's columns.
    V1_3,
}

impl Version {
    /// Parses `versioneTracciato` (absent = 1.0).
    pub fn parse(v: Option<&str>) -> Option<Self> {
        match v.map(str::trim).unwrap_or("1.0") {
            "" | "1.0" => Some(Self::V1_0),
            "1.1" => Some(Self::V1_1),
            "1.2" => Some(Self::V1_2),
            "1.3" => Some(Self::V1_3),
            _ => None,
        }
    }

    /// `1.0`…`1.3`.
    pub fn code(self) -> &'static str {
        match self {
            Self::V1_0 => "1.0",
            Self::V1_1 => "1.1",
            Self::V1_2 => "1.2",
            Self::V1_3 => "1.3",
        }
    }
}

const BASE: [&str; 64] = [
    "iuf",
    "numRigaFlusso",
    "codIud",
    "codIuv",
    "versioneOggetto",
    "identificativoDominio",
    "identificativoStazioneRichiedente",
    "identificativoMessaggioRicevuta",
    "dataOraMessaggioRicevuta",
    "riferimentoMessaggioRichiesta",
    "riferimentoDataRichiesta",
    "tipoIdentificativoUnivoco",
    "codiceIdentificativoUnivoco",
    "denominazioneAttestante",
    "codiceUnitOperAttestante",
    "denomUnitOperAttestante",
    "indirizzoAttestante",
    "civicoAttestante",
    "capAttestante",
    "localitaAttestante",
    "provinciaAttestante",
    "nazioneAttestante",
    "enteBenefTipoIdentificativoUnivoco",
    "enteBenefCodiceIdentificativoUnivoco",
    "denominazioneBeneficiario",
    "codiceUnitOperBeneficiario",
    "denomUnitOperBeneficiario",
    "indirizzoBeneficiario",
    "civicoBeneficiario",
    "capBeneficiario",
    "localitaBeneficiario",
    "provinciaBeneficiario",
    "nazioneBeneficiario",
    "soggVersTipoIdentificativoUnivoco",
    "soggVersCodiceIdentificativoUnivoco",
    "anagraficaVersante",
    "indirizzoVersante",
    "civicoVersante",
    "capVersante",
    "localitaVersante",
    "provinciaVersante",
    "nazioneVersante",
    "emailVersante",
    "soggPagTipoIdentificativoUnivoco",
    "soggPagCodiceIdentificativoUnivoco",
    "anagraficaPagatore",
    "indirizzoPagatore",
    "civicoPagatore",
    "capPagatore",
    "localitaPagatore",
    "provinciaPagatore",
    "nazionePagatore",
    "emailPagatore",
    "codiceEsitoPagamento",
    "importoTotalePagato",
    "identificativoUnivocoVersamento",
    "codiceContestoPagamento",
    "singoloImportoPagato",
    "esitoSingoloPagamento",
    "dataEsitoSingoloPagamento",
    "identificativoUnivocoRiscoss",
    "causaleVersamento",
    "datiSpecificiRiscossione",
    "tipoDovuto",
];

const RECEIPT: [&str; 6] = [
    "tipoFirma",
    "rt",
    "indiceDatiSingoloPagamento",
    "numRtDatiPagDatiSingPagCommissioniApplicatePsp",
    "codRtDatiPagDatiSingPagAllegatoRicevutaTipo",
    "blbRtDatiPagDatiSingPagAllegatoRicevutaTest",
];

/// The header of `version`, with or without the receipt columns.
pub fn header(version: Version, receipt: bool) -> Vec<&'static str> {
    let mut h = BASE.to_vec();
    if receipt {
        h.extend(RECEIPT);
    }
    match version {
        Version::V1_2 => h.push("bilancio"),
        Version::V1_3 => h.extend([
            "bilancio",
            "cod_fiscale_pa1",
            "de_nome_pa1",
            "cod_tassonomico_dovuto_pa1",
        ]),
        _ => {}
    }
    h
}

/// `1234.56` from cents.
pub(crate) fn cents(c: i64) -> String {
    format!("{}.{:02}", c / 100, (c % 100).abs())
}

/// `yyyy-MM-ddTHH:mm:ss` in Italian time (written by hand: a million rows through
/// `strftime` cost more than the rest of the row).
pub(crate) fn local_stamp(utc: &NaiveDateTime) -> String {
    let mut out = String::with_capacity(19);
    crate::db::stamp::push_date_time(&mut out, &Rome.from_utc_datetime(utc).naive_local(), "T");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_per_version() {
        assert_eq!(header(Version::V1_0, false).len(), 64);
        assert_eq!(header(Version::V1_1, true).len(), 70);
        assert_eq!(header(Version::V1_2, false).last(), Some(&"bilancio"));
        let h = header(Version::V1_3, true);
        assert_eq!(h.len(), 74);
        assert_eq!(h[65], "rt");
        assert_eq!(h[73], "cod_tassonomico_dovuto_pa1");
        assert_eq!(Version::parse(None), Some(Version::V1_0));
        assert_eq!(Version::parse(Some("1.3")), Some(Version::V1_3));
        assert_eq!(Version::parse(Some("1.4")), None);
        assert_eq!(cents(123456), "1234.56");
        assert_eq!(cents(5), "0.05");
        let summer = NaiveDateTime::parse_from_str("2026-06-30 22:05:09", "%Y-%m-%d %H:%M:%S");
        assert_eq!(local_stamp(&summer.unwrap()), "2026-07-01T00:05:09");
        let winter = NaiveDateTime::parse_from_str("2026-01-05 08:00:00", "%Y-%m-%d %H:%M:%S");
        assert_eq!(local_stamp(&winter.unwrap()), "2026-01-05T09:00:00");
    }
}
