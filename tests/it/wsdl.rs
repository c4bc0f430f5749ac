//! `GET /pagopa/paForNode?wsdl`: our own WSDL and schemas describe the same contract as
//! pagoPA's reference WSDL, and what we serve is what the tests validate against.

use crate::node::{assert_valid_xsd, our_xsd, shared};
use crate::support::TestServer;
use mypay::soap::xml::{parse, Limits};
use std::collections::BTreeMap;

/// operation → (soapAction, request element, response element)
fn contract(wsdl: &str) -> BTreeMap<String, (String, String, String)> {
    let doc = parse(wsdl, Limits::default()).unwrap();
    let local = |q: &str| q.rsplit(':').next().unwrap_or(q).to_owned();
    let all = |name: &'static str| doc.children.iter().filter(move |c| c.name == name);
    let element_of = |message: &str| -> String {
        let m = all("message")
            .find(|m| m.attr("name") == Some(&local(message)))
            .unwrap();
        local(
            m.child(Some(WSDL_NS), "part")
                .unwrap()
                .attr("element")
                .unwrap(),
        )
    };
    let binding = all("binding").next().unwrap();
    let port_type = all("portType").next().unwrap();
    port_type
        .children
        .iter()
        .map(|op| {
            let name = op.attr("name").unwrap().to_owned();
            let bound = binding
                .children
                .iter()
                .find(|b| b.attr("name") == Some(&name))
                .unwrap();
            let action = bound
                .child(Some(SOAP_BINDING_NS), "operation")
                .unwrap()
                .attr("soapAction")
                .unwrap()
                .to_owned();
            let input = element_of(
                op.child(Some(WSDL_NS), "input")
                    .unwrap()
                    .attr("message")
                    .unwrap(),
            );
            let output = element_of(
                op.child(Some(WSDL_NS), "output")
                    .unwrap()
                    .attr("message")
                    .unwrap(),
            );
            (name, (action, input, output))
        })
        .collect()
}

const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
const SOAP_BINDING_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";

#[tokio::test]
async fn the_wsdl_describes_the_reference_contract() {
    let s = TestServer::spawn().await;
    let resp = reqwest::get(format!("{}/pagopa/paForNode?wsdl", s.base))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/xml"));
    let ours = resp.text().await.unwrap();
    assert!(
        ours.contains(&format!("location=\"{}/pagopa/paForNode\"", s.base)),
        "endpoint is this server"
    );
    let reference =
        std::fs::read_to_string(shared().join("reference/pagopa/wsdl/paForNode.wsdl")).unwrap();
    let (a, b) = (contract(&ours), contract(&reference));
    assert_eq!(a.len(), 6);
    assert_eq!(a, b);

    for name in ["paForNode.xsd", "pagopa-common-types.xsd"] {
        let r = reqwest::get(format!("{}/pagopa/paForNode?xsd={name}", s.base))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let served = r.text().await.unwrap();
        let on_disk = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("xsd")
                .join(name),
        )
        .unwrap();
        assert_eq!(served, on_disk);
    }
    assert_eq!(
        reqwest::get(format!("{}/pagopa/paForNode?xsd=../../etc/passwd", s.base))
            .await
            .unwrap()
            .status(),
        404
    );
}

#[test]
fn real_requests_validate_against_our_schema() {
    let dir = shared().join("reference/samples/pafornode");
    for name in [
        "mockec_paSendRT_req.xml",
        "gpdpay_paVerifyPaymentNotice_compact_req.xml",
        "mockec_paGetPayment_req.xml",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let body = mypay::soap::decode(text.as_bytes(), Some("text/xml")).unwrap();
        let start = text
            .find(&format!(":{}", body.name))
            .and_then(|i| text[..i].rfind('<'))
            .unwrap();
        let end_tag = text.rfind(&format!(":{}>", body.name)).unwrap() + body.name.len() + 2;
        let element = &text[start..end_tag];
        let with_ns = element.replacen(
            '>',
            &format!(
                " xmlns:{}=\"{}\">",
                &element[1..element.find(':').unwrap()],
                mypay::soap::PA_FOR_NODE_NS
            ),
            1,
        );
        assert_valid_xsd(&with_ns, &our_xsd());
    }
    let p4pa = std::fs::read_to_string(dir.join("p4pa_paSendRTV2Request_body_valid.xml")).unwrap();
    assert_valid_xsd(&p4pa, &our_xsd());
}
