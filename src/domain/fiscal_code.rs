//! Italian fiscal codes: the 16-character codice fiscale of a natural person (with
//! omocodia substitutions) and the 11-digit numeric code of legal persons / partita IVA.

use super::{all_digits, InvalidIdentifier};
use std::fmt;

/// Letters that replace digits in an omocodia-substituted code, indexed by the digit.
const OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";
/// Month letters, January..December.
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
/// Positions (0-based) that hold digits in a regular code and may hold omocodia letters.
const DIGIT_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
/// Values of characters in odd (1st, 3rd, ...) positions, for digits 0-9 then letters A-Z.
const ODD_DIGITS: [u32; 10] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
const ODD_LETTERS: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// A natural person's 16-character codice fiscale (uppercase).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonFiscalCode(String);

impl PersonFiscalCode {
    /// Validates shape, month letter, day, omocodia letters and the check character.
    /// Lowercase input is accepted and normalised to uppercase.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        let err = |r: &str| InvalidIdentifier::new("codice fiscale", r);
        let up = s.to_ascii_uppercase();
        let b = up.as_bytes();
        if b.len() != 16 || !b.iter().all(u8::is_ascii_alphanumeric) {
            return Err(err("must be 16 letters and digits"));
        }
        let letters = [0, 1, 2, 3, 4, 5, 8, 11, 15];
        if letters.iter().any(|&i| !b[i].is_ascii_uppercase()) {
            return Err(err(
                "letters expected in surname, name, month, place and check positions",
            ));
        }
        let mut plain = b.to_vec();
        for &i in &DIGIT_POSITIONS {
            if !b[i].is_ascii_digit() {
                let d = OMOCODIA
                    .iter()
                    .position(|&c| c == b[i])
                    .ok_or_else(|| err("invalid character in a digit position"))?;
                plain[i] = b'0' + d as u8;
            }
        }
        if !MONTHS.contains(&b[8]) {
            return Err(err("invalid month letter"));
        }
        let day = u32::from(plain[9] - b'0') * 10 + u32::from(plain[10] - b'0');
        if !(1..=31).contains(&day) && !(41..=71).contains(&day) {
            return Err(err("invalid birth day"));
        }
        if check_char(&b[..15]) != b[15] {
            return Err(err("check character does not match"));
        }
        Ok(Self(up))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check character of the first 15 characters of a codice fiscale.
pub(crate) fn check_char(first15: &[u8]) -> u8 {
    let sum: u32 = first15
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let (digit, idx) = if c.is_ascii_digit() {
                (true, usize::from(c - b'0'))
            } else {
                (false, usize::from(c - b'A'))
            };
            match (i % 2 == 0, digit) {
                (true, true) => ODD_DIGITS[idx],
                (true, false) => ODD_LETTERS[idx],
                (false, _) => idx as u32,
            }
        })
        .sum();
    b'A' + (sum % 26) as u8
}

/// An 11-digit partita IVA, also the shape of legal persons' (and public bodies') fiscal codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartitaIva(String);

impl PartitaIva {
    /// Validates 11 digits and the Luhn-style check digit.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        if s.len() != 11 || !all_digits(s) {
            return Err(InvalidIdentifier::new(
                "partita IVA",
                "must be exactly 11 digits",
            ));
        }
        let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        if partita_iva_check(&d[..10]) != d[10] {
            return Err(InvalidIdentifier::new(
                "partita IVA",
                "check digit does not match",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Check digit of the first ten digits of a partita IVA.
pub(crate) fn partita_iva_check(first10: &[u32]) -> u32 {
    let sum: u32 = first10
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if i % 2 == 0 {
                v
            } else {
                let x = v * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// Any Italian fiscal code: a person's (tipo identificativo `F`) or a legal person's (`G`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FiscalCode {
    /// 16-character codice fiscale of a natural person.
    Person(PersonFiscalCode),
    /// 11-digit code of a legal person.
    Legal(PartitaIva),
}

impl FiscalCode {
    /// Parses either shape, chosen by length.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        match s.len() {
            11 => PartitaIva::parse(s).map(Self::Legal),
            16 => PersonFiscalCode::parse(s).map(Self::Person),
            _ => Err(InvalidIdentifier::new(
                "fiscal code",
                "must be 16 characters (person) or 11 digits (legal person)",
            )),
        }
    }

    /// MyPay's `tipoIdentificativoUnivoco`: `F` for persons, `G` for legal persons.
    pub fn kind(&self) -> char {
        match self {
            Self::Person(_) => 'F',
            Self::Legal(_) => 'G',
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Person(p) => p.as_str(),
            Self::Legal(l) => l.as_str(),
        }
    }
}

impl fmt::Display for FiscalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_codes() {
        // Widely published sample codes.
        assert!(PersonFiscalCode::parse("RSSMRA85T10A562S").is_ok());
        assert!(PersonFiscalCode::parse("rssmra85t10a562s").is_ok());
        assert!(PersonFiscalCode::parse("RSSMRA85T10A562T").is_err());
        assert!(PartitaIva::parse("01234567897").is_ok()); // check digit 7
        assert!(PartitaIva::parse("01234567890").is_err());
        assert_eq!(FiscalCode::parse("01234567897").unwrap().kind(), 'G');
        assert_eq!(FiscalCode::parse("RSSMRA85T10A562S").unwrap().kind(), 'F');
        assert!(FiscalCode::parse("ANONIMO").is_err());
    }

    #[test]
    fn omocodia_is_accepted_with_its_own_check() {
        // Replace the last digit of the place code (2 -> N) and recompute the check character.
        let mut b = b"RSSMRA85T10A56N".to_vec();
        let cc = check_char(&b);
        b.push(cc);
        let s = String::from_utf8(b).unwrap();
        assert!(PersonFiscalCode::parse(&s).is_ok());
        // A non-omocodia letter in a digit position is rejected.
        assert!(PersonFiscalCode::parse("RSSMRA85T10A56AX").is_err());
    }

    #[test]
    fn rejects_bad_month_and_day() {
        for bad in ["RSSMRA85Z10A562", "RSSMRA85T32A562", "RSSMRA85T00A562"] {
            let mut b = bad.as_bytes().to_vec();
            b.push(check_char(&b));
            assert!(
                PersonFiscalCode::parse(std::str::from_utf8(&b).unwrap()).is_err(),
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn generated_person_codes_validate(
            names in "[A-Z]{6}", year in 0u32..100, month in 0usize..12, day in 1u32..=31,
            female in any::<bool>(), place in "[A-Z][0-9]{3}", omo in proptest::collection::vec(any::<bool>(), 7)
        ) {
            let d = if female { day + 40 } else { day };
            let mut b = format!("{names}{year:02}{}{d:02}{place}", MONTHS[month] as char).into_bytes();
            for (k, &i) in DIGIT_POSITIONS.iter().enumerate() {
                if omo[k] { b[i] = OMOCODIA[usize::from(b[i] - b'0')]; }
            }
            b.push(check_char(&b));
            let s = String::from_utf8(b).unwrap();
            prop_assert!(PersonFiscalCode::parse(&s).is_ok(), "{}", s);
            // any different check character is rejected
            let mut wrong = s.clone().into_bytes();
            wrong[15] = b'A' + (wrong[15] - b'A' + 1) % 26;
            prop_assert!(PersonFiscalCode::parse(std::str::from_utf8(&wrong).unwrap()).is_err());
        }

        #[test]
        fn generated_partite_iva_validate(first in "[0-9]{10}", delta in 1u32..10) {
            let d: Vec<u32> = first.bytes().map(|b| u32::from(b - b'0')).collect();
            let c = partita_iva_check(&d);
            let good = format!("{first}{c}");
            let bad = format!("{first}{}", (c + delta) % 10);
            prop_assert!(PartitaIva::parse(&good).is_ok());
            prop_assert!(PartitaIva::parse(&bad).is_err());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = FiscalCode::parse(&s);
        }
    }
}
