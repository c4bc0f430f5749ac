//! The dispatch table of MyPay's `pa-per-ente.wsdl` (service
//! `PagamentiTelematiciDovutiPagati`): each operation's request element (= SOAPAction),
//! response element (`<op>Risposta`) and where the entity's IPA code travels (the
//! `intestazionePPT` header or a `codIpaEnte` body field).

use super::service::{Contract, Operation};
use super::xml::Node;

/// Body namespace of the service's messages.
pub const NS: &str = "http://www.regione.veneto.it/pagamenti/ente/";
/// Namespace of the `intestazionePPT` header.
pub const HEAD_NS: &str = "http://www.regione.veneto.it/pagamenti/ente/ppthead";
/// Namespace of the base64 payloads (`Dovuti`, `Versamento`, `Pagati`...).
pub const PAYLOAD_NS: &str = "http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/";

/// Repeated elements of the query answers (the `FaultBean`-free types of the WSDL).
pub mod element {
    /// One item of `paaSILChiediStoricoPagamentiRisposta`.
    pub const STORICO_PAGAMENTI: &str = "paaSILStoricoPagamenti";
    /// One item of `paaSILChiediPosizioniAperteRisposta`.
    pub const POSIZIONI_APERTE: &str = "paaSILPosizioniAperte";
    /// One item of `paaSILChiediAvvisiPendentiRisposta`.
    pub const AVVISO_PENDENTE: &str = "paaSILAvvisoPendente";
}

/// Where an operation carries the entity's IPA code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// `intestazionePPT/codIpaEnte` in the SOAP header.
    Header,
    /// `codIpaEnte` in the body (required).
    Body,
    /// `codIpaEnte` in the body, optional (cross-entity queries).
    BodyOptional,
}

/// An operation of the entity web services, in the WSDL's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnteOp {
    /// `paaSILInviaDovuti`.
    InviaDovuti,
    /// `paaSILInviaCarrelloDovuti`.
    InviaCarrelloDovuti,
    /// `paaSILChiediEsitoCarrelloDovuti`.
    ChiediEsitoCarrelloDovuti,
    /// `paaSILVerificaAvviso`.
    VerificaAvviso,
    /// `paaSILChiediPagati`.
    ChiediPagati,
    /// `paaSILChiediPagatiConRicevuta`.
    ChiediPagatiConRicevuta,
    /// `paaSILImportaDovuto`.
    ImportaDovuto,
    /// `paaSILRegistraPagamento`.
    RegistraPagamento,
    /// `paaSILAutorizzaImportFlusso`.
    AutorizzaImportFlusso,
    /// `paaSILChiediStatoImportFlusso`.
    ChiediStatoImportFlusso,
    /// `paaSILPrenotaExportFlusso`.
    PrenotaExportFlusso,
    /// `paaSILPrenotaExportFlussoIncrementaleConRicevuta`.
    PrenotaExportFlussoIncrementaleConRicevuta,
    /// `paaSILChiediStatoExportFlusso`.
    ChiediStatoExportFlusso,
    /// `paaSILPrenotaExportFlussoScaduti`.
    PrenotaExportFlussoScaduti,
    /// `paaSILChiediStatoExportFlussoScaduti`.
    ChiediStatoExportFlussoScaduti,
    /// `paaSILChiediAvvisiPendenti`.
    ChiediAvvisiPendenti,
    /// `paaSILChiediPosizioniAperte`.
    ChiediPosizioniAperte,
    /// `paaSILChiediStoricoPagamenti`.
    ChiediStoricoPagamenti,
}

impl EnteOp {
    /// Every operation, in the WSDL's order.
    pub const ALL: [Self; 18] = [
        Self::InviaDovuti,
        Self::InviaCarrelloDovuti,
        Self::ChiediEsitoCarrelloDovuti,
        Self::VerificaAvviso,
        Self::ChiediPagati,
        Self::ChiediPagatiConRicevuta,
        Self::ImportaDovuto,
        Self::RegistraPagamento,
        Self::AutorizzaImportFlusso,
        Self::ChiediStatoImportFlusso,
        Self::PrenotaExportFlusso,
        Self::PrenotaExportFlussoIncrementaleConRicevuta,
        Self::ChiediStatoExportFlusso,
        Self::PrenotaExportFlussoScaduti,
        Self::ChiediStatoExportFlussoScaduti,
        Self::ChiediAvvisiPendenti,
        Self::ChiediPosizioniAperte,
        Self::ChiediStoricoPagamenti,
    ];

    /// The operation's name: its request element and its SOAPAction.
    pub fn action(self) -> &'static str {
        match self {
            Self::InviaDovuti => "paaSILInviaDovuti",
            Self::InviaCarrelloDovuti => "paaSILInviaCarrelloDovuti",
            Self::ChiediEsitoCarrelloDovuti => "paaSILChiediEsitoCarrelloDovuti",
            Self::VerificaAvviso => "paaSILVerificaAvviso",
            Self::ChiediPagati => "paaSILChiediPagati",
            Self::ChiediPagatiConRicevuta => "paaSILChiediPagatiConRicevuta",
            Self::ImportaDovuto => "paaSILImportaDovuto",
            Self::RegistraPagamento => "paaSILRegistraPagamento",
            Self::AutorizzaImportFlusso => "paaSILAutorizzaImportFlusso",
            Self::ChiediStatoImportFlusso => "paaSILChiediStatoImportFlusso",
            Self::PrenotaExportFlusso => "paaSILPrenotaExportFlusso",
            Self::PrenotaExportFlussoIncrementaleConRicevuta => {
                "paaSILPrenotaExportFlussoIncrementaleConRicevuta"
            }
            Self::ChiediStatoExportFlusso => "paaSILChiediStatoExportFlusso",
            Self::PrenotaExportFlussoScaduti => "paaSILPrenotaExportFlussoScaduti",
            Self::ChiediStatoExportFlussoScaduti => "paaSILChiediStatoExportFlussoScaduti",
            Self::ChiediAvvisiPendenti => "paaSILChiediAvvisiPendenti",
            Self::ChiediPosizioniAperte => "paaSILChiediPosizioniAperte",
            Self::ChiediStoricoPagamenti => "paaSILChiediStoricoPagamenti",
        }
    }

    /// Where the operation carries the entity's IPA code.
    pub fn who(self) -> Who {
        match self {
            Self::InviaDovuti
            | Self::InviaCarrelloDovuti
            | Self::VerificaAvviso
            | Self::ImportaDovuto
            | Self::AutorizzaImportFlusso
            | Self::ChiediStatoImportFlusso
            | Self::PrenotaExportFlusso
            | Self::PrenotaExportFlussoIncrementaleConRicevuta
            | Self::ChiediStatoExportFlusso
            | Self::PrenotaExportFlussoScaduti
            | Self::ChiediStatoExportFlussoScaduti => Who::Header,
            Self::ChiediEsitoCarrelloDovuti
            | Self::ChiediPagati
            | Self::ChiediPagatiConRicevuta
            | Self::RegistraPagamento
            | Self::ChiediAvvisiPendenti => Who::Body,
            Self::ChiediPosizioniAperte | Self::ChiediStoricoPagamenti => Who::BodyOptional,
        }
    }

    /// The entity's IPA code as the request names it (header or body, as the operation
    /// defines), when it names one.
    pub fn cod_ipa(self, header: Option<&Node>, body: &Node) -> Option<String> {
        let found = match self.who() {
            Who::Header => header
                .filter(|h| h.ns.as_deref() == Some(HEAD_NS) && h.name == "intestazionePPT")
                .and_then(|h| h.child(None, "codIpaEnte")),
            Who::Body | Who::BodyOptional => body.child(None, "codIpaEnte"),
        };
        found
            .map(|n| n.value().to_owned())
            .filter(|c| !c.is_empty())
    }
}

impl Operation for EnteOp {
    const CONTRACT: Contract = Contract {
        path: "/ente/PagamentiTelematiciDovutiPagati",
        wsdl: include_str!("../../wsdl/pa-per-ente.wsdl"),
        schemas: &[],
    };

    const NS: &'static str = NS;

    fn all() -> &'static [Self] {
        &Self::ALL
    }

    fn name(self) -> &'static str {
        self.action()
    }

    fn request_element(self) -> &'static str {
        self.action()
    }

    /// `<ppt:{name}Risposta xmlns:ppt="…">inner</ppt:{name}Risposta>`.
    fn response(self, inner: &str) -> String {
        format!(
            "<ppt:{n}Risposta xmlns:ppt=\"{NS}\">{inner}</ppt:{n}Risposta>",
            n = self.action()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatches_by_element_and_checks_the_action() {
        let body = Node {
            ns: Some(NS.into()),
            name: "paaSILImportaDovuto".into(),
            ..Node::default()
        };
        let op = EnteOp::dispatch(&body, None).unwrap();
        assert_eq!(op, EnteOp::ImportaDovuto);
        assert_eq!(op.who(), Who::Header);
        assert!(EnteOp::dispatch(&body, Some("\"paaSILImportaDovuto\"")).is_ok());
        assert!(EnteOp::dispatch(&body, Some("paaSILChiediPagati")).is_err());
        let other = Node {
            ns: Some("urn:x".into()),
            ..body
        };
        assert!(EnteOp::dispatch(&other, None).is_err());
    }

    #[test]
    fn every_operation_is_found_by_its_element_and_its_action() {
        for op in EnteOp::ALL {
            let body = Node {
                ns: Some(NS.into()),
                name: op.action().into(),
                ..Node::default()
            };
            assert_eq!(EnteOp::dispatch(&body, Some(op.action())).unwrap(), op);
            assert_eq!(EnteOp::from_action(op.action()), Some(op));
        }
    }
}
