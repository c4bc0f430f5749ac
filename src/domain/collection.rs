//! `datiSpecificiRiscossione`: the collection data of a dovuto, `[0129]/\S{3,138}`.
//! With prefix `9/` it is the pagoPA taxonomy code (`9/0101108TS/`), which the new
//! model sends as `transferCategory`.

use super::InvalidIdentifier;
use std::fmt;

/// Validated `datiSpecificiRiscossione` (at most 140 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CollectionData(String);

impl CollectionData {
    /// Checks the pattern `[0129]/\S{3,138}`.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        let b = s.as_bytes();
        let ok = b.len() >= 5
            && s.chars().count() <= 140
            && matches!(b[0], b'0' | b'1' | b'2' | b'9')
            && b[1] == b'/'
            && !s[2..].chars().any(char::is_whitespace);
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidIdentifier::new(
                "datiSpecificiRiscossione",
                "must match [0129]/ followed by 3..138 non-blank characters",
            ))
        }
    }

    /// The pagoPA taxonomy code for `transferCategory` (`9/0101108TS/` → `0101108TS`),
    /// or the text after the prefix for the accounting forms `0/`, `1/`, `2/`.
    pub fn transfer_category(&self) -> &str {
        let rest = &self.0[2..];
        rest.split('/').next().unwrap_or(rest)
    }

    /// True for the taxonomy form (`9/`).
    pub fn is_taxonomy(&self) -> bool {
        self.0.starts_with("9/")
    }

    /// The value as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CollectionData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pattern() {
        let c = CollectionData::parse("9/0101108TS/").unwrap();
        assert!(c.is_taxonomy());
        assert_eq!(c.transfer_category(), "0101108TS");
        assert!(CollectionData::parse("1/ABC").is_ok());
        for bad in ["3/ABC", "9/AB", "9-ABCD", "9/AB CD", "", "9/"] {
            assert!(CollectionData::parse(bad).is_err(), "{bad}");
        }
        assert!(CollectionData::parse(&format!("9/{}", "X".repeat(138))).is_ok());
        assert!(CollectionData::parse(&format!("9/{}", "X".repeat(139))).is_err());
    }

    proptest! {
        #[test]
        fn valid_values_round_trip(p in "[0129]", rest in "[!-~]{3,138}") {
            let s = format!("{p}/{rest}");
            let parsed = CollectionData::parse(&s).unwrap();
            prop_assert_eq!(parsed.as_str(), s.as_str());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,150}") {
            let _ = CollectionData::parse(&s);
        }
    }
}
