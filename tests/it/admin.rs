//! Back-office pages and visibility: an operator never sees another entity's data.

use crate::support::{Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::{dovuti, entities};

async fn logged_in(s: &TestServer, user: &str, pw: &str) -> Browser {
    let mut b = Browser::new(s);
    assert_eq!(b.login(user, pw).await.status, 303);
    b
}

fn iuv_of(s: &TestServer, cod_ipa: &str) -> String {
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .inner_join(entities::table)
        .filter(entities::cod_ipa.eq(cod_ipa))
        .select(dovuti::iuv.assume_not_null())
        .first(&mut *c)
        .unwrap()
}

#[tokio::test]
async fn admin_sees_every_entity_and_the_lists_work() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut b = logged_in(&s, "admin", &creds["admin"]).await;
    let ents = b.get("/admin/entities").await;
    assert!(ents.body.contains("Comune di Borgo Demo") && ents.body.contains("Azienda ULSS Demo"));
    let dts = b.get("/admin/due-types").await;
    assert!(
        dts.body.contains("TARI") && dts.body.contains("TICKET") && dts.body.contains("postale")
    );
    let list = b.get("/admin/dovuti").await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains("324 risultati"),
        "demo seeds 320 dovuti and a 4-option plan"
    );
    let next = list
        .body
        .split("href=\"?prima=")
        .nth(1)
        .expect("a next page");
    let cursor: String = next.chars().take_while(char::is_ascii_digit).collect();
    let p2 = b.get(&format!("/admin/dovuti?prima={cursor}")).await;
    assert!(p2.body.contains("Dai più recenti") && p2.body.contains("324 risultati"));
    // The journal holds this session's own login.
    let ev = b.get("/admin/events").await;
    assert_eq!(ev.status, 200);
    assert!(
        ev.body.contains("<td>login</td>") && ev.body.contains("<td>OK</td>"),
        "{}",
        ev.body
    );
}

#[tokio::test]
async fn dovuti_search_filters() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut b = logged_in(&s, "admin", &creds["admin"]).await;
    let iuv = iuv_of(&s, "c_demo");
    let one = b.get(&format!("/admin/dovuti?iuv={iuv}")).await;
    assert!(one.body.contains("1 risultati") && one.body.contains(&iuv));
    let paid = b.get("/admin/dovuti?state=COMPLETATO").await;
    assert!(
        paid.body.contains("48 risultati"),
        "3 in 20 of 320 are paid"
    );
    assert!(!paid.body.contains("Da pagare</td>"));
    let by_iud = b.get("/admin/dovuti?iud=DEMO-TARI-000000").await;
    assert!(by_iud.body.contains("1 risultati"));
    // The fiscal-code search is case-insensitive.
    let cf: String = {
        let mut c = s.state.db.get().unwrap();
        dovuti::table
            .select(dovuti::debtor_id)
            .first(&mut *c)
            .unwrap()
    };
    let by_cf = b
        .get(&format!("/admin/dovuti?cf={}", cf.to_lowercase()))
        .await;
    assert!(by_cf.body.contains(&cf));
    assert!(!by_cf.body.contains(" 0 risultati"));
    // Odd input is harmless.
    let odd = b
        .get("/admin/dovuti?state=%3Cscript%3E&page=-3&iuv=%27%20OR%201%3D1")
        .await;
    assert_eq!(odd.status, 200);
    assert!(odd.body.contains("0 risultati") && !odd.body.contains("<script>"));
}

#[tokio::test]
async fn operator_cannot_see_another_entitys_data() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut b = logged_in(&s, "operatore.borgo", &creds["operatore.borgo"]).await;
    let ents = b.get("/admin/entities").await;
    assert!(ents.body.contains("Comune di Borgo Demo"));
    assert!(!ents.body.contains("Azienda ULSS Demo"));
    let dts = b.get("/admin/due-types").await;
    assert!(dts.body.contains("TARI") && !dts.body.contains("TICKET"));
    let list = b.get("/admin/dovuti").await;
    assert!(
        list.body.contains("244 risultati"),
        "only the 3 × 80 + 4 of the Comune"
    );
    assert!(!list.body.contains("Azienda ULSS Demo"));
    // A direct search for the other entity's IUV finds nothing.
    let other = iuv_of(&s, "aulss_demo");
    let found = b.get(&format!("/admin/dovuti?iuv={other}")).await;
    assert!(found.body.contains("0 risultati"));
    assert!(
        !found.body.contains(&format!("<code>{other}</code>")),
        "no row shows it"
    );
    let dash = b.get("/admin").await;
    assert!(dash.body.contains("<strong>244</strong>"));
}

#[tokio::test]
async fn operator_restricted_to_some_due_types_sees_only_those() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let pw = "restricted-password-1";
    {
        let mut c = s.state.db.get().unwrap();
        let hash = mypay::security::hash_password(pw).unwrap();
        let now = s.state.now();
        let op = mypay::db::models::operator::insert(
            &mut c,
            &mypay::db::models::operator::NewOperator {
                username: "mensa.only",
                full_name: "Solo Mensa",
                email: None,
                password_hash: &hash,
                role: mypay::db::models::operator::ROLE_OPERATOR,
                must_change_password: false,
                created_at: now,
            },
        )
        .unwrap();
        use mypay::db::schema::due_types;
        let (entity, mensa): (i64, i64) = due_types::table
            .filter(due_types::code.eq("MENSA"))
            .select((due_types::entity_id, due_types::id))
            .first(&mut *c)
            .unwrap();
        let grant = mypay::db::models::operator::Grant {
            only_due_types: Some(&[mensa]),
            manages: false,
        };
        mypay::db::models::operator::grant_entity(&mut c, op, entity, grant).unwrap();
    }
    let mut b = logged_in(&s, "mensa.only", pw).await;
    let list = b.get("/admin/dovuti").await;
    assert!(list.body.contains("80 risultati"));
    assert!(!list.body.contains(">TARI<"));
    let dts = b.get("/admin/due-types").await;
    assert!(dts.body.contains("MENSA") && !dts.body.contains("TARI"));
}

#[tokio::test]
async fn seeding_twice_is_harmless() {
    let s = TestServer::spawn().await;
    let first = s.seed_demo().await;
    assert!(first.contains_key("admin"));
    let second = s.seed_demo().await;
    assert!(second.is_empty(), "no new credentials on the second run");
    let mut c = s.state.db.get().unwrap();
    let n: i64 = dovuti::table.count().get_result(&mut *c).unwrap();
    assert_eq!(n, 324);
}
