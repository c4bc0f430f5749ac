//! Loading a dovuto: what MyPay's `azione` (I insert, M modify, A annul) does to what the
//! entity already holds under the IUD. One decision for every way in — the
//! `paaSILImportaDovuto` web service and the CSV flussi alike.

use super::DovutoState;

/// What the entity asks for a dovuto (MyPay's `azione`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Azione {
    /// `I`: a new dovuto.
    Insert,
    /// `M`: change an open one.
    Modify,
    /// `A`: annul an open one.
    Annul,
}

impl Azione {
    /// Every action.
    pub const ALL: [Self; 3] = [Self::Insert, Self::Modify, Self::Annul];

    /// Parses MyPay's one-letter code.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "I" => Some(Self::Insert),
            "M" => Some(Self::Modify),
            "A" => Some(Self::Annul),
            _ => None,
        }
    }

    /// MyPay's one-letter code.
    pub fn code(self) -> char {
        match self {
            Self::Insert => 'I',
            Self::Modify => 'M',
            Self::Annul => 'A',
        }
    }
}

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Insert a new dovuto (version 0).
    Insert,
    /// Rewrite the held dovuto with what was sent; its version goes up by one.
    Modify,
    /// Annul the held dovuto; its version goes up by one.
    Annul,
}

/// Why the load is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `I` of an IUD the entity already holds.
    IudHeld,
    /// `I` with an IUV of its own that another dovuto of the entity already uses.
    IuvTaken,
    /// `M` or `A` of an IUD the entity does not hold.
    IudUnknown,
    /// `M` or `A` of a dovuto that can no longer change (paid, annulled, being paid).
    NotModifiable(DovutoState),
}

/// The decision: `held` is the state of the dovuto the entity holds under the IUD, if
/// any; `own_iuv_taken` whether the IUV the request brings (if it brings one) is used.
pub fn decide(
    azione: Azione,
    held: Option<DovutoState>,
    own_iuv_taken: bool,
) -> Result<Change, Refusal> {
    match (azione, held) {
        (Azione::Insert, Some(_)) => Err(Refusal::IudHeld),
        (Azione::Insert, None) if own_iuv_taken => Err(Refusal::IuvTaken),
        (Azione::Insert, None) => Ok(Change::Insert),
        (_, None) => Err(Refusal::IudUnknown),
        (_, Some(state)) if !state.is_modifiable() => Err(Refusal::NotModifiable(state)),
        (Azione::Modify, Some(_)) => Ok(Change::Modify),
        (Azione::Annul, Some(_)) => Ok(Change::Annul),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for a in Azione::ALL {
            assert_eq!(Azione::parse(&a.code().to_string()), Some(a));
        }
        assert_eq!(Azione::parse("X"), None);
        assert_eq!(Azione::parse("i"), None);
    }

    #[test]
    fn every_combination_has_one_answer() {
        for azione in Azione::ALL {
            for taken in [false, true] {
                let none = decide(azione, None, taken);
                match azione {
                    Azione::Insert if taken => assert_eq!(none, Err(Refusal::IuvTaken)),
                    Azione::Insert => assert_eq!(none, Ok(Change::Insert)),
                    _ => assert_eq!(none, Err(Refusal::IudUnknown)),
                }
                for state in DovutoState::ALL {
                    let got = decide(azione, Some(state), taken);
                    let want = match azione {
                        Azione::Insert => Err(Refusal::IudHeld),
                        _ if !state.is_modifiable() => Err(Refusal::NotModifiable(state)),
                        Azione::Modify => Ok(Change::Modify),
                        Azione::Annul => Ok(Change::Annul),
                    };
                    assert_eq!(got, want, "{azione:?} {state} {taken}");
                }
            }
        }
    }

    #[test]
    fn paid_annulled_and_started_positions_do_not_change() {
        for state in [
            DovutoState::Paid,
            DovutoState::Cancelled,
            DovutoState::PaymentStarted,
        ] {
            for azione in [Azione::Modify, Azione::Annul] {
                assert_eq!(
                    decide(azione, Some(state), false),
                    Err(Refusal::NotModifiable(state))
                );
            }
        }
        assert_eq!(
            decide(Azione::Annul, Some(DovutoState::Expired), false),
            Ok(Change::Annul)
        );
    }
}
