//! The pure domain: identifiers, money, states and rules.
//!
//! Nothing in here performs I/O, reads the clock or draws random numbers on its own:
//! time comes in as a parameter and randomness through [`random::RandomSource`].
//! Every identifier is a newtype with a single fallible constructor (`parse`), so raw
//! strings never cross into the rest of the domain.

pub mod amount;
pub mod bilancio;
pub mod cart;
pub mod collection;
pub mod datamatrix;
pub mod dovuto;
pub mod due_type;
pub mod email;
pub mod fiscal_code;
pub mod flusso;
pub mod form;
pub mod iban;
pub mod iuv;
pub mod language;
pub mod load;
pub mod notice;
pub mod onboarding;
pub mod qr;
pub mod random;
pub mod station;

pub use amount::AmountCents;
pub use cart::CartState;
pub use collection::CollectionData;
pub use dovuto::{DovutoState, EntityState, NodeVerdict};
pub use email::Email;
pub use fiscal_code::{FiscalCode, PartitaIva, PersonFiscalCode};
pub use flusso::FlussoState;
pub use iban::Iban;
pub use iuv::{CreditorReference, Iuv, SegregationCode};
pub use language::NoticeLanguage;
pub use load::Azione;
pub use notice::{AuxDigit, NoticeNumber};
pub use station::{ApplicationCode, PrimitiveVersion, StationId};

/// Why an identifier or amount was rejected. The message is meant for the person or
/// system that sent it (it never contains anything but the offending value's shape).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {reason}")]
pub struct InvalidIdentifier {
    /// Which kind of identifier was being parsed ("IUV", "IBAN", ...).
    pub what: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl InvalidIdentifier {
    pub(crate) fn new(what: &'static str, reason: impl Into<String>) -> Self {
        Self {
            what,
            reason: reason.into(),
        }
    }
}

/// `n mod m` for a string of ASCII digits of any length (no overflow).
pub(crate) fn digits_mod(digits: &str, m: u64) -> u64 {
    digits
        .bytes()
        .fold(0u64, |acc, b| (acc * 10 + u64::from(b - b'0')) % m)
}

/// True when `s` is non-empty and made only of ASCII digits.
pub(crate) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}
