//! IBAN (ISO 13616) with the mod-97 check, plus the Italian specifics we need:
//! recognising Poste Italiane (BancoPosta) accounts and their 12-digit account number.

use super::{iuv::mod97_alnum, InvalidIdentifier};
use std::fmt;

/// ABI code of Poste Italiane (BancoPosta): IBANs with it are postal current accounts.
const POSTE_ABI: &str = "07601";

/// A validated IBAN, stored uppercase without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    /// Accepts spaces between groups and lowercase letters; checks length and mod 97.
    /// Italian IBANs must be exactly 27 characters.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        let err = |r: &str| InvalidIdentifier::new("IBAN", r);
        let iban: String = s
            .chars()
            .filter(|c| *c != ' ')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let b = iban.as_bytes();
        if !(15..=34).contains(&b.len()) {
            return Err(err("length must be 15..34 characters"));
        }
        if !b[..2].iter().all(u8::is_ascii_uppercase) || !b[2..4].iter().all(u8::is_ascii_digit) {
            return Err(err("must start with a country code and two check digits"));
        }
        if !b.iter().all(u8::is_ascii_alphanumeric) {
            return Err(err("only letters and digits allowed"));
        }
        if iban.starts_with("IT") && b.len() != 27 {
            return Err(err("Italian IBANs are 27 characters"));
        }
        let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
        if mod97_alnum(&rearranged) != 1 {
            return Err(err("check digits do not match"));
        }
        Ok(Self(iban))
    }

    /// Builds an IBAN from country and BBAN, computing the check digits.
    pub fn from_bban(country: &str, bban: &str) -> Result<Self, InvalidIdentifier> {
        let check = 98 - mod97_alnum(&format!("{bban}{country}00"));
        Self::parse(&format!("{country}{check:02}{bban}"))
    }

    /// True for Poste Italiane (BancoPosta) accounts.
    pub fn is_postal(&self) -> bool {
        self.0.starts_with("IT") && &self.0[5..10] == POSTE_ABI
    }

    /// The 12-digit postal current account number (conto corrente postale), if postal.
    pub fn postal_account_number(&self) -> Option<&str> {
        self.is_postal().then(|| &self.0[15..27])
    }

    /// The IBAN as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_ibans() {
        assert!(Iban::parse("IT60X0542811101000000123456").is_ok());
        assert!(Iban::parse("it60 x054 2811 1010 0000 0123 456").is_ok());
        assert!(Iban::parse("IT61X0542811101000000123456").is_err());
        assert!(Iban::parse("GB82WEST12345698765432").is_ok());
        assert!(Iban::parse("IT60X054281110100000012345").is_err());
        assert!(!Iban::parse("IT60X0542811101000000123456")
            .unwrap()
            .is_postal());
    }

    #[test]
    fn postal_accounts() {
        let iban = Iban::from_bban("IT", "X0760101600000012345678").unwrap();
        assert!(iban.is_postal());
        assert_eq!(iban.postal_account_number(), Some("000012345678"));
    }

    proptest! {
        #[test]
        fn generated_italian_ibans_validate(cin in "[A-Z]", abi in "[0-9]{5}", cab in "[0-9]{5}", acct in "[0-9A-Z]{12}", pos in 4usize..27, d in 1u8..10) {
            let iban = Iban::from_bban("IT", &format!("{cin}{abi}{cab}{acct}")).unwrap();
            prop_assert_eq!(iban.as_str().len(), 27);
            // changing one digit breaks the check
            let mut b = iban.as_str().as_bytes().to_vec();
            if b[pos].is_ascii_digit() {
                b[pos] = b'0' + (b[pos] - b'0' + d) % 10;
                prop_assert!(Iban::parse(std::str::from_utf8(&b).unwrap()).is_err());
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Iban::parse(&s);
        }
    }
}
