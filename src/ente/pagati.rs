//! MyPay's payload shapes written from our data: `Dovuti` for open positions, and
//! `Pagati` / `PagatiConRicevuta` for a receipt the node pushed (receiptId as IUR and
//! message id, PSP as attesting institute, the entity as beneficiary), with the receipt's
//! own XML alongside as `rt`.

use crate::domain::AmountCents;
use crate::soap::pa_per_ente::PAYLOAD_NS;
use crate::soap::writer::{truncate_chars, XmlWriter};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Rome;

pub use crate::db::models::payload::{DovutoOut, PaidFilter, PaidOut};

fn amount(cents: i64) -> String {
    AmountCents::from_cents(cents).map_or_else(|_| "0.00".into(), |a| a.to_string())
}

fn text(s: &str, max: usize) -> &str {
    truncate_chars(s.trim(), max)
}

/// `Dovuti` for one position.
pub fn dovuti_xml(d: &DovutoOut) -> String {
    let mut w = XmlWriter::new();
    w.open_with("Dovuti", &[("xmlns", PAYLOAD_NS)])
        .leaf("versioneOggetto", "6.2")
        .open("soggettoPagatore")
        .open("identificativoUnivocoPagatore")
        .leaf("tipoIdentificativoUnivoco", &d.debtor_kind)
        .leaf("codiceIdentificativoUnivoco", text(&d.debtor_id, 35))
        .close("identificativoUnivocoPagatore")
        .leaf("anagraficaPagatore", text(&d.debtor_name, 70));
    let opt = |w: &mut XmlWriter, tag: &str, v: &Option<String>, max: usize| {
        w.leaf_opt(
            tag,
            v.as_deref().map(|v| text(v, max)).filter(|v| !v.is_empty()),
        );
    };
    opt(&mut w, "indirizzoPagatore", &d.debtor_address, 70);
    opt(&mut w, "civicoPagatore", &d.debtor_civic_number, 16);
    opt(&mut w, "capPagatore", &d.debtor_postal_code, 16);
    opt(&mut w, "localitaPagatore", &d.debtor_city, 35);
    opt(&mut w, "provinciaPagatore", &d.debtor_province, 2);
    let country = d
        .debtor_country
        .clone()
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()));
    opt(&mut w, "nazionePagatore", &country, 2);
    opt(&mut w, "e-mailPagatore", &d.debtor_email, 256);
    w.close("soggettoPagatore")
        .open("datiVersamento")
        .leaf("tipoVersamento", "ALL")
        .leaf_opt("identificativoUnivocoVersamento", d.iuv.as_deref())
        .open("datiSingoloVersamento")
        .leaf("identificativoUnivocoDovuto", &d.iud)
        .leaf("importoSingoloVersamento", &amount(d.amount_cents))
        .leaf_opt("commissioneCaricoPA", d.pa_fee_cents.map(amount).as_deref())
        .leaf("identificativoTipoDovuto", &d.due_type)
        .leaf("causaleVersamento", text(&d.causale, 1024))
        .leaf("datiSpecificiRiscossione", &d.collection_data);
    if let Some(b) = &d.bilancio {
        // Stored as we checked it: unprefixed elements, in the payload namespace here.
        w.raw(b);
    }
    w.close("datiSingoloVersamento")
        .close("datiVersamento")
        .close("Dovuti");
    w.finish()
}

pub use crate::db::models::payload::paid;

fn rome(t: &NaiveDateTime) -> chrono::DateTime<chrono_tz::Tz> {
    Rome.from_utc_datetime(t)
}

/// `Pagati` (or `PagatiConRicevuta` with the receipt-only fields) for one receipt or the
/// receipts of a portal cart (up to five): the first one names the payment (IUV, message,
/// payer), each one is a `datiSingoloPagamento` with its own IUD and IUR. Empty `items`
/// give an empty string.
pub fn pagati_xml(items: &[PaidOut], station: Option<&str>, with_receipt: bool) -> String {
    let Some(p) = items.first() else {
        return String::new();
    };
    let root = if with_receipt {
        "PagatiConRicevuta"
    } else {
        "Pagati"
    };
    let total: i64 = items.iter().map(|i| i.amount_cents).sum();
    let mut w = XmlWriter::new();
    w.open_with(root, &[("xmlns", PAYLOAD_NS)])
        .leaf("versioneOggetto", "6.2");
    message(&mut w, p, station);
    parties(&mut w, p);
    w.open("datiPagamento")
        .leaf(
            "codiceEsitoPagamento",
            if p.outcome == "OK" { "0" } else { "1" },
        )
        .leaf("importoTotalePagato", &amount(total))
        .leaf("identificativoUnivocoVersamento", &p.iuv)
        .leaf("codiceContestoPagamento", text(&p.receipt_id, 35));
    for (index, i) in items.iter().take(5).enumerate() {
        single_payment(&mut w, i, (index + 1, with_receipt));
    }
    w.close("datiPagamento").close(root);
    w.finish()
}

/// The domain, the receipt message's id and time, and the request they answer.
fn message(w: &mut XmlWriter, p: &PaidOut, station: Option<&str>) {
    let at = rome(&p.payment_at.unwrap_or(p.received_at));
    let day: NaiveDate = at.date_naive();
    w.open("dominio")
        .leaf("identificativoDominio", &p.entity_cf)
        .leaf_opt(
            "identificativoStazioneRichiedente",
            station.map(|s| text(s, 35)),
        )
        .close("dominio")
        .leaf("identificativoMessaggioRicevuta", text(&p.receipt_id, 35))
        .leaf(
            "dataOraMessaggioRicevuta",
            &at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        )
        .leaf("riferimentoMessaggioRichiesta", text(&p.receipt_id, 35))
        .leaf(
            "riferimentoDataRichiesta",
            &day.format("%Y-%m-%d").to_string(),
        );
}

/// The attesting PSP, the entity as beneficiary, and who paid (the payer, else the debtor).
fn parties(w: &mut XmlWriter, p: &PaidOut) {
    let (kind, id, name) = match (&p.payer_id, &p.payer_name) {
        (Some(id), Some(name)) => (p.payer_kind.as_deref().unwrap_or("F"), id, name),
        _ => (p.debtor_kind.as_str(), &p.debtor_id, &p.debtor_name),
    };
    w.open("istitutoAttestante")
        .open("identificativoUnivocoAttestante")
        .leaf("tipoIdentificativoUnivoco", "B")
        .leaf("codiceIdentificativoUnivoco", text(&p.psp_id, 35))
        .close("identificativoUnivocoAttestante")
        .leaf(
            "denominazioneAttestante",
            text(p.psp_name.as_deref().unwrap_or(&p.psp_id), 70),
        )
        .close("istitutoAttestante")
        .open("enteBeneficiario")
        .open("identificativoUnivocoBeneficiario")
        .leaf("tipoIdentificativoUnivoco", "G")
        .leaf("codiceIdentificativoUnivoco", &p.entity_cf)
        .close("identificativoUnivocoBeneficiario")
        .leaf("denominazioneBeneficiario", text(&p.entity_name, 70))
        .close("enteBeneficiario")
        .open("soggettoPagatore")
        .open("identificativoUnivocoPagatore")
        .leaf(
            "tipoIdentificativoUnivoco",
            if kind == "G" { "G" } else { "F" },
        )
        .leaf("codiceIdentificativoUnivoco", text(id, 35))
        .close("identificativoUnivocoPagatore")
        .leaf("anagraficaPagatore", text(name, 70))
        .leaf_opt("e-mailPagatore", p.payer_email.as_deref())
        .close("soggettoPagatore");
}

/// One receipt as a `datiSingoloPagamento`: the `index`th, with the receipt-only fields
/// when asked.
fn single_payment(w: &mut XmlWriter, i: &PaidOut, (index, with_receipt): (usize, bool)) {
    let day = rome(&i.payment_at.unwrap_or(i.received_at)).date_naive();
    w.open("datiSingoloPagamento")
        .leaf("identificativoUnivocoDovuto", &i.iud)
        .leaf("singoloImportoPagato", &amount(i.amount_cents))
        .leaf("esitoSingoloPagamento", "ESEGUITO")
        .leaf(
            "dataEsitoSingoloPagamento",
            &day.format("%Y-%m-%d").to_string(),
        )
        .leaf("identificativoUnivocoRiscossione", text(&i.receipt_id, 35))
        .leaf("causaleVersamento", text(&i.causale, 140))
        .leaf("datiSpecificiRiscossione", &i.collection_data);
    if with_receipt {
        w.leaf("indiceDatiSingoloPagamento", &index.to_string())
            .leaf_opt(
                "commissioniApplicatePSP",
                i.fee_cents.map(amount).as_deref(),
            );
    }
    w.close("datiSingoloPagamento");
}
