//! A due type's settings as its entity's administrator types them: code, description,
//! accounts (a bank IBAN, and a BancoPosta IBAN for postal notices), the pagoPA taxonomy
//! code, a fixed or free amount and the Catalogo Servizi id of spontaneous payments
//! requested through the node. Checked here, once, for creation and editing.

use super::{AmountCents, CollectionData, Iban};

/// What the form says, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawSettings<'a> {
    /// Description (what payers and notices read).
    pub description: &'a str,
    /// Bank IBAN (may be blank).
    pub bank_iban: &'a str,
    /// Postal IBAN (may be blank).
    pub postal_iban: &'a str,
    /// Holder of the postal account, printed on the bollettino (blank: the entity).
    pub postal_holder: &'a str,
    /// `datiSpecificiRiscossione`: `9/` and the taxonomy code.
    pub collection_data: &'a str,
    /// Fixed amount in euro (`12,50`); blank when the position states it.
    pub fixed_amount: &'a str,
    /// Catalogo Servizi id (5 characters) for paDemandPaymentNotice; may be blank.
    pub node_service_id: &'a str,
}

/// Checked settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Description.
    pub description: String,
    /// Bank account.
    pub bank_iban: Option<Iban>,
    /// BancoPosta account.
    pub postal_iban: Option<Iban>,
    /// Its holder.
    pub postal_holder: Option<String>,
    /// Taxonomy.
    pub collection_data: CollectionData,
    /// Fixed amount.
    pub fixed_amount: Option<AmountCents>,
    /// Catalogo Servizi id.
    pub node_service_id: Option<String>,
}

impl Settings {
    /// Whether payments have an account to go to (activation needs one).
    pub fn has_account(&self) -> bool {
        self.bank_iban.is_some() || self.postal_iban.is_some()
    }
}

/// Why settings are refused; the text is for the administrator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// Code syntax.
    #[error("codice non valido: da 1 a 64 caratteri tra lettere maiuscole, cifre, _ e -")]
    Code,
    /// Description missing or too long.
    #[error("la descrizione è obbligatoria (al massimo 256 caratteri)")]
    Description,
    /// Not an IBAN.
    #[error("IBAN {0} non valido: {1}")]
    Iban(&'static str, String),
    /// pagoPA credits Italian accounts only.
    #[error("l'IBAN {0} deve essere italiano (IT)")]
    NotItalian(&'static str),
    /// The postal IBAN must be a BancoPosta account.
    #[error("l'IBAN postale deve essere un conto BancoPosta (ABI 07601)")]
    NotPostal,
    /// Holder too long.
    #[error("l'intestatario del conto postale può avere al massimo 70 caratteri")]
    Holder,
    /// Not a taxonomy code.
    #[error("tassonomia non valida: 9/ seguito dal codice pagoPA e da /, ad esempio 9/0101108TS/")]
    Taxonomy,
    /// Not an amount.
    #[error("importo fisso non valido: un importo positivo in euro, ad esempio 12,50")]
    Amount,
    /// Not a Catalogo Servizi id.
    #[error("codice del Catalogo Servizi non valido: 5 lettere o cifre")]
    ServiceId,
}

/// A due type's code (`tipoDovuto`): 1..64 of `A-Z 0-9 _ -`, uppercased.
pub fn check_code(raw: &str) -> Result<String, SettingsError> {
    let code = raw.trim().to_ascii_uppercase();
    let plain = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-';
    if code.is_empty() || code.len() > 64 || !code.chars().all(plain) {
        return Err(SettingsError::Code);
    }
    Ok(code)
}

/// The pagoPA taxonomy form of `datiSpecificiRiscossione`: `9/`, two digits of entity
/// type, two of macro-area, three of service type, two letters of legal reason, `/`.
pub fn check_taxonomy(raw: &str) -> Result<CollectionData, SettingsError> {
    let s = raw.trim();
    let code = s
        .strip_prefix("9/")
        .and_then(|r| r.get(..10))
        .map(str::as_bytes);
    let shaped = code.is_some_and(|b| {
        b[..7].iter().all(u8::is_ascii_digit)
            && b[7..9].iter().all(u8::is_ascii_uppercase)
            && b[9] == b'/'
    });
    if !shaped {
        return Err(SettingsError::Taxonomy);
    }
    CollectionData::parse(s).map_err(|_| SettingsError::Taxonomy)
}

fn blank(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

fn italian(raw: &str, which: &'static str) -> Result<Option<Iban>, SettingsError> {
    let Some(text) = blank(raw) else {
        return Ok(None);
    };
    let iban = Iban::parse(text).map_err(|e| SettingsError::Iban(which, e.reason))?;
    if !iban.as_str().starts_with("IT") {
        return Err(SettingsError::NotItalian(which));
    }
    Ok(Some(iban))
}

/// Checks every setting.
pub fn check(raw: &RawSettings<'_>) -> Result<Settings, SettingsError> {
    let description = raw.description.trim();
    if description.is_empty() || description.chars().count() > 256 {
        return Err(SettingsError::Description);
    }
    let bank_iban = italian(raw.bank_iban, "bancario")?;
    let postal_iban = italian(raw.postal_iban, "postale")?;
    if postal_iban.as_ref().is_some_and(|i| !i.is_postal()) {
        return Err(SettingsError::NotPostal);
    }
    let postal_holder = blank(raw.postal_holder).map(str::to_owned);
    if postal_holder
        .as_ref()
        .is_some_and(|h| h.chars().count() > 70)
    {
        return Err(SettingsError::Holder);
    }
    let fixed_amount = match blank(raw.fixed_amount) {
        None => None,
        Some(a) => Some(
            AmountCents::parse_euro(a)
                .ok()
                .filter(|a| a.cents() > 0)
                .ok_or(SettingsError::Amount)?,
        ),
    };
    let node_service_id = blank(raw.node_service_id).map(str::to_owned);
    let service_ok = |s: &String| s.len() == 5 && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if node_service_id.as_ref().is_some_and(|s| !service_ok(s)) {
        return Err(SettingsError::ServiceId);
    }
    Ok(Settings {
        description: description.to_owned(),
        bank_iban,
        postal_iban,
        postal_holder,
        collection_data: check_taxonomy(raw.collection_data)?,
        fixed_amount,
        node_service_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BANK: &str = "IT60X0542811101000000123456";

    fn postal() -> String {
        Iban::from_bban("IT", "X0760101600000012345678")
            .unwrap()
            .to_string()
    }

    fn raw<'a>(bank: &'a str, postal: &'a str) -> RawSettings<'a> {
        RawSettings {
            description: "Mensa scolastica",
            bank_iban: bank,
            postal_iban: postal,
            collection_data: "9/0201133IM/",
            ..RawSettings::default()
        }
    }

    #[test]
    fn accounts_and_codes() {
        let p = postal();
        let ok = check(&raw(BANK, &p)).unwrap();
        assert!(ok.has_account() && ok.postal_iban.unwrap().is_postal());
        assert!(!check(&raw("", "")).unwrap().has_account());
        assert_eq!(
            check(&raw(&p[..26], "")),
            Err(SettingsError::Iban(
                "bancario",
                "Italian IBANs are 27 characters".into()
            ))
        );
        assert_eq!(check(&raw("", BANK)), Err(SettingsError::NotPostal));
        assert_eq!(
            check(&raw("DE89370400440532013000", "")),
            Err(SettingsError::NotItalian("bancario"))
        );
        let amount = RawSettings {
            fixed_amount: "12,50",
            ..raw(BANK, "")
        };
        assert_eq!(check(&amount).unwrap().fixed_amount.unwrap().cents(), 1250);
        for bad in ["0", "-3", "abc", "1,234"] {
            let r = RawSettings {
                fixed_amount: bad,
                ..raw(BANK, "")
            };
            assert_eq!(check(&r), Err(SettingsError::Amount), "{bad}");
        }
        let service = RawSettings {
            node_service_id: "0001",
            ..raw(BANK, "")
        };
        assert_eq!(check(&service), Err(SettingsError::ServiceId));
        assert_eq!(check_code(" mensa_2 ").unwrap(), "MENSA_2");
        assert_eq!(check_code("MEN SA"), Err(SettingsError::Code));
    }

    #[test]
    fn taxonomy_codes() {
        for good in ["9/0101108TS/", "9/0702103TS/", "9/0201133IM/altro"] {
            assert!(check_taxonomy(good).is_ok(), "{good}");
        }
        for bad in [
            "9/0101108TS",
            "1/0101108TS/",
            "9/010110TSS/",
            "9/0101108ts/",
            "9/",
            "0101108TS",
        ] {
            assert_eq!(check_taxonomy(bad), Err(SettingsError::Taxonomy), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn taxonomy_never_panics_and_accepts_only_its_shape(s in "\\PC{0,20}") {
            if let Ok(c) = check_taxonomy(&s) {
                prop_assert!(c.is_taxonomy());
                prop_assert_eq!(c.transfer_category().len(), 9);
            }
        }

        #[test]
        fn generated_postal_ibans_are_accepted(n in 0u64..999_999_999_999) {
            let iban = Iban::from_bban("IT", &format!("X07601{:05}{n:012}", 1600)).unwrap();
            let r = RawSettings { postal_iban: iban.as_str(), ..raw("", "") };
            prop_assert!(check(&r).unwrap().postal_iban.is_some());
        }
    }
}
