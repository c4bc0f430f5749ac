//! Headless Chromium drives the back office like a person: log in through the form,
//! search dovuti, log out. Talks W3C WebDriver to Debian's `chromedriver` directly.
//!
//! `scripts/test` installs `chromium` + `chromium-driver` and sets `MYPAY_REQUIRE_BROWSER=1`,
//! so there a missing browser is a failure; a bare `cargo test` without them skips.

use crate::support::TestServer;
use crate::webdriver::{processes_with, Driver};
use std::time::Duration;

/// Logs `user` in through the login form, landing on the dashboard.
async fn log_in(d: &Driver, s: &TestServer, user: &str, password: &str) {
    d.go(&format!("{}/admin/login", s.base)).await;
    d.type_into("input[name=username]", user).await;
    d.type_into("input[name=password]", password).await;
    d.click_and_load("button[type=submit]").await;
    d.wait_url(|u| u.ends_with("/admin")).await;
}

#[tokio::test]
async fn operator_logs_in_searches_and_logs_out_in_a_real_browser() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;

    d.go(&format!("{}/admin", s.base)).await;
    assert!(d.url().await.ends_with("/admin/login"));
    d.check_accessibility("login").await;
    d.type_into("input[name=username]", "admin").await;
    d.type_into("input[name=password]", "wrong password").await;
    d.click_and_load("button[type=submit]").await;
    d.wait_url(|u| u.ends_with("/admin/login")).await;
    assert!(d.text(".alert").await.starts_with("Credenziali non valide"));

    d.type_into("input[name=password]", &creds["admin"]).await;
    d.click_and_load("button[type=submit]").await;
    d.wait_url(|u| u.ends_with("/admin")).await;
    assert_eq!(d.text("h1").await, "Cruscotto");
    d.screenshot("dashboard").await;
    for page in [
        "",
        "/entities",
        "/entities/1",
        "/due-types",
        "/dovuti",
        "/flussi",
        "/avvisi",
        "/esportazioni",
        "/events",
        "/numeri",
        "/operators",
        "/operators/2",
        "/audit",
        "/intermediari",
        "/password",
    ] {
        d.go(&format!("{}/admin{page}", s.base)).await;
        d.check_accessibility(&format!("/admin{page}")).await;
        if page == "/numeri" {
            d.screenshot("numeri").await;
        }
    }

    d.go(&format!("{}/admin/dovuti", s.base)).await;
    d.click("select[name=state] option[value=COMPLETATO]").await;
    d.click_and_load("form.search button").await;
    d.wait_url(|u| u.contains("state=COMPLETATO")).await;
    assert!(d.text(".pager span").await.starts_with("48 risultati"));
    d.screenshot("dovuti").await;

    d.go(&format!("{}/admin/intermediari", s.base)).await;
    d.type_into("form.new-broker input[name=code]", "12345678903")
        .await;
    d.type_into("form.new-broker input[name=name]", "Regione Demo")
        .await;
    d.click_and_load("form.new-broker button").await;
    d.wait_url(|u| u.ends_with("/admin/intermediari")).await;
    assert!(d
        .text("section[data-broker='12345678903'] h2")
        .await
        .starts_with("Regione Demo"));
    d.screenshot("intermediari").await;

    d.click_and_load("form.logout button").await;
    d.wait_url(|u| u.ends_with("/admin/login")).await;
    d.go(&format!("{}/admin/dovuti", s.base)).await;
    d.wait_url(|u| u.ends_with("/admin/login")).await; // the session is gone
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_uploads_a_flusso_and_watches_it_in_a_real_browser() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("borgo-BROWSERIUF1-1_3.zip");
    std::fs::write(&file, crate::flussi_web::flusso_zip(40)).unwrap();

    log_in(&d, &s, "operatore.borgo", &creds["operatore.borgo"]).await;
    // First only checked: the page lists the row an import would reject.
    d.go(&format!("{}/admin/flussi", s.base)).await;
    d.type_into("input[name=file]", file.to_str().unwrap())
        .await;
    d.click("input[name=verifica]").await;
    d.click_and_load("form.filters button").await;
    assert_eq!(d.attribute("p[role=status]", "data-rejected").await, "1");
    d.check_accessibility("flusso-verifica").await;
    d.go(&format!("{}/admin/flussi", s.base)).await;
    d.type_into("input[name=file]", file.to_str().unwrap())
        .await;
    d.click_and_load("form.filters button").await;
    d.wait_url(|u| u.ends_with("/admin/flussi")).await;
    // The page keeps the table current until the import is done (no reload).
    let mut text = String::new();
    for _ in 0..150 {
        text = d.body_text().await;
        if text.contains("importate") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(text.contains("40 importate, 1 scartate"), "{text}");
    assert!(text.contains("41 / 41"));
    d.screenshot("flussi").await;
}

#[tokio::test]
async fn operator_cancels_a_selection_of_dovuti_in_a_real_browser() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    log_in(&d, &s, "operatore.borgo", &creds["operatore.borgo"]).await;
    d.go(&format!("{}/admin/dovuti?state=PREDISPOSTO", s.base))
        .await;
    let before = d.text(".pager span").await;
    d.click("#selezione tbody tr:nth-child(1) input[type=checkbox]")
        .await;
    d.click("#selezione tbody tr:nth-child(2) input[type=checkbox]")
        .await;
    d.click_and_load("#selezione button[value=annulla]").await;
    d.wait_url(|u| u.ends_with("/admin/dovuti/selezione")).await;
    assert_eq!(d.text("h1").await, "Annullare i dovuti selezionati?");
    d.check_accessibility("dovuti-selezione").await;
    d.click_and_load("button[value=conferma-annulla]").await;
    assert_eq!(d.text("h1").await, "Esito dell'annullamento");
    assert_eq!(d.text("p[role=status]").await, "Annullati 2 dovuti su 2.");
    d.check_accessibility("dovuti-selezione-esito").await;
    d.screenshot("dovuti-selezione").await;
    d.go(&format!("{}/admin/dovuti?state=PREDISPOSTO", s.base))
        .await;
    let count = |t: &str| t.split(' ').next().unwrap().parse::<i64>().unwrap();
    assert_eq!(count(&d.text(".pager span").await), count(&before) - 2);
}

#[tokio::test]
async fn the_first_administrator_is_created_through_the_setup_link_in_a_real_browser() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let s = TestServer::spawn().await;
    let state = s.state.clone();
    let now = state.clock.now_naive();
    let link = s
        .state
        .db
        .write(move |c| {
            mypay::accounts::first_run_link(c, &mypay::random::OsRandom, &state.public_base, now)
        })
        .await
        .unwrap()
        .expect("setup link");
    d.go(&link).await;
    d.screenshot("setup").await;
    d.check_accessibility("setup").await;
    let pw = "cavallo batteria graffetta";
    for (field, value) in [
        ("username", "anna"),
        ("full_name", "Anna Bianchi"),
        ("password", pw),
        ("confirm", "a different one"),
    ] {
        d.type_into(&format!("input[name={field}]"), value).await;
    }
    d.click_and_load("button[type=submit]").await;
    d.wait_url(|u| u.contains("/admin/setup/")).await;
    assert_eq!(d.text(".alert").await, "le due password non coincidono");
    d.type_into("input[name=password]", pw).await;
    d.type_into("input[name=confirm]", pw).await;
    d.click_and_load("button[type=submit]").await;
    d.wait_url(|u| u.ends_with("/admin/login")).await;
    log_in(&d, &s, "anna", pw).await;
    assert_eq!(d.text("h1").await, "Cruscotto");
}

#[tokio::test]
async fn a_browser_test_leaves_no_chromium_behind() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let s = TestServer::spawn().await;
    d.go(&format!("{}/admin/login", s.base)).await;
    let profile = d._profile.path().display().to_string();
    assert!(
        !processes_with(&profile).is_empty(),
        "the browser runs with its profile"
    );
    drop(d);
    let mut left = processes_with(&profile);
    for _ in 0..50 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = processes_with(&profile);
    }
    assert!(left.is_empty(), "left running: {left:?}");
}
