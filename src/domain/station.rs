//! The pagoPA identifiers of an intermediary's connection to the node: the station id
//! (`<idBrokerPA>_<NN>`), the application code of aux-digit-0 notices, and the primitive
//! version a station speaks.

use super::{all_digits, InvalidIdentifier, PartitaIva};

/// A station id: the broker's 11-digit fiscal code, `_`, two digits (e.g. `97735020584_01`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StationId(String);

impl StationId {
    /// Validates the shape and the broker part's check digit.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        let err = |r: &str| InvalidIdentifier::new("idStazione", r);
        let (broker, n) = s
            .split_once('_')
            .ok_or_else(|| err("must be the broker's fiscal code, '_' and two digits"))?;
        if n.len() != 2 || !all_digits(n) {
            return Err(err("must end with '_' and two digits"));
        }
        PartitaIva::parse(broker).map_err(|e| err(&e.reason))?;
        Ok(Self(s.to_owned()))
    }

    /// The broker's fiscal code (idBrokerPA) the station belongs to.
    pub fn broker(&self) -> &str {
        &self.0[..11]
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The two-digit application code that aux-digit-0 notice numbers carry after the 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApplicationCode(u8);

impl ApplicationCode {
    /// Parses `00`..`99`.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        if s.len() != 2 || !all_digits(s) {
            return Err(InvalidIdentifier::new(
                "codice applicazione",
                "must be two digits",
            ));
        }
        s.parse()
            .map(Self)
            .map_err(|_| InvalidIdentifier::new("codice applicazione", "not a number"))
    }

    /// As stored and printed: two digits.
    pub fn code(self) -> String {
        format!("{:02}", self.0)
    }
}

/// Which primitives the node uses with a station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrimitiveVersion {
    /// paGetPayment / paSendRT.
    V1,
    /// paGetPaymentV2 / paSendRTV2.
    V2,
}

impl PrimitiveVersion {
    /// Every version.
    pub const ALL: [Self; 2] = [Self::V1, Self::V2];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::V1 => "V1",
            Self::V2 => "V2",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn station_ids() {
        let s = StationId::parse("97000000014_01").unwrap();
        assert_eq!(s.broker(), "97000000014");
        for bad in [
            "97000000014",
            "97000000014_1",
            "97000000015_01",
            "9700000001_014",
            "97000000014_0a",
        ] {
            assert!(StationId::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ApplicationCode::parse("07").unwrap().code(), "07");
        assert!(ApplicationCode::parse("7").is_err());
        assert_eq!(
            PrimitiveVersion::from_code("V2"),
            Some(PrimitiveVersion::V2)
        );
        assert_eq!(PrimitiveVersion::from_code("v2"), None);
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_keeps_the_text(s in "\\PC{0,20}") {
            if let Ok(id) = StationId::parse(&s) {
                prop_assert_eq!(id.as_str(), s.as_str());
            }
        }
    }
}
