//! SOAP 1.1 document/literal, the one service layer of every WSDL we serve: envelope decoding
//! with limits, the typed dispatch table of each WSDL (the only place that knows SOAPActions
//! and body namespaces: [`pa_for_node`], [`pa_per_ente`]), envelope-level SOAP Faults, and
//! [`service`], which serves a request, correlation id and journal entry included.

pub mod pa_for_node;
pub mod pa_per_ente;
pub mod seq;
pub mod service;
pub mod writer;
pub mod xml;

pub use pa_for_node::{PaForNodeOp, NS as PA_FOR_NODE_NS};
pub use pa_per_ente::EnteOp;
pub use service::{Handled, Operation, Request, Service};

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use writer::XmlWriter;
use xml::{Limits, Node, XmlError};

/// SOAP 1.1 envelope namespace.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// Largest SOAP request accepted (a receipt with five MBD attachments fits easily).
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// `{namespace}name` of an element, for error messages.
pub fn describe(n: &Node) -> String {
    match &n.ns {
        Some(ns) => format!("{{{ns}}}{}", n.name),
        None => n.name.clone(),
    }
}

/// A SOAPAction, when sent and not empty, must name the operation of the body element.
pub fn check_action(
    soap_action: Option<&str>,
    expected: &str,
    element: &str,
) -> Result<(), EnvelopeError> {
    match soap_action.map(normalise_action).filter(|a| !a.is_empty()) {
        Some(action) if action != expected => Err(EnvelopeError::ActionMismatch(
            action.to_owned(),
            element.to_owned(),
        )),
        _ => Ok(()),
    }
}

/// `"urn:x#op"`, `"http://…/op"` and `op` all name `op`.
pub fn normalise_action(a: &str) -> &str {
    let a = a.trim().trim_matches('"');
    a.rsplit(['/', '#']).next().unwrap_or(a)
}

/// Why a request could not even be read as a SOAP call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not XML, hostile XML, or over the limits.
    #[error("{0}")]
    Xml(#[from] XmlError),
    /// Larger than [`MAX_BODY_BYTES`].
    #[error("request larger than {0} bytes")]
    TooLarge(usize),
    /// Not `text/xml` (SOAP 1.1).
    #[error("content type must be text/xml, got {0:?}")]
    ContentType(String),
    /// Not a SOAP 1.1 envelope with a body holding one element.
    #[error("not a SOAP 1.1 envelope: {0}")]
    NotSoap(String),
    /// A body element we do not serve.
    #[error("unknown operation {0}")]
    UnknownOperation(String),
    /// SOAPAction header names a different operation than the body.
    #[error("SOAPAction {0:?} does not match body element {1}")]
    ActionMismatch(String, String),
}

/// The content type and SOAPAction of a request.
pub fn request_headers(headers: &HeaderMap) -> (Option<String>, Option<String>) {
    let get = |h: &str| {
        headers
            .get(h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    (get(header::CONTENT_TYPE.as_str()), get("soapaction"))
}

/// Checks the content type, parses the envelope and returns the body's single element.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Result<Node, EnvelopeError> {
    decode_parts(bytes, content_type).map(|(_, body)| body)
}

/// Like [`decode`], also returning the `Header` element's first child, when there is one.
pub fn decode_parts(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<(Option<Node>, Node), EnvelopeError> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(EnvelopeError::TooLarge(MAX_BODY_BYTES));
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let mime = ct.split(';').next().unwrap_or("").trim();
    // SOAP 1.1 is text/xml; some clients send application/xml or the SOAP 1.2 type.
    if !matches!(
        mime,
        "text/xml" | "application/xml" | "application/soap+xml"
    ) {
        return Err(EnvelopeError::ContentType(mime.to_owned()));
    }
    let root = xml::parse_bytes(bytes, Limits::default())?;
    if root.ns.as_deref() != Some(SOAP11) || root.name != "Envelope" {
        return Err(EnvelopeError::NotSoap(format!(
            "root element is {}",
            describe(&root)
        )));
    }
    let mut header = None;
    let mut body = None;
    for c in root.children {
        match (c.ns.as_deref() == Some(SOAP11), c.name.as_str()) {
            (true, "Header") => header = c.children.into_iter().next(),
            (true, "Body") => body = Some(c),
            _ => {}
        }
    }
    let mut body = body.ok_or_else(|| EnvelopeError::NotSoap("no Body".into()))?;
    if body.children.len() != 1 {
        return Err(EnvelopeError::NotSoap(format!(
            "Body must hold exactly one element, found {}",
            body.children.len()
        )));
    }
    Ok((header, body.children.remove(0)))
}

/// Wraps a body fragment in a SOAP 1.1 envelope.
pub fn envelope(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <soapenv:Envelope xmlns:soapenv=\"{SOAP11}\"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    )
}

/// A 200 `text/xml` response carrying `body` in an envelope.
pub fn xml_response(status: StatusCode, xml: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

/// An envelope-level SOAP 1.1 Fault (HTTP 500, as SOAP 1.1 over HTTP requires).
/// Returns the response and its body (for the journal).
pub fn soap_fault(client_error: bool, message: &str) -> (Response, String) {
    let code = if client_error {
        "soapenv:Client"
    } else {
        "soapenv:Server"
    };
    let mut w = XmlWriter::new();
    w.open("soapenv:Fault")
        .leaf("faultcode", code)
        .leaf("faultstring", message)
        .close("soapenv:Fault");
    let xml = envelope(&w.finish());
    (
        xml_response(StatusCode::INTERNAL_SERVER_ERROR, xml.clone()),
        xml,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFY: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:paf="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"><soapenv:Header/><soapenv:Body><paf:paVerifyPaymentNoticeReq><idPA>1</idPA></paf:paVerifyPaymentNoticeReq></soapenv:Body></soapenv:Envelope>"#;

    #[test]
    fn refuses_what_is_not_a_soap_call() {
        assert!(matches!(
            decode(VERIFY.as_bytes(), Some("application/json")),
            Err(EnvelopeError::ContentType(_))
        ));
        assert!(matches!(
            decode(b"<a/>", Some("text/xml")),
            Err(EnvelopeError::NotSoap(_))
        ));
        assert!(matches!(
            decode(&vec![b' '; MAX_BODY_BYTES + 1], Some("text/xml")),
            Err(EnvelopeError::TooLarge(_))
        ));
        let two = VERIFY.replace(
            "</paf:paVerifyPaymentNoticeReq>",
            "</paf:paVerifyPaymentNoticeReq><x/>",
        );
        assert!(matches!(
            decode(two.as_bytes(), Some("text/xml")),
            Err(EnvelopeError::NotSoap(_))
        ));
    }
}
