//! Payments started at the entity's portal, end to end with the node simulator's Checkout:
//! paaSILInviaDovuti → our payment page → Checkout → receipts → back to the portal →
//! paaSILChiediPagati; cancellation, expiry, multi-entity carts, paaSILVerificaAvviso.

use crate::ente_ws::{call_ente, payload_xsd};
use crate::node::{assert_valid_xsd, station};
use crate::support::TestServer;
use base64::Engine;
use diesel::prelude::*;
use mypay::sim::server::{self, Running, SimConfig};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A gateway whose Checkout is the simulator's, and the simulator paying through it.
async fn gateway_and_checkout() -> (
    TestServer,
    Running,
    std::collections::HashMap<String, String>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim_base = format!("http://{}", listener.local_addr().unwrap());
    let s = TestServer::spawn_with(|c| {
        c.pagopa.checkout_url = Some(format!("{sim_base}/checkout/ec/v1"));
    })
    .await;
    let creds = s.seed_demo().await;
    let st = station(&s, "c_demo");
    let mut cfg = SimConfig::new(
        &format!("{}/pagopa/paForNode", s.base),
        &st.id_broker,
        &st.id_station,
    );
    cfg.clock = s.state.clock;
    let sim = server::spawn(listener, cfg).unwrap();
    (s, sim, creds)
}

fn dovuti(iuds: &[&str], due_type: &str) -> String {
    let items: String = iuds
        .iter()
        .map(|iud| format!("<datiSingoloVersamento><identificativoUnivocoDovuto>{iud}</identificativoUnivocoDovuto><importoSingoloVersamento>12.50</importoSingoloVersamento><identificativoTipoDovuto>{due_type}</identificativoTipoDovuto><causaleVersamento>Pagamento {iud}</causaleVersamento><datiSpecificiRiscossione>9/0201133IM/</datiSpecificiRiscossione></datiSingoloVersamento>"))
        .collect();
    B64.encode(format!(r#"<Dovuti xmlns="http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/"><versioneOggetto>6.2</versioneOggetto><soggettoPagatore><identificativoUnivocoPagatore><tipoIdentificativoUnivoco>F</tipoIdentificativoUnivoco><codiceIdentificativoUnivoco>RSSMRA85T10A562S</codiceIdentificativoUnivoco></identificativoUnivocoPagatore><anagraficaPagatore>Mario Rossi</anagraficaPagatore><e-mailPagatore>mario.rossi@example.org</e-mailPagatore></soggettoPagatore><datiVersamento><tipoVersamento>ALL</tipoVersamento>{items}</datiVersamento></Dovuti>"#))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn location_of(resp: reqwest::Response) -> String {
    assert!(
        resp.status().is_redirection(),
        "{}: {}",
        resp.status(),
        resp.text().await.unwrap()
    );
    resp.headers()["location"].to_str().unwrap().to_owned()
}

/// The citizen: our page → Checkout → pay or cancel → back; returns the final location.
async fn citizen(url: &str, action: &str) -> String {
    let c = client();
    let page = c.get(url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"pay\""), "{page}");
    let checkout = location_of(c.post(url).send().await.unwrap()).await;
    let back = location_of(
        c.post(&checkout)
            .form(&[("action", action)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    location_of(c.get(&back).send().await.unwrap()).await
}

async fn chiedi_pagati(s: &TestServer, pw: &str, session: &str) -> crate::node::Answer {
    let body = format!(
        "<codIpaEnte>c_demo</codIpaEnte><password>{pw}</password><idSession>{session}</idSession>"
    );
    call_ente(s, "paaSILChiediPagati", None, &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_payment_end_to_end() {
    let (s, _sim, creds) = gateway_and_checkout().await;
    let pw = creds["c_demo"].clone();
    let body = format!("<password>{pw}</password><dovuti>{}</dovuti><enteSILInviaRispostaPagamentoUrl>https://portale.example/esito</enteSILInviaRispostaPagamentoUrl>", dovuti(&["P-1", "P-2"], "MENSA"));
    let a = call_ente(&s, "paaSILInviaDovuti", Some("c_demo"), &body).await;
    assert_eq!(a.get("esito").as_deref(), Some("OK"), "{}", a.body);
    let session = a.get("idSession").unwrap();
    let url = a.get("url").unwrap();
    assert_eq!(url, format!("{}/pagamento/{session}", s.base));
    assert_eq!(
        chiedi_pagati(&s, &pw, &session).await.fault().as_deref(),
        Some("PAA_PAGAMENTO_NON_INIZIATO")
    );

    let back = citizen(&url, "pay").await;
    assert_eq!(
        back,
        format!("https://portale.example/esito?idSession={session}&esito=OK")
    );
    let p = chiedi_pagati(&s, &pw, &session).await;
    assert!(p.fault().is_none(), "{}", p.body);
    let pagati = String::from_utf8(B64.decode(p.get("pagati").unwrap()).unwrap()).unwrap();
    assert_valid_xsd(&pagati, &payload_xsd());
    assert!(
        pagati.contains("P-1")
            && pagati.contains("P-2")
            && pagati.contains("<importoTotalePagato>25.00</importoTotalePagato>"),
        "{pagati}"
    );

    // Our call to Checkout is in the journal, with the cart it sent.
    s.state.journal.flush().await;
    {
        use diesel::prelude::*;
        use mypay::db::schema::events;
        let mut c = s.state.db.get().unwrap();
        let (outcome, request, response): (String, Option<String>, Option<String>) = events::table
            .filter(events::interface.eq("checkout"))
            .filter(events::direction.eq("OUT"))
            .select((events::outcome, events::request, events::response))
            .first(&mut *c)
            .unwrap();
        assert_eq!(outcome, "OK");
        assert!(request
            .unwrap()
            .contains(&format!("\"idCart\":\"{session}\"")));
        assert!(response.unwrap().starts_with("302 Location: "));
    }

    // Another entity cannot read this session; an unknown one is refused too.
    let pw2 = creds["aulss_demo"].clone();
    let other = call_ente(&s, "paaSILChiediPagati", None, &format!("<codIpaEnte>aulss_demo</codIpaEnte><password>{pw2}</password><idSession>{session}</idSession>")).await;
    assert_eq!(other.fault().as_deref(), Some("PAA_ID_SESSION_NON_VALIDO"));
    assert_eq!(
        chiedi_pagati(&s, &pw, "nope").await.fault().as_deref(),
        Some("PAA_ID_SESSION_NON_VALIDO")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_and_expired_carts() {
    let (s, _sim, creds) = gateway_and_checkout().await;
    let pw = creds["c_demo"].clone();
    let start = |iud: &str| {
        format!(
            "<password>{pw}</password><dovuti>{}</dovuti>",
            dovuti(&[iud], "MENSA")
        )
    };
    let a = call_ente(&s, "paaSILInviaDovuti", Some("c_demo"), &start("C-1")).await;
    let session = a.get("idSession").unwrap();
    let back = citizen(&a.get("url").unwrap(), "cancel").await;
    assert!(
        back.ends_with(&format!("idSession={session}&esito=ANNULLATO")),
        "{back}"
    );
    assert_eq!(
        chiedi_pagati(&s, &pw, &session).await.fault().as_deref(),
        Some("PAA_PAGAMENTO_ANNULLATO")
    );

    // Handed to Checkout, then never finished: in progress, and expired after the deadline.
    let b = call_ente(&s, "paaSILInviaDovuti", Some("c_demo"), &start("C-2")).await;
    let session = b.get("idSession").unwrap();
    location_of(client().post(b.get("url").unwrap()).send().await.unwrap()).await;
    assert_eq!(
        chiedi_pagati(&s, &pw, &session).await.fault().as_deref(),
        Some("PAA_PAGAMENTO_IN_CORSO")
    );
    {
        use mypay::db::schema::carts;
        let mut c = s.state.db.get().unwrap();
        diesel::update(carts::table.filter(carts::session_id.eq(&session)))
            .set(carts::expires_at.eq(s.state.now() - chrono::Duration::minutes(1)))
            .execute(&mut *c)
            .unwrap();
    }
    assert_eq!(
        chiedi_pagati(&s, &pw, &session).await.fault().as_deref(),
        Some("PAA_PAGAMENTO_SCADUTO")
    );
    let page = reqwest::get(b.get("url").unwrap())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("scaduto") && !page.contains("id=\"pay\""),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_of_two_entities_and_a_notice_paid_from_the_portal() {
    let (s, _sim, creds) = gateway_and_checkout().await;
    let pw = creds["c_demo"].clone();
    let cf = |cod: &str| station(&s, cod).id_pa;
    let hash =
        |cf: &str| mypay::security::sha256_hex(&format!("paaSILInviaCarrelloDovuti-{pw}-{cf}"));
    let element = |cod: &str, h: &str, iud: &str, due_type: &str| {
        format!("<elementoListaDovuti><codIpaEnte>{cod}</codIpaEnte><password>{h}</password><dovuti>{}</dovuti></elementoListaDovuti>", dovuti(&[iud], due_type))
    };
    let list = format!(
        "{}{}",
        element("c_demo", &hash(&cf("c_demo")), "K-1", "MENSA"),
        element("aulss_demo", &hash(&cf("aulss_demo")), "K-2", "TICKET")
    );
    let body = format!("<password>{pw}</password><listaDovuti>{list}</listaDovuti>");
    let a = call_ente(&s, "paaSILInviaCarrelloDovuti", Some("c_demo"), &body).await;
    assert_eq!(a.get("esito").as_deref(), Some("OK"), "{}", a.body);
    let session = a.get("idSessionCarrello").unwrap();
    citizen(&a.get("url").unwrap(), "pay").await;
    let esito = call_ente(&s, "paaSILChiediEsitoCarrelloDovuti", None, &format!("<codIpaEnte>c_demo</codIpaEnte><password>{pw}</password><idSessionCarrello>{session}</idSessionCarrello>")).await;
    assert_eq!(
        esito.body.matches("<rispostaCarrello>").count(),
        2,
        "{}",
        esito.body
    );
    assert_eq!(esito.body.matches("<esito>PAGATO</esito>").count(), 2);

    // A wrong hash, six positions: refused, nothing created.
    let bad = format!(
        "<password>{pw}</password><listaDovuti>{}</listaDovuti>",
        element("aulss_demo", &hash("00000000000"), "K-3", "TICKET")
    );
    let f = call_ente(&s, "paaSILInviaCarrelloDovuti", Some("c_demo"), &bad).await;
    assert_eq!(f.fault().as_deref(), Some("PAA_ENTE_NON_VALIDO"));
    let six: String = (0..6)
        .map(|i| element("c_demo", &hash(&cf("c_demo")), &format!("K-6-{i}"), "MENSA"))
        .collect();
    let f = call_ente(
        &s,
        "paaSILInviaCarrelloDovuti",
        Some("c_demo"),
        &format!("<password>{pw}</password><listaDovuti>{six}</listaDovuti>"),
    )
    .await;
    assert_eq!(f.fault().as_deref(), Some("PAA_XML_NON_VALIDO"));
    let mut c = s.state.db.get().unwrap();
    let made: i64 = mypay::db::schema::dovuti::table
        .filter(mypay::db::schema::dovuti::iud.like("K-%"))
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(made, 2);
    drop(c);

    // An existing notice, paid from the portal.
    let n = crate::node::notice(&s, "c_demo", "TARI", "PREDISPOSTO");
    let iuv = &n[1..];
    let v = call_ente(&s, "paaSILVerificaAvviso", Some("c_demo"), &format!("<password>{pw}</password><identificativoUnivocoVersamento>{iuv}</identificativoUnivocoVersamento>")).await;
    let session = v.get("idSession").expect("a session");
    citizen(&v.get("url").unwrap(), "pay").await;
    assert!(chiedi_pagati(&s, &pw, &session)
        .await
        .get("pagati")
        .is_some());
    let unknown = call_ente(&s, "paaSILVerificaAvviso", Some("c_demo"), &format!("<password>{pw}</password><identificativoUnivocoVersamento>01999999999999999</identificativoUnivocoVersamento>")).await;
    assert_eq!(unknown.fault().as_deref(), Some("PAA_IUV_NON_VALIDO"));
}

#[tokio::test]
async fn a_portal_position_can_buy_a_marca_da_bollo() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let pw = creds["c_demo"].clone();
    let hash = B64.encode([7u8; 32]);
    let payload = |hash: &str| {
        B64.encode(format!(r#"<Dovuti xmlns="http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/"><versioneOggetto>6.2</versioneOggetto><soggettoPagatore><identificativoUnivocoPagatore><tipoIdentificativoUnivoco>F</tipoIdentificativoUnivoco><codiceIdentificativoUnivoco>RSSMRA85T10A562S</codiceIdentificativoUnivoco></identificativoUnivocoPagatore><anagraficaPagatore>Mario Rossi</anagraficaPagatore></soggettoPagatore><datiVersamento><tipoVersamento>ALL</tipoVersamento><datiSingoloVersamento><identificativoUnivocoDovuto>MBD-1</identificativoUnivocoDovuto><importoSingoloVersamento>16.00</importoSingoloVersamento><identificativoTipoDovuto>MENSA</identificativoTipoDovuto><causaleVersamento>Marca da bollo certificato</causaleVersamento><datiSpecificiRiscossione>9/0201133IM/</datiSpecificiRiscossione><datiMarcaBolloDigitale><tipoBollo>01</tipoBollo><hashDocumento>{hash}</hashDocumento><provinciaResidenza>VE</provinciaResidenza></datiMarcaBolloDigitale></datiSingoloVersamento></datiVersamento></Dovuti>"#))
    };
    let bad = call_ente(
        &s,
        "paaSILInviaDovuti",
        Some("c_demo"),
        &format!(
            "<password>{pw}</password><dovuti>{}</dovuti>",
            payload("not-a-digest")
        ),
    )
    .await;
    assert_eq!(bad.fault().as_deref(), Some("PAA_XML_NON_VALIDO"));
    let a = call_ente(
        &s,
        "paaSILInviaDovuti",
        Some("c_demo"),
        &format!(
            "<password>{pw}</password><dovuti>{}</dovuti>",
            payload(&hash)
        ),
    )
    .await;
    assert_eq!(a.get("esito").as_deref(), Some("OK"), "{}", a.body);
    let notice: String = {
        let mut c = s.state.db.get().unwrap();
        mypay::db::schema::dovuti::table
            .filter(mypay::db::schema::dovuti::iud.eq("MBD-1"))
            .select(mypay::db::schema::dovuti::notice_number.assume_not_null())
            .first(&mut *c)
            .unwrap()
    };
    let xml = mypay::sim::messages::get_payment(&station(&s, "c_demo"), &notice, true, false);
    let g = crate::node::call(&s, "paGetPaymentV2", &xml).await;
    assert!(g.fault().is_none(), "{}", g.body);
    assert!(
        g.body.contains(&hash)
            && g.body
                .contains("<provinciaResidenza>VE</provinciaResidenza>"),
        "{}",
        g.body
    );
}
