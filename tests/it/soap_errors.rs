//! An unexpected failure on either WSDL: the caller gets `PAA_SYSTEM_ERROR` with a
//! reference, and that reference finds exactly that exchange in the journal.

use crate::ente_ws::call_ente;
use crate::node::{call, notice, station, Answer};
use crate::support::TestServer;
use diesel::prelude::*;
use mypay::db::schema::events;

/// The `riferimento` a system-error description names.
fn reference(a: &Answer) -> String {
    assert_eq!(a.fault().as_deref(), Some("PAA_SYSTEM_ERROR"), "{}", a.body);
    let description = a.get("description").unwrap();
    let id = description
        .rsplit("riferimento ")
        .next()
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{description}"
    );
    assert!(
        !description.contains("dovuti"),
        "no internals: {description}"
    );
    id
}

/// The journal rows carrying `id`: (interface, operation, fault code).
async fn journalled(s: &TestServer, id: &str) -> Vec<(String, String, Option<String>)> {
    s.state.journal.flush().await;
    let mut c = s.state.db.get().unwrap();
    events::table
        .filter(events::correlation_id.eq(id))
        .select((events::interface, events::operation, events::fault_code))
        .load(&mut *c)
        .unwrap()
}

#[tokio::test]
async fn a_system_error_names_the_journal_entry_of_its_exchange() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    {
        // The positions' and the carts' tables go away under the running gateway.
        let mut c = s.state.db.get().unwrap();
        for table in ["dovuti", "carts"] {
            diesel::sql_query(format!("ALTER TABLE {table} RENAME TO {table}_gone"))
                .execute(&mut *c)
                .unwrap();
        }
    }
    let st = station(&s, "c_demo");
    let verify = call(
        &s,
        "paVerifyPaymentNotice",
        &mypay::sim::messages::verify(&st, &n),
    )
    .await;
    verify.assert_valid();
    let id = reference(&verify);
    assert_eq!(
        journalled(&s, &id).await,
        vec![(
            "paForNode".into(),
            "paVerifyPaymentNotice".into(),
            Some("PAA_SYSTEM_ERROR".into())
        )]
    );

    let body = format!(
        "<codIpaEnte>c_demo</codIpaEnte><password>{}</password><idSession>none</idSession>",
        creds["c_demo"]
    );
    let pagati = call_ente(&s, "paaSILChiediPagati", None, &body).await;
    let id = reference(&pagati);
    assert_eq!(
        journalled(&s, &id).await,
        vec![(
            "ente".into(),
            "paaSILChiediPagati".into(),
            Some("PAA_SYSTEM_ERROR".into())
        )]
    );
}

#[tokio::test]
async fn a_stored_state_the_domain_does_not_know_is_a_system_error_not_a_verdict() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    {
        use mypay::db::schema::dovuti;
        let mut c = s.state.db.get().unwrap();
        let changed = diesel::update(dovuti::table.filter(dovuti::notice_number.eq(&n)))
            .set(dovuti::state.eq("PAGATO_FORSE"))
            .execute(&mut *c)
            .unwrap();
        assert_eq!(changed, 1);
    }
    let st = station(&s, "c_demo");
    let verify = call(
        &s,
        "paVerifyPaymentNotice",
        &mypay::sim::messages::verify(&st, &n),
    )
    .await;
    verify.assert_valid();
    let id = reference(&verify);
    assert_eq!(journalled(&s, &id).await.len(), 1);
    // The other positions are read as before.
    let other = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let verify = call(
        &s,
        "paVerifyPaymentNotice",
        &mypay::sim::messages::verify(&st, &other),
    )
    .await;
    assert_eq!(
        verify.get("outcome").as_deref(),
        Some("OK"),
        "{}",
        verify.body
    );
}
