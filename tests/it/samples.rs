//! Real request messages from public test suites (../shared/reference/samples/pafornode),
//! retargeted at the demo entity: what real senders send must be accepted; the deliberately
//! broken ones must be refused the right way.

use crate::node::{call, notice, shared, station, Answer};
use crate::support::TestServer;
use mypay::sim::messages::Station;

fn sample(name: &str) -> String {
    std::fs::read_to_string(shared().join("reference/samples/pafornode").join(name)).unwrap()
}

/// Replaces the (trimmed) content of every `<tag>` element, keeping surrounding whitespace.
fn set(xml: &str, tag: &str, value: &str) -> String {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let start = i + open.len();
        let Some(len) = rest[start..].find(&close) else {
            break;
        };
        let inner = &rest[start..start + len];
        let lead = &inner[..inner.len() - inner.trim_start().len()];
        let trail = &inner[inner.trim_end().len()..];
        out.push_str(&rest[..start]);
        out.push_str(&format!("{lead}{value}{trail}"));
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// Points a sample at our station and entity.
fn retarget(xml: &str, st: &Station) -> String {
    let xml = set(xml, "idPA", &st.id_pa);
    let xml = set(&xml, "idBrokerPA", &st.id_broker);
    let xml = set(&xml, "idStation", &st.id_station);
    set(&xml, "fiscalCode", &st.id_pa)
}

fn ok(a: &Answer) {
    assert_eq!(a.status, 200, "{}", a.body);
    a.assert_valid();
    assert_eq!(a.get("outcome").as_deref(), Some("OK"), "{}", a.body);
}

#[tokio::test]
async fn real_requests_are_accepted() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");

    // Verify: compact one-liner, whitespace-wrapped values, GovPay's template.
    for name in [
        "gpdpay_paVerifyPaymentNotice_compact_req.xml",
        "gpdpay_paVerifyPaymentNotice_whitespace_req.xml",
    ] {
        let req = set(&retarget(&sample(name), &st), "noticeNumber", &n);
        ok(&call(&s, "paVerifyPaymentNotice", &req).await);
    }
    let govpay = sample("govpay_paVerifyPaymentNotice_req_template.xml")
        .replace("#(idDominio)", &st.id_pa)
        .replace("#(idIntermediario)", &st.id_broker)
        .replace("#(idStazione)", &st.id_station)
        .replace("#(numeroAvviso)", &n);
    ok(&call(&s, "paVerifyPaymentNotice", &govpay).await);

    // Activation: minimal one, and GovPay's with a due date carrying a time zone.
    let mockec = set(
        &retarget(&sample("mockec_paGetPayment_req.xml"), &st),
        "noticeNumber",
        &n,
    );
    ok(&call(&s, "paGetPayment", &mockec).await);
    let gp = sample("govpay_paGetPayment_req_duedate_template.xml")
        .replace("#(idDominio)", &st.id_pa)
        .replace("#(idIntermediario)", &st.id_broker)
        .replace("#(idStazione)", &st.id_station)
        .replace("#(numeroAvviso)", &n)
        .replace("#(importo)", "10.00")
        .replace("#(causale)", "Pagamento mensa");
    ok(&call(&s, "paGetPayment", &gp).await);

    // Receipts (for notices we do not hold: stored, never refused), V1 and V2, including
    // a V1 receipt carrying V2 fields out of order and a marca da bollo receipt.
    for (name, action) in [
        ("mockec_paSendRT_req.xml", "paSendRT"),
        ("wisp_paSendRT_v2fields_multitransfer_req.xml", "paSendRT"),
        ("wisp_paSendRTV2_mbd_req.xml", "paSendRTV2"),
    ] {
        let a = call(&s, action, &retarget(&sample(name), &st)).await;
        assert_eq!(
            a.get("outcome").as_deref(),
            Some("OK"),
            "{name}: {}",
            a.body
        );
        ok(&a);
    }
    let p4pa = mypay::soap::envelope(&retarget(
        &sample("p4pa_paSendRTV2Request_body_valid.xml"),
        &st,
    ));
    ok(&call(&s, "paSendRTV2", &p4pa).await);
    use diesel::prelude::*;
    let mut c = s.state.db.get().unwrap();
    let stored: i64 = mypay::db::schema::receipts::table
        .count()
        .get_result(&mut *c)
        .unwrap();
    // Four accepted, three stored: the p4pa and WISP samples share receiptId c110729d…,
    // so the second is an identical re-delivery.
    assert_eq!(stored, 3);
}

#[tokio::test]
async fn broken_requests_are_refused_the_right_way() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    // Undeclared prefix, and a body in the nodeForPsp namespace: envelope-level faults.
    for name in [
        "mockec_paVerifyPaymentNotice_unboundprefix_req.xml",
        "mockec_paVerifyPaymentNotice_nodns_req.xml",
    ] {
        let a = call(&s, "paVerifyPaymentNotice", &retarget(&sample(name), &st)).await;
        assert_eq!(a.status, 500, "{name}: {}", a.body);
        assert!(a.body.contains("soapenv:Client"), "{name}");
    }
    // An unknown element where idPA belongs: a schema fault inside a valid response.
    let bad = mypay::soap::envelope(&retarget(
        &sample("p4pa_paSendRTV2Request_body_invalid.xml"),
        &st,
    ));
    let a = call(&s, "paSendRTV2", &bad).await;
    assert_eq!(a.status, 200);
    a.assert_valid();
    assert_eq!(a.fault().as_deref(), Some("PAA_SINTASSI_XSD"));
}
