//! IUV (Identificativo Univoco di Versamento) and ISO 11649 creditor references.
//!
//! We generate aux-digit-3 IUVs only: `segregation code (2) + progressive (13) + check (2)`,
//! where the check digits are `(3 ‖ segregation code ‖ progressive) mod 93`.
//! We accept, for validation, numeric IUVs of 15 digits (aux digit 0) and 17 digits (aux
//! digits 1, 2, 3) and `RF` creditor references of up to 25 characters.

use super::{all_digits, digits_mod, InvalidIdentifier};
use std::fmt;

/// Largest progressive that fits in the 13 digits of an aux-3 IUV.
pub const MAX_PROGRESSIVE: u64 = 9_999_999_999_999;

/// The two-digit segregation code pagoPA assigns to an intermediary for an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SegregationCode(u8);

impl SegregationCode {
    /// Parses exactly two ASCII digits (`"00"`..`"99"`).
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        if s.len() != 2 || !all_digits(s) {
            return Err(InvalidIdentifier::new(
                "segregation code",
                "must be exactly 2 digits",
            ));
        }
        s.parse()
            .map(Self)
            .map_err(|_| InvalidIdentifier::new("segregation code", "not a number"))
    }

    /// Builds one from its numeric value (0..=99).
    pub fn new(value: u8) -> Result<Self, InvalidIdentifier> {
        if value > 99 {
            return Err(InvalidIdentifier::new("segregation code", "must be 0..=99"));
        }
        Ok(Self(value))
    }

    /// The numeric value.
    pub fn value(self) -> u8 {
        self.0
    }
}

impl fmt::Display for SegregationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

/// A syntactically valid IUV.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iuv(String);

impl Iuv {
    /// Accepts a 15- or 17-digit numeric IUV or an `RF` creditor reference (ISO 11649).
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        match s.len() {
            15 | 17 if all_digits(s) => Ok(Self(s.to_owned())),
            _ if s.starts_with("RF") => CreditorReference::parse(s).map(|r| Self(r.0)),
            _ => Err(InvalidIdentifier::new(
                "IUV",
                "must be 15 or 17 digits, or an RF creditor reference",
            )),
        }
    }

    /// Generates the aux-digit-3 IUV for `progressive` (1..=[`MAX_PROGRESSIVE`]).
    pub fn aux3(segregation: SegregationCode, progressive: u64) -> Result<Self, InvalidIdentifier> {
        if progressive == 0 || progressive > MAX_PROGRESSIVE {
            return Err(InvalidIdentifier::new(
                "IUV",
                "progressive out of range 1..=9999999999999",
            ));
        }
        let base = format!("{segregation}{progressive:013}");
        let check = digits_mod(&format!("3{base}"), 93);
        Ok(Self(format!("{base}{check:02}")))
    }

    /// Wraps digits already known to form a 15- or 17-digit IUV (the tail of a parsed notice).
    pub(crate) fn from_checked_digits(digits: &str) -> Self {
        debug_assert!(matches!(digits.len(), 15 | 17) && all_digits(digits));
        Self(digits.to_owned())
    }

    /// True when this is a 17-digit IUV whose check digits are right for aux digit 3.
    pub fn is_valid_aux3(&self) -> bool {
        self.0.len() == 17
            && all_digits(&self.0)
            && digits_mod(&format!("3{}", &self.0[..15]), 93) == digits_mod(&self.0[15..], 100)
    }

    /// The segregation code of an aux-3 IUV (its first two digits).
    pub fn segregation_code(&self) -> Option<SegregationCode> {
        if self.0.len() == 17 && all_digits(&self.0) {
            SegregationCode::parse(&self.0[..2]).ok()
        } else {
            None
        }
    }

    /// True for `RF` creditor references.
    pub fn is_creditor_reference(&self) -> bool {
        self.0.starts_with("RF")
    }

    /// The IUV as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Iuv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 11649 structured creditor reference (`RF` + 2 check digits + 1..=21 alphanumerics).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditorReference(String);

impl CreditorReference {
    /// Validates the format and the mod-97 check (uppercase only, no spaces).
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        let err = |r: &str| InvalidIdentifier::new("RF creditor reference", r);
        if !(5..=25).contains(&s.len()) || !s.starts_with("RF") {
            return Err(err("must be RF + 2 check digits + 1..21 characters"));
        }
        if !all_digits(&s[2..4]) {
            return Err(err("check digits must be numeric"));
        }
        if !s[4..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            return Err(err("reference must be uppercase letters and digits"));
        }
        let rearranged = format!("{}{}", &s[4..], &s[..4]);
        if mod97_alnum(&rearranged) != 1 {
            return Err(err("check digits do not match"));
        }
        Ok(Self(s.to_owned()))
    }

    /// Builds the reference for `body` (1..=21 uppercase alphanumerics), computing the check digits.
    pub fn from_body(body: &str) -> Result<Self, InvalidIdentifier> {
        let check = 98 - mod97_alnum(&format!("{body}RF00"));
        Self::parse(&format!("RF{check:02}{body}"))
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ISO 7064 mod 97-10 of an alphanumeric string (letters count as 10..=35).
pub(crate) fn mod97_alnum(s: &str) -> u64 {
    s.bytes().fold(0u64, |acc, b| {
        let v = if b.is_ascii_digit() {
            u64::from(b - b'0')
        } else {
            u64::from(b.to_ascii_uppercase() - b'A') + 10
        };
        if v >= 10 {
            (acc * 100 + v) % 97
        } else {
            (acc * 10 + v) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_example_from_the_notes() {
        let seg = SegregationCode::parse("01").unwrap();
        let iuv = Iuv::aux3(seg, 1).unwrap();
        assert_eq!(iuv.as_str(), "01000000000000144");
        assert!(iuv.is_valid_aux3());
    }

    #[test]
    fn rejects_bad_shapes() {
        assert!(Iuv::parse("0100000000000014").is_err());
        assert!(Iuv::parse("01000000000000144x").is_err());
        assert!(Iuv::parse("").is_err());
        assert!(Iuv::aux3(SegregationCode::new(1).unwrap(), 0).is_err());
        assert!(Iuv::aux3(SegregationCode::new(1).unwrap(), MAX_PROGRESSIVE + 1).is_err());
        assert!(SegregationCode::parse("1").is_err());
        assert!(SegregationCode::new(100).is_err());
    }

    #[test]
    fn creditor_reference_known_value() {
        // ISO 11649 example reference.
        assert!(CreditorReference::parse("RF18539007547034").is_ok());
        assert!(CreditorReference::parse("RF19539007547034").is_err());
        assert!(Iuv::parse("RF18539007547034")
            .unwrap()
            .is_creditor_reference());
    }

    proptest! {
        #[test]
        fn aux3_iuvs_are_valid_and_round_trip(seg in 0u8..=99, p in 1u64..=MAX_PROGRESSIVE) {
            let iuv = Iuv::aux3(SegregationCode::new(seg).unwrap(), p).unwrap();
            prop_assert_eq!(iuv.as_str().len(), 17);
            prop_assert!(iuv.is_valid_aux3());
            prop_assert_eq!(Iuv::parse(iuv.as_str()).unwrap(), iuv.clone());
            prop_assert_eq!(iuv.segregation_code().unwrap().value(), seg);
            prop_assert_eq!(iuv.as_str()[2..15].parse::<u64>().unwrap(), p);
        }

        #[test]
        fn a_changed_digit_breaks_the_aux3_check(seg in 0u8..=99, p in 1u64..=MAX_PROGRESSIVE, pos in 0usize..15, d in 1u8..=9) {
            let iuv = Iuv::aux3(SegregationCode::new(seg).unwrap(), p).unwrap();
            let mut bytes = iuv.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + d) % 10;
            let changed = Iuv::parse(std::str::from_utf8(&bytes).unwrap()).unwrap();
            // mod 93 detects every single-digit substitution at these magnitudes
            prop_assert!(!changed.is_valid_aux3());
        }

        #[test]
        fn creditor_references_round_trip(body in "[0-9A-Z]{1,21}") {
            let r = CreditorReference::from_body(&body).unwrap();
            prop_assert_eq!(&r.as_str()[4..], body.as_str());
            prop_assert!(CreditorReference::parse(r.as_str()).is_ok());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Iuv::parse(&s);
            let _ = CreditorReference::parse(&s);
        }
    }
}
