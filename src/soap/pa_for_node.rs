//! The dispatch table of pagoPA's `paForNode.wsdl` (V1 + V2): each operation's request
//! element, response element and SOAPAction, in the `paForNode.xsd` namespace.

use super::service::{Contract, Operation};
use super::writer::XmlWriter;

/// The interface's name (in the journal).
pub const INTERFACE: &str = "paForNode";

/// Namespace of paForNode message elements.
pub const NS: &str = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd";

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

impl PaForNodeOp {
    /// Every operation.
    pub const ALL: [Self; 6] = [
        Self::VerifyPaymentNotice,
        Self::GetPayment,
        Self::GetPaymentV2,
        Self::SendRt,
        Self::SendRtV2,
        Self::DemandPaymentNotice,
    ];

    /// The SOAPAction (and operation name).
    pub fn action(self) -> &'static str {
        match self {
            Self::VerifyPaymentNotice => "paVerifyPaymentNotice",
            Self::GetPayment => "paGetPayment",
            Self::GetPaymentV2 => "paGetPaymentV2",
            Self::SendRt => "paSendRT",
            Self::SendRtV2 => "paSendRTV2",
            Self::DemandPaymentNotice => "paDemandPaymentNotice",
        }
    }

    /// The request element's local name.
    pub fn request_element(self) -> &'static str {
        match self {
            Self::VerifyPaymentNotice => "paVerifyPaymentNoticeReq",
            Self::GetPayment => "paGetPaymentReq",
            Self::GetPaymentV2 => "paGetPaymentV2Request",
            Self::SendRt => "paSendRTReq",
            Self::SendRtV2 => "paSendRTV2Request",
            Self::DemandPaymentNotice => "paDemandPaymentNoticeRequest",
        }
    }

    /// The response element's local name.
    pub fn response_element(self) -> &'static str {
        match self {
            Self::VerifyPaymentNotice => "paVerifyPaymentNoticeRes",
            Self::GetPayment => "paGetPaymentRes",
            Self::GetPaymentV2 => "paGetPaymentV2Response",
            Self::SendRt => "paSendRTRes",
            Self::SendRtV2 => "paSendRTV2Response",
            Self::DemandPaymentNotice => "paDemandPaymentNoticeResponse",
        }
    }
}

impl Operation for PaForNodeOp {
    const CONTRACT: Contract = Contract {
        path: "/pagopa/paForNode",
        wsdl: include_str!("../../wsdl/paForNode.wsdl"),
        schemas: &[
            ("paForNode.xsd", include_str!("../../xsd/paForNode.xsd")),
            (
                "pagopa-common-types.xsd",
                include_str!("../../xsd/pagopa-common-types.xsd"),
            ),
        ],
    };

    const NS: &'static str = NS;

    fn all() -> &'static [Self] {
        &Self::ALL
    }

    fn name(self) -> &'static str {
        self.action()
    }

    fn request_element(self) -> &'static str {
        PaForNodeOp::request_element(self)
    }

    /// `<pafn:RESPONSE xmlns:pafn="…">inner</pafn:RESPONSE>`.
    fn response(self, inner: &str) -> String {
        let tag = format!("pafn:{}", self.response_element());
        let mut w = XmlWriter::new();
        w.open_with(&tag, &[("xmlns:pafn", NS)])
            .raw(inner)
            .close(&tag);
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::xml::Node;
    use super::super::{decode, EnvelopeError};
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
        let wrong_ns = VERIFY.replace("pa/paForNode.xsd", "nodeForPsp");
        let body = decode(wrong_ns.as_bytes(), Some("text/xml")).unwrap();
        assert!(matches!(
            PaForNodeOp::dispatch(&body, None),
            Err(EnvelopeError::UnknownOperation(_))
        ));
    }

    #[test]
    fn every_operation_is_found_by_its_element_and_its_action() {
        for op in PaForNodeOp::ALL {
            let body = Node {
                ns: Some(NS.into()),
                name: op.request_element().into(),
                ..Node::default()
            };
            assert_eq!(PaForNodeOp::dispatch(&body, Some(op.action())).unwrap(), op);
            assert_eq!(PaForNodeOp::from_action(op.action()), Some(op));
        }
    }
}
