//! An entity's lifecycle from its page: only the allowed changes, production only with the
//! whole checklist (a real payment through the node included), every change recorded.

use crate::flussi_web::entity_id;
use crate::node::notice;
use crate::support::{csrf_of, Browser, TestServer};

async fn set_state(b: &mut Browser, id: i64, state: &str) -> crate::support::Page {
    let page = b.get(&format!("/admin/entities/{id}")).await;
    let csrf = csrf_of(&page.body);
    b.post(
        &format!("/admin/entities/{id}/state"),
        &[("csrf", csrf.as_str()), ("state", state)],
    )
    .await
}

fn state_of(page: &crate::support::Page) -> String {
    let marker = "<dd data-state=\"";
    let at = page.body.find(marker).expect("state") + marker.len();
    page.body[at..].chars().take_while(|c| *c != '"').collect()
}

#[tokio::test]
async fn production_needs_the_whole_checklist_and_every_change_is_recorded() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let id = entity_id(&s, "c_demo");
    let page = admin.get(&format!("/admin/entities/{id}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(state_of(&page), "ESERCIZIO");
    assert!(page.body.contains("Nessun cambio di stato registrato"));

    // Back to pre-production; production again wants a payment that went through.
    assert_eq!(set_state(&mut admin, id, "PRE-ESERCIZIO").await.status, 303);
    let refused = set_state(&mut admin, id, "ESERCIZIO").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("manca ancora") && refused.body.contains("pagamento di prova"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("✗ Un pagamento di prova completato"));
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    crate::node::pay(&s, "c_demo", &n).await;
    let ok = set_state(&mut admin, id, "ESERCIZIO").await;
    assert_eq!(ok.status, 303, "{}", ok.body);

    // Not allowed whatever the checklist: production back to inserted; disabled to production.
    assert_eq!(set_state(&mut admin, id, "INSERITO").await.status, 422);
    assert_eq!(set_state(&mut admin, id, "DISABILITATO").await.status, 303);
    assert_eq!(set_state(&mut admin, id, "ESERCIZIO").await.status, 422);
    let page = admin.get(&format!("/admin/entities/{id}")).await;
    assert_eq!(state_of(&page), "DISABILITATO");
    let rows = page
        .body
        .matches("<td>Amministratore regionale</td>")
        .count();
    assert_eq!(rows, 3, "three changes, each with who: {}", page.body);

    // A disabled entity's software is refused like an unknown one.
    let body = format!(
        "<codIpaEnte>c_demo</codIpaEnte><password>{}</password><idSession>none</idSession>",
        creds["c_demo"]
    );
    let answer = crate::ente_ws::call_ente(&s, "paaSILChiediPagati", None, &body).await;
    assert!(
        answer.body.contains("PAA_STATO_ENTE_NON_VALIDO")
            && answer.body.contains("stato DISABILITATO"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn operators_see_their_entity_and_change_nothing() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let own = entity_id(&s, "c_demo");
    let other = entity_id(&s, "aulss_demo");
    let page = op.get(&format!("/admin/entities/{own}")).await;
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("Cambia stato"),
        "no state form for operators"
    );
    assert_eq!(
        op.get(&format!("/admin/entities/{other}")).await.status,
        404
    );
    let csrf = csrf_of(&page.body);
    let form = [("csrf", csrf.as_str()), ("state", "DISABILITATO")];
    assert_eq!(
        op.post(&format!("/admin/entities/{own}/state"), &form)
            .await
            .status,
        403
    );
    assert_eq!(
        op.post(&format!("/admin/entities/{other}/state"), &form)
            .await
            .status,
        404
    );
    assert_eq!(
        state_of(&op.get(&format!("/admin/entities/{own}")).await),
        "ESERCIZIO"
    );
}

#[tokio::test]
async fn the_region_administrator_registers_an_entity_inserito() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let page = admin.get("/admin/entities").await;
    assert!(page.body.contains("Registra ente"), "the form for admins");
    let csrf = csrf_of(&page.body);
    let station: i64 = {
        use diesel::prelude::*;
        use mypay::db::schema::stations;
        let mut c = s.state.db.get().unwrap();
        stations::table.select(stations::id).first(&mut *c).unwrap()
    };
    let st = station.to_string();
    let seg_of_demo = {
        use diesel::prelude::*;
        use mypay::db::schema::entities;
        let mut c = s.state.db.get().unwrap();
        entities::table
            .filter(entities::cod_ipa.eq("c_demo"))
            .select(entities::segregation_code)
            .first::<String>(&mut *c)
            .unwrap()
    };
    let form = |cod: &'static str, cf: &'static str, seg: String| {
        vec![
            ("csrf", csrf.clone()),
            ("cod_ipa", cod.to_owned()),
            ("fiscal_code", cf.to_owned()),
            ("name", "Comune di Prova".to_owned()),
            ("station", st.clone()),
            ("segregation_code", seg),
        ]
    };
    let refused = [
        (
            form("c prova", "12345678903", "42".into()),
            "codice IPA non valido",
        ),
        (
            form("c_prova", "12345678900", "42".into()),
            "codice fiscale",
        ),
        (
            form("c_prova", "12345678903", "4".into()),
            "segregazione non valido",
        ),
        (
            form("c_prova", "12345678903", seg_of_demo.clone()),
            "già di un altro ente",
        ),
        (form("c_demo", "12345678903", "42".into()), "già registrato"),
    ];
    for (f, why) in &refused {
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = admin.post("/admin/entities", &fields).await;
        assert_eq!(r.status, 422, "{f:?}");
        assert!(r.body.contains(why), "{why}: {}", r.body);
    }
    let good = form("c_prova", "12345678903", "42".into());
    let fields: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let made = admin.post("/admin/entities", &fields).await;
    let at = made.location.expect("to the entity's page");
    let page = admin.get(&at).await;
    assert_eq!(state_of(&page), "INSERITO");
    assert!(
        page.body
            .contains("<td>—</td><td>Inserito</td><td>Amministratore regionale</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("✓ Codice fiscale e codice IPA") && page.body.contains("✗ Logo"));

    // Entity operators have no form and may not post one.
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let list = op.get("/admin/entities").await;
    assert!(!list.body.contains("Registra ente"));
    let csrf = csrf_of(&list.body);
    let other = [
        ("csrf", csrf.as_str()),
        ("cod_ipa", "c_altro"),
        ("fiscal_code", "97000000014"),
        ("name", "X"),
        ("station", st.as_str()),
        ("segregation_code", "43"),
    ];
    assert_eq!(op.post("/admin/entities", &other).await.status, 403);
}

/// Whether the entity services let `cod_ipa` in with `password`.
async fn ws_accepts(s: &TestServer, cod_ipa: &str, password: &str) -> bool {
    let body = format!(
        "<codIpaEnte>{cod_ipa}</codIpaEnte><password>{password}</password><idSession>none</idSession>"
    );
    let a = crate::ente_ws::call_ente(s, "paaSILChiediPagati", None, &body).await;
    !a.body.contains("PAA_ENTE_NON_VALIDO")
}

/// Generates the web-service password from the entity's page; returns it.
async fn rotate(b: &mut Browser, id: i64) -> String {
    let page = b.get(&format!("/admin/entities/{id}")).await;
    assert!(page.body.contains("Genera nuova password"), "{}", page.body);
    let csrf = csrf_of(&page.body);
    let shown = b
        .post(
            &format!("/admin/entities/{id}/ws-password"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let marker = "<code data-password>";
    let at = shown.body.find(marker).unwrap() + marker.len();
    shown.body[at..].chars().take_while(|c| *c != '<').collect()
}

#[tokio::test]
async fn a_new_web_service_password_leaves_the_old_one_a_grace_period() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let old = creds["c_demo"].clone();
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let id = entity_id(&s, "c_demo");
    let new = rotate(&mut admin, id).await;
    assert_ne!(new, old);
    assert!(ws_accepts(&s, "c_demo", &new).await, "the new one works");
    assert!(
        ws_accepts(&s, "c_demo", &old).await,
        "the old one during the grace period"
    );
    assert!(!ws_accepts(&s, "c_demo", "neither of them").await);
    // Another rotation: the first password is gone, the second in its grace period.
    let third = rotate(&mut admin, id).await;
    assert!(ws_accepts(&s, "c_demo", &third).await);
    assert!(ws_accepts(&s, "c_demo", &new).await);
    assert!(!ws_accepts(&s, "c_demo", &old).await);

    // An operator of the entity who does not administer it may not.
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let page = op.get(&format!("/admin/entities/{id}")).await;
    assert!(!page.body.contains("Genera nuova password"));
    let csrf = csrf_of(&page.body);
    let path = format!("/admin/entities/{id}/ws-password");
    assert_eq!(op.post(&path, &[("csrf", csrf.as_str())]).await.status, 403);
}

#[tokio::test]
async fn without_a_grace_period_the_old_password_stops_at_once() {
    let s = TestServer::spawn_with(|c| c.ws_password_grace_hours = 0).await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let new = rotate(&mut admin, entity_id(&s, "c_demo")).await;
    assert!(ws_accepts(&s, "c_demo", &new).await);
    assert!(!ws_accepts(&s, "c_demo", &creds["c_demo"]).await);
}

#[tokio::test]
async fn an_entitys_administrators_change_its_details() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let id = entity_id(&s, "c_demo");
    let path = format!("/admin/entities/{id}/details");
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let csrf = csrf_of(&admin.get(&format!("/admin/entities/{id}")).await.body);
    let bad = [
        ("csrf", csrf.as_str()),
        ("name", "Comune di Borgo Nuovo"),
        ("email", "non-una-mail"),
        ("sector", ""),
    ];
    let r = admin.post(&path, &bad).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("e-mail non valido"), "{}", r.body);
    let empty = [
        ("csrf", csrf.as_str()),
        ("name", " "),
        ("email", ""),
        ("sector", ""),
    ];
    assert_eq!(admin.post(&path, &empty).await.status, 422);
    let good = [
        ("csrf", csrf.as_str()),
        ("name", "Comune di Borgo Nuovo"),
        ("email", "protocollo@borgo.example.it"),
        ("sector", "Servizi scolastici"),
    ];
    assert_eq!(admin.post(&path, &good).await.status, 303);
    let page = admin.get(&format!("/admin/entities/{id}")).await;
    assert!(page.body.contains("<h1>Comune di Borgo Nuovo</h1>"));
    assert!(page.body.contains("value=\"protocollo@borgo.example.it\""));
    assert!(page.body.contains("value=\"Servizi scolastici\""));

    // An operator who does not administer it may not.
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let page = op.get(&format!("/admin/entities/{id}")).await;
    assert!(!page.body.contains("Dati dell'ente"));
    let csrf = csrf_of(&page.body);
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Altro nome"),
        ("email", ""),
        ("sector", ""),
    ];
    assert_eq!(op.post(&path, &form).await.status, 403);
    let other = entity_id(&s, "aulss_demo");
    assert_eq!(
        op.post(&format!("/admin/entities/{other}/details"), &form)
            .await
            .status,
        404
    );
    assert!(admin
        .get(&format!("/admin/entities/{id}"))
        .await
        .body
        .contains("<h1>Comune di Borgo Nuovo</h1>"));
}
