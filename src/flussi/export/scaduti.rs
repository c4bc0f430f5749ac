//! The export of positions falling due on a date (`paaSILPrenotaExportFlussoScaduti`):
//! as MyPay, the still-open dovuti of the listed due types whose due date is that day,
//! only for due types whose due date is mandatory (for the others the date is indicative
//! and the position stays payable). Columns as MyPay's: the import tracciato's debtor
//! and payment fields with `dataCreazione` after the IUV and `flgGeneraIuv` last.

use super::columns::cents;
use super::pagati::contact_cells;
use super::sink::CsvZip;
use crate::db::models::paid_export;
use crate::db::{AnyConnection, DbError};
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::Rome;

/// The header.
pub const HEADER: [&str; 22] = [
    "IUD",
    "codIuv",
    "dataCreazione",
    "tipoIdentificativoUnivoco",
    "codiceIdentificativoUnivoco",
    "anagraficaPagatore",
    "indirizzoPagatore",
    "civicoPagatore",
    "capPagatore",
    "localitaPagatore",
    "provinciaPagatore",
    "nazionePagatore",
    "mailPagatore",
    "dataEsecuzionePagamento",
    "importoDovuto",
    "commissioneCaricoPa",
    "tipoDovuto",
    "tipoVersamento",
    "causaleVersamento",
    "datiSpecificiRiscossione",
    "bilancio",
    "flgGeneraIuv",
];

/// Splits MyPay's `tipiDovuto` (codes separated by `;`, spaces around allowed).
pub fn split_codes(list: &str) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for c in list.split([';', ',']).map(str::trim) {
        if !c.is_empty() && !codes.iter().any(|k| k == c) {
            codes.push(c.to_owned());
        }
    }
    codes
}

/// Of the entity's due types named in `codes`: (ids of those with a mandatory due date,
/// codes that are not the entity's).
pub fn resolve(
    conn: &mut AnyConnection,
    entity_id: i64,
    codes: &[String],
) -> Result<(Vec<i64>, Vec<String>), DbError> {
    let found = paid_export::due_types_named(conn, entity_id, codes)?;
    let unknown = codes
        .iter()
        .filter(|c| !found.iter().any(|(_, f, _)| f == *c))
        .cloned()
        .collect();
    let ids = found.into_iter().filter(|f| f.2).map(|f| f.0).collect();
    Ok((ids, unknown))
}

/// Writes the header and the open dovuti of `due_types` due on `day`; returns the rows.
pub fn write(
    conn: &mut AnyConnection,
    entity_id: i64,
    due_type_ids: &[i64],
    day: NaiveDate,
    w: &mut CsvZip,
) -> anyhow::Result<u64> {
    for h in HEADER {
        w.raw(h);
    }
    w.end_row()?;
    let mut after = 0i64;
    let mut n = 0u64;
    loop {
        let page =
            paid_export::falling_due_page(conn, entity_id, (due_type_ids, day), after, 10_000)?;
        let Some(last) = page.last() else { break };
        after = last.0;
        for (_, (iud, iuv, created, debtor, contact, pay, bilancio, generate)) in &page {
            let created = Rome.from_utc_datetime(created).format("%Y-%m-%d");
            w.text(iud).opt(iuv.as_deref()).raw(&created.to_string());
            w.raw(&debtor.0).text(&debtor.1).text(&debtor.2);
            contact_cells(w, contact);
            let (amount, fee, code, kind, causale, dsr) = pay;
            w.raw(&day.format("%Y-%m-%d").to_string())
                .raw(&cents(*amount));
            w.raw(&fee.map(cents).unwrap_or_default()).text(code);
            w.raw(kind.as_deref().unwrap_or("ALL"))
                .text(causale)
                .text(dsr);
            w.opt(bilancio.as_deref())
                .raw(if *generate { "true" } else { "false" });
            w.end_row()?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_due_type_lists() {
        assert_eq!(split_codes(" TARI ; IMU;;TARI"), vec!["TARI", "IMU"]);
        assert_eq!(split_codes("A,B"), vec!["A", "B"]);
        assert!(split_codes(" ; ").is_empty());
    }
}
