//! What a failed answer of each entity operation holds besides its `fault`, so that it still
//! validates against `pa-per-ente.wsdl`.

use crate::soap::writer::{truncate_chars, XmlWriter};
use crate::soap::EnteOp;

/// What follows the `fault` in a failed answer: `esito` KO, and the elements the schema
/// requires even then (empty, or the fault code where MyPay puts it: an import/export
/// `stato`). `id` is the entity's IPA code, `now` an xs:dateTime.
pub fn fault_tail(op: EnteOp, code: &str, id: &str, now: &str) -> String {
    match op {
        EnteOp::InviaDovuti
        | EnteOp::InviaCarrelloDovuti
        | EnteOp::VerificaAvviso
        | EnteOp::ImportaDovuto
        | EnteOp::RegistraPagamento => "<esito>KO</esito>".into(),
        EnteOp::AutorizzaImportFlusso => {
            "<uploadUrl/><authorizationToken/><requestToken/><importPath/>".into()
        }
        EnteOp::ChiediStatoImportFlusso => format!("<stato>{code}</stato>"),
        EnteOp::PrenotaExportFlusso | EnteOp::PrenotaExportFlussoScaduti => {
            "<requestToken/>".into()
        }
        EnteOp::PrenotaExportFlussoIncrementaleConRicevuta => {
            format!("<requestToken/><dateTo>{now}</dateTo>")
        }
        EnteOp::ChiediStatoExportFlusso => format!("<stato>{code}</stato><downloadUrl/>"),
        EnteOp::ChiediStatoExportFlussoScaduti => {
            format!("<stato>{code}</stato><nomeFile/><downloadUrl/><pathFile/>")
        }
        EnteOp::ChiediStoricoPagamenti => format!("<dateTo>{now}</dateTo>"),
        EnteOp::ChiediEsitoCarrelloDovuti => {
            let mut w = XmlWriter::new();
            w.open("listaCarrelli")
                .open("rispostaCarrello")
                .leaf("esito", "KO")
                .leaf("codIpaEnte", truncate_chars(id, 35))
                .leaf("codIdentificativoUnivocoCarrello", "-")
                .close("rispostaCarrello")
                .close("listaCarrelli");
            w.finish()
        }
        EnteOp::ChiediPagati
        | EnteOp::ChiediPagatiConRicevuta
        | EnteOp::ChiediAvvisiPendenti
        | EnteOp::ChiediPosizioniAperte => String::new(),
    }
}
