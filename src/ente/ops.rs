//! The operations of MyPay's `PagamentiTelematiciDovutiPagati` service: request element,
//! response element (`<op>Risposta`), SOAPAction (the operation name) and where the
//! entity's IPA code travels (the `intestazionePPT` header or a `codIpaEnte` body field).

use crate::soap::xml::Node;
use crate::soap::EnvelopeError;

/// Body namespace of the service's messages.
pub const NS: &str = "http://www.regione.veneto.it/pagamenti/ente/";
/// Namespace of the `intestazionePPT` header.
pub const HEAD_NS: &str = "http://www.regione.veneto.it/pagamenti/ente/ppthead";
/// Namespace of the base64 payloads (`Dovuti`, `Versamento`, `Pagati`...).
pub const PAYLOAD_NS: &str = "http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/";

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

/// Every operation, in the WSDL's order.
pub const OPERATIONS: [(&str, Who); 18] = [
    ("paaSILInviaDovuti", Who::Header),
    ("paaSILInviaCarrelloDovuti", Who::Header),
    ("paaSILChiediEsitoCarrelloDovuti", Who::Body),
    ("paaSILVerificaAvviso", Who::Header),
    ("paaSILChiediPagati", Who::Body),
    ("paaSILChiediPagatiConRicevuta", Who::Body),
    ("paaSILImportaDovuto", Who::Header),
    ("paaSILRegistraPagamento", Who::Body),
    ("paaSILAutorizzaImportFlusso", Who::Header),
    ("paaSILChiediStatoImportFlusso", Who::Header),
    ("paaSILPrenotaExportFlusso", Who::Header),
    (
        "paaSILPrenotaExportFlussoIncrementaleConRicevuta",
        Who::Header,
    ),
    ("paaSILChiediStatoExportFlusso", Who::Header),
    ("paaSILPrenotaExportFlussoScaduti", Who::Header),
    ("paaSILChiediStatoExportFlussoScaduti", Who::Header),
    ("paaSILChiediAvvisiPendenti", Who::Body),
    ("paaSILChiediPosizioniAperte", Who::BodyOptional),
    ("paaSILChiediStoricoPagamenti", Who::BodyOptional),
];

/// A dispatched operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    /// Operation name (= request element = SOAPAction).
    pub name: &'static str,
    /// Where the IPA code is.
    pub who: Who,
}

impl Op {
    /// Finds the operation of a body element; a SOAPAction, when sent, must agree.
    pub fn dispatch(body: &Node, soap_action: Option<&str>) -> Result<Self, EnvelopeError> {
        let (name, who) = OPERATIONS
            .iter()
            .find(|(n, _)| body.ns.as_deref() == Some(NS) && body.name == *n)
            .copied()
            .ok_or_else(|| {
                EnvelopeError::UnknownOperation(format!("{{{:?}}}{}", body.ns, body.name))
            })?;
        if let Some(action) = soap_action
            .map(crate::soap::normalise_action)
            .filter(|a| !a.is_empty())
        {
            if action != name {
                return Err(EnvelopeError::ActionMismatch(
                    action.to_owned(),
                    name.to_owned(),
                ));
            }
        }
        Ok(Self { name, who })
    }

    /// `<ppt:{name}Risposta xmlns:ppt="…">inner</ppt:{name}Risposta>`.
    pub fn response(&self, inner: &str) -> String {
        format!(
            "<ppt:{n}Risposta xmlns:ppt=\"{NS}\">{inner}</ppt:{n}Risposta>",
            n = self.name
        )
    }
}

/// What follows the `fault` in a failed answer so that it still validates: `esito` KO,
/// and the elements the schema requires even then (empty, or the fault code where MyPay
/// puts it: an import/export `stato`). `id` is the entity's IPA code, `now` an xs:dateTime.
pub fn fault_tail(op: &str, code: &str, id: &str, now: &str) -> String {
    match op {
        "paaSILInviaDovuti"
        | "paaSILInviaCarrelloDovuti"
        | "paaSILVerificaAvviso"
        | "paaSILImportaDovuto"
        | "paaSILRegistraPagamento" => "<esito>KO</esito>".into(),
        "paaSILAutorizzaImportFlusso" => {
            "<uploadUrl/><authorizationToken/><requestToken/><importPath/>".into()
        }
        "paaSILChiediStatoImportFlusso" => format!("<stato>{code}</stato>"),
        "paaSILPrenotaExportFlusso" | "paaSILPrenotaExportFlussoScaduti" => {
            "<requestToken/>".into()
        }
        "paaSILPrenotaExportFlussoIncrementaleConRicevuta" => {
            format!("<requestToken/><dateTo>{now}</dateTo>")
        }
        "paaSILChiediStatoExportFlusso" => format!("<stato>{code}</stato><downloadUrl/>"),
        "paaSILChiediStatoExportFlussoScaduti" => {
            format!("<stato>{code}</stato><nomeFile/><downloadUrl/><pathFile/>")
        }
        "paaSILChiediStoricoPagamenti" => format!("<dateTo>{now}</dateTo>"),
        "paaSILChiediEsitoCarrelloDovuti" => {
            let mut w = crate::soap::writer::XmlWriter::new();
            w.open("listaCarrelli")
                .open("rispostaCarrello")
                .leaf("esito", "KO")
                .leaf("codIpaEnte", crate::soap::writer::truncate_chars(id, 35))
                .leaf("codIdentificativoUnivocoCarrello", "-")
                .close("rispostaCarrello")
                .close("listaCarrelli");
            w.finish()
        }
        _ => String::new(),
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
        assert_eq!(Op::dispatch(&body, None).unwrap().who, Who::Header);
        assert!(Op::dispatch(&body, Some("\"paaSILImportaDovuto\"")).is_ok());
        assert!(Op::dispatch(&body, Some("paaSILChiediPagati")).is_err());
        let other = Node {
            ns: Some("urn:x".into()),
            ..body
        };
        assert!(Op::dispatch(&other, None).is_err());
    }
}
