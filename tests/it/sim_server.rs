//! The simulated platform as a server: Checkout carts paid through the gateway, reporting
//! flows built from those payments and fetched through nodeForPa, late receipts.

use crate::node::{assert_valid_xsd, notice, shared, state_of, station, Answer};
use crate::node_flows::{add_transfer, dovuto_of};
use crate::support::TestServer;
use base64::Engine;
use diesel::prelude::*;
use mypay::db::schema::{dovuti, receipts};
use mypay::sim::flow::{self, PayOptions};
use mypay::sim::node_for_pa;
use mypay::sim::server::{self, Running, SimConfig};
use serde_json::json;

async fn simulator(s: &TestServer, tweak: impl FnOnce(&mut SimConfig)) -> Running {
    let st = station(s, "c_demo");
    let mut cfg = SimConfig::new(
        &format!("{}/pagopa/paForNode", s.base),
        &st.id_broker,
        &st.id_station,
    );
    cfg.clock = s.state.clock;
    tweak(&mut cfg);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    server::spawn(listener, cfg).unwrap()
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn cart_notice(s: &TestServer, cod_ipa: &str, n: &str) -> serde_json::Value {
    let (_, cents) = dovuto_of(s, n);
    json!({
        "noticeNumber": n,
        "fiscalCode": station(s, cod_ipa).id_pa,
        "amount": cents,
        "companyName": "Ente demo",
        "description": "Pagamento di prova",
    })
}

fn cart(notices: Vec<serde_json::Value>) -> serde_json::Value {
    json!({
        "paymentNotices": notices,
        "returnUrls": {
            "returnOkUrl": "https://ente.example/ok",
            "returnCancelUrl": "https://ente.example/cancel",
            "returnErrorUrl": "https://ente.example/error",
            "returnWaitingUrl": "https://ente.example/wait",
        },
        "idCart": "cart-42",
    })
}

/// POST /carts, then the checkout page's button; returns where the citizen lands.
async fn checkout(sim: &Running, body: &serde_json::Value, action: &str) -> String {
    let client = no_redirects();
    let resp = client
        .post(format!("{}/carts", sim.checkout_url(2)))
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let page = resp.headers()["location"].to_str().unwrap().to_owned();
    let html = client
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"pay\""), "{html}");
    let resp = client
        .post(&page)
        .form(&[("action", action)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    resp.headers()["location"].to_str().unwrap().to_owned()
}

/// Posts a nodeForPa request; the answer's body element must be valid against the official
/// nodeForPa.xsd (faults included).
async fn post_node_for_pa(sim: &Running, body: String) -> Answer {
    let resp = reqwest::Client::new()
        .post(sim.node_for_pa_url())
        .header("content-type", "text/xml; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    let answer = Answer {
        status: resp.status().as_u16(),
        body: resp.text().await.unwrap(),
    };
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_valid_xsd(
        &answer.body_element(),
        &shared().join("reference/pagopa/wsdl/xsd/nodeForPa.xsd"),
    );
    answer
}

async fn node_for_pa(sim: &Running, domain: Option<&str>, flow: Option<&str>) -> String {
    let cfg = &sim.state.config;
    let body = node_for_pa::request(&cfg.broker, &cfg.station, &cfg.password, domain, flow);
    post_node_for_pa(sim, body).await.body_element()
}

fn values(xml: &str, name: &str) -> Vec<String> {
    let doc = mypay::soap::xml::parse(xml, Default::default()).unwrap();
    let mut out = Vec::new();
    fn walk(n: &mypay::soap::xml::Node, name: &str, out: &mut Vec<String>) {
        if n.name == name {
            out.push(n.value().to_owned());
        }
        n.children.iter().for_each(|c| walk(c, name, out));
    }
    walk(&doc, name, &mut out);
    out
}

#[tokio::test]
async fn a_checkout_cart_is_paid_and_reported_in_flows() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let sim = simulator(&s, |_| {}).await;
    let comune = station(&s, "c_demo").id_pa;
    let mensa = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let ticket = notice(&s, "aulss_demo", "TICKET", "PREDISPOSTO");
    // The Comune's notice also pays 5.00 to a second entity.
    let (id, cents) = dovuto_of(&s, &mensa);
    add_transfer(
        &s,
        id,
        1,
        &comune,
        Some("IT60X0542811101000000123456"),
        cents - 500,
        None,
    );
    add_transfer(
        &s,
        id,
        2,
        "01234567897",
        Some("IT60X0542811101000000123456"),
        500,
        None,
    );
    let body = cart(vec![
        cart_notice(&s, "c_demo", &mensa),
        cart_notice(&s, "aulss_demo", &ticket),
    ]);
    let css = reqwest::get(format!("{}/static/admin.css", sim.base))
        .await
        .unwrap();
    assert_eq!(css.status(), 200, "the checkout page's stylesheet");
    let landed = checkout(&sim, &body, "pay").await;
    assert_eq!(landed, "https://ente.example/ok");
    assert_eq!(state_of(&s, &mensa), "COMPLETATO");
    assert_eq!(state_of(&s, &ticket), "COMPLETATO");
    assert_eq!(sim.state.ledger().payments().len(), 2);

    // Flows: one per receiving entity (same PSP, same day).
    let list = node_for_pa(&sim, None, None).await;
    let ids = values(&list, "identificativoFlusso");
    assert_eq!(values(&list, "totRestituiti"), vec!["3"]);
    assert_eq!(ids.len(), 3);
    let mut seen = Vec::new();
    for id in &ids {
        let answer = node_for_pa(&sim, None, Some(id)).await;
        let b64 = values(&answer, "xmlRendicontazione").remove(0);
        let xml = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
        )
        .unwrap();
        assert_valid_xsd(
            &xml,
            &shared().join("reference/pagopa/xsd-common/FlussoRiversamento_1_0_4.xsd"),
        );
        let receiver = values(&xml, "codiceIdentificativoUnivoco").remove(1);
        let total = values(&xml, "importoTotalePagamenti").remove(0);
        let index = values(&xml, "indiceDatiSingoloPagamento");
        seen.push((receiver, total, index));
    }
    seen.sort();
    let euro = |c: i64| format!("{}.{:02}", c / 100, c % 100);
    let (_, ticket_cents) = dovuto_of(&s, &ticket);
    let mut expected = vec![
        (
            "01234567897".to_owned(),
            "5.00".to_owned(),
            vec!["2".to_owned()],
        ),
        (comune.clone(), euro(cents - 500), vec!["1".to_owned()]),
        (
            station(&s, "aulss_demo").id_pa,
            euro(ticket_cents),
            vec!["1".to_owned()],
        ),
    ];
    expected.sort();
    assert_eq!(seen, expected);
    // The IUR in the flow is the receipt the gateway stored.
    let mut c = s.state.db.get().unwrap();
    let stored: Vec<String> = receipts::table
        .select(receipts::receipt_id)
        .load(&mut *c)
        .unwrap();
    let iurs: Vec<String> = sim
        .state
        .ledger()
        .payments()
        .iter()
        .map(|p| p.receipt_id.clone())
        .collect();
    assert_eq!(stored.len(), 2);
    assert!(iurs.iter().all(|i| stored.contains(i)));
    // Filtered by entity: only the ULSS flow.
    let only = node_for_pa(&sim, Some(&station(&s, "aulss_demo").id_pa), None).await;
    assert_eq!(values(&only, "totRestituiti"), vec!["1"]);
}

#[tokio::test]
async fn checkout_cancel_error_and_bad_carts() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let sim = simulator(&s, |c| c.subscription_key = Some("k3y".into())).await;
    let n = notice(&s, "c_demo", "TARI", "PREDISPOSTO");
    let body = cart(vec![cart_notice(&s, "c_demo", &n)]);
    let client = no_redirects();
    let post = |body: serde_json::Value, key: Option<&str>| {
        let mut req = client
            .post(format!("{}/carts", sim.checkout_url(2)))
            .json(&body);
        if let Some(k) = key {
            req = req.header("Ocp-Apim-Subscription-Key", k);
        }
        req.send()
    };
    assert_eq!(post(body.clone(), None).await.unwrap().status(), 401);
    assert_eq!(
        post(body.clone(), Some("wrong")).await.unwrap().status(),
        401
    );
    let mut bad = body.clone();
    bad["paymentNotices"][0]["noticeNumber"] = json!("12345");
    let resp = post(bad, Some("k3y")).await.unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("noticeNumber"));
    let mut no_waiting = body.clone();
    no_waiting["returnUrls"]
        .as_object_mut()
        .unwrap()
        .remove("returnWaitingUrl");
    assert_eq!(post(no_waiting, Some("k3y")).await.unwrap().status(), 400);

    let sim_open = simulator(&s, |_| {}).await;
    assert_eq!(
        checkout(&sim_open, &body, "cancel").await,
        "https://ente.example/cancel"
    );
    assert_eq!(state_of(&s, &n), "PREDISPOSTO", "cancelled: nothing paid");
    // A wrong amount: nothing is collected.
    let mut wrong = body.clone();
    wrong["paymentNotices"][0]["amount"] = json!(1);
    assert_eq!(
        checkout(&sim_open, &wrong, "pay").await,
        "https://ente.example/error"
    );
    assert_eq!(state_of(&s, &n), "PREDISPOSTO");
    assert_eq!(
        checkout(&sim_open, &body, "pay").await,
        "https://ente.example/ok"
    );
    // Paying it again: the gateway says it is paid, Checkout sends the citizen to the error URL.
    assert_eq!(
        checkout(&sim_open, &body, "pay").await,
        "https://ente.example/error"
    );
    let failed = sim_open
        .state
        .carts()
        .values()
        .filter_map(|c| c.error.clone())
        .collect::<Vec<_>>();
    assert!(
        failed.iter().any(|e| e.contains("PAA_PAGAMENTO_DUPLICATO")),
        "{failed:?}"
    );
}

#[tokio::test]
async fn node_for_pa_faults() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let sim = simulator(&s, |_| {}).await;
    let unknown = node_for_pa(&sim, None, Some("2026-01-01AGID_01-S9999999")).await;
    assert_eq!(
        values(&unknown, "faultCode"),
        vec!["PPT_ID_FLUSSO_SCONOSCIUTO"]
    );
    let cfg = &sim.state.config;
    let cases = [
        (
            node_for_pa::request("nobody", &cfg.station, &cfg.password, None, None),
            "PPT_INTERMEDIARIO_PA_SCONOSCIUTO",
        ),
        (
            node_for_pa::request(&cfg.broker, "nostation", &cfg.password, None, None),
            "PPT_STAZIONE_INT_PA_SCONOSCIUTA",
        ),
        (
            node_for_pa::request(&cfg.broker, &cfg.station, "wrongpass", None, None),
            "PPT_AUTENTICAZIONE",
        ),
        (
            node_for_pa::request(&cfg.broker, &cfg.station, "short", None, None),
            "PPT_SINTASSI_EXTRAXSD",
        ),
    ];
    for (body, code) in cases {
        let answer = post_node_for_pa(&sim, body).await;
        assert_eq!(answer.fault().as_deref(), Some(code), "{}", answer.body);
    }
    let garbage = reqwest::Client::new()
        .post(sim.node_for_pa_url())
        .header("content-type", "text/xml")
        .body("<not-soap/>")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 500);
}

#[tokio::test]
async fn a_late_receipt_for_a_notice_cancelled_meanwhile_is_kept_and_pays_it() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let url = format!("{}/pagopa/paForNode", s.base);
    let client = reqwest::Client::new();
    let opts = PayOptions {
        clock: s.state.clock,
        v2: true,
        ..PayOptions::default()
    };
    let a = flow::activate(flow::Link::Http(&client, &url), &st, &n, &opts)
        .await
        .unwrap();
    let answer = a.answer.expect("activated");
    // The operator cancels the position while the citizen is paying.
    {
        let mut c = s.state.db.get().unwrap();
        diesel::update(dovuti::table.filter(dovuti::notice_number.eq(&n)))
            .set(dovuti::state.eq("ANNULLATO"))
            .execute(&mut *c)
            .unwrap();
    }
    let paid = flow::settle(flow::Link::Http(&client, &url), &st, &n, &answer, &opts)
        .await
        .unwrap();
    assert!(paid.paid(), "{:?}", paid.steps);
    assert_eq!(state_of(&s, &n), "COMPLETATO", "the money was collected");
    // And the delayed variant of the whole flow.
    let n2 = notice(&s, "c_demo", "TARI", "PREDISPOSTO");
    let late = PayOptions {
        clock: s.state.clock,
        receipt_delay: Some(std::time::Duration::from_millis(200)),
        ..PayOptions::default()
    };
    let p = flow::pay_recorded(flow::Link::Http(&client, &url), &st, &n2, &late)
        .await
        .unwrap();
    assert!(p.paid());
    assert_eq!(p.settled.unwrap().iuv.len(), 17);
}
