//! The base64 payloads of the entity services (`Versamento`, `Dovuti`): decoded, parsed
//! with the same limits as SOAP envelopes (no DTDs, bounded depth and size) and read the
//! way `PagInf_Dovuti_Pagati_6_2_0.xsd` describes them, plus the rules beyond the schema
//! (fiscal codes, datiSpecificiRiscossione, bilancio adding up).

use super::fault::{EnteCode, EnteFault};
use crate::domain::bilancio::{Assessment, Bilancio, Chapter};
use crate::domain::{AmountCents, Azione, CollectionData, FiscalCode};
use crate::soap::pa_per_ente::PAYLOAD_NS;
use crate::soap::seq::{date_of, Seq};
use crate::soap::xml::Node;
use chrono::NaiveDate;

pub use super::encoded::{decode, MAX_PAYLOAD_BYTES};

/// The payer / debtor of a position: the same shape as pagoPA's `ctSubject`.
pub use crate::pagopa::wire::Subject;

/// Reads a `ctSoggettoPagatore`.
pub fn subject(node: &Node, path: &str) -> Result<Subject, EnteFault> {
    let mut s = Seq::qualified(node, path, PAYLOAD_NS)?;
    let idn = s.req("identificativoUnivocoPagatore")?;
    let mut id = Seq::qualified(idn, &s.path_of("identificativoUnivocoPagatore"), PAYLOAD_NS)?;
    let kind = id.one_of("tipoIdentificativoUnivoco", &["F", "G"])?;
    let code = id
        .text("codiceIdentificativoUnivoco", 1, 35)?
        .to_uppercase();
    id.end()?;
    let code = if code == "ANONIMO" {
        code
    } else {
        match (FiscalCode::parse(&code), kind.as_str()) {
            (Ok(cf), _) => cf.as_str().to_owned(),
            (Err(_), "F") => {
                return Err(EnteFault::new(
                    EnteCode::CodiceFiscaleNonValido,
                    format!("codice fiscale [{code}] non valido"),
                ))
            }
            (Err(_), _) => {
                return Err(EnteFault::new(
                    EnteCode::PIvaNonValido,
                    format!("codice fiscale / partita IVA [{code}] non valido"),
                ))
            }
        }
    };
    let subject = Subject {
        kind,
        id: code,
        full_name: s.text("anagraficaPagatore", 1, 70)?,
        street: s.text_opt("indirizzoPagatore", 1, 70)?,
        civic: s.text_opt("civicoPagatore", 1, 16)?,
        postal_code: s.text_opt("capPagatore", 1, 16)?,
        city: s.text_opt("localitaPagatore", 1, 35)?,
        province: s.text_opt("provinciaPagatore", 1, 2)?,
        country: s.text_opt("nazionePagatore", 2, 2)?,
        email: s.text_opt("e-mailPagatore", 1, 256)?,
    };
    s.end()?;
    Ok(subject)
}

/// One position as `Versamento` (paaSILImportaDovuto) describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versamento {
    /// Debtor (required for insertions).
    pub subject: Option<Subject>,
    /// Due date (`dataEsecuzionePagamento`).
    pub due_date: Option<NaiveDate>,
    /// IUV chosen by the entity.
    pub iuv: Option<String>,
    /// IUD.
    pub iud: String,
    /// Amount.
    pub amount: AmountCents,
    /// Fee charged to the entity.
    pub pa_fee: Option<AmountCents>,
    /// Due type code.
    pub due_type: String,
    /// Causale.
    pub causale: String,
    /// datiSpecificiRiscossione.
    pub collection_data: CollectionData,
    /// Bilancio, kept as sent (XML), already checked to add up.
    pub bilancio: Option<String>,
    /// `I` insert, `M` modify, `A` annul.
    pub action: Azione,
    /// A secondary entity sharing the amount (from `listaDovutiEntiSecondari`).
    pub secondary: Option<super::secondari::Secondary>,
    /// The position buys a marca da bollo digitale (`datiMarcaBolloDigitale`).
    pub stamp: Option<super::secondari::Stamp>,
}

/// Reads a `Versamento` payload.
pub fn versamento(root: &Node) -> Result<Versamento, EnteFault> {
    let mut s = Seq::qualified(root, "Versamento", PAYLOAD_NS)?;
    s.text("versioneOggetto", 1, 16)?;
    let subject = match s.opt("soggettoPagatore") {
        Some(n) => Some(subject(n, "Versamento/soggettoPagatore")?),
        None => None,
    };
    let dv = s.req("datiVersamento")?;
    let action = s.text("azione", 1, 1)?;
    s.end()?;
    let Some(action) = Azione::parse(&action) else {
        return Err(EnteFault::new(
            EnteCode::AzioneNonValido,
            format!("azione [{action}] non valida: I, M o A"),
        ));
    };
    let path = "Versamento/datiVersamento";
    let mut d = Seq::qualified(dv, path, PAYLOAD_NS)?;
    let due_date = match d.opt("dataEsecuzionePagamento") {
        Some(n) => Some(date_of(
            n.value(),
            &format!("{path}/dataEsecuzionePagamento"),
        )?),
        None => None,
    };
    d.text_opt("tipoVersamento", 1, 32)?;
    let iuv = d.text_opt("identificativoUnivocoVersamento", 1, 35)?;
    let iud = d
        .text_opt("identificativoUnivocoDovuto", 1, 35)?
        .ok_or_else(|| {
            EnteFault::new(
                EnteCode::IudNonValido,
                "identificativoUnivocoDovuto mancante",
            )
        })?;
    let amount = d
        .amount("importoSingoloVersamento", true)
        .map_err(|e| EnteFault::new(EnteCode::ImportoNonValido, e.to_string()))?;
    let pa_fee = d.amount_opt("commissioneCaricoPA")?;
    let due_type = d.text("identificativoTipoDovuto", 1, 64)?;
    let causale = d.text("causaleVersamento", 1, 1024)?;
    let collection = d.text("datiSpecificiRiscossione", 1, 140)?;
    let collection_data = CollectionData::parse(&collection)
        .map_err(|e| EnteFault::new(EnteCode::DatiSpecificiRiscossioneNonValido, e.to_string()))?;
    let bilancio = match d.opt("bilancio") {
        Some(b) => Some(bilancio(b, amount, &format!("{path}/bilancio"))?),
        None => None,
    };
    d.end()?;
    Ok(Versamento {
        subject,
        due_date,
        iuv,
        iud,
        amount,
        pa_fee,
        due_type,
        causale,
        collection_data,
        bilancio,
        action,
        secondary: None,
        stamp: None,
    })
}

/// Checks a `ctBilancio` (chapters → assessments with amounts) adds up to `amount` and
/// returns it serialised for storage.
fn bilancio(node: &Node, amount: AmountCents, path: &str) -> Result<String, EnteFault> {
    let mut chapters: Bilancio = Vec::new();
    let mut total = 0i64;
    let mut s = Seq::qualified(node, path, PAYLOAD_NS)?;
    for cap in s.many("capitolo", 1, 100)? {
        let cpath = format!("{path}/capitolo");
        let mut c = Seq::qualified(cap, &cpath, PAYLOAD_NS)?;
        let code = c.text("codCapitolo", 1, 64)?;
        let office = c.text_opt("codUfficio", 1, 64)?;
        let mut assessments = Vec::new();
        for acc in c.many("accertamento", 1, 100)? {
            let mut a = Seq::qualified(acc, &format!("{cpath}/accertamento"), PAYLOAD_NS)?;
            let code = a.text_opt("codAccertamento", 1, 64)?;
            let importo = a.amount("importo", true)?;
            a.end()?;
            total += importo.cents();
            assessments.push(Assessment {
                code,
                amount: importo,
            });
        }
        c.end()?;
        chapters.push(Chapter {
            code,
            office,
            assessments,
        });
    }
    s.end()?;
    if total != amount.cents() {
        return Err(EnteFault::new(
            EnteCode::ImportoBilancioNonValido,
            format!(
                "la somma del bilancio ({}) differisce dall'importo del dovuto ({amount})",
                AmountCents::from_cents(total).unwrap_or_default()
            ),
        ));
    }
    Ok(crate::bilancio::stored(&chapters))
}

/// Reads a `Dovuti` payload (paaSILInviaDovuti and carts): its 1 to 5 positions, each as
/// an insertion of the same debtor. An IUV chosen by the entity applies to a single
/// position only (one notice, one position).
pub fn dovuti(root: &Node) -> Result<Vec<Versamento>, EnteFault> {
    let mut s = Seq::qualified(root, "Dovuti", PAYLOAD_NS)?;
    s.text("versioneOggetto", 1, 16)?;
    let payer = subject(s.req("soggettoPagatore")?, "Dovuti/soggettoPagatore")?;
    let dv = s.req("datiVersamento")?;
    s.end()?;
    let path = "Dovuti/datiVersamento";
    let mut d = Seq::qualified(dv, path, PAYLOAD_NS)?;
    d.text("tipoVersamento", 1, 32)?;
    let iuv = d.text_opt("identificativoUnivocoVersamento", 1, 35)?;
    let items = d.many("datiSingoloVersamento", 1, 5)?;
    d.end()?;
    if iuv.is_some() && items.len() > 1 {
        return Err(EnteFault::new(
            EnteCode::XmlNonValido,
            "con identificativoUnivocoVersamento è ammesso un solo datiSingoloVersamento",
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let ipath = format!("{path}/datiSingoloVersamento");
        let mut i = Seq::qualified(item, &ipath, PAYLOAD_NS)?;
        let iud = i.text("identificativoUnivocoDovuto", 1, 35)?;
        let amount = i
            .amount("importoSingoloVersamento", true)
            .map_err(|e| EnteFault::new(EnteCode::ImportoNonValido, e.to_string()))?;
        let pa_fee = i.amount_opt("commissioneCaricoPA")?;
        let due_type = i.text("identificativoTipoDovuto", 1, 64)?;
        let causale = i.text("causaleVersamento", 1, 1024)?;
        let collection = i.text("datiSpecificiRiscossione", 1, 140)?;
        let collection_data = CollectionData::parse(&collection).map_err(|e| {
            EnteFault::new(EnteCode::DatiSpecificiRiscossioneNonValido, e.to_string())
        })?;
        let stamp = match i.opt("datiMarcaBolloDigitale") {
            Some(n) => Some(super::secondari::stamp(
                n,
                &format!("{ipath}/datiMarcaBolloDigitale"),
            )?),
            None => None,
        };
        let bilancio = match i.opt("bilancio") {
            Some(b) => Some(bilancio(b, amount, &format!("{ipath}/bilancio"))?),
            None => None,
        };
        i.end()?;
        out.push(Versamento {
            subject: Some(payer.clone()),
            due_date: None,
            iuv: iuv.clone(),
            iud,
            amount,
            pa_fee,
            due_type,
            causale,
            collection_data,
            bilancio,
            action: Azione::Insert,
            secondary: None,
            stamp,
        });
    }
    Ok(out)
}
