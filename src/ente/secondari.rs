//! Where a position's money goes when it is not simply the due type's account:
//! multi-beneficiary positions — `listaDovutiEntiSecondari` names one secondary entity
//! (`DovutiEntiSecondari`: its fiscal code, name, IBAN, share and taxonomy), giving two
//! transfers, the entity's share to its due type's account and the secondary share — and
//! positions that buy a marca da bollo digitale (`datiMarcaBolloDigitale`), one stamp
//! transfer. This is what paGetPayment(V2) tells the node.

use super::fault::{EnteCode, EnteFault};
use super::payload;
use crate::db::schema::{dovuto_transfers, due_types, entities};
use crate::db::{AnyConnection, DbError};
use crate::domain::{AmountCents, CollectionData, Iban, PartitaIva};
use crate::soap::pa_per_ente::PAYLOAD_NS;
use crate::soap::seq::Seq;
use crate::soap::xml::Node;
use diesel::prelude::*;

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
    let root = payload::decode("dovutiEntiSecondari", &b64, "DovutiEntiSecondari")?;
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

/// Replaces the transfers of dovuto `id` (of `entity_id`, due type `due_type_id`, `total`
/// cents, taxonomy `collection`): none for a plain position, the entity's share and the
/// secondary one (already checked with [`refusal`]), or the stamp.
pub fn store(
    c: &mut AnyConnection,
    id: i64,
    entity_id: i64,
    due_type_id: i64,
    v: &super::payload::Versamento,
) -> Result<(), DbError> {
    diesel::delete(dovuto_transfers::table.filter(dovuto_transfers::dovuto_id.eq(id)))
        .execute(c)?;
    let (total, collection) = (v.amount.cents(), v.collection_data.to_string());
    let sec = match (&v.secondary, &v.stamp) {
        (Some(sec), _) => sec,
        (None, Some(st)) => {
            let cf: String = entities::table
                .find(entity_id)
                .select(entities::fiscal_code)
                .first(c)?;
            diesel::insert_into(dovuto_transfers::table)
                .values((
                    dovuto_transfers::dovuto_id.eq(id),
                    dovuto_transfers::position.eq(1),
                    dovuto_transfers::beneficiary_fiscal_code.eq(&cf),
                    dovuto_transfers::amount_cents.eq(total),
                    dovuto_transfers::collection_data.eq(&collection),
                    dovuto_transfers::stamp_hash.eq(Some(&st.hash)),
                    dovuto_transfers::stamp_type.eq(Some(&st.kind)),
                    dovuto_transfers::stamp_province.eq(Some(&st.province)),
                ))
                .execute(c)?;
            return Ok(());
        }
        (None, None) => return Ok(()),
    };
    let (cf, name): (String, String) = entities::table
        .find(entity_id)
        .select((entities::fiscal_code, entities::name))
        .first(c)?;
    let (bank, postal): (Option<String>, Option<String>) = due_types::table
        .find(due_type_id)
        .select((due_types::bank_iban, due_types::postal_iban))
        .first(c)?;
    let own_iban = bank
        .or(postal)
        .ok_or_else(|| DbError::Rule("due type without an account".into()))?;
    let sec_collection = sec.collection_data.to_string();
    write_split(
        c,
        &Split {
            dovuto_id: id,
            total,
            entity_cf: &cf,
            entity_name: Some(&name),
            own_iban: &own_iban,
            collection: &collection,
            fiscal_code: &sec.fiscal_code,
            name: &sec.name,
            iban: sec.iban.as_str(),
            amount: sec.amount.cents(),
            causale: sec.causale.as_deref(),
            sec_collection: &sec_collection,
            address: &sec.address,
        },
    )
}

/// A position shared between its entity and one secondary beneficiary.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The position.
    pub dovuto_id: i64,
    /// Its amount in cents.
    pub total: i64,
    /// The entity's fiscal code.
    pub entity_cf: &'a str,
    /// The entity's name.
    pub entity_name: Option<&'a str>,
    /// The account of the entity's share.
    pub own_iban: &'a str,
    /// Taxonomy of the entity's share.
    pub collection: &'a str,
    /// Secondary beneficiary's fiscal code.
    pub fiscal_code: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its account.
    pub iban: &'a str,
    /// Its share in cents.
    pub amount: i64,
    /// Causale of its transfer.
    pub causale: Option<&'a str>,
    /// Taxonomy of its transfer.
    pub sec_collection: &'a str,
    /// Its street, civic, postal code, city, province, country.
    pub address: &'a [Option<String>; 6],
}

/// Writes the two transfers of a split position (the caller removed the old ones): the
/// entity's share first, the secondary one second. Used by the web services and flussi.
pub fn write_split(c: &mut AnyConnection, s: &Split<'_>) -> Result<(), DbError> {
    let postal = |iban: &str| Iban::parse(iban).is_ok_and(|i| i.is_postal());
    diesel::insert_into(dovuto_transfers::table)
        .values((
            dovuto_transfers::dovuto_id.eq(s.dovuto_id),
            dovuto_transfers::position.eq(1),
            dovuto_transfers::beneficiary_fiscal_code.eq(s.entity_cf),
            dovuto_transfers::beneficiary_name.eq(s.entity_name),
            dovuto_transfers::iban.eq(Some(s.own_iban)),
            dovuto_transfers::postal.eq(postal(s.own_iban)),
            dovuto_transfers::amount_cents.eq(s.total - s.amount),
            dovuto_transfers::collection_data.eq(s.collection),
        ))
        .execute(c)?;
    let [street, civic, cap, city, province, country] = s.address;
    diesel::insert_into(dovuto_transfers::table)
        .values((
            dovuto_transfers::dovuto_id.eq(s.dovuto_id),
            dovuto_transfers::position.eq(2),
            dovuto_transfers::beneficiary_fiscal_code.eq(s.fiscal_code),
            dovuto_transfers::beneficiary_name.eq(Some(s.name)),
            dovuto_transfers::iban.eq(Some(s.iban)),
            dovuto_transfers::postal.eq(postal(s.iban)),
            dovuto_transfers::amount_cents.eq(s.amount),
            dovuto_transfers::remittance.eq(s.causale),
            dovuto_transfers::collection_data.eq(s.sec_collection),
            dovuto_transfers::address.eq(street),
            dovuto_transfers::civic_number.eq(civic),
            dovuto_transfers::postal_code.eq(cap),
            dovuto_transfers::city.eq(city),
            dovuto_transfers::province.eq(province),
            dovuto_transfers::country.eq(country),
        ))
        .execute(c)?;
    Ok(())
}
