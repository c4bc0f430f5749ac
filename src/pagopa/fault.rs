//! The EC-domain fault codes of paForNode and how a fault is written.
//! Business failures are data: `outcome=KO` + `fault` inside a normal 200 response.

use crate::soap::seq::SchemaError;
use crate::soap::writer::XmlWriter;

/// Fault codes we return to the node (SANP, "domino EC").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultCode {
    /// The notice is unknown to the EC.
    PagamentoSconosciuto,
    /// The notice is already paid.
    PagamentoDuplicato,
    /// The notice expired.
    PagamentoScaduto,
    /// The notice was cancelled.
    PagamentoAnnullato,
    /// idPA unknown or not served by the station.
    IdDominioErrato,
    /// idBrokerPA unknown.
    IdIntermediarioErrato,
    /// idStation unknown or not of the broker.
    StazioneIntErrata,
    /// The request does not match the XSD.
    SintassiXsd,
    /// The request breaks a rule beyond the XSD.
    SintassiExtraXsd,
    /// Semantically wrong request.
    Semantica,
    /// Anything unexpected.
    SystemError,
}

impl FaultCode {
    /// The `faultCode` value.
    pub fn code(self) -> &'static str {
        match self {
            Self::PagamentoSconosciuto => "PAA_PAGAMENTO_SCONOSCIUTO",
            Self::PagamentoDuplicato => "PAA_PAGAMENTO_DUPLICATO",
            Self::PagamentoScaduto => "PAA_PAGAMENTO_SCADUTO",
            Self::PagamentoAnnullato => "PAA_PAGAMENTO_ANNULLATO",
            Self::IdDominioErrato => "PAA_ID_DOMINIO_ERRATO",
            Self::IdIntermediarioErrato => "PAA_ID_INTERMEDIARIO_ERRATO",
            Self::StazioneIntErrata => "PAA_STAZIONE_INT_ERRATA",
            Self::SintassiXsd => "PAA_SINTASSI_XSD",
            Self::SintassiExtraXsd => "PAA_SINTASSI_EXTRAXSD",
            Self::Semantica => "PAA_SEMANTICA",
            Self::SystemError => "PAA_SYSTEM_ERROR",
        }
    }

    /// The `faultString` (the documented meaning).
    pub fn text(self) -> &'static str {
        match self {
            Self::PagamentoSconosciuto => {
                "Pagamento in attesa risulta sconosciuto all'Ente Creditore"
            }
            Self::PagamentoDuplicato => "Pagamento in attesa risulta concluso all'Ente Creditore",
            Self::PagamentoScaduto => "Pagamento in attesa risulta scaduto all'Ente Creditore",
            Self::PagamentoAnnullato => "Pagamento in attesa risulta annullato all'Ente Creditore",
            Self::IdDominioErrato => "Identificativo dominio errato o non associato alla stazione",
            Self::IdIntermediarioErrato => "Identificativo intermediario errato",
            Self::StazioneIntErrata => "Stazione intermediario errata",
            Self::SintassiXsd => "Errore di sintassi XSD",
            Self::SintassiExtraXsd => "Errore di sintassi extra XSD",
            Self::Semantica => "Errore semantico",
            Self::SystemError => "Errore generico",
        }
    }
}

/// A fault with its details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Code.
    pub code: FaultCode,
    /// Human detail (never internal error text).
    pub description: String,
}

impl Fault {
    /// A fault with a description.
    pub fn new(code: FaultCode, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
        }
    }

    /// An unexpected failure: the cause goes to the log, the client gets a correlation id.
    pub fn system(correlation_id: &str, cause: impl std::fmt::Display) -> Self {
        Self::new(
            FaultCode::SystemError,
            crate::error::unexpected(crate::soap::pa_for_node::INTERFACE, correlation_id, &cause),
        )
    }

    /// `<outcome>KO</outcome><fault>…</fault>`; `id` identifies who raises it (idPA or broker).
    pub fn render(&self, id: &str) -> String {
        let mut w = XmlWriter::new();
        w.leaf("outcome", "KO")
            .open("fault")
            .leaf("faultCode", self.code.code())
            .leaf("faultString", self.code.text())
            .leaf("id", id)
            .leaf("description", &self.description)
            .close("fault");
        w.finish()
    }
}

impl From<SchemaError> for Fault {
    fn from(e: SchemaError) -> Self {
        Self::new(FaultCode::SintassiXsd, e.to_string())
    }
}
