//! `/admin/operators/{id}`: an administrator changes the accounts it manages — the due
//! types an operator works on, its role — never beyond what it manages, never its own role.

use crate::operators::{entity_admin, operator_id};
use crate::support::{csrf_of, Browser, TestServer};
use mypay::db::models::operator_grants::{self, Granted};

/// The grants of `username`: (IPA code, administers, due types when limited).
fn grants(s: &TestServer, username: &str) -> Vec<(String, bool, Option<Vec<String>>)> {
    let id = operator_id(s, username);
    let mut c = s.state.db.get().unwrap();
    operator_grants::of(&mut c, id)
        .unwrap()
        .into_iter()
        .map(|g: Granted| (g.cod_ipa, g.manages, g.only))
        .collect()
}

/// Posts the edit form of account `id`.
async fn edit(b: &mut Browser, id: i64, fields: &[(&str, &str)]) -> u16 {
    let csrf = csrf_of(&b.get("/admin/operators").await.body);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    b.post(&format!("/admin/operators/{id}"), &form)
        .await
        .status
}

#[tokio::test]
async fn an_administrator_changes_the_role_and_due_types_of_an_operator() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let mut capo = entity_admin(&s, &mut admin, "capo.borgo").await;

    let op = operator_id(&s, "operatore.borgo");
    let form = capo.get(&format!("/admin/operators/{op}")).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("value=\"entity-operator\" selected")
            && form.body.contains("value=\"c_demo\" selected"),
        "{}",
        form.body
    );
    let limited = [
        ("full_name", "Operatore Mensa"),
        ("role", "entity-operator"),
        ("entity", "c_demo"),
        ("due_types", "MENSA"),
    ];
    assert_eq!(edit(&mut capo, op, &limited).await, 303);
    assert_eq!(
        grants(&s, "operatore.borgo"),
        [("c_demo".into(), false, Some(vec!["MENSA".into()]))]
    );
    let mut worker = Browser::new(&s);
    worker
        .login("operatore.borgo", &creds["operatore.borgo"])
        .await;
    let list = worker.get("/admin/dovuti").await.body;
    assert!(
        list.contains("MENSA") && !list.contains("<code>TARI</code>"),
        "{list}"
    );

    let mut typo = limited[..3].to_vec();
    typo.push(("due_types", "NESSUNO"));
    assert_eq!(edit(&mut capo, op, &typo).await, 422, "unknown due type");

    let promoted = [
        ("full_name", "Operatore Borgo"),
        ("role", "entity-admin"),
        ("entity", "c_demo"),
    ];
    assert_eq!(edit(&mut capo, op, &promoted).await, 303);
    assert_eq!(
        grants(&s, "operatore.borgo"),
        [("c_demo".into(), true, None)]
    );
    assert_eq!(
        worker.get("/admin/operators").await.status,
        200,
        "manages now"
    );

    // Never beyond what one manages, never one's own role.
    let region = [("full_name", "X"), ("role", "region-admin"), ("entity", "")];
    assert_eq!(edit(&mut capo, op, &region).await, 403);
    let elsewhere = [
        ("full_name", "X"),
        ("role", "entity-operator"),
        ("entity", "aulss_demo"),
    ];
    assert_eq!(edit(&mut capo, op, &elsewhere).await, 403);
    let admin_id = operator_id(&s, "admin");
    assert_eq!(
        capo.get(&format!("/admin/operators/{admin_id}"))
            .await
            .status,
        404
    );
    assert_eq!(edit(&mut capo, admin_id, &promoted).await, 404);
    let me = operator_id(&s, "capo.borgo");
    let mut renamed = promoted.to_vec();
    renamed[0] = ("full_name", "Capo del Borgo");
    assert_eq!(edit(&mut capo, me, &renamed).await, 303, "own name");
    let demoted = [
        ("full_name", "Capo"),
        ("role", "entity-operator"),
        ("entity", "c_demo"),
    ];
    assert_eq!(edit(&mut capo, me, &demoted).await, 422, "own role");
    assert_eq!(grants(&s, "capo.borgo"), [("c_demo".into(), true, None)]);

    // The region administrator may take the entity administration back.
    assert_eq!(edit(&mut admin, me, &demoted).await, 303);
    assert_eq!(capo.get("/admin/operators").await.status, 403);
    assert_eq!(grants(&s, "capo.borgo"), [("c_demo".into(), false, None)]);
}
