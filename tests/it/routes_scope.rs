//! Route by route: an operator of one entity asks for everything of another entity — its
//! page, logo, due types, dovuti and their documents, flussi and their files, notice
//! batches — and posts every form against it; each answer is 404 and nothing changes.

use crate::flussi_web::{entity_id, flusso_zip};
use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::{dovuti, due_types, flussi, notice_batches};

/// (a due type, a payable dovuto with a notice, a paid dovuto) of entity `e`.
fn ids_of(s: &TestServer, e: i64) -> (i64, i64, i64) {
    let mut c = s.state.db.get().unwrap();
    let dt = due_types::table
        .filter(due_types::entity_id.eq(e))
        .select(due_types::id)
        .first(&mut *c)
        .unwrap();
    let of_state = |c: &mut mypay::db::AnyConnection, state: &str| -> i64 {
        dovuti::table
            .filter(dovuti::entity_id.eq(e))
            .filter(dovuti::state.eq(state))
            .filter(dovuti::notice_number.is_not_null())
            .select(dovuti::id)
            .first(c)
            .unwrap()
    };
    (
        dt,
        of_state(&mut c, "PREDISPOSTO"),
        of_state(&mut c, "COMPLETATO"),
    )
}

/// The region administrator gives entity `e` a flusso and a notice batch: their ids.
async fn files_of(s: &TestServer, admin: &mut Browser, e: i64) -> (i64, i64) {
    let csrf = csrf_of(&admin.get("/admin/flussi").await.body);
    let zip = flusso_zip(2);
    let ente = e.to_string();
    let parts = [
        ("csrf", None, csrf.as_bytes()),
        ("entity", None, ente.as_bytes()),
        ("file", Some("web-ALTRO01-1_3.zip"), zip.as_slice()),
    ];
    assert_eq!(
        admin.post_multipart("/admin/flussi", &parts).await.status,
        303
    );
    let form = [("csrf", csrf.as_str()), ("entity", ente.as_str())];
    assert!(admin.post("/admin/avvisi", &form).await.status < 400);
    let mut c = s.state.db.get().unwrap();
    let flusso = flussi::table
        .filter(flussi::entity_id.eq(e))
        .select(flussi::id)
        .first(&mut *c)
        .unwrap();
    let batch = notice_batches::table
        .filter(notice_batches::entity_id.eq(e))
        .select(notice_batches::id)
        .first(&mut *c)
        .unwrap();
    (flusso, batch)
}

#[tokio::test]
async fn everything_of_another_entity_is_not_found_for_an_operator() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let other = entity_id(&s, "aulss_demo");
    let (dt, open, paid) = ids_of(&s, other);
    let (flusso, batch) = files_of(&s, &mut admin, other).await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let gets = [
        format!("/admin/entities/{other}"),
        format!("/admin/entities/{other}/logo"),
        format!("/admin/due-types/{dt}"),
        format!("/admin/dovuti/{open}"),
        format!("/admin/dovuti/{open}/avviso.pdf"),
        format!("/admin/dovuti/{paid}/ricevuta.pdf"),
        format!("/admin/flussi/{flusso}/scarti"),
        format!("/admin/flussi/{flusso}/iuv"),
        format!("/admin/avvisi/{batch}/zip"),
    ];
    for path in &gets {
        assert_eq!(op.get(path).await.status, 404, "GET {path}");
    }
    let csrf = csrf_of(&op.get("/admin").await.body);
    let (e, d) = (other.to_string(), dt.to_string());
    let (_, own_open, _) = ids_of(&s, entity_id(&s, "c_demo"));
    let (own, o) = (own_open.to_string(), open.to_string());
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/admin/entities/{other}/state"),
            vec![("state", "DISABILITATO")],
        ),
        (format!("/admin/entities/{other}/ws-password"), vec![]),
        (
            format!("/admin/entities/{other}/details"),
            vec![("name", "Preso")],
        ),
        (format!("/admin/entities/{other}/test-payment"), vec![]),
        (
            "/admin/due-types".into(),
            vec![
                ("entity", e.as_str()),
                ("code", "X"),
                ("description", "X"),
                ("collection_data", "9/0101108TS/"),
            ],
        ),
        (
            format!("/admin/due-types/{dt}"),
            vec![
                ("description", "Preso"),
                ("collection_data", "9/0101108TS/"),
            ],
        ),
        (
            format!("/admin/due-types/{dt}/active"),
            vec![("active", "false")],
        ),
        (
            format!("/admin/due-types/{dt}/bilancio"),
            vec![("b0_capitolo", "CAP"), ("b0_importo", "TOTALE")],
        ),
        (
            format!("/admin/due-types/{dt}/form"),
            vec![("f0_name", "x"), ("f0_label", "X"), ("action", "save")],
        ),
        (
            "/admin/dovuti".into(),
            vec![
                ("due_type", d.as_str()),
                ("debtor_id", "RSSMRA85T10A562S"),
                ("debtor_name", "X"),
                ("amount", "1"),
                ("causale", "X"),
            ],
        ),
        (
            format!("/admin/dovuti/{open}"),
            vec![
                ("debtor_id", "RSSMRA85T10A562S"),
                ("debtor_name", "X"),
                ("amount", "1"),
                ("causale", "X"),
            ],
        ),
        (format!("/admin/dovuti/{open}/annulla"), vec![]),
        (
            "/admin/dovuti/selezione".into(),
            vec![
                ("azione", "conferma-annulla"),
                ("id", own.as_str()),
                ("id", o.as_str()),
            ],
        ),
        (
            "/admin/dovuti/selezione".into(),
            vec![("azione", "avvisi"), ("id", o.as_str())],
        ),
        ("/admin/avvisi".into(), vec![("entity", e.as_str())]),
    ];
    for (path, fields) in &posts {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        assert_eq!(op.post(path, &form).await.status, 404, "POST {path}");
    }
    let zip = flusso_zip(1);
    let parts = [
        ("csrf", None, csrf.as_bytes()),
        ("entity", None, e.as_bytes()),
        ("file", Some("web-ALTRO02-1_3.zip"), zip.as_slice()),
    ];
    assert_eq!(
        op.post_multipart("/admin/flussi", &parts).await.status,
        404,
        "POST /admin/flussi"
    );
    let logo = [
        ("csrf", None, csrf.as_bytes()),
        ("logo", Some("l.png"), crate::web_security::PNG),
    ];
    let path = format!("/admin/entities/{other}/logo");
    assert_eq!(
        op.post_multipart(&path, &logo).await.status,
        404,
        "POST {path}"
    );
    let page = admin.get(&format!("/admin/entities/{other}")).await;
    assert!(
        page.body.contains("Azienda ULSS Demo") && page.body.contains("data-state=\"ESERCIZIO\"")
    );
    let mut c = s.state.db.get().unwrap();
    let state: String = dovuti::table
        .find(open)
        .select(dovuti::state)
        .first(&mut *c)
        .unwrap();
    assert_eq!(state, "PREDISPOSTO");
    let own_state: String = dovuti::table
        .find(own_open)
        .select(dovuti::state)
        .first(&mut *c)
        .unwrap();
    assert_eq!(
        own_state, "PREDISPOSTO",
        "a selection with another's is refused whole"
    );
}
