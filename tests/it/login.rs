//! Back-office login: success, failure without user enumeration, CSRF, throttling, logout.

use crate::support::{csrf_of, Browser, TestServer};

const GENERIC: &str = "Credenziali non valide, oppure troppi tentativi";

#[tokio::test]
async fn login_success_and_logout() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut b = Browser::new(&s);
    assert_eq!(
        b.get("/admin").await.location.as_deref(),
        Some("/admin/login")
    );

    let resp = b.login("admin", &creds["admin"]).await;
    assert_eq!(resp.status, 303, "{}", resp.body);
    assert_eq!(resp.location.as_deref(), Some("/admin"));
    let dash = b.get("/admin").await;
    assert_eq!(dash.status, 200);
    assert!(dash.body.contains("Cruscotto") && dash.body.contains("Amministratore regionale"));

    // Logout needs the session's CSRF token.
    let csrf = csrf_of(&dash.body);
    assert_eq!(
        b.post("/admin/logout", &[("csrf", "wrong")]).await.status,
        403
    );
    let out = b.post("/admin/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.location.as_deref(), Some("/admin/login"));
    assert_eq!(
        b.get("/admin").await.location.as_deref(),
        Some("/admin/login")
    );
}

#[tokio::test]
async fn session_cookie_is_hardened_and_stored_hashed() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client
        .get(format!("{}/admin/login", s.base))
        .send()
        .await
        .unwrap();
    let login_cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = csrf_of(&form.text().await.unwrap());
    let resp = client
        .post(format!("{}/admin/login", s.base))
        .header("cookie", login_cookie)
        .form(&[
            ("username", "admin"),
            ("password", creds["admin"].as_str()),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let set: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("mypay_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    let token = session
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("mypay_session=")
        .to_owned();
    // The raw token is not what the database holds.
    use diesel::prelude::*;
    let mut c = s.state.db.get().unwrap();
    let stored: Vec<String> = mypay::db::schema::web_sessions::table
        .select(mypay::db::schema::web_sessions::token_hash)
        .load(&mut *c)
        .unwrap();
    assert_eq!(stored, vec![mypay::security::sha256_hex(&token)]);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let mut b = Browser::new(&s);
    let wrong = b.login("admin", "not-the-password").await;
    let unknown = b.login("nobody", "not-the-password").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert!(wrong.body.contains(GENERIC) && unknown.body.contains(GENERIC));
    // Same page apart from the fresh CSRF token and the echoed user name.
    let norm = |p: &str, user: &str| {
        p.replace(&csrf_of(p), "")
            .replace(&format!("value=\"{user}\""), "")
    };
    assert_eq!(norm(&wrong.body, "admin"), norm(&unknown.body, "nobody"));
    assert_eq!(
        b.get("/admin").await.location.as_deref(),
        Some("/admin/login")
    );
}

#[tokio::test]
async fn login_without_valid_csrf_is_rejected() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut b = Browser::new(&s);
    b.get("/admin/login").await;
    let resp = b
        .post(
            "/admin/login",
            &[
                ("username", "admin"),
                ("password", &creds["admin"]),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(resp.status, 403);
    // A token without its cookie (cross-site post) is rejected too.
    let page = b.get("/admin/login").await;
    b.forget("mypay_login_csrf");
    let resp = b
        .post(
            "/admin/login",
            &[
                ("username", "admin"),
                ("password", &creds["admin"]),
                ("csrf", &csrf_of(&page.body)),
            ],
        )
        .await;
    assert_eq!(resp.status, 403);
    assert_eq!(
        b.get("/admin").await.location.as_deref(),
        Some("/admin/login")
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled_even_with_the_right_password() {
    let s = TestServer::spawn_with(|c| c.login_max_failures = 3).await;
    let creds = s.seed_demo().await;
    let mut b = Browser::new(&s);
    for _ in 0..3 {
        assert_eq!(b.login("admin", "bad").await.status, 401);
    }
    let locked = b.login("admin", &creds["admin"]).await;
    assert_eq!(locked.status, 429);
    assert!(locked.body.contains(GENERIC));
    // Unknown users are throttled the same way: lockout reveals nothing either.
    for _ in 0..3 {
        b.login("ghost", "bad").await;
    }
    assert_eq!(b.login("ghost", "bad").await.status, 429);
    // Another operator is not locked by the admin's failures.
    let ok = b.login("operatore.borgo", &creds["operatore.borgo"]).await;
    assert_eq!(ok.status, 303);
    // Every attempt is journaled, failures with their reason, never with the password.
    use diesel::prelude::*;
    use mypay::db::schema::events;
    let mut c = s.state.db.get().unwrap();
    let rows: Vec<(String, Option<String>, Option<String>)> = events::table
        .filter(events::operation.eq("login"))
        .select((events::outcome, events::fault_code, events::request))
        .order(events::id.asc())
        .load(&mut *c)
        .unwrap();
    assert_eq!(rows.len(), 9);
    assert_eq!(
        rows.iter()
            .filter(|r| r.1.as_deref() == Some("LOGIN_THROTTLED"))
            .count(),
        2
    );
    assert_eq!(rows.last().unwrap().0, "OK");
    assert!(rows
        .iter()
        .all(|r| !r.2.as_deref().unwrap_or_default().contains("bad")));
}
