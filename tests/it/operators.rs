//! `/admin/operators`: who manages whose accounts, route by route.

use crate::support::{csrf_of, Browser, TestServer};
use mypay::accounts::{self, NewAccount, Role};
use mypay::random::OsRandom;

pub(crate) const STRONG: &str = "cavallo batteria graffetta";

/// The temporary password a page shows once.
pub(crate) fn shown_password(body: &str) -> String {
    let marker = "<code data-password>";
    let at = body
        .find(marker)
        .unwrap_or_else(|| panic!("no password in {body}"))
        + marker.len();
    body[at..].chars().take_while(|c| *c != '<').collect()
}

/// The id of the operator row `username` on the page.
pub(crate) fn operator_id(s: &TestServer, username: &str) -> i64 {
    let mut c = s.state.db.get().unwrap();
    mypay::db::models::operator::by_username(&mut c, username)
        .unwrap()
        .unwrap()
        .id
}

/// Logs in with a temporary password and chooses [`STRONG`].
pub(crate) async fn first_login(s: &TestServer, user: &str, temporary: &str) -> Browser {
    let mut b = Browser::new(s);
    assert_eq!(b.login(user, temporary).await.status, 303);
    let form = b.get("/admin/password").await;
    let csrf = csrf_of(&form.body);
    let change = [
        ("csrf", csrf.as_str()),
        ("current", temporary),
        ("password", STRONG),
        ("confirm", STRONG),
    ];
    assert_eq!(b.post("/admin/password", &change).await.status, 303);
    b
}

/// The region administrator makes `username` an administrator of c_demo, who logs in.
pub(crate) async fn entity_admin(s: &TestServer, admin: &mut Browser, username: &str) -> Browser {
    let csrf = csrf_of(&admin.get("/admin/operators").await.body);
    let new = [
        ("csrf", csrf.as_str()),
        ("username", username),
        ("full_name", "Capo Borgo"),
        ("role", "entity-admin"),
        ("entity", "c_demo"),
    ];
    let made = admin.post("/admin/operators", &new).await;
    assert_eq!(made.status, 200, "{}", made.body);
    first_login(s, username, &shown_password(&made.body)).await
}

#[tokio::test]
async fn an_entity_administrator_manages_the_operators_of_its_entity_only() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let page = admin.get("/admin/operators").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("data-operator=\"operatore.borgo\""),
        "{}",
        page.body
    );
    let mut capo = entity_admin(&s, &mut admin, "capo.borgo").await;

    // It sees c_demo's operators, not the other entity's, nor the region administrator.
    let list = capo.get("/admin/operators").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("data-operator=\"operatore.borgo\""));
    assert!(!list.body.contains("data-operator=\"admin\""));
    let csrf = csrf_of(&list.body);
    let outsider = {
        let mut c = s.state.db.get().unwrap();
        let a = NewAccount {
            username: "altro.ente",
            full_name: "Altro",
            email: None,
            role: Role::EntityOperator,
            entity: Some("aulss_demo"),
            due_types: &[],
        };
        accounts::create_with_temporary_password(&mut c, &a, &OsRandom, s.state.clock.now_naive())
            .unwrap();
        operator_id(&s, "altro.ente")
    };
    assert!(!list.body.contains("altro.ente"));
    let token = [("csrf", csrf.as_str())];
    for path in [
        format!("/admin/operators/{outsider}/disable"),
        format!("/admin/operators/{outsider}/password"),
    ] {
        assert_eq!(capo.post(&path, &token).await.status, 404, "{path}");
    }
    let admin_id = operator_id(&s, "admin");
    assert_eq!(
        capo.post(&format!("/admin/operators/{admin_id}/password"), &token)
            .await
            .status,
        404
    );
    // It may not make region administrators, nor accounts of another entity.
    let escalate = [
        ("csrf", csrf.as_str()),
        ("username", "x.y"),
        ("full_name", "X"),
        ("role", "region-admin"),
        ("entity", ""),
    ];
    assert_eq!(capo.post("/admin/operators", &escalate).await.status, 403);
    let elsewhere = [
        ("csrf", csrf.as_str()),
        ("username", "x.y"),
        ("full_name", "X"),
        ("role", "entity-operator"),
        ("entity", "aulss_demo"),
    ];
    assert_eq!(capo.post("/admin/operators", &elsewhere).await.status, 403);

    // Its own entity's operator: created for some due types, disabled (sessions end), enabled.
    let mine = [
        ("csrf", csrf.as_str()),
        ("username", "mensa.borgo"),
        ("full_name", "Mensa"),
        ("role", "entity-operator"),
        ("entity", "c_demo"),
        ("due_types", "MENSA"),
    ];
    let made = capo.post("/admin/operators", &mine).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let mut mensa = first_login(&s, "mensa.borgo", &shown_password(&made.body)).await;
    assert_eq!(mensa.get("/admin/dovuti").await.status, 200);
    assert_eq!(
        mensa.get("/admin/operators").await.status,
        403,
        "an operator manages nobody"
    );
    let id = operator_id(&s, "mensa.borgo");
    assert_eq!(
        capo.post(&format!("/admin/operators/{id}/disable"), &token)
            .await
            .status,
        303
    );
    assert_eq!(
        mensa.get("/admin/dovuti").await.location.as_deref(),
        Some("/admin/login")
    );
    assert_eq!(
        Browser::new(&s).login("mensa.borgo", STRONG).await.status,
        401
    );
    assert_eq!(
        capo.post(&format!("/admin/operators/{id}/enable"), &token)
            .await
            .status,
        303
    );
    assert_eq!(
        Browser::new(&s).login("mensa.borgo", STRONG).await.status,
        303
    );
    let me = operator_id(&s, "capo.borgo");
    let own = capo
        .post(&format!("/admin/operators/{me}/disable"), &token)
        .await;
    assert_eq!(own.status, 422, "not oneself");

    // A reset shows a new temporary password, and the old one stops working.
    let reset = capo
        .post(&format!("/admin/operators/{id}/password"), &token)
        .await;
    assert_eq!(reset.status, 200);
    let temporary = shown_password(&reset.body);
    assert_eq!(
        Browser::new(&s).login("mensa.borgo", STRONG).await.status,
        401
    );
    first_login(&s, "mensa.borgo", &temporary).await;
}
