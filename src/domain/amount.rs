//! Money as integer euro cents. Parsed strictly from the wire format `\d+\.\d{2}`.

use super::InvalidIdentifier;
use rust_decimal::Decimal;
use std::fmt;

/// The largest amount pagoPA accepts (`stAmount`: 999999999.99).
pub const MAX_CENTS: i64 = 99_999_999_999;

/// A non-negative amount in euro cents, at most [`MAX_CENTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct AmountCents(i64);

impl AmountCents {
    /// Zero euro.
    pub const ZERO: Self = Self(0);

    /// Parses `\d+\.\d{2}` exactly (e.g. `12.50`, `0.01`); no sign, no thousands separators.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        let err = |r: &str| InvalidIdentifier::new("amount", r);
        let (int, frac) = s
            .split_once('.')
            .ok_or_else(|| err("must be written as digits, a dot and two decimals"))?;
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || frac.len() != 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err("must be written as digits, a dot and two decimals"));
        }
        let int = int.trim_start_matches('0');
        if int.len() > 9 {
            return Err(err("exceeds 999999999.99"));
        }
        let euros: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| err("not a number"))?
        };
        let cents: i64 = frac.parse().map_err(|_| err("not a number"))?;
        Ok(Self(euros * 100 + cents))
    }

    /// Parses an amount as a person types it: `12`, `12,5`, `12,50` or `12.50` (a
    /// trailing `€` allowed; no thousands separators).
    pub fn parse_euro(s: &str) -> Result<Self, InvalidIdentifier> {
        let s = s.trim().trim_end_matches('€').trim_end();
        let (int, frac) = match s.split_once([',', '.']) {
            Some((_, "")) => {
                return Err(InvalidIdentifier::new("amount", "decimals missing"));
            }
            Some((int, frac)) if frac.len() <= 2 => (int, frac),
            Some(_) => return Err(InvalidIdentifier::new("amount", "at most two decimals")),
            None => (s, ""),
        };
        Self::parse(&format!("{int}.{frac:0<2}"))
    }

    /// From a cents value (as stored in the database).
    pub fn from_cents(cents: i64) -> Result<Self, InvalidIdentifier> {
        if (0..=MAX_CENTS).contains(&cents) {
            Ok(Self(cents))
        } else {
            Err(InvalidIdentifier::new(
                "amount",
                "out of range 0..=999999999.99",
            ))
        }
    }

    /// The value in cents.
    pub fn cents(self) -> i64 {
        self.0
    }

    /// The value as a decimal with two fraction digits.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Sum that stays within range.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0
            .checked_add(other.0)
            .filter(|c| *c <= MAX_CENTS)
            .map(Self)
    }

    /// Italian display: `1.234,50`.
    pub fn to_italian(self) -> String {
        let euros = (self.0 / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        format!("{grouped},{:02}", self.0 % 100)
    }
}

/// Wire format: `12.50`.
impl fmt::Display for AmountCents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_wire_format_only() {
        assert_eq!(AmountCents::parse("12.50").unwrap().cents(), 1250);
        assert_eq!(AmountCents::parse("0.01").unwrap().cents(), 1);
        assert_eq!(
            AmountCents::parse("999999999.99").unwrap().cents(),
            MAX_CENTS
        );
        for bad in [
            "12.5",
            "12",
            ".50",
            "-1.00",
            "1,00",
            "1e3.00",
            "1000000000.00",
            "12.500",
            " 1.00",
            "",
        ] {
            assert!(AmountCents::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            AmountCents::parse("12.50")
                .unwrap()
                .to_decimal()
                .to_string(),
            "12.50"
        );
        assert_eq!(
            AmountCents::from_cents(123456789).unwrap().to_italian(),
            "1.234.567,89"
        );
        assert_eq!(AmountCents::from_cents(5).unwrap().to_italian(), "0,05");
        assert!(AmountCents::from_cents(-1).is_err());
    }

    #[test]
    fn typed_amounts() {
        for (typed, cents) in [
            ("12", 1200),
            ("12,5", 1250),
            ("12,50", 1250),
            ("0.01", 1),
            (" 7 € ", 700),
        ] {
            assert_eq!(
                AmountCents::parse_euro(typed).unwrap().cents(),
                cents,
                "{typed}"
            );
        }
        for bad in ["", "12,", "1,234", "1.234,50", "-1", "1e3", "12,5,0"] {
            assert!(AmountCents::parse_euro(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn typed_italian_reads_back(c in 0i64..=MAX_CENTS) {
            let a = AmountCents::from_cents(c).unwrap();
            let typed = format!("{},{:02}", c / 100, c % 100);
            prop_assert_eq!(AmountCents::parse_euro(&typed).unwrap(), a);
        }

        #[test]
        fn display_parse_round_trip(c in 0i64..=MAX_CENTS) {
            let a = AmountCents::from_cents(c).unwrap();
            prop_assert_eq!(AmountCents::parse(&a.to_string()).unwrap(), a);
            prop_assert_eq!(a.to_decimal(), Decimal::new(c, 2));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = AmountCents::parse(&s);
        }
    }
}
