//! "Make a test payment" from an entity's page: in PRE-ESERCIZIO its administrators pay a
//! test notice end to end through the simulated node, which ticks the checklist; the
//! calls land in the journal like the node's.

use crate::flussi_web::entity_id;
use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::{dovuti, events, receipts};

async fn post(
    b: &mut Browser,
    id: i64,
    action: &str,
    extra: &[(&str, &str)],
) -> crate::support::Page {
    let page = b.get(&format!("/admin/entities/{id}")).await;
    let csrf = csrf_of(&page.body);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(extra);
    b.post(&format!("/admin/entities/{id}/{action}"), &form)
        .await
}

#[tokio::test]
async fn a_test_payment_goes_through_the_node_and_opens_production() {
    // The node's listener admits only the node: the test payment does not need it.
    let s = TestServer::spawn_with(|c| c.node.allow_ips = vec!["10.9.9.9/32".into()]).await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let id = entity_id(&s, "c_demo");
    let refused = post(&mut admin, id, "test-payment", &[]).await;
    assert_eq!(refused.status, 422, "in production: {}", refused.body);
    assert!(
        refused.body.contains("in pre-esercizio"),
        "{}",
        refused.body
    );

    assert_eq!(
        post(&mut admin, id, "state", &[("state", "PRE-ESERCIZIO")])
            .await
            .status,
        303
    );
    let page = admin.get(&format!("/admin/entities/{id}")).await;
    assert!(
        page.body.contains("Esegui un pagamento di prova"),
        "{}",
        page.body
    );
    assert!(page.body.contains("✗ Un pagamento di prova completato"));
    let before: i64 = {
        let mut c = s.state.db.get().unwrap();
        dovuti::table.count().get_result(&mut *c).unwrap()
    };
    let done = post(&mut admin, id, "test-payment", &[]).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("data-outcome=\"paid\""), "{}", done.body);
    for op in ["paVerifyPaymentNotice", "paGetPaymentV2", "paSendRTV2"] {
        assert!(
            done.body.contains(&format!("<td>{op}</td><td>OK</td>")),
            "{op}: {}",
            done.body
        );
    }
    s.state.journal.flush().await;
    let (iuv, paid_state, receipts_n, journal): (String, String, i64, i64) = {
        let mut c = s.state.db.get().unwrap();
        let (iuv, state): (Option<String>, String) = dovuti::table
            .filter(dovuti::entity_id.eq(id))
            .filter(dovuti::iud.like("PROVA-%"))
            .select((dovuti::iuv, dovuti::state))
            .first(&mut *c)
            .unwrap();
        let iuv = iuv.unwrap();
        let n = receipts::table
            .filter(receipts::entity_id.eq(id))
            .filter(receipts::outcome.eq("OK"))
            .count()
            .get_result(&mut *c)
            .unwrap();
        let j = events::table
            .filter(events::iuv.eq(&iuv))
            .filter(events::interface.eq("paForNode"))
            .count()
            .get_result(&mut *c)
            .unwrap();
        let after: i64 = dovuti::table.count().get_result(&mut *c).unwrap();
        assert_eq!(after, before + 1, "one test position");
        (iuv, state, n, j)
    };
    assert_eq!(paid_state, "COMPLETATO", "{iuv}");
    assert_eq!(receipts_n, 1);
    assert!(
        journal >= 3,
        "verify, activation and receipt journaled: {journal}"
    );
    let dovuto = done.body.split("/admin/dovuti/").nth(1).unwrap();
    let dovuto: String = dovuto.chars().take_while(char::is_ascii_digit).collect();
    let pdf = admin
        .get(&format!("/admin/dovuti/{dovuto}/ricevuta.pdf"))
        .await;
    assert_eq!(pdf.status, 200, "the receipt PDF");

    let page = admin.get(&format!("/admin/entities/{id}")).await;
    assert!(
        page.body.contains("✓ Un pagamento di prova completato"),
        "{}",
        page.body
    );
    assert_eq!(
        post(&mut admin, id, "state", &[("state", "ESERCIZIO")])
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn only_the_entity_administrators_make_test_payments() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let own = entity_id(&s, "c_demo");
    let other = entity_id(&s, "aulss_demo");
    assert_eq!(
        post(&mut admin, own, "state", &[("state", "PRE-ESERCIZIO")])
            .await
            .status,
        303
    );
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let page = op.get(&format!("/admin/entities/{own}")).await;
    assert!(
        !page.body.contains("Esegui un pagamento di prova"),
        "no button for operators"
    );
    assert_eq!(post(&mut op, own, "test-payment", &[]).await.status, 403);
    let csrf = csrf_of(&page.body);
    let path = format!("/admin/entities/{other}/test-payment");
    assert_eq!(op.post(&path, &[("csrf", csrf.as_str())]).await.status, 404);
    let mut c = s.state.db.get().unwrap();
    let made: i64 = dovuti::table
        .filter(dovuti::iud.like("PROVA-%"))
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(made, 0);
}
