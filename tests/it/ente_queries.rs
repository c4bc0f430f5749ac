//! The entity services' read operations on real data: a payment made through the node
//! simulator read back as `PagatiConRicevuta` with its receipt, a person's history and open
//! positions, the notices created in a period. Payloads validate against MyPay's schema.

use crate::ente_ws::{call_ente, payload_xsd};
use crate::node::{assert_valid_xsd, notice};
use crate::support::TestServer;
use base64::Engine;
use diesel::prelude::*;
use mypay::db::schema::dovuti;

fn decoded(b64: &str) -> String {
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

fn person(cf: &str) -> String {
    format!("<identificativoUnivocoPersonaFG><pay_i:tipoIdentificativoUnivoco xmlns:pay_i=\"http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/\">F</pay_i:tipoIdentificativoUnivoco><pay_i:codiceIdentificativoUnivoco xmlns:pay_i=\"http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/\">{cf}</pay_i:codiceIdentificativoUnivoco></identificativoUnivocoPersonaFG>")
}

#[tokio::test]
async fn a_payment_reads_back_as_pagati_con_ricevuta_and_in_the_history() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let pw = creds["c_demo"].clone();
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    crate::node::pay(&s, "c_demo", &n).await;
    let (iuv, iud, debtor): (String, String, String) = {
        let mut c = s.state.db.get().unwrap();
        dovuti::table
            .filter(dovuti::notice_number.eq(&n))
            .select((
                dovuti::iuv.assume_not_null(),
                dovuti::iud,
                dovuti::debtor_id,
            ))
            .first(&mut *c)
            .unwrap()
    };
    let body = format!("<codIpaEnte>c_demo</codIpaEnte><password>{pw}</password><identificativoUnivocoVersamento>{iuv}</identificativoUnivocoVersamento>");
    let a = call_ente(&s, "paaSILChiediPagatiConRicevuta", None, &body).await;
    assert!(a.fault().is_none(), "{}", a.body);
    let pagati = decoded(&a.get("pagati").unwrap());
    assert_valid_xsd(&pagati, &payload_xsd());
    assert!(pagati.contains(&format!(
        "<identificativoUnivocoDovuto>{iud}</identificativoUnivocoDovuto>"
    )));
    assert!(pagati.contains("<codiceEsitoPagamento>0</codiceEsitoPagamento>"));
    let rt = decoded(&a.get("rt").unwrap());
    assert!(
        rt.contains("paSendRTV2") && rt.contains(&iuv),
        "the receipt as the node sent it"
    );

    // By IUD: same answer. An unpaid position, an unknown one, a cart session: faults.
    let by_iud = format!("<codIpaEnte>c_demo</codIpaEnte><password>{pw}</password><identificativoUnivocoDovuto>{iud}</identificativoUnivocoDovuto>");
    assert_eq!(
        call_ente(&s, "paaSILChiediPagatiConRicevuta", None, &by_iud)
            .await
            .get("pagati"),
        a.get("pagati")
    );
    let open_iuv: String = {
        let mut c = s.state.db.get().unwrap();
        dovuti::table
            .filter(dovuti::state.eq("PREDISPOSTO"))
            .filter(dovuti::iuv.is_not_null())
            .select(dovuti::iuv.assume_not_null())
            .first(&mut *c)
            .unwrap()
    };
    for (field, value, code) in [
        (
            "identificativoUnivocoVersamento",
            open_iuv.as_str(),
            "PAA_DATI_NON_TROVATI",
        ),
        (
            "identificativoUnivocoVersamento",
            "01999999999999999",
            "PAA_DATI_NON_TROVATI",
        ),
        ("idSession", "no-such-session", "PAA_ID_SESSION_NON_VALIDO"),
    ] {
        let body = format!(
            "<codIpaEnte>c_demo</codIpaEnte><password>{pw}</password><{field}>{value}</{field}>"
        );
        let f = call_ente(&s, "paaSILChiediPagatiConRicevuta", None, &body).await;
        assert_eq!(f.fault().as_deref(), Some(code), "{field}={value}");
    }

    // The debtor's history holds the payment.
    let body = format!("<password>{pw}</password><codIpaEnte>c_demo</codIpaEnte>{}<dataFrom>2020-01-01T00:00:00</dataFrom>", person(&debtor));
    let h = call_ente(&s, "paaSILChiediStoricoPagamenti", None, &body).await;
    assert!(h.fault().is_none(), "{}", h.body);
    let item = decoded(&h.get("ctPagatiConRicevuta").expect("one payment"));
    assert_valid_xsd(&item, &payload_xsd());
    assert!(item.contains(&iuv));
    let reversed = format!("<password>{pw}</password><codIpaEnte>c_demo</codIpaEnte>{}<dataFrom>2030-01-01T00:00:00</dataFrom><dataTo>2020-01-01T00:00:00</dataTo>", person(&debtor));
    let r = call_ente(&s, "paaSILChiediStoricoPagamenti", None, &reversed).await;
    assert_eq!(r.fault().as_deref(), Some("PAA_INTERVALLO_DATE_NON_VALIDO"));
}

#[tokio::test]
async fn open_positions_and_pending_notices() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let pw = creds["c_demo"].clone();
    let (debtor, open): (String, i64) = {
        let mut c = s.state.db.get().unwrap();
        let debtor: String = dovuti::table
            .filter(dovuti::state.eq("PREDISPOSTO"))
            .select(dovuti::debtor_id)
            .first(&mut *c)
            .unwrap();
        let open = dovuti::table
            .inner_join(mypay::db::schema::entities::table)
            .filter(mypay::db::schema::entities::cod_ipa.eq("c_demo"))
            .filter(dovuti::debtor_id.eq(&debtor))
            .filter(dovuti::state.eq_any(["PREDISPOSTO", "PAGAMENTO_INIZIATO", "SCADUTO"]))
            .count()
            .get_result(&mut *c)
            .unwrap();
        (debtor, open)
    };
    let body = format!(
        "<password>{pw}</password><codIpaEnte>c_demo</codIpaEnte>{}",
        person(&debtor)
    );
    let a = call_ente(&s, "paaSILChiediPosizioniAperte", None, &body).await;
    assert!(a.fault().is_none(), "{}", a.body);
    let items: Vec<&str> = a.body.split("<dovuti>").skip(1).collect();
    assert_eq!(items.len() as i64, open);
    let first = decoded(items[0].split("</dovuti>").next().unwrap());
    assert_valid_xsd(&first, &payload_xsd());
    assert!(first.contains(&debtor));

    let today = s.state.clock.today_in_rome();
    let body = format!("<password>{pw}</password><codIpaEnte>c_demo</codIpaEnte><dateFrom>{}</dateFrom><dateTo>{today}</dateTo>", today - chrono::Duration::days(1));
    let p = call_ente(&s, "paaSILChiediAvvisiPendenti", None, &body).await;
    assert!(p.fault().is_none(), "{}", p.body);
    assert!(
        p.body.matches("<paaSILAvvisoPendente>").count() > 100,
        "the demo's open notices"
    );
    let none = format!("<password>{pw}</password><codIpaEnte>c_demo</codIpaEnte><dateFrom>2001-01-01</dateFrom><dateTo>2001-01-02</dateTo>");
    let empty = call_ente(&s, "paaSILChiediAvvisiPendenti", None, &none).await;
    assert!(empty.fault().is_none() && !empty.body.contains("paaSILAvvisoPendente"));
}

#[tokio::test]
async fn a_payment_made_elsewhere_is_registered() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let pw = creds["c_demo"].clone();
    let (iuv, cents): (String, i64) = {
        let mut c = s.state.db.get().unwrap();
        dovuti::table
            .inner_join(mypay::db::schema::entities::table)
            .filter(mypay::db::schema::entities::cod_ipa.eq("c_demo"))
            .filter(dovuti::state.eq("PREDISPOSTO"))
            .filter(dovuti::plan_code.is_null())
            .select((dovuti::iuv.assume_not_null(), dovuti::amount_cents))
            .first(&mut *c)
            .unwrap()
    };
    let amount = mypay::domain::AmountCents::from_cents(cents)
        .unwrap()
        .to_string();
    let body = |iuv: &str, amount: &str, iur: &str| {
        format!("<codIpaEnte>c_demo</codIpaEnte><password>{pw}</password><identificativoUnivocoVersamento>{iuv}</identificativoUnivocoVersamento><singoloImportoPagato>{amount}</singoloImportoPagato><dataEsitoSingoloPagamento>2026-11-27</dataEsitoSingoloPagamento><identificativoUnivocoRiscossione>{iur}</identificativoUnivocoRiscossione><tipoIstitutoAttestante>B</tipoIstitutoAttestante><codiceIstitutiAttestante>CASSA-ECONOMALE</codiceIstitutiAttestante><denominazioneAttestante>Cassa economale del Comune</denominazioneAttestante>")
    };
    let wrong = call_ente(
        &s,
        "paaSILRegistraPagamento",
        None,
        &body(&iuv, "0.01", "IUR-1"),
    )
    .await;
    assert_eq!(
        wrong.fault().as_deref(),
        Some("PAA_IMPORTO_SINGOLO_VERSAMENTO_NON_VALIDO")
    );
    let ok = call_ente(
        &s,
        "paaSILRegistraPagamento",
        None,
        &body(&iuv, &amount, "IUR-1"),
    )
    .await;
    assert_eq!(ok.get("esito").as_deref(), Some("OK"), "{}", ok.body);
    let state: String = {
        let mut c = s.state.db.get().unwrap();
        dovuti::table
            .filter(dovuti::iuv.eq(&iuv))
            .select(dovuti::state)
            .first(&mut *c)
            .unwrap()
    };
    assert_eq!(state, "COMPLETATO");
    let again = call_ente(
        &s,
        "paaSILRegistraPagamento",
        None,
        &body(&iuv, &amount, "IUR-2"),
    )
    .await;
    assert_eq!(again.fault().as_deref(), Some("PAA_DOVUTO_NON_PAGABILE"));
    let unknown = call_ente(
        &s,
        "paaSILRegistraPagamento",
        None,
        &body("01999999999999999", &amount, "IUR-3"),
    )
    .await;
    assert_eq!(unknown.fault().as_deref(), Some("PAA_IUV_NON_VALIDO"));
    // It reads back like any payment, with the attesting institution.
    let q = format!("<codIpaEnte>c_demo</codIpaEnte><password>{pw}</password><identificativoUnivocoVersamento>{iuv}</identificativoUnivocoVersamento>");
    let p = call_ente(&s, "paaSILChiediPagatiConRicevuta", None, &q).await;
    let pagati = decoded(&p.get("pagati").unwrap());
    assert_valid_xsd(&pagati, &payload_xsd());
    assert!(pagati.contains("Cassa economale del Comune") && pagati.contains("IUR-1"));
    assert!(
        !decoded(&p.get("rt").unwrap()).contains(&pw),
        "the stored request has no password"
    );
}
