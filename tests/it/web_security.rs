//! Web security of the back office: every state-changing form refuses a post without its
//! CSRF token with 403 and changes nothing; every page carries the security headers, and
//! an HTTPS public URL makes cookies `Secure` and asks for HSTS.

use crate::flussi_web::{entity_id, flusso_zip};
use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::{entities, flussi, notice_batches, web_sessions};

/// (flussi, notice batches, entities with a logo + 100 × entities + 10,000 × rotated web-service
/// passwords, sessions, dovuti + 1000 × due types + 1,000,000 × active ones + 10^9 × those
/// described "Forged" + 10^12 × cancelled dovuti) and (brokers, stations with
/// aux digit 3, active operators + 1000 × disabled entities + 10^6 × operators renamed
/// "Forged"): what a forged post must not
/// move.
type Counts = ((i64, i64, i64, i64, i64), (i64, i64, i64));

/// 1000 × due types + 1,000,000 × active ones + 10^9 × those described "Forged".
fn due_type_counts(c: &mut mypay::db::AnyConnection) -> i64 {
    use mypay::db::schema::due_types;
    let all: i64 = due_types::table.count().get_result(c).unwrap();
    let active: i64 = due_types::table
        .filter(due_types::active.eq(true))
        .count()
        .get_result(c)
        .unwrap();
    let forged: i64 = due_types::table
        .filter(due_types::description.eq("Forged"))
        .count()
        .get_result(c)
        .unwrap();
    let with_bilancio: i64 = due_types::table
        .filter(due_types::default_bilancio.is_not_null())
        .count()
        .get_result(c)
        .unwrap();
    let mails: i64 = mypay::db::schema::mail_outbox::table
        .count()
        .get_result(c)
        .unwrap();
    1000 * all + 1_000_000 * active + 1_000_000_000 * forged + 10 * with_bilancio + 100 * mails
}

/// Counts the rows forged posts would move.
fn counts(s: &TestServer) -> Counts {
    use mypay::db::schema::{brokers, operators, stations};
    let mut c = s.state.db.get().unwrap();
    let registry = (
        brokers::table.count().get_result(&mut *c).unwrap(),
        stations::table
            .filter(stations::aux_digit.eq(3))
            .count()
            .get_result(&mut *c)
            .unwrap(),
        operators::table
            .filter(operators::active.eq(true))
            .count()
            .get_result::<i64>(&mut *c)
            .unwrap()
            + entities::table
                .filter(entities::state.eq("DISABILITATO"))
                .count()
                .get_result::<i64>(&mut *c)
                .unwrap()
                * 1000
            + operators::table
                .filter(operators::full_name.eq("Forged"))
                .count()
                .get_result::<i64>(&mut *c)
                .unwrap()
                * 1_000_000,
    );
    let rows = (
        flussi::table.count().get_result(&mut *c).unwrap(),
        notice_batches::table.count().get_result(&mut *c).unwrap(),
        entities::table
            .filter(entities::logo_mime.is_not_null())
            .count()
            .get_result::<i64>(&mut *c)
            .unwrap()
            + 100 * entities::table.count().get_result::<i64>(&mut *c).unwrap()
            + 10_000
                * entities::table
                    .filter(entities::ws_password_previous_hash.is_not_null())
                    .count()
                    .get_result::<i64>(&mut *c)
                    .unwrap(),
        web_sessions::table.count().get_result(&mut *c).unwrap(),
        mypay::db::schema::dovuti::table
            .count()
            .get_result::<i64>(&mut *c)
            .unwrap()
            + due_type_counts(&mut c)
            + 1_000_000_000_000
                * mypay::db::schema::dovuti::table
                    .filter(mypay::db::schema::dovuti::state.eq("ANNULLATO"))
                    .count()
                    .get_result::<i64>(&mut *c)
                    .unwrap(),
    );
    (rows, registry)
}

pub(crate) const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[tokio::test]
async fn every_form_refuses_a_post_without_its_token_and_changes_nothing() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut b = Browser::new(&s);
    assert_eq!(b.login("admin", &creds["admin"]).await.status, 303);
    let real = csrf_of(&b.get("/admin").await.body);
    let before = counts(&s);
    let ente = entity_id(&s, "c_demo").to_string();
    let zip = flusso_zip(3);
    for forged in ["", "0000", &real[..real.len() - 1]] {
        let fields = |extra: &[(&'static str, &'static str)]| {
            let mut f = vec![("csrf", forged)];
            f.extend_from_slice(extra);
            f
        };
        let posts = [
            ("/admin/logout", fields(&[])),
            ("/admin/avvisi", fields(&[("entity", "1")])),
            (
                "/admin/entities/1/state",
                fields(&[("state", "DISABILITATO")]),
            ),
            ("/admin/entities/1/ws-password", fields(&[])),
            ("/admin/entities/1/details", fields(&[("name", "Forged")])),
            ("/admin/entities/1/test-payment", fields(&[])),
            (
                "/admin/due-types",
                fields(&[
                    ("entity", "1"),
                    ("code", "FORGED"),
                    ("description", "Forged"),
                    ("bank_iban", "IT60X0542811101000000123456"),
                    ("collection_data", "9/0201133IM/"),
                ]),
            ),
            (
                "/admin/due-types/1",
                fields(&[
                    ("description", "Forged"),
                    ("bank_iban", "IT60X0542811101000000123456"),
                    ("collection_data", "9/0201133IM/"),
                ]),
            ),
            ("/admin/due-types/1/active", fields(&[("active", "false")])),
            (
                "/admin/due-types/1/bilancio",
                fields(&[("b0_capitolo", "CAP"), ("b0_importo", "TOTALE")]),
            ),
            (
                "/admin/dovuti",
                fields(&[
                    ("due_type", "1"),
                    ("debtor_id", "RSSMRA85T10A562S"),
                    ("debtor_name", "Forged"),
                    ("amount", "1"),
                    ("causale", "Forged"),
                ]),
            ),
            ("/admin/dovuti/1", fields(&[("amount", "2")])),
            ("/admin/dovuti/1/annulla", fields(&[])),
            (
                "/admin/dovuti/selezione",
                fields(&[("azione", "conferma-annulla"), ("id", "1")]),
            ),
            (
                "/admin/due-types/1/form",
                fields(&[("f0_name", "x"), ("f0_label", "X"), ("action", "save")]),
            ),
            (
                "/admin/operators",
                fields(&[
                    ("username", "x.y"),
                    ("full_name", "X"),
                    ("role", "region-admin"),
                ]),
            ),
            ("/admin/operators/2/disable", fields(&[])),
            (
                "/admin/esportazioni",
                fields(&[
                    ("entity", "1"),
                    ("cosa", "pagati"),
                    ("dal", "2027-01-01"),
                    ("al", "2027-01-31"),
                ]),
            ),
            (
                "/admin/operators/2",
                fields(&[("full_name", "Forged"), ("role", "region-admin")]),
            ),
            ("/admin/operators/2/password", fields(&[])),
            ("/admin/operators/2/invito", fields(&[])),
            (
                "/admin/intermediari",
                fields(&[("code", "12345678903"), ("name", "X")]),
            ),
            (
                "/admin/intermediari/stazioni",
                fields(&[
                    ("broker", "1"),
                    ("code", "97000000014_09"),
                    ("aux_digit", "3"),
                    ("version", "V2"),
                ]),
            ),
            (
                "/admin/intermediari/stazioni/1",
                fields(&[
                    ("aux_digit", "0"),
                    ("application_code", "01"),
                    ("version", "V1"),
                ]),
            ),
            (
                "/admin/password",
                fields(&[
                    ("current", "x"),
                    ("password", "cavallo batteria graffetta"),
                    ("confirm", "cavallo batteria graffetta"),
                ]),
            ),
        ];
        for (path, form) in &posts {
            let resp = b.post(path, form).await;
            assert_eq!(resp.status, 403, "{path} with {forged:?}: {}", resp.body);
        }
        let upload = [
            ("csrf", None, forged.as_bytes()),
            ("entity", None, ente.as_bytes()),
            ("file", Some("web-FORGED1-1_3.zip"), zip.as_slice()),
        ];
        assert_eq!(
            b.post_multipart("/admin/flussi", &upload).await.status,
            403,
            "flussi"
        );
        let logo = [
            ("csrf", None, forged.as_bytes()),
            ("logo", Some("l.png"), PNG),
        ];
        let path = format!("/admin/entities/{ente}/logo");
        assert_eq!(b.post_multipart(&path, &logo).await.status, 403, "logo");
        // The login and setup forms have no session: their token is in a cookie.
        let mut anonymous = Browser::new(&s);
        let login = [
            ("csrf", forged),
            ("username", "admin"),
            ("password", creds["admin"].as_str()),
        ];
        assert_eq!(
            anonymous.post("/admin/login", &login).await.status,
            403,
            "login"
        );
    }
    assert_eq!(counts(&s), before, "nothing changed");
    assert_eq!(b.get("/admin").await.status, 200, "still logged in");
    let mut again = Browser::new(&s);
    assert_eq!(
        again.login("admin", &creds["admin"]).await.status,
        303,
        "password unchanged"
    );
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let client = reqwest::Client::new();
    for path in ["/admin/login", "/admin/setup/none"] {
        let resp = client
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        let h = resp.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert!(
            h.get("strict-transport-security").is_none(),
            "plain HTTP: no HSTS"
        );
    }
    // A logged-in page too.
    let mut b = Browser::new(&s);
    b.login("admin", &creds["admin"]).await;
    let session = b.cookie("mypay_session").expect("session");
    let resp = client
        .get(format!("{}/admin/dovuti", s.base))
        .header("cookie", format!("mypay_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-frame-options"], "DENY");

    // Behind HTTPS: HSTS, and cookies only over TLS.
    let tls =
        TestServer::spawn_with(|c| c.public_url = Some("https://pagamenti.example.it".into()))
            .await;
    let resp = client
        .get(format!("{}/admin/login", tls.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn a_login_ends_the_session_the_browser_carried() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut b = Browser::new(&s);
    assert_eq!(b.login("admin", &creds["admin"]).await.status, 303);
    let first = b.cookie("mypay_session").unwrap();
    assert_eq!(
        b.login("operatore.borgo", &creds["operatore.borgo"])
            .await
            .status,
        303
    );
    let second = b.cookie("mypay_session").unwrap();
    assert_ne!(first, second);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let with = |token: String| {
        client
            .get(format!("{}/admin", s.base))
            .header("cookie", format!("mypay_session={token}"))
            .send()
    };
    let old = with(first).await.unwrap();
    assert_eq!(
        old.headers()["location"],
        "/admin/login",
        "the old session is gone"
    );
    assert_eq!(with(second).await.unwrap().status(), 200);
}
