//! Where a position's money goes when it is not simply the due type's account:
//! multi-beneficiary positions — `listaDovutiEntiSecondari` names one secondary entity
//! (`DovutiEntiSecondari`: its fiscal code, name, IBAN, share and taxonomy), giving two
//! transfers, the entity's share to its due type's account and the secondary share — and
//! positions that buy a marca da bollo digitale (`datiMarcaBolloDigitale`), one stamp
//! transfer. This is what paGetPayment(V2) tells the node.

use super::fault::{EnteCode, EnteFault};
use crate::domain::{AmountCents, CollectionData, Iban, PartitaIva};
use crate::soap::pa_per_ente::PAYLOAD_NS;
use crate::soap::seq::Seq;
use crate::soap::xml::Node;

/// The secondary beneficiary of a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secondary {
    /// Fiscal code.
    pub fiscal_code: String,
    /// Name.
    pub name: String,
    /// Account credited.
    pub iban: Iban,
    /// Its share.
    pub amount: AmountCents,
    /// Causale of its transfer.
    pub causale: Option<String>,
    /// Taxonomy of its transfer.
    pub collection_data: CollectionData,
    /// Address lines (street, civic, postal code, city, province, country).
    pub address: [Option<String>; 6],
}

/// A marca da bollo digitale bought with the position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// `01` (imposta di bollo).
    pub kind: String,
    /// base64 SHA-256 of the document the stamp is for.
    pub hash: String,
    /// Province of residence of the payer.
    pub province: String,
}

/// Reads `datiMarcaBolloDigitale`.
pub fn stamp(node: &Node, path: &str) -> Result<Stamp, EnteFault> {
    use base64::Engine;
    let mut s = Seq::qualified(node, path, PAYLOAD_NS)?;
    let kind = s.one_of("tipoBollo", &["01"])?;
    let hash = s.text("hashDocumento", 1, 70)?;
    let province = s.text("provinciaResidenza", 2, 2)?.to_uppercase();
    s.end()?;
    let digest = base64::engine::general_purpose::STANDARD.decode(hash.as_bytes());
    if digest.map(|d| d.len()) != Ok(32) {
        return Err(EnteFault::new(
            EnteCode::XmlNonValido,
            format!("{path}/hashDocumento: deve essere l'impronta SHA-256 del documento in base64"),
        ));
    }
    if !province.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(EnteFault::new(
            EnteCode::XmlNonValido,
            format!("{path}/provinciaResidenza: due lettere"),
        ));
    }
    Ok(Stamp {
        kind,
        hash,
        province,
    })
}

/// Reads the optional `listaDovutiEntiSecondari` of a request: at most one secondary
/// entity (`PAA_LIMITAZIONE_ENTI_SECONDARI_ERROR` otherwise).
pub fn read_list(list: Option<&Node>) -> Result<Option<Secondary>, EnteFault> {
    let Some(list) = list else { return Ok(None) };
    let mut l = Seq::new(list, "listaDovutiEntiSecondari")?;
    let elements = l.many("elementoListaDovutiEntiSecondari", 1, usize::MAX)?;
    l.end()?;
    if elements.len() > 1 {
        return Err(EnteFault::new(
            EnteCode::LimitazioneEntiSecondari,
            "è ammesso un solo ente secondario per dovuto",
        ));
    }
    let mut e = Seq::new(elements[0], "elementoListaDovutiEntiSecondari")?;
    let b64 = e.req("dovutiEntiSecondari")?.value().to_owned();
    e.end()?;
    let root = super::encoded::decode("dovutiEntiSecondari", &b64, "DovutiEntiSecondari")?;
    let mut s = Seq::qualified(&root, "DovutiEntiSecondari", PAYLOAD_NS)?;
    s.text("versioneOggetto", 1, 16)?;
    let dv = s.req("datiVersamentoEntiSecondari")?;
    s.end()?;
    let mut d = Seq::qualified(
        dv,
        "DovutiEntiSecondari/datiVersamentoEntiSecondari",
        PAYLOAD_NS,
    )?;
    let cf = d.text("codiceFiscaleBeneficiario", 1, 35)?;
    let fiscal_code = PartitaIva::parse(&cf)
        .map_err(|e| EnteFault::new(EnteCode::PIvaNonValido, format!("ente secondario: {e}")))?
        .as_str()
        .to_owned();
    let name = d.text("denominazioneBeneficiario", 1, 35)?;
    let iban = Iban::parse(&d.text("ibanAccreditoBeneficiario", 1, 35)?)
        .map_err(|e| EnteFault::new(EnteCode::XmlNonValido, format!("ente secondario: {e}")))?;
    let address = [
        d.text_opt("indirizzoBeneficiario", 1, 70)?,
        d.text_opt("civicoBeneficiario", 1, 35)?,
        d.text_opt("capBeneficiario", 1, 35)?,
        d.text_opt("localitaBeneficiario", 1, 35)?,
        d.text_opt("provinciaBeneficiario", 1, 35)?,
        d.text_opt("nazioneBeneficiario", 1, 35)?,
    ];
    let causale = d.text_opt("causaleVersamento", 1, 1024)?;
    let collection_data = CollectionData::parse(&d.text("datiSpecificiRiscossione", 1, 140)?)
        .map_err(|e| EnteFault::new(EnteCode::DatiSpecificiRiscossioneNonValido, e.to_string()))?;
    let amount = d
        .amount("importoSingoloVersamento", true)
        .map_err(|e| EnteFault::new(EnteCode::ImportoNonValido, e.to_string()))?;
    d.end()?;
    Ok(Some(Secondary {
        fiscal_code,
        name,
        iban,
        amount,
        causale,
        collection_data,
        address,
    }))
}

/// Why a secondary entity cannot share a position of `total` cents whose due type has
/// `account` (checked before anything is written).
pub fn refusal(sec: &Secondary, total: i64, account: bool) -> Option<EnteFault> {
    if sec.amount.cents() >= total {
        return Some(EnteFault::new(
            EnteCode::ImportoNonValido,
            "la quota dell'ente secondario deve essere minore dell'importo del dovuto",
        ));
    }
    (!account).then(|| {
        EnteFault::new(
            EnteCode::TipoDovutoNonValido,
            "il tipo dovuto non ha un conto di accredito per la quota dell'ente",
        )
    })
}
