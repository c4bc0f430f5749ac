//! The states of a cart an entity portal (or the citizen site) starts, in MyPay's codes.

/// Where a cart stands. A cart not paid before its deadline is expired when next looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CartState {
    /// Created: the citizen has not started paying.
    New,
    /// Handed to Checkout.
    Paying,
    /// Every position paid.
    Paid,
    /// The citizen gave up (or Checkout failed).
    Aborted,
    /// Not paid in time.
    Expired,
}

impl CartState {
    /// Every state.
    pub const ALL: [Self; 5] = [
        Self::New,
        Self::Paying,
        Self::Paid,
        Self::Aborted,
        Self::Expired,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::New => "PREDISPOSTO",
            Self::Paying => "PAGAM_IN_CORSO",
            Self::Paid => "PAGATO",
            Self::Aborted => "ABORT",
            Self::Expired => "SCADUTO",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the citizen can still (start to) pay it.
    pub fn is_payable(self) -> bool {
        matches!(self, Self::New | Self::Paying)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in CartState::ALL {
            assert_eq!(CartState::from_code(s.code()), Some(s));
        }
        assert_eq!(CartState::from_code("PAGATO "), None);
    }
}
