//! MyPay's entity-facing error codes and the `faultBean` every response may carry.
//! Failures are data, as in MyPay: a normal 200 response whose `fault` element holds
//! `faultCode`, `faultString`, `id` (the entity's IPA code) and a description.

use crate::soap::seq::SchemaError;
use crate::soap::writer::XmlWriter;

/// The codes we answer with (MyPay's `FaultCodeConstants`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnteCode {
    /// Unknown IPA code, wrong password.
    EnteNonValido,
    /// The entity may not use the services in its state.
    StatoEnteNonValido,
    /// The request or a base64 payload is not valid XML of its schema.
    XmlNonValido,
    /// `azione` other than I / M / A.
    AzioneNonValido,
    /// Malformed IUV, or one the entity may not choose.
    IuvNonValido,
    /// The IUV is already used by another dovuto.
    IuvDuplicato,
    /// Malformed IUD, or no dovuto with it.
    IudNonValido,
    /// A dovuto with this IUD already exists.
    IudDuplicato,
    /// Amount not positive or not in cents.
    ImportoNonValido,
    /// Bilancio amounts do not add up to the dovuto's.
    ImportoBilancioNonValido,
    /// Unknown due type for the entity.
    TipoDovutoNonValido,
    /// The due type exists but is not active.
    TipoDovutoNonAbilitato,
    /// Bad datiSpecificiRiscossione.
    DatiSpecificiRiscossioneNonValido,
    /// Bad person fiscal code.
    CodiceFiscaleNonValido,
    /// Bad company fiscal code / VAT number.
    PIvaNonValido,
    /// Unknown `idSession`.
    IdSessionNonValido,
    /// The cart has not been handed to pagoPA yet.
    PagamentoNonIniziato,
    /// The citizen is paying.
    PagamentoInCorso,
    /// The citizen gave up.
    PagamentoAnnullato,
    /// The cart was not paid in time.
    PagamentoScaduto,
    /// The position cannot be paid (already paid, cancelled...).
    DovutoNonPagabile,
    /// Nothing matches the request.
    DatiNonTrovati,
    /// Date range wrong.
    IntervalloDateNonValido,
    /// Unknown export tracciato version.
    VersioneTracciatoNonValida,
    /// More than one secondary entity.
    LimitazioneEntiSecondari,
    /// Unknown request token.
    RequestTokenNonValido,
    /// The operation is not available on this gateway yet.
    ServizioNonImplementato,
    /// Anything unexpected (details in the log under the correlation id).
    SystemError,
}

impl EnteCode {
    /// The `faultCode` value.
    pub fn code(self) -> &'static str {
        match self {
            Self::EnteNonValido => "PAA_ENTE_NON_VALIDO",
            Self::StatoEnteNonValido => "PAA_STATO_ENTE_NON_VALIDO",
            Self::XmlNonValido => "PAA_XML_NON_VALIDO",
            Self::AzioneNonValido => "PAA_AZIONE_NON_VALIDO",
            Self::IuvNonValido => "PAA_IUV_NON_VALIDO",
            Self::IuvDuplicato => "PAA_IUV_DUPLICATO",
            Self::IudNonValido => "PAA_IUD_NON_VALIDO",
            Self::IudDuplicato => "PAA_IUD_DUPLICATO",
            Self::ImportoNonValido => "PAA_IMPORTO_SINGOLO_VERSAMENTO_NON_VALIDO",
            Self::ImportoBilancioNonValido => "PAA_IMPORTO_BILANCIO_NON_VALIDO",
            Self::TipoDovutoNonValido => "PAA_IDENTIFICATIVO_TIPO_DOVUTO_NON_VALIDO",
            Self::TipoDovutoNonAbilitato => "PAA_TIPO_DOVUTO_NON_ABILITATO_PER_ENTE",
            Self::DatiSpecificiRiscossioneNonValido => "PAA_DATI_SPECIFICI_RISCOSSIONE_NON_VALIDO",
            Self::CodiceFiscaleNonValido => "PAA_CODICE_FISCALE_NON_VALIDO",
            Self::PIvaNonValido => "PAA_P_IVA_NON_VALIDO",
            Self::IdSessionNonValido => "PAA_ID_SESSION_NON_VALIDO",
            Self::PagamentoNonIniziato => "PAA_PAGAMENTO_NON_INIZIATO",
            Self::PagamentoInCorso => "PAA_PAGAMENTO_IN_CORSO",
            Self::PagamentoAnnullato => "PAA_PAGAMENTO_ANNULLATO",
            Self::PagamentoScaduto => "PAA_PAGAMENTO_SCADUTO",
            Self::DovutoNonPagabile => "PAA_DOVUTO_NON_PAGABILE",
            Self::DatiNonTrovati => "PAA_DATI_NON_TROVATI",
            Self::IntervalloDateNonValido => "PAA_INTERVALLO_DATE_NON_VALIDO",
            Self::VersioneTracciatoNonValida => "PAA_VERSIONE_TRACCIATO_NON_VALIDA",
            Self::LimitazioneEntiSecondari => "PAA_LIMITAZIONE_ENTI_SECONDARI_ERROR",
            Self::RequestTokenNonValido => "PAA_REQUEST_TOKEN_NON_VALIDO",
            Self::ServizioNonImplementato => "PAA_SERVIZIO_NON_IMPLEMENTATO",
            Self::SystemError => "PAA_SYSTEM_ERROR",
        }
    }

    /// The `faultString`.
    pub fn text(self) -> &'static str {
        match self {
            Self::EnteNonValido => "Codice IPA Ente non valido o password errata",
            Self::StatoEnteNonValido => "Stato dell'ente non valido",
            Self::XmlNonValido => "XML non valido",
            Self::AzioneNonValido => "Azione non valida",
            Self::IuvNonValido => "IUV non valido",
            Self::IuvDuplicato => "IUV duplicato",
            Self::IudNonValido => "IUD non valido",
            Self::IudDuplicato => "IUD duplicato",
            Self::ImportoNonValido => "Importo singolo versamento non valido",
            Self::ImportoBilancioNonValido => "Importo del bilancio non valido",
            Self::TipoDovutoNonValido => "Identificativo tipo dovuto non valido",
            Self::TipoDovutoNonAbilitato => "Tipo dovuto non abilitato per l'ente",
            Self::DatiSpecificiRiscossioneNonValido => "Dati specifici riscossione non validi",
            Self::CodiceFiscaleNonValido => "Codice fiscale non valido",
            Self::PIvaNonValido => "Partita IVA non valida",
            Self::IdSessionNonValido => "Id session non valido",
            Self::PagamentoNonIniziato => "Pagamento non iniziato",
            Self::PagamentoInCorso => "Pagamento in corso",
            Self::PagamentoAnnullato => "Pagamento annullato",
            Self::PagamentoScaduto => "Pagamento scaduto",
            Self::DovutoNonPagabile => "Dovuto non pagabile",
            Self::DatiNonTrovati => "Dati non trovati",
            Self::IntervalloDateNonValido => "Intervallo di date non valido",
            Self::VersioneTracciatoNonValida => "Versione tracciato non valida",
            Self::LimitazioneEntiSecondari => "Limitazione enti secondari",
            Self::RequestTokenNonValido => "Request token non valido",
            Self::ServizioNonImplementato => "Servizio non implementato",
            Self::SystemError => "Errore generico",
        }
    }
}

/// A fault with its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteFault {
    /// Code.
    pub code: EnteCode,
    /// What exactly is wrong (never internal error text).
    pub description: String,
    /// The authenticated entity, when the fault came after authentication (journal).
    pub entity_id: Option<i64>,
    /// What went wrong inside, for an unexpected failure: logged, never sent.
    cause: Option<String>,
}

impl EnteFault {
    /// A fault with a description.
    pub fn new(code: EnteCode, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            entity_id: None,
            cause: None,
        }
    }

    /// The same fault, noted as raised for entity `id`.
    pub fn with_entity(mut self, id: i64) -> Self {
        self.entity_id = Some(id);
        self
    }

    /// An unexpected failure: when the answer is rendered, the cause goes to the log and
    /// the caller gets the exchange's correlation id as a reference.
    pub fn system(cause: impl std::fmt::Display) -> Self {
        Self {
            cause: Some(cause.to_string()),
            ..Self::new(EnteCode::SystemError, String::new())
        }
    }

    /// `<fault>…</fault>`; `id` is the entity's IPA code (or "mypay" when unknown). An
    /// unexpected failure is logged here under `correlation_id`, which its description names.
    pub fn render(&self, id: &str, correlation_id: &str) -> String {
        let description = match &self.cause {
            Some(cause) => crate::error::unexpected("ente", correlation_id, cause),
            None => self.description.clone(),
        };
        let mut w = XmlWriter::new();
        w.open("fault")
            .leaf("faultCode", self.code.code())
            .leaf("faultString", self.code.text())
            .leaf("id", id)
            .leaf("description", &description)
            .close("fault");
        w.finish()
    }
}

impl From<SchemaError> for EnteFault {
    fn from(e: SchemaError) -> Self {
        Self::new(EnteCode::XmlNonValido, e.to_string())
    }
}

impl From<crate::db::DbError> for EnteFault {
    fn from(e: crate::db::DbError) -> Self {
        Self::system(e)
    }
}
