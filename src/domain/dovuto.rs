//! States of a dovuto (debt position) and of an entity, with their allowed transitions.
//! The stored codes are MyPay's, so exports and operators see familiar names.

use std::fmt;

/// Lifecycle of a dovuto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DovutoState {
    /// Being loaded (e.g. a flusso row not yet committed as payable).
    Draft,
    /// Payable: has an IUV and waits for payment.
    Payable,
    /// A payment was started (activated by a PSP or a portal cart).
    PaymentStarted,
    /// Paid: a positive receipt arrived.
    Paid,
    /// Cancelled by the entity.
    Cancelled,
    /// Past its due date and no longer payable.
    Expired,
    /// Temporarily not payable (disabled by the entity).
    Disabled,
    /// Could not be processed.
    Error,
}

impl DovutoState {
    /// Every state, for filters and tests.
    pub const ALL: [Self; 8] = [
        Self::Draft,
        Self::Payable,
        Self::PaymentStarted,
        Self::Paid,
        Self::Cancelled,
        Self::Expired,
        Self::Disabled,
        Self::Error,
    ];

    /// The stored code (MyPay's `cod_stato`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "INSERIMENTO_DOVUTO",
            Self::Payable => "PREDISPOSTO",
            Self::PaymentStarted => "PAGAMENTO_INIZIATO",
            Self::Paid => "COMPLETATO",
            Self::Cancelled => "ANNULLATO",
            Self::Expired => "SCADUTO",
            Self::Disabled => "DISABILITATO",
            Self::Error => "ERROR_DOVUTO",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// A short Italian label for pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "In inserimento",
            Self::Payable => "Da pagare",
            Self::PaymentStarted => "Pagamento in corso",
            Self::Paid => "Pagato",
            Self::Cancelled => "Annullato",
            Self::Expired => "Scaduto",
            Self::Disabled => "Disabilitato",
            Self::Error => "In errore",
        }
    }

    /// Whether a payment may be started (verify/activate succeed).
    pub fn is_payable(self) -> bool {
        matches!(self, Self::Payable | Self::PaymentStarted)
    }

    /// Whether the entity may still modify or cancel the position.
    pub fn is_modifiable(self) -> bool {
        matches!(
            self,
            Self::Draft | Self::Payable | Self::Expired | Self::Disabled | Self::Error
        )
    }

    /// The transitions the system allows. Receipts are never refused: a receipt for a
    /// cancelled or expired position still makes it paid (and is flagged upstream).
    pub fn can_become(self, next: Self) -> bool {
        use DovutoState::*;
        matches!(
            (self, next),
            (Draft, Payable | Cancelled | Error)
                | (
                    Payable,
                    PaymentStarted | Paid | Cancelled | Expired | Disabled
                )
                | (PaymentStarted, Paid | Payable | Expired)
                | (Expired, Payable | Paid | Cancelled)
                | (Disabled, Payable | Cancelled | Paid)
                | (Cancelled, Paid)
                | (Error, Payable | Cancelled)
        )
    }
}

/// What the pagoPA node is told about a position it asks to pay (verify / activate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeVerdict {
    /// It can be paid.
    Payable,
    /// Not (yet) a payable position of ours.
    Unknown,
    /// Already paid.
    AlreadyPaid,
    /// Expired.
    Expired,
    /// Cancelled.
    Cancelled,
}

impl DovutoState {
    /// The verdict for the node, by state.
    pub fn node_verdict(self) -> NodeVerdict {
        match self {
            Self::Payable | Self::PaymentStarted => NodeVerdict::Payable,
            Self::Paid => NodeVerdict::AlreadyPaid,
            Self::Expired => NodeVerdict::Expired,
            Self::Cancelled => NodeVerdict::Cancelled,
            Self::Draft | Self::Disabled | Self::Error => NodeVerdict::Unknown,
        }
    }
}

impl fmt::Display for DovutoState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Lifecycle of a creditor entity: INSERITO → PRE-ESERCIZIO → ESERCIZIO, and DISABILITATO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityState {
    /// Registered, not yet configured for payments.
    Inserted,
    /// Being tested with pagoPA.
    PreProduction,
    /// In production.
    Production,
    /// Switched off: no payments, no web-service calls.
    Disabled,
}

impl EntityState {
    /// Every state.
    pub const ALL: [Self; 4] = [
        Self::Inserted,
        Self::PreProduction,
        Self::Production,
        Self::Disabled,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Inserted => "INSERITO",
            Self::PreProduction => "PRE-ESERCIZIO",
            Self::Production => "ESERCIZIO",
            Self::Disabled => "DISABILITATO",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Only entities in (pre-)production accept payments and web-service calls.
    pub fn is_operational(self) -> bool {
        matches!(self, Self::PreProduction | Self::Production)
    }

    /// Forward lifecycle, with a step back from production to pre-production; any state
    /// may be disabled, and a disabled entity comes back through pre-production.
    pub fn can_become(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Inserted, Self::PreProduction)
                | (Self::PreProduction, Self::Production)
                | (Self::Production, Self::PreProduction)
                | (
                    Self::Inserted | Self::PreProduction | Self::Production,
                    Self::Disabled
                )
                | (Self::Disabled, Self::PreProduction)
        )
    }

    /// The states an entity in this one may move to.
    pub fn next(self) -> impl Iterator<Item = Self> {
        Self::ALL.into_iter().filter(move |n| self.can_become(*n))
    }

    /// An Italian label for pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Inserted => "Inserito",
            Self::PreProduction => "Pre-esercizio",
            Self::Production => "Esercizio",
            Self::Disabled => "Disabilitato",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in DovutoState::ALL {
            assert_eq!(DovutoState::from_code(s.code()), Some(s));
        }
        for s in EntityState::ALL {
            assert_eq!(EntityState::from_code(s.code()), Some(s));
        }
        assert_eq!(DovutoState::from_code("NOPE"), None);
    }

    #[test]
    fn paid_is_terminal_and_receipts_are_never_refused() {
        for s in DovutoState::ALL {
            assert!(!DovutoState::Paid.can_become(s));
            if !matches!(
                s,
                DovutoState::Paid | DovutoState::Draft | DovutoState::Error
            ) {
                assert!(s.can_become(DovutoState::Paid), "{s}");
            }
        }
        assert!(!DovutoState::Cancelled.can_become(DovutoState::Payable));
        assert!(DovutoState::Payable.is_payable());
        assert!(!DovutoState::Expired.is_payable());
    }

    #[test]
    fn node_verdicts() {
        assert_eq!(
            DovutoState::PaymentStarted.node_verdict(),
            NodeVerdict::Payable
        );
        assert_eq!(DovutoState::Paid.node_verdict(), NodeVerdict::AlreadyPaid);
        assert_eq!(DovutoState::Disabled.node_verdict(), NodeVerdict::Unknown);
        for s in DovutoState::ALL {
            assert_eq!(
                s.node_verdict() == NodeVerdict::Payable,
                s.is_payable(),
                "{s}"
            );
        }
    }

    #[test]
    fn entity_lifecycle() {
        assert!(EntityState::Inserted.can_become(EntityState::PreProduction));
        assert!(!EntityState::Inserted.can_become(EntityState::Production));
        assert!(!EntityState::Inserted.is_operational());
        assert!(EntityState::Production.is_operational());
    }
}
