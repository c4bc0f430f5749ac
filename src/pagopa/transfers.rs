//! Where the money of a position goes: one transfer to the due type's account, or the
//! position's explicit transfers (secondary beneficiaries, marca da bollo).

use super::fault::{Fault, FaultCode};
use crate::db::models::position::{Position, TransferRow};
use crate::domain::{AmountCents, Iban};
use crate::soap::writer::{truncate_chars, XmlWriter};

/// What a transfer credits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An account.
    Iban(String),
    /// A marca da bollo digitale (V2 only).
    Stamp {
        /// base64 SHA-256 of the document.
        hash: String,
        /// `01`.
        kind: String,
        /// Debtor's province.
        province: String,
    },
}

/// One transfer of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// 1..5.
    pub id: i32,
    /// Amount.
    pub amount: AmountCents,
    /// Beneficiary fiscal code.
    pub fiscal_code: String,
    /// Beneficiary name (V2).
    pub company: Option<String>,
    /// What is credited.
    pub target: Target,
    /// Causale.
    pub remittance: String,
    /// Taxonomy / datiSpecificiRiscossione.
    pub category: String,
}

/// The transfers of `pos`; `postal` asks for postal accounts where available.
pub fn of_position(pos: &Position, entity_cf: &str, postal: bool) -> Result<Vec<Transfer>, Fault> {
    let d = &pos.dovuto;
    let remittance = truncate_chars(&d.causale, 140).to_owned();
    if pos.transfers.is_empty() {
        return Ok(vec![whole(pos, entity_cf, postal, remittance)?]);
    }
    let mut out = Vec::with_capacity(pos.transfers.len());
    let mut sum = Some(AmountCents::ZERO);
    for t in &pos.transfers {
        sum = sum.and_then(|s| s.checked_add(t.amount_cents));
        out.push(explicit(t, &remittance)?);
    }
    if sum != Some(d.amount_cents) {
        return Err(Fault::new(
            FaultCode::SystemError,
            "la somma dei trasferimenti non corrisponde all'importo",
        ));
    }
    Ok(out)
}

/// The whole amount to the entity's account of the position's due type.
fn whole(
    pos: &Position,
    entity_cf: &str,
    postal: bool,
    remittance: String,
) -> Result<Transfer, Fault> {
    let a = &pos.accounts;
    let iban = if postal {
        a.postal_iban.clone().or(a.bank_iban.clone())
    } else {
        a.bank_iban.clone().or(a.postal_iban.clone())
    };
    let iban = iban.ok_or_else(|| {
        Fault::new(
            FaultCode::SystemError,
            "nessun conto di accredito configurato per il tipo dovuto",
        )
    })?;
    Ok(Transfer {
        id: 1,
        amount: pos.dovuto.amount_cents,
        fiscal_code: entity_cf.to_owned(),
        company: None,
        target: Target::Iban(iban),
        remittance,
        category: pos.dovuto.collection_data.clone(),
    })
}

/// One transfer the position lists: to an IBAN or a marca da bollo; its causale defaults
/// to the position's.
fn explicit(t: &TransferRow, remittance: &str) -> Result<Transfer, Fault> {
    let target = match (&t.iban, &t.stamp_hash) {
        (Some(iban), _) => Target::Iban(iban.clone()),
        (None, Some(hash)) => Target::Stamp {
            hash: hash.clone(),
            kind: t.stamp_type.clone().unwrap_or_else(|| "01".into()),
            province: t.stamp_province.clone().unwrap_or_default(),
        },
        (None, None) => {
            return Err(Fault::new(
                FaultCode::SystemError,
                "trasferimento senza conto né marca da bollo",
            ))
        }
    };
    Ok(Transfer {
        id: t.position,
        amount: t.amount_cents,
        fiscal_code: t.beneficiary_fiscal_code.clone(),
        company: t.beneficiary_name.clone(),
        target,
        remittance: t.remittance.as_deref().map_or_else(
            || remittance.to_owned(),
            |r| truncate_chars(r, 140).to_owned(),
        ),
        category: t.collection_data.clone(),
    })
}

/// True when `iban` is a valid Poste Italiane (BancoPosta) account.
pub fn is_postal_account(iban: &Option<String>) -> bool {
    iban.as_deref()
        .and_then(|i| Iban::parse(i).ok())
        .is_some_and(|i| i.is_postal())
}

/// `allCCP`: every transfer can be credited to a postal current account.
pub fn all_postal(pos: &Position) -> bool {
    if pos.transfers.is_empty() {
        is_postal_account(&pos.accounts.postal_iban)
    } else {
        pos.transfers
            .iter()
            .all(|t| t.postal || is_postal_account(&t.iban))
    }
}

/// Writes `transferList`; `v2` adds per-transfer `companyName` and allows stamps.
pub fn write_list(w: &mut XmlWriter, transfers: &[Transfer], v2: bool) -> Result<(), Fault> {
    w.open("transferList");
    for t in transfers {
        w.open("transfer")
            .leaf("idTransfer", &t.id.to_string())
            .leaf("transferAmount", &t.amount.to_string())
            .leaf("fiscalCodePA", &t.fiscal_code);
        if v2 {
            w.leaf_opt(
                "companyName",
                t.company.as_deref().map(|c| truncate_chars(c, 140)),
            );
        }
        match &t.target {
            Target::Iban(iban) => {
                w.leaf("IBAN", iban);
            }
            Target::Stamp {
                hash,
                kind,
                province,
            } if v2 => {
                w.open("richiestaMarcaDaBollo")
                    .leaf("hashDocumento", hash)
                    .leaf("tipoBollo", kind)
                    .leaf("provinciaResidenza", province)
                    .close("richiestaMarcaDaBollo");
            }
            Target::Stamp { .. } => {
                return Err(Fault::new(
                    FaultCode::Semantica,
                    "la marca da bollo digitale richiede paGetPaymentV2",
                ));
            }
        }
        w.leaf("remittanceInformation", &t.remittance)
            .leaf("transferCategory", truncate_chars(&t.category, 140))
            .close("transfer");
    }
    w.close("transferList");
    Ok(())
}
