//! The payment receipt ("ricevuta di pagamento") as PDF, printed from a receipt the node
//! pushed (paSendRT / paSendRTV2): entity, notice and IUV, amount and fee, payer and debtor,
//! PSP and channel, dates, and how the amount was split among the beneficiaries.

use super::canvas::{AvvisoError, Document, Logo, Page, PlacedLogo};
use super::lang::euro;
use crate::db::models::Scope;
use crate::db::models::{dovuto, receipt_print};
use crate::db::{AnyConnection, DbError};
use crate::domain::AmountCents;
use crate::format::rome_time;

pub use crate::db::models::receipt_print::{ReceiptSource, TransferLine};

/// A receipt ready to print.
#[derive(Debug, Clone)]
pub struct Ricevuta {
    src: ReceiptSource,
    transfers: Vec<TransferLine>,
    logo: Option<Logo>,
}

/// The receipt of dovuto `dovuto_id` if `scope` sees the dovuto: `Ok(None)` when not
/// visible, `Ok(Some(None))` when no positive receipt is stored for it. A paid-twice dovuto
/// prints its first receipt (the one that paid it).
pub fn for_dovuto(
    conn: &mut AnyConnection,
    scope: &Scope,
    dovuto_id: i64,
) -> Result<Option<Option<Ricevuta>>, DbError> {
    match dovuto::owner(conn, dovuto_id)? {
        Some((e, d)) if scope.sees_due_type(e, d) => {}
        _ => return Ok(None),
    }
    let Some((src, transfers)) = receipt_print::paid_by(conn, dovuto_id)? else {
        return Ok(Some(None));
    };
    let logo = super::source::entity_logo(conn, src.entity_id)?;
    Ok(Some(Some(Ricevuta {
        src,
        transfers,
        logo,
    })))
}

fn amount(cents: i64) -> String {
    AmountCents::from_cents(cents).map_or_else(|_| format!("{cents} cent"), euro)
}

fn row(p: &mut Page, y: f32, label: &str, value: &str) {
    p.text(15.0, y, 8.0, false, label);
    p.fitted(65.0, y, 10.0, true, 130.0, value);
}

impl Ricevuta {
    /// `MYPAY_RICEVUTA_<cod IPA>_<IUV>.pdf`.
    pub fn file_name(&self) -> String {
        format!("MYPAY_RICEVUTA_{}_{}.pdf", self.src.cod_ipa, self.src.iuv)
    }

    /// Renders the receipt as PDF bytes.
    pub fn render(&self) -> Result<Vec<u8>, AvvisoError> {
        let s = &self.src;
        let mut doc = Document::new(&format!("Ricevuta di pagamento {}", s.iuv))?;
        let logo = self.logo.as_ref().map(|l| doc.logo(l));
        let mut p = doc.page();
        self.header(&mut p, logo.as_ref());
        let rows = self.payment_rows();
        p.text(15.0, 238.0, 8.0, true, "DATI DEL PAGAMENTO");
        for (i, (label, value)) in rows.iter().enumerate() {
            row(&mut p, 231.0 - i as f32 * 6.5, label, value);
        }
        let top = 231.0 - rows.len() as f32 * 6.5 - 4.0;
        p.rule(top + 4.0);
        self.split(&mut p, top);
        p.fitted(15.0, 20.0, 7.0, false, 180.0, &format!("Documento prodotto dalla ricevuta telematica pagoPA {} ricevuta dal Nodo dei Pagamenti-SPC.", s.receipt_id));
        doc.push(p);
        Ok(doc.finish())
    }

    /// Title, causale, logo and the creditor entity.
    fn header(&self, p: &mut Page, logo: Option<&PlacedLogo>) {
        let s = &self.src;
        p.text(15.0, 280.0, 16.0, true, "RICEVUTA DI PAGAMENTO");
        p.fitted(15.0, 273.0, 11.0, false, 140.0, &s.causale);
        if let Some(logo) = logo {
            p.logo(logo, 160.0, 287.0, 35.0, 17.0);
        }
        p.rule(268.0);
        p.text(15.0, 262.0, 8.0, true, "ENTE CREDITORE");
        p.fitted(15.0, 256.0, 12.0, true, 180.0, &s.entity_name);
        let cf = format!("Codice fiscale {}", s.entity_cf);
        p.text(15.0, 251.0, 9.0, false, &cf);
        p.rule(245.0);
    }

    /// The payment's facts, label and value, in the order printed.
    fn payment_rows(&self) -> Vec<(&'static str, String)> {
        let s = &self.src;
        let dash = || "—".to_owned();
        let person = |id: Option<&str>, name: Option<&str>| match (id, name) {
            (Some(id), Some(name)) => format!("{name} ({id})"),
            (Some(v), None) | (None, Some(v)) => v.to_owned(),
            (None, None) => dash(),
        };
        let outcome = if s.outcome == "OK" {
            "Pagamento eseguito"
        } else {
            "Pagamento non eseguito"
        };
        let applied = s.application_date.map(|d| d.format("%d/%m/%Y").to_string());
        vec![
            ("Esito", outcome.to_owned()),
            ("Importo pagato", amount(s.amount_cents)),
            ("Commissione PSP", s.fee_cents.map_or_else(dash, amount)),
            (
                "Codice Avviso",
                s.notice_number.clone().unwrap_or_else(dash),
            ),
            ("IUV", s.iuv.clone()),
            ("Identificativo ricevuta", s.receipt_id.clone()),
            (
                "Data e ora del pagamento",
                s.payment_at.as_ref().map_or_else(dash, rome_time),
            ),
            ("Data di applicazione", applied.unwrap_or_else(dash)),
            (
                "Pagatore",
                person(s.payer_id.as_deref(), s.payer_name.as_deref()),
            ),
            (
                "Debitore",
                person(s.debtor_id.as_deref(), s.debtor_name.as_deref()),
            ),
            (
                "Prestatore (PSP)",
                person(Some(&s.psp_id), s.psp_name.as_deref()),
            ),
            ("Canale", s.channel_id.clone().unwrap_or_else(dash)),
            ("Strumento", s.payment_method.clone().unwrap_or_else(dash)),
            ("Ricevuta registrata il", rome_time(&s.received_at)),
        ]
    }

    /// How the amount was split among the beneficiaries, a line each from `top` down.
    fn split(&self, p: &mut Page, top: f32) {
        p.text(15.0, top - 2.0, 8.0, true, "RIPARTIZIONE DELL'IMPORTO");
        for (x, label) in [
            (15.0, "#"),
            (22.0, "Ente beneficiario"),
            (55.0, "IBAN"),
            (115.0, "Importo"),
            (145.0, "Causale"),
        ] {
            p.text(x, top - 8.0, 8.0, true, label);
        }
        for (i, t) in self.transfers.iter().enumerate() {
            let y = top - 14.0 - i as f32 * 6.0;
            let iban = t.iban.as_deref().unwrap_or("marca da bollo");
            p.text(15.0, y, 9.0, false, &(i + 1).to_string());
            p.text(22.0, y, 9.0, false, &t.fiscal_code_pa);
            p.fitted(55.0, y, 8.0, false, 58.0, iban);
            p.text(115.0, y, 9.0, false, &amount(t.amount_cents));
            let causale = t.remittance.as_deref().unwrap_or("");
            p.fitted(145.0, y, 8.0, false, 50.0, causale);
        }
    }
}
