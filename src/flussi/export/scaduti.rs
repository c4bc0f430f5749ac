//! The export of positions falling due on a date (`paaSILPrenotaExportFlussoScaduti`):
//! as MyPay, the still-open dovuti of the listed due types whose due date is that day,
//! only for due types whose due date is mandatory (for the others the date is indicative
//! and the position stays payable). Columns as MyPay's: the import tracciato's debtor
//! and payment fields with `dataCreazione` after the IUV and `flgGeneraIuv` last.

use super::columns::cents;
use super::pagati::{contact_cells, DebtorContact, DEBTOR_CONTACT};
use super::sink::CsvZip;
use crate::db::schema::{dovuti, due_types};
use crate::db::{AnyConnection, DbError};
use crate::domain::DovutoState;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Rome;
use diesel::prelude::*;

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
    let found: Vec<(i64, String, bool)> = due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .filter(due_types::code.eq_any(codes))
        .select((due_types::id, due_types::code, due_types::due_date_required))
        .load(conn)?;
    let unknown = codes
        .iter()
        .filter(|c| !found.iter().any(|(_, f, _)| f == *c))
        .cloned()
        .collect();
    let ids = found.into_iter().filter(|f| f.2).map(|f| f.0).collect();
    Ok((ids, unknown))
}

type Debtor = (String, String, String);
type Payment = (i64, Option<i64>, String, Option<String>, String, String);
type Row = (
    String,
    Option<String>,
    NaiveDateTime,
    Debtor,
    DebtorContact,
    Payment,
    Option<String>,
    bool,
);

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
    let open = [DovutoState::Payable.code(), DovutoState::Expired.code()];
    let mut after = 0i64;
    let mut n = 0u64;
    loop {
        let page: Vec<(i64, Row)> = dovuti::table
            .inner_join(due_types::table)
            .filter(dovuti::entity_id.eq(entity_id))
            .filter(dovuti::due_type_id.eq_any(due_type_ids))
            .filter(dovuti::due_date.eq(day))
            .filter(dovuti::state.eq_any(open))
            .filter(dovuti::iuv.is_not_null())
            .filter(dovuti::id.gt(after))
            .order(dovuti::id)
            .limit(10_000)
            .select((
                dovuti::id,
                (
                    dovuti::iud,
                    dovuti::iuv,
                    dovuti::created_at,
                    (dovuti::debtor_kind, dovuti::debtor_id, dovuti::debtor_name),
                    DEBTOR_CONTACT,
                    (
                        dovuti::amount_cents,
                        dovuti::pa_fee_cents,
                        due_types::code,
                        dovuti::payment_type,
                        dovuti::causale,
                        dovuti::collection_data,
                    ),
                    dovuti::bilancio,
                    dovuti::generate_iuv,
                ),
            ))
            .load(conn)?;
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
