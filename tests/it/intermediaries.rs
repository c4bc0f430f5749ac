//! `/admin/intermediari`: the region administrator records intermediaries and stations,
//! every code checked as the node checks it; entity operators are refused.

use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::stations;

/// (aux digit, application code, version, broadcast, active, node password) of a station.
type Settings = (i32, Option<String>, String, bool, bool, Option<String>);

fn station(s: &TestServer, code: &str) -> Option<Settings> {
    let mut c = s.state.db.get().unwrap();
    stations::table
        .filter(stations::code.eq(code))
        .select((
            stations::aux_digit,
            stations::application_code,
            stations::primitive_version,
            stations::broadcast,
            stations::active,
            stations::node_password,
        ))
        .first(&mut *c)
        .optional()
        .unwrap()
}

fn broker_id(s: &TestServer, code: &str) -> i64 {
    use mypay::db::schema::brokers;
    let mut c = s.state.db.get().unwrap();
    brokers::table
        .filter(brokers::code.eq(code))
        .select(brokers::id)
        .first(&mut *c)
        .unwrap()
}

#[tokio::test]
async fn the_region_administrator_registers_intermediaries_and_stations() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut b = Browser::new(&s);
    b.login("admin", &creds["admin"]).await;
    let page = b.get("/admin/intermediari").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("data-station=\"97000000014_01\""),
        "the demo's station"
    );
    let csrf = csrf_of(&page.body);

    for (code, why) in [
        ("12345678900", "non valido"),
        ("1234567890", "non valido"),
        ("97000000014", "già registrato"),
    ] {
        let r = b
            .post(
                "/admin/intermediari",
                &[("csrf", &csrf), ("code", code), ("name", "Regione")],
            )
            .await;
        assert_eq!(r.status, 422, "{code}");
        assert!(r.body.contains(why), "{code}: {}", r.body);
    }
    let ok = b
        .post(
            "/admin/intermediari",
            &[
                ("csrf", &csrf),
                ("code", "12345678903"),
                ("name", "Regione Demo"),
            ],
        )
        .await;
    assert_eq!(
        ok.location.as_deref(),
        Some("/admin/intermediari"),
        "{}",
        ok.body
    );
    let broker = broker_id(&s, "12345678903").to_string();

    let new_station =
        |code: &'static str, aux: &'static str, app: &'static str, pw: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("broker", broker.clone()),
                ("code", code.into()),
                ("aux_digit", aux.into()),
                ("application_code", app.into()),
                ("version", "V2".into()),
                ("password", pw.into()),
            ]
        };
    let refused = [
        (
            new_station("12345678903_1", "3", "", ""),
            "stazione non valido",
        ),
        (new_station("97000000014_02", "3", "", ""), "non appartiene"),
        (
            new_station("12345678903_01", "0", "", ""),
            "codice applicazione",
        ),
        (
            new_station("12345678903_01", "3", "07", ""),
            "codice applicazione",
        ),
        (
            new_station("12345678903_01", "4", "", ""),
            "cifra ausiliaria",
        ),
        (new_station("12345678903_01", "3", "", "short"), "da 8 a 15"),
    ];
    for (form, why) in &refused {
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = b.post("/admin/intermediari/stazioni", &fields).await;
        assert_eq!(r.status, 422, "{form:?}");
        assert!(r.body.contains(why), "{why}: {}", r.body);
    }
    assert_eq!(station(&s, "12345678903_01"), None, "nothing stored");
    let good = new_station("12345678903_01", "0", "07", "segreta-123");
    let fields: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post("/admin/intermediari/stazioni", &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        station(&s, "12345678903_01"),
        Some((
            0,
            Some("07".into()),
            "V2".into(),
            false,
            true,
            Some("segreta-123".into())
        ))
    );
    let page = b.get("/admin/intermediari").await;
    assert!(
        !page.body.contains("segreta-123"),
        "the password is never shown"
    );

    // Changed: aux 3, V1, broadcast, out of service; an empty password keeps the stored one.
    let id: i64 = {
        let mut c = s.state.db.get().unwrap();
        stations::table
            .filter(stations::code.eq("12345678903_01"))
            .select(stations::id)
            .first(&mut *c)
            .unwrap()
    };
    let change = [
        ("csrf", csrf.as_str()),
        ("aux_digit", "3"),
        ("application_code", ""),
        ("version", "V1"),
        ("broadcast", "on"),
        ("password", ""),
    ];
    let r = b
        .post(&format!("/admin/intermediari/stazioni/{id}"), &change)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        station(&s, "12345678903_01"),
        Some((
            3,
            None,
            "V1".into(),
            true,
            false,
            Some("segreta-123".into())
        ))
    );
    let r = b.post("/admin/intermediari/stazioni/999999", &change).await;
    assert_eq!(r.status, 422);
}

#[tokio::test]
async fn entity_operators_may_not_touch_the_registration() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let dash = op.get("/admin").await;
    assert!(
        !dash.body.contains("/admin/intermediari"),
        "not in the menu"
    );
    let csrf = csrf_of(&dash.body);
    assert_eq!(op.get("/admin/intermediari").await.status, 403);
    let broker = [
        ("csrf", csrf.as_str()),
        ("code", "12345678903"),
        ("name", "X"),
    ];
    assert_eq!(op.post("/admin/intermediari", &broker).await.status, 403);
    let change = [
        ("csrf", csrf.as_str()),
        ("aux_digit", "0"),
        ("application_code", "01"),
        ("version", "V1"),
        ("password", ""),
    ];
    assert_eq!(
        op.post("/admin/intermediari/stazioni/1", &change)
            .await
            .status,
        403
    );
    assert_eq!(
        station(&s, "97000000014_01").map(|st| st.0),
        Some(3),
        "unchanged"
    );
}
