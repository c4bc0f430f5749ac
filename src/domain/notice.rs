//! The 18-digit notice number (numero avviso / NAV) printed on payment notices.
//!
//! Layout by aux digit: `0` + application code (2) + IUV (15); `1` + IUV (17);
//! `2` + IUV (17); `3` + IUV (17, which begins with the segregation code).
//! Aux digits 0, 2 and 3 carry mod-93 check digits over all the preceding digits.

use super::{all_digits, digits_mod, InvalidIdentifier, Iuv};
use std::fmt;

/// The first digit of a notice number: how the IUV was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuxDigit {
    /// Legacy: application code + 15-digit IUV.
    Zero,
    /// Free 17-digit IUV, no check digits.
    One,
    /// 15-digit base + check digits.
    Two,
    /// Segregation code + 13-digit base + check digits (the one we generate).
    Three,
}

impl AuxDigit {
    /// Parses `0`..`3`.
    pub fn from_digit(d: u8) -> Option<Self> {
        match d {
            0 => Some(Self::Zero),
            1 => Some(Self::One),
            2 => Some(Self::Two),
            3 => Some(Self::Three),
            _ => None,
        }
    }

    /// The digit itself.
    pub fn digit(self) -> u8 {
        match self {
            Self::Zero => 0,
            Self::One => 1,
            Self::Two => 2,
            Self::Three => 3,
        }
    }
}

/// A validated 18-digit notice number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NoticeNumber(String);

impl NoticeNumber {
    /// Validates length, aux digit and (for aux 0, 2, 3) the check digits.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        let err = |r: &str| InvalidIdentifier::new("notice number", r);
        if s.len() != 18 || !all_digits(s) {
            return Err(err("must be exactly 18 digits"));
        }
        let aux = AuxDigit::from_digit(s.as_bytes()[0] - b'0')
            .ok_or_else(|| err("aux digit must be 0, 1, 2 or 3"))?;
        if aux != AuxDigit::One && digits_mod(&s[..16], 93) != digits_mod(&s[16..], 100) {
            return Err(err("check digits do not match"));
        }
        Ok(Self(s.to_owned()))
    }

    /// Builds the notice number for `iuv`. Aux digit 0 needs the entity's application code.
    pub fn from_iuv(
        aux: AuxDigit,
        application_code: Option<&str>,
        iuv: &Iuv,
    ) -> Result<Self, InvalidIdentifier> {
        let err = |r: &str| InvalidIdentifier::new("notice number", r);
        let s = match aux {
            AuxDigit::Zero => {
                let app =
                    application_code.ok_or_else(|| err("aux digit 0 needs an application code"))?;
                if iuv.as_str().len() != 15 {
                    return Err(err("aux digit 0 needs a 15-digit IUV"));
                }
                format!("0{app}{iuv}")
            }
            _ => {
                if iuv.as_str().len() != 17 {
                    return Err(err("aux digits 1..3 need a 17-digit IUV"));
                }
                format!("{}{iuv}", aux.digit())
            }
        };
        Self::parse(&s)
    }

    /// The aux digit.
    pub fn aux_digit(&self) -> AuxDigit {
        match self.0.as_bytes()[0] {
            b'0' => AuxDigit::Zero,
            b'1' => AuxDigit::One,
            b'2' => AuxDigit::Two,
            _ => AuxDigit::Three,
        }
    }

    /// The IUV inside: aux 0 drops the first three digits, the others drop the first one.
    pub fn iuv(&self) -> Iuv {
        let tail = match self.aux_digit() {
            AuxDigit::Zero => &self.0[3..],
            _ => &self.0[1..],
        };
        // Every tail of a parsed notice number is a 15- or 17-digit numeric IUV.
        Iuv::from_checked_digits(tail)
    }

    /// The number grouped in blocks of four, as printed on notices: `3010 0000 0000 0001 44`.
    pub fn formatted(&self) -> String {
        let mut out = String::with_capacity(22);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }

    /// The notice number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NoticeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{iuv::MAX_PROGRESSIVE, SegregationCode};
    use proptest::prelude::*;

    #[test]
    fn worked_example() {
        let iuv = Iuv::parse("01000000000000144").unwrap();
        let n = NoticeNumber::from_iuv(AuxDigit::Three, None, &iuv).unwrap();
        assert_eq!(n.as_str(), "301000000000000144");
        assert_eq!(n.formatted(), "3010 0000 0000 0001 44");
        assert_eq!(n.iuv(), iuv);
    }

    #[test]
    fn rejects_wrong_aux_and_check() {
        assert!(NoticeNumber::parse("401000000000000144").is_err());
        assert!(NoticeNumber::parse("301000000000000145").is_err());
        assert!(NoticeNumber::parse("30100000000000014").is_err());
        // aux 1 has no check digits
        assert!(NoticeNumber::parse("112345678901234567").is_ok());
    }

    #[test]
    fn aux0_uses_application_code() {
        // 0 + app 12 + base 0000000000001 -> check over "0120000000000001"
        let cc = digits_mod("0120000000000001", 93);
        let iuv = Iuv::parse(&format!("0000000000001{cc:02}")).unwrap();
        let n = NoticeNumber::from_iuv(AuxDigit::Zero, Some("12"), &iuv).unwrap();
        assert_eq!(n.iuv(), iuv);
        assert_eq!(n.aux_digit(), AuxDigit::Zero);
        assert!(NoticeNumber::from_iuv(AuxDigit::Zero, None, &iuv).is_err());
    }

    proptest! {
        #[test]
        fn aux3_round_trip(seg in 0u8..=99, p in 1u64..=MAX_PROGRESSIVE) {
            let iuv = Iuv::aux3(SegregationCode::new(seg).unwrap(), p).unwrap();
            let n = NoticeNumber::from_iuv(AuxDigit::Three, None, &iuv).unwrap();
            prop_assert_eq!(n.as_str().len(), 18);
            prop_assert_eq!(NoticeNumber::parse(n.as_str()).unwrap().iuv(), iuv);
            prop_assert_eq!(n.formatted().replace(' ', ""), n.as_str());
        }

        #[test]
        fn parse_never_panics(s in "[0-9]{0,20}|\\PC{0,20}") {
            if let Ok(n) = NoticeNumber::parse(&s) {
                let _ = n.iuv();
            }
        }
    }
}
