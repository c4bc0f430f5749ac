//! The payment receipt PDF: paid through the node simulator, downloaded from the back office.

use crate::avviso::dovuto_id;
use crate::node::{notice, station};
use crate::pdftools::{pages, text};
use crate::support::{Browser, TestServer};
use diesel::prelude::*;
use mypay::sim::flow::{pay, Link, PayOptions};

#[tokio::test]
async fn a_paid_dovuto_has_a_receipt_with_what_was_paid() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let url = format!("{}/pagopa/paForNode", s.base);
    let opts = PayOptions {
        clock: s.state.clock,
        v2: true,
        ..PayOptions::default()
    };
    pay(
        Link::Http(&reqwest::Client::new(), &url),
        &station(&s, "c_demo"),
        &n,
        &opts,
    )
    .await
    .unwrap();
    let (id, iuv, receipt_id, psp, cents): (i64, String, String, String, i64) = {
        use mypay::db::schema::{dovuti, receipts};
        let mut c = s.state.db.get().unwrap();
        receipts::table
            .inner_join(dovuti::table)
            .filter(dovuti::notice_number.eq(&n))
            .select((
                dovuti::id,
                receipts::iuv,
                receipts::receipt_id,
                receipts::psp_id,
                receipts::amount_cents,
            ))
            .first(&mut *c)
            .unwrap()
    };
    let mut op = Browser::new(&s);
    assert_eq!(
        op.login("operatore.borgo", &creds["operatore.borgo"])
            .await
            .status,
        303
    );
    let list = op.get(&format!("/admin/dovuti?iuv={iuv}")).await;
    assert!(list
        .body
        .contains(&format!("/admin/dovuti/{id}/ricevuta.pdf")));
    let pdf = op.get(&format!("/admin/dovuti/{id}/ricevuta.pdf")).await;
    assert_eq!(pdf.status, 200);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ricevuta.pdf");
    std::fs::write(&file, &pdf.bytes).unwrap();
    let path = file.to_str().unwrap();
    assert_eq!(pages(path), 1);
    let t = text(path);
    let amount = mypay::domain::AmountCents::from_cents(cents)
        .unwrap()
        .to_italian();
    for expected in [
        "RICEVUTA DI PAGAMENTO",
        "Pagamento eseguito",
        iuv.as_str(),
        receipt_id.as_str(),
        psp.as_str(),
        amount.as_str(),
        "Comune di Borgo Demo",
        "RIPARTIZIONE DELL'IMPORTO",
    ] {
        assert!(t.contains(expected), "{expected:?} missing:\n{t}");
    }

    // An unpaid dovuto has no receipt; another entity's dovuto does not exist for this
    // operator.
    let unpaid = dovuto_id(&s, "c_demo", "PREDISPOSTO");
    let refused = op
        .get(&format!("/admin/dovuti/{unpaid}/ricevuta.pdf"))
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("non risulta pagato"));
    let other = dovuto_id(&s, "aulss_demo", "PREDISPOSTO");
    let hidden = op.get(&format!("/admin/dovuti/{other}/ricevuta.pdf")).await;
    assert_eq!(hidden.status, 404);
}
