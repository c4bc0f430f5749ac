//! SOAP 1.1 document/literal: envelope decoding with limits, the dispatch table (the only
//! place that knows SOAPActions and body namespaces), envelope-level SOAP Faults.

pub mod seq;
pub mod writer;
pub mod xml;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use writer::XmlWriter;
use xml::{Limits, Node, XmlError};

/// SOAP 1.1 envelope namespace.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// Namespace of paForNode message elements.
pub const PA_FOR_NODE_NS: &str = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd";
/// Largest SOAP request accepted (a receipt with five MBD attachments fits easily).
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// A paForNode operation, identified by its body element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaForNodeOp {
    /// `paVerifyPaymentNoticeReq`.
    VerifyPaymentNotice,
    /// `paGetPaymentReq`.
    GetPayment,
    /// `paGetPaymentV2Request`.
    GetPaymentV2,
    /// `paSendRTReq`.
    SendRt,
    /// `paSendRTV2Request`.
    SendRtV2,
    /// `paDemandPaymentNoticeRequest`.
    DemandPaymentNotice,
}

/// Request element, response element and SOAPAction of each operation.
const PA_FOR_NODE: [(PaForNodeOp, &str, &str, &str); 6] = [
    (
        PaForNodeOp::VerifyPaymentNotice,
        "paVerifyPaymentNoticeReq",
        "paVerifyPaymentNoticeRes",
        "paVerifyPaymentNotice",
    ),
    (
        PaForNodeOp::GetPayment,
        "paGetPaymentReq",
        "paGetPaymentRes",
        "paGetPayment",
    ),
    (
        PaForNodeOp::GetPaymentV2,
        "paGetPaymentV2Request",
        "paGetPaymentV2Response",
        "paGetPaymentV2",
    ),
    (
        PaForNodeOp::SendRt,
        "paSendRTReq",
        "paSendRTRes",
        "paSendRT",
    ),
    (
        PaForNodeOp::SendRtV2,
        "paSendRTV2Request",
        "paSendRTV2Response",
        "paSendRTV2",
    ),
    (
        PaForNodeOp::DemandPaymentNotice,
        "paDemandPaymentNoticeRequest",
        "paDemandPaymentNoticeResponse",
        "paDemandPaymentNotice",
    ),
];

impl PaForNodeOp {
    fn row(self) -> (PaForNodeOp, &'static str, &'static str, &'static str) {
        PA_FOR_NODE
            .into_iter()
            .find(|r| r.0 == self)
            .unwrap_or(PA_FOR_NODE[0])
    }

    /// The SOAPAction (and operation name).
    pub fn action(self) -> &'static str {
        self.row().3
    }

    /// The response element's local name.
    pub fn response_element(self) -> &'static str {
        self.row().2
    }

    /// Finds the operation of a body element; a SOAPAction, when sent, must agree.
    pub fn dispatch(body: &Node, soap_action: Option<&str>) -> Result<Self, EnvelopeError> {
        let row = PA_FOR_NODE
            .iter()
            .find(|r| body.ns.as_deref() == Some(PA_FOR_NODE_NS) && body.name == r.1)
            .ok_or_else(|| EnvelopeError::UnknownOperation(describe(body)))?;
        if let Some(action) = soap_action.map(normalise_action).filter(|a| !a.is_empty()) {
            if action != row.3 {
                return Err(EnvelopeError::ActionMismatch(
                    action.to_owned(),
                    row.1.to_owned(),
                ));
            }
        }
        Ok(row.0)
    }

    /// `<pafn:RESPONSE xmlns:pafn="…">inner</pafn:RESPONSE>`.
    pub fn response(self, inner: &str) -> String {
        let tag = format!("pafn:{}", self.response_element());
        let mut w = XmlWriter::new();
        w.open_with(&tag, &[("xmlns:pafn", PA_FOR_NODE_NS)])
            .raw(inner)
            .close(&tag);
        w.finish()
    }
}

fn describe(n: &Node) -> String {
    match &n.ns {
        Some(ns) => format!("{{{ns}}}{}", n.name),
        None => n.name.clone(),
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
    fn decodes_and_dispatches() {
        let body = decode(VERIFY.as_bytes(), Some("text/xml; charset=utf-8")).unwrap();
        assert_eq!(
            PaForNodeOp::dispatch(&body, None).unwrap(),
            PaForNodeOp::VerifyPaymentNotice
        );
        assert_eq!(
            PaForNodeOp::dispatch(&body, Some("\"paVerifyPaymentNotice\"")).unwrap(),
            PaForNodeOp::VerifyPaymentNotice
        );
        assert!(matches!(
            PaForNodeOp::dispatch(&body, Some("paSendRT")),
            Err(EnvelopeError::ActionMismatch(..))
        ));
        assert_eq!(
            PaForNodeOp::GetPaymentV2.response_element(),
            "paGetPaymentV2Response"
        );
    }

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
        let wrong_ns = VERIFY.replace("pa/paForNode.xsd", "nodeForPsp");
        let body = decode(wrong_ns.as_bytes(), Some("text/xml")).unwrap();
        assert!(matches!(
            PaForNodeOp::dispatch(&body, None),
            Err(EnvelopeError::UnknownOperation(_))
        ));
    }
}
