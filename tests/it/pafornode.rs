//! The paForNode interface end to end: every response validated against the official XSD.

use crate::node::{call, notice, state_of, station};
use crate::support::TestServer;
use diesel::prelude::*;
use mypay::db::schema::receipts;
use mypay::sim::messages::{self, Psp};

/// operation, outcome, fault code, request, response
type JournalRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

#[tokio::test]
async fn verify_activate_receipt_v1_and_v2() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    for v2 in [false, true] {
        let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
        let v = call(&s, "paVerifyPaymentNotice", &messages::verify(&st, &n)).await;
        assert_eq!(v.status, 200);
        v.assert_valid();
        assert_eq!(v.get("outcome").as_deref(), Some("OK"), "{}", v.body);
        assert_eq!(v.get("allCCP").as_deref(), Some("false"));
        assert_eq!(v.get("fiscalCodePA"), Some(st.id_pa.clone()));

        let action = if v2 { "paGetPaymentV2" } else { "paGetPayment" };
        let a = call(&s, action, &messages::get_payment(&st, &n, v2, false)).await;
        a.assert_valid();
        assert_eq!(a.get("outcome").as_deref(), Some("OK"), "{}", a.body);
        assert_eq!(a.get("paymentAmount"), v.get("amount"));
        assert_eq!(a.get("transferAmount"), v.get("amount"));
        assert!(a.get("IBAN").unwrap().starts_with("IT"));
        assert_eq!(state_of(&s, &n), "PAGAMENTO_INIZIATO");
        // A second activation (token expired, another PSP) is answered again.
        let again = call(&s, action, &messages::get_payment(&st, &n, v2, false)).await;
        assert_eq!(again.get("outcome").as_deref(), Some("OK"));

        let rt_action = if v2 { "paSendRTV2" } else { "paSendRT" };
        let receipt = messages::receipt_for(
            &st,
            &a.body_element(),
            &n,
            &format!("rcpt-{v2}"),
            v2,
            &Psp::default(),
            "2026-11-28T10:15:00",
        )
        .unwrap();
        let r = call(&s, rt_action, &receipt).await;
        r.assert_valid();
        assert_eq!(r.get("outcome").as_deref(), Some("OK"), "{}", r.body);
        assert_eq!(state_of(&s, &n), "COMPLETATO");
        // Re-delivery of the same receipt: OK, stored once.
        let again = call(&s, rt_action, &receipt).await;
        assert_eq!(again.get("outcome").as_deref(), Some("OK"));
        let mut c = s.state.db.get().unwrap();
        let n_rcpt: i64 = receipts::table
            .filter(receipts::notice_number.eq(&n))
            .count()
            .get_result(&mut *c)
            .unwrap();
        assert_eq!(n_rcpt, 1);
        // Paid now: verify says so.
        let v = call(&s, "paVerifyPaymentNotice", &messages::verify(&st, &n)).await;
        v.assert_valid();
        assert_eq!(v.fault().as_deref(), Some("PAA_PAGAMENTO_DUPLICATO"));
    }
}

#[tokio::test]
async fn postal_accounts_and_all_ccp() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "TARI", "PREDISPOSTO");
    let v = call(&s, "paVerifyPaymentNotice", &messages::verify(&st, &n)).await;
    assert_eq!(v.get("allCCP").as_deref(), Some("true"));
    let bank = call(
        &s,
        "paGetPayment",
        &messages::get_payment(&st, &n, false, false),
    )
    .await;
    let postal = call(
        &s,
        "paGetPayment",
        &messages::get_payment(&st, &n, false, true),
    )
    .await;
    postal.assert_valid();
    let (b, p) = (bank.get("IBAN").unwrap(), postal.get("IBAN").unwrap());
    assert_ne!(b, p);
    assert_eq!(&p[5..10], "07601", "POSTAL gets the BancoPosta account");
}

#[tokio::test]
async fn state_and_routing_faults() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let cases = [
        (
            notice(&s, "c_demo", "MENSA", "SCADUTO"),
            "PAA_PAGAMENTO_SCADUTO",
        ),
        (
            notice(&s, "c_demo", "MENSA", "ANNULLATO"),
            "PAA_PAGAMENTO_ANNULLATO",
        ),
        (
            notice(&s, "c_demo", "MENSA", "COMPLETATO"),
            "PAA_PAGAMENTO_DUPLICATO",
        ),
        (
            notice(&s, "c_demo", "MENSA", "DISABILITATO"),
            "PAA_PAGAMENTO_SCONOSCIUTO",
        ),
        ("301999999999999999".to_owned(), "PAA_PAGAMENTO_SCONOSCIUTO"),
        ("301000000000000145".to_owned(), "PAA_PAGAMENTO_SCONOSCIUTO"),
    ];
    for (n, code) in cases {
        for (action, msg) in [
            ("paVerifyPaymentNotice", messages::verify(&st, &n)),
            (
                "paGetPaymentV2",
                messages::get_payment(&st, &n, true, false),
            ),
        ] {
            let a = call(&s, action, &msg).await;
            assert_eq!(a.status, 200);
            a.assert_valid();
            assert_eq!(a.get("outcome").as_deref(), Some("KO"));
            assert_eq!(a.fault().as_deref(), Some(code), "{action} {n}");
        }
    }
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let other = station(&s, "aulss_demo");
    let wrong = [
        (
            messages::Station {
                id_broker: "11111111111".into(),
                ..st.clone()
            },
            "PAA_ID_INTERMEDIARIO_ERRATO",
        ),
        (
            messages::Station {
                id_station: "nope_01".into(),
                ..st.clone()
            },
            "PAA_STAZIONE_INT_ERRATA",
        ),
        (
            messages::Station {
                id_pa: "12345678903".into(),
                ..st.clone()
            },
            "PAA_ID_DOMINIO_ERRATO",
        ),
        (other, "PAA_PAGAMENTO_SCONOSCIUTO"),
    ];
    for (who, code) in wrong {
        let a = call(&s, "paVerifyPaymentNotice", &messages::verify(&who, &n)).await;
        a.assert_valid();
        assert_eq!(a.fault().as_deref(), Some(code), "{who:?}");
    }
}

#[tokio::test]
async fn schema_errors_are_faults_in_a_valid_response() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let good = messages::verify(&st, &n);
    let broken = [
        good.replace(&format!("<idStation>{}</idStation>", st.id_station), ""),
        good.replace("<noticeNumber>", "<noticeNumber>X"),
        good.replace("</qrCode>", "</qrCode><extra>1</extra>"),
        good.replace(
            &format!("<idPA>{}</idPA>", st.id_pa),
            &format!("<idPA>{}</idPA>", "9".repeat(36)),
        ),
    ];
    for b in broken {
        let a = call(&s, "paVerifyPaymentNotice", &b).await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.assert_valid();
        assert_eq!(a.fault().as_deref(), Some("PAA_SINTASSI_XSD"), "{}", a.body);
    }
    // A receipt whose transfers do not add up breaks a rule beyond the XSD.
    let act = call(
        &s,
        "paGetPayment",
        &messages::get_payment(&st, &n, false, false),
    )
    .await;
    let rt = messages::receipt_for(
        &st,
        &act.body_element(),
        &n,
        "r-bad",
        false,
        &Psp::default(),
        "2026-11-28T10:00:00",
    )
    .unwrap();
    let amount = act.get("paymentAmount").unwrap();
    let bad = rt.replacen(
        &format!("<paymentAmount>{amount}</paymentAmount>"),
        "<paymentAmount>0.01</paymentAmount>",
        1,
    );
    let a = call(&s, "paSendRT", &bad).await;
    a.assert_valid();
    assert_eq!(a.fault().as_deref(), Some("PAA_SINTASSI_EXTRAXSD"));
    assert_eq!(
        state_of(&s, &n),
        "PAGAMENTO_INIZIATO",
        "nothing half-written"
    );
}

#[tokio::test]
async fn envelope_errors_are_soap_faults() {
    let s = TestServer::spawn().await;
    let client = reqwest::Client::new();
    let post = |ct: &'static str, body: Vec<u8>| {
        client
            .post(format!("{}/pagopa/paForNode", s.base))
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let env = |inner: &str| {
        format!("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>{inner}</soapenv:Body></soapenv:Envelope>")
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("text/xml", b"not xml at all".to_vec(), "malformed"),
        (
            "text/xml",
            format!(
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{}",
                env("<a>&e;</a>")
            )
            .into_bytes(),
            "DTD",
        ),
        ("application/json", env("<a/>").into_bytes(), "content type"),
        (
            "text/xml",
            env("<paf:unknownOp xmlns:paf=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\"/>")
                .into_bytes(),
            "unknown operation",
        ),
        (
            "text/xml",
            env(&format!("{}{}", "<a>".repeat(100), "</a>".repeat(100))).into_bytes(),
            "deeper",
        ),
        (
            "text/xml",
            [env("<a>").as_bytes(), b"\xff\xfe", b"</a>"].concat(),
            "UTF-8",
        ),
        ("text/xml", vec![b' '; 600 * 1024], "larger"),
        ("text/xml", b"<a/>".to_vec(), "SOAP"),
    ];
    for (ct, body, expect) in cases {
        let resp = post(ct, body).await.unwrap();
        assert_eq!(resp.status(), 500);
        let text = resp.text().await.unwrap();
        assert!(
            text.contains("<faultcode>soapenv:Client</faultcode>") && text.contains(expect),
            "{expect}: {text}"
        );
        crate::node::assert_valid_xsd(
            &text,
            &crate::node::shared().join("reference/mypay/pagopa-node/soap-envelope.xsd"),
        );
    }
    // The server is still fine.
    assert_eq!(
        reqwest::get(format!("{}/health", s.base))
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn every_exchange_is_journaled() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    call(&s, "paVerifyPaymentNotice", &messages::verify(&st, &n)).await;
    call(
        &s,
        "paVerifyPaymentNotice",
        &messages::verify(&st, "301999999999999999"),
    )
    .await;
    // The journal is written in batches off the request path: wait for it.
    s.state.journal.flush().await;
    use mypay::db::schema::events;
    let mut c = s.state.db.get().unwrap();
    let rows: Vec<JournalRow> = events::table
        .filter(events::interface.eq("paForNode"))
        .select((
            events::operation,
            events::outcome,
            events::fault_code,
            events::request,
            events::response,
        ))
        .order(events::id.asc())
        .load(&mut *c)
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("paVerifyPaymentNotice", "OK")
    );
    assert_eq!(rows[1].2.as_deref(), Some("PAA_PAGAMENTO_SCONOSCIUTO"));
    assert!(
        rows[0].3.as_deref().unwrap().contains(&n)
            && rows[0]
                .4
                .as_deref()
                .unwrap()
                .contains("paVerifyPaymentNoticeRes")
    );
}
