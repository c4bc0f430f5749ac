//! MyPay's payload shapes written from our data: `Dovuti` for open positions, and
//! `Pagati` / `PagatiConRicevuta` for a receipt the node pushed (receiptId as IUR and
//! message id, PSP as attesting institute, the entity as beneficiary), with the receipt's
//! own XML alongside as `rt`.

use crate::db::schema::{dovuti, due_types, entities, receipts, stations};
use crate::db::{AnyConnection, DbError};
use crate::domain::AmountCents;
use crate::soap::pa_per_ente::PAYLOAD_NS;
use crate::soap::writer::{truncate_chars, XmlWriter};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Rome;
use diesel::prelude::*;

/// A dovuto as the `Dovuti` payload describes it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dovuti)]
pub struct DovutoOut {
    /// IUD.
    pub iud: String,
    /// IUV.
    pub iuv: Option<String>,
    debtor_kind: String,
    debtor_id: String,
    debtor_name: String,
    debtor_address: Option<String>,
    debtor_civic_number: Option<String>,
    debtor_postal_code: Option<String>,
    debtor_city: Option<String>,
    debtor_province: Option<String>,
    debtor_country: Option<String>,
    debtor_email: Option<String>,
    amount_cents: i64,
    pa_fee_cents: Option<i64>,
    causale: String,
    collection_data: String,
    bilancio: Option<String>,
    /// When the IUV was assigned.
    pub iuv_assigned_at: Option<NaiveDateTime>,
    #[diesel(select_expression = due_types::code)]
    due_type: String,
}

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

/// A stored positive receipt with what `Pagati` needs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = receipts)]
pub struct PaidOut {
    receipt_id: String,
    iuv: String,
    outcome: String,
    amount_cents: i64,
    fee_cents: Option<i64>,
    psp_id: String,
    psp_name: Option<String>,
    payer_kind: Option<String>,
    payer_id: Option<String>,
    payer_name: Option<String>,
    payer_email: Option<String>,
    payment_at: Option<NaiveDateTime>,
    received_at: NaiveDateTime,
    /// The receipt as the node sent it.
    pub raw_xml: String,
    #[diesel(select_expression = dovuti::iud)]
    iud: String,
    #[diesel(select_expression = dovuti::causale)]
    causale: String,
    #[diesel(select_expression = dovuti::collection_data)]
    collection_data: String,
    #[diesel(select_expression = dovuti::debtor_kind)]
    debtor_kind: String,
    #[diesel(select_expression = dovuti::debtor_id)]
    debtor_id: String,
    #[diesel(select_expression = dovuti::debtor_name)]
    debtor_name: String,
    #[diesel(select_expression = entities::fiscal_code)]
    entity_cf: String,
    #[diesel(select_expression = entities::name)]
    entity_name: String,
    /// The entity's IPA code.
    #[diesel(select_expression = entities::cod_ipa)]
    pub cod_ipa: String,
}

/// Which receipts to read.
#[derive(Debug, Clone, Default)]
pub struct PaidFilter {
    /// The entity.
    pub entity_id: i64,
    /// Only this dovuto's.
    pub dovuto_id: Option<i64>,
    /// Only dovuti of this debtor (fiscal code).
    pub debtor: Option<String>,
    /// Paid at or after (UTC).
    pub from: Option<NaiveDateTime>,
    /// Paid before (UTC).
    pub to: Option<NaiveDateTime>,
}

/// Positive receipts (oldest first, at most `limit`) matching `f`, with station codes.
pub fn paid(
    conn: &mut AnyConnection,
    f: &PaidFilter,
    limit: i64,
) -> Result<Vec<(PaidOut, Option<String>)>, DbError> {
    Ok(crate::with_backend!(conn, c => {
        let mut q = receipts::table
            .inner_join(dovuti::table)
            .inner_join(entities::table.left_join(stations::table))
            .filter(receipts::outcome.eq("OK"))
            .filter(receipts::entity_id.eq(f.entity_id))
            .order((receipts::received_at.asc(), receipts::id.asc()))
            .limit(limit)
            .select((PaidOut::as_select(), stations::code.nullable()))
            .into_boxed();
        if let Some(id) = f.dovuto_id {
            q = q.filter(receipts::dovuto_id.eq(id));
        }
        if let Some(debtor) = &f.debtor {
            q = q.filter(dovuti::debtor_id.eq(debtor.clone()));
        }
        if let Some(from) = f.from {
            q = q.filter(receipts::received_at.ge(from));
        }
        if let Some(to) = f.to {
            q = q.filter(receipts::received_at.lt(to));
        }
        q.load(c)
    })?)
}

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
    let at = rome(&p.payment_at.unwrap_or(p.received_at));
    let day: NaiveDate = at.date_naive();
    let (kind, id, name) = match (&p.payer_id, &p.payer_name) {
        (Some(id), Some(name)) => (
            p.payer_kind.clone().unwrap_or_else(|| "F".into()),
            id.clone(),
            name.clone(),
        ),
        _ => (
            p.debtor_kind.clone(),
            p.debtor_id.clone(),
            p.debtor_name.clone(),
        ),
    };
    let mut w = XmlWriter::new();
    w.open_with(root, &[("xmlns", PAYLOAD_NS)])
        .leaf("versioneOggetto", "6.2")
        .open("dominio")
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
        )
        .open("istitutoAttestante")
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
        .leaf("codiceIdentificativoUnivoco", text(&id, 35))
        .close("identificativoUnivocoPagatore")
        .leaf("anagraficaPagatore", text(&name, 70))
        .leaf_opt("e-mailPagatore", p.payer_email.as_deref())
        .close("soggettoPagatore")
        .open("datiPagamento")
        .leaf(
            "codiceEsitoPagamento",
            if p.outcome == "OK" { "0" } else { "1" },
        )
        .leaf("importoTotalePagato", &amount(total))
        .leaf("identificativoUnivocoVersamento", &p.iuv)
        .leaf("codiceContestoPagamento", text(&p.receipt_id, 35));
    for (index, i) in items.iter().take(5).enumerate() {
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
            w.leaf("indiceDatiSingoloPagamento", &(index + 1).to_string())
                .leaf_opt(
                    "commissioniApplicatePSP",
                    i.fee_cents.map(amount).as_deref(),
                );
        }
        w.close("datiSingoloPagamento");
    }
    w.close("datiPagamento").close(root);
    w.finish()
}
