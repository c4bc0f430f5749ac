//! The states of a flusso (an import of dovuti or an export), in MyPay's codes: the ones
//! the entity's software reads back from `paaSILChiediStato*`.

/// Where a flusso stands. An import refused as a whole holds the refusal's code (e.g.
/// `PAA_IMPORT_FILE_VERSIONE_ERR`) as its state, as MyPay does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FlussoState {
    /// Import registered, waiting for its file or its worker.
    Loaded,
    /// Being imported.
    Importing,
    /// Imported (rows may have been rejected one by one).
    Imported,
    /// Refused as a whole: the code of the file-level error.
    Refused(String),
    /// Export requested, waiting.
    ExportRequested,
    /// Being written.
    Exporting,
    /// Written: the file can be downloaded.
    Exported,
    /// Nothing matched: no file.
    ExportedEmpty,
    /// Failed after its retries.
    ExportFailed,
    /// Past its retention: the file is gone.
    ExportCancelled,
}

/// The states with a fixed code.
const FIXED: [(FlussoState, &str); 9] = [
    (FlussoState::Loaded, "LOAD_IMPORT"),
    (FlussoState::Importing, "IMPORT_IN_ELAB"),
    (FlussoState::Imported, "IMPORT_ESEGUITO"),
    (FlussoState::ExportRequested, "LOAD_EXPORT"),
    (FlussoState::Exporting, "EXPORT_IN_ELAB"),
    (FlussoState::Exported, "EXPORT_ESEGUITO"),
    (
        FlussoState::ExportedEmpty,
        "EXPORT_ESEGUITO_NESSUN_DOVUTO_TROVATO",
    ),
    (FlussoState::ExportFailed, "ERROR_EXPORT"),
    (FlussoState::ExportCancelled, "EXPORT_CANCELLATO"),
];

/// The prefix of every file-level refusal code.
const REFUSAL_PREFIX: &str = "PAA_";

impl FlussoState {
    /// The stored code (the one the entity services answer with).
    pub fn code(&self) -> &str {
        match self {
            Self::Refused(code) => code,
            fixed => FIXED
                .iter()
                .find(|(s, _)| s == fixed)
                .map_or("", |(_, code)| code),
        }
    }

    /// Parses a stored code: a fixed one, or a refusal code.
    pub fn from_code(code: &str) -> Option<Self> {
        FIXED
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(s, _)| s.clone())
            .or_else(|| Self::refused(code))
    }

    /// The state of an import refused with `code`, when it is a refusal code.
    pub fn refused(code: &str) -> Option<Self> {
        let rest = code.strip_prefix(REFUSAL_PREFIX)?;
        let plain = !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
        plain.then(|| Self::Refused(code.to_owned()))
    }

    /// Waiting or being worked on: a page showing it refreshes.
    pub fn is_working(&self) -> bool {
        matches!(
            self,
            Self::Loaded | Self::Importing | Self::ExportRequested | Self::Exporting
        )
    }
}

impl std::fmt::Display for FlussoState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fixed_codes_round_trip() {
        for (state, code) in FIXED {
            assert_eq!(state.code(), code);
            assert_eq!(FlussoState::from_code(code), Some(state));
        }
    }

    #[test]
    fn a_refusal_keeps_its_code() {
        let s = FlussoState::from_code("PAA_IMPORT_FILE_VERSIONE_ERR").unwrap();
        assert_eq!(s.code(), "PAA_IMPORT_FILE_VERSIONE_ERR");
        assert!(!s.is_working());
        for bad in ["", "PAA_", "IMPORTATO", "PAA_import", "PAA_X Y"] {
            assert_eq!(FlussoState::from_code(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn whatever_parses_stores_back_as_itself(code in "[A-Z_]{0,40}") {
            if let Some(s) = FlussoState::from_code(&code) {
                prop_assert_eq!(s.code(), code.as_str());
            }
        }
    }
}
