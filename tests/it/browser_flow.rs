//! The whole back office in a real browser, from nothing: `mypay serve` on an empty
//! database prints the setup link; only through pages the administrator registers a
//! broker and station, two entities, a due type with its account and form, operators,
//! takes the first entity through its checklist (logo, web-service password, a test
//! payment through the simulated node) to ESERCIZIO, loads a dovuto; `mypay node-sim pay`
//! pays it; the dovuto shows paid with its receipt and journal; the other entity's
//! operator is refused. Every page is screenshotted and checked with axe-core.

use crate::support::{test_day, TestDb};
use crate::webdriver::Driver;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// `mypay serve` until dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `mypay serve` on `db` (files under `dir`); returns it with its setup link.
fn serve(dir: &std::path::Path, db: &str) -> (Served, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mypay"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", db])
        .current_dir(dir)
        .env_remove("MYPAY_CONFIG")
        .env("MYPAY_FILES_DIR", dir.join("files"))
        .env("MYPAY_CLOCK_START", test_day())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let served = Served(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(60)) {
        if let Some(at) = line.find("http://") {
            if line.contains("/admin/setup/") {
                return (served, line[at..].trim().to_owned());
            }
        }
    }
    panic!("mypay serve printed no setup link");
}

/// Ten digits completed with the partita IVA check digit.
fn partita_iva(first10: &str) -> String {
    (0..10)
        .map(|d| format!("{first10}{d}"))
        .find(|p| mypay::domain::PartitaIva::parse(p).is_ok())
        .unwrap()
}

/// The page, checked and kept as a screenshot.
async fn look(d: &Driver, name: &str) {
    d.check_accessibility(name).await;
    d.screenshot(&format!("flow-{name}")).await;
}

/// Submits the form `form` after filling `fields` (CSS selector within it → text).
async fn submit(d: &Driver, form: &str, fields: &[(&str, &str)]) {
    for (field, value) in fields {
        d.fill(&format!("{form} {field}"), value).await;
    }
    d.click_and_load(&format!("{form} button[type=submit]"))
        .await;
}

async fn login(d: &Driver, base: &str, user: &str, pw: &str) {
    d.go(&format!("{base}/admin/login")).await;
    d.fill("input[name=username]", user).await;
    d.fill("input[name=password]", pw).await;
    d.click_and_load("button[type=submit]").await;
}

#[tokio::test]
async fn from_an_empty_database_to_a_paid_dovuto_only_through_pages() {
    let Some(d) = Driver::start().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let (_served, link) = serve(dir.path(), &db.url);
    let base = link[..link.find("/admin/").unwrap()].to_owned();

    // The first administrator.
    d.go(&link).await;
    look(&d, "setup").await;
    let pw = "cavallo batteria graffetta";
    let form = "form[action^='/admin/setup/']";
    let setup = [
        ("input[name=username]", "regione"),
        ("input[name=full_name]", "Anna Regione"),
        ("input[name=password]", pw),
        ("input[name=confirm]", pw),
    ];
    submit(&d, form, &setup).await;
    d.wait_url(|u| u.ends_with("/admin/login")).await;
    login(&d, &base, "regione", pw).await;
    d.wait_url(|u| u.ends_with("/admin")).await;
    look(&d, "dashboard").await;

    // Broker and station.
    d.go(&format!("{base}/admin/intermediari")).await;
    let broker = [
        ("input[name=code]", "12345678903"),
        ("input[name=name]", "Regione Flusso"),
    ];
    submit(&d, "form.new-broker", &broker).await;
    d.wait_url(|u| u.ends_with("/admin/intermediari")).await;
    let station = [("input[name=code]", "12345678903_01")];
    submit(&d, "form.new-station", &station).await;
    d.wait_url(|u| u.ends_with("/admin/intermediari")).await;
    assert!(d.body_text().await.contains("12345678903_01"));
    look(&d, "intermediari").await;

    // Two entities.
    let ente = register(
        &d,
        &base,
        (
            "c_flusso",
            &partita_iva("0100000001"),
            "Comune di Flusso",
            "07",
        ),
    )
    .await;
    let altro = register(
        &d,
        &base,
        ("c_altro", &partita_iva("0100000002"), "Comune Altro", "08"),
    )
    .await;
    look(&d, "entity").await;
    let temporary = checklist(&d, &base, ente).await;
    let notice = dovuto(&d, &base).await;
    pay_and_find(&d, &base, &notice, &partita_iva("0100000001")).await;
    refused(&d, &base, (ente, altro), &temporary).await;
}

/// Registers an entity; returns its id.
async fn register(d: &Driver, base: &str, (cod, cf, name, seg): (&str, &str, &str, &str)) -> i64 {
    d.go(&format!("{base}/admin/entities")).await;
    let fields = [
        ("input[name=cod_ipa]", cod),
        ("input[name=fiscal_code]", cf),
        ("input[name=name]", name),
        ("input[name=segregation_code]", seg),
    ];
    submit(d, "form.new-entity", &fields).await;
    let url = d
        .wait_url(|u| {
            u.rsplit('/')
                .next()
                .is_some_and(|p| p.parse::<i64>().is_ok())
        })
        .await;
    assert_eq!(d.text("dd[data-state]").await, "Inserito");
    url.rsplit('/').next().unwrap().parse().unwrap()
}

/// Takes entity `id` to ESERCIZIO through every item of its checklist; returns the other
/// entity's operator's temporary password.
async fn checklist(d: &Driver, base: &str, id: i64) -> String {
    let page = format!("{base}/admin/entities/{id}");
    d.go(&page).await;
    d.click("select[name=state] option[value='PRE-ESERCIZIO']")
        .await;
    d.click_and_load("form[action$='/state'] button").await;
    d.wait_url(|u| u.ends_with(&format!("/admin/entities/{id}")))
        .await;
    assert_eq!(d.text("dd[data-state]").await, "Pre-esercizio");

    let logo =
        std::env::temp_dir().join(format!("mypay-flow-logo-{id}-{}.png", std::process::id()));
    std::fs::write(&logo, crate::web_security::PNG).unwrap();
    d.go(&format!("{base}/admin/entities")).await;
    let input = format!("form[action='/admin/entities/{id}/logo'] input[type=file]");
    d.type_into(&input, logo.to_str().unwrap()).await;
    d.click_and_load(&format!("form[action='/admin/entities/{id}/logo'] button"))
        .await;
    d.wait_url(|u| u.ends_with("/admin/entities")).await;
    let _ = std::fs::remove_file(&logo);

    due_type(d, base, id).await;
    let temporary = operators(d, base).await;

    d.go(&page).await;
    d.click_and_load("form[action$='/ws-password'] button")
        .await;
    d.wait_url(|u| u.ends_with("/ws-password")).await;
    assert_eq!(d.text("[data-password]").await.len(), 16);
    look(d, "ws-password").await;

    d.go(&page).await;
    d.click_and_load("form[action$='/test-payment'] button")
        .await;
    d.wait_url(|u| u.ends_with("/test-payment")).await;
    let text = d.body_text().await;
    assert!(text.contains("è riuscito"), "{text}");
    look(d, "test-payment").await;

    d.go(&page).await;
    assert!(
        !d.body_text().await.contains("✗"),
        "checklist complete: {}",
        d.body_text().await
    );
    d.click("select[name=state] option[value='ESERCIZIO']")
        .await;
    d.click_and_load("form[action$='/state'] button").await;
    d.wait_url(|u| u.ends_with(&format!("/admin/entities/{id}")))
        .await;
    assert_eq!(d.text("dd[data-state]").await, "Esercizio");
    look(d, "entity-production").await;
    temporary
}

/// A due type with its bank account and a form, activated.
async fn due_type(d: &Driver, base: &str, entity: i64) {
    d.go(&format!("{base}/admin/due-types")).await;
    look(d, "due-types").await;
    let form = "form[action='/admin/due-types']";
    d.click(&format!(
        "{form} select[name=entity] option[value='{entity}']"
    ))
    .await;
    d.click(&format!("{form} input[name=spontaneous]")).await;
    let fields = [
        ("input[name=code]", "MENSA"),
        ("input[name=description]", "Mensa scolastica"),
        ("input[name=bank_iban]", "IT60X0542811101000000123456"),
        ("input[name=collection_data]", "9/0201133IM/"),
    ];
    submit(d, form, &fields).await;
    let url = d.wait_url(|u| u.contains("/admin/due-types/")).await;
    d.click_and_load("form[action$='/active'] button").await;
    d.wait_url(|u| u == url).await;
    assert_eq!(d.text("dd[data-active]").await, "attivo");
    d.fill("input[name=f0_name]", "classe").await;
    d.fill("input[name=f0_label]", "Classe frequentata").await;
    d.click("input[name=f0_required]").await;
    // The preview follows the rows as they are typed, before any button.
    let mut live = String::new();
    for _ in 0..50 {
        live = d.text("section.preview").await;
        if live.contains("Classe frequentata") && live.contains("(obbligatorio)") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        live.contains("Classe frequentata") && live.contains("(non salvato)"),
        "{live}"
    );
    d.click_and_load("button[name=action][value=preview]").await;
    d.wait_url(|u| u.ends_with("/form")).await;
    assert!(d
        .body_text()
        .await
        .contains("Anteprima del modulo (non salvato)"));
    look(d, "due-type-preview").await;
    d.click_and_load("button[name=action][value=save]").await;
    d.wait_url(|u| u.contains("#modulo")).await;
    assert!(d.body_text().await.contains("revisione 1"));
    look(d, "due-type").await;
}

/// An operator for each entity; returns the second one's temporary password.
async fn operators(d: &Driver, base: &str) -> String {
    let mut last = String::new();
    for (user, name, cod) in [
        ("op.flusso", "Operatore Flusso", "c_flusso"),
        ("op.altro", "Operatore Altro", "c_altro"),
    ] {
        d.go(&format!("{base}/admin/operators")).await;
        d.click("form.new-operator select[name=role] option[value='entity-operator']")
            .await;
        d.click(&format!(
            "form.new-operator select[name=entity] option[value='{cod}']"
        ))
        .await;
        let fields = [
            ("input[name=username]", user),
            ("input[name=full_name]", name),
        ];
        submit(d, "form.new-operator", &fields).await;
        d.wait_url(|u| u.ends_with("/admin/operators")).await;
        last = d.text("[data-password]").await;
    }
    look(d, "operator-password").await;
    last
}

/// Loads a dovuto on the due type; returns its notice number.
async fn dovuto(d: &Driver, base: &str) -> String {
    d.go(&format!("{base}/admin/dovuti/nuovo")).await;
    look(d, "dovuto-new").await;
    let fields = [
        ("input[name=debtor_id]", "RSSMRA85T10A562S"),
        ("input[name=debtor_name]", "Mario Rossi"),
        ("input[name=amount]", "38,40"),
        ("input[name=causale]", "Mensa di dicembre"),
    ];
    submit(d, "form.new-dovuto", &fields).await;
    d.wait_url(|u| {
        u.rsplit('/')
            .next()
            .is_some_and(|p| p.parse::<i64>().is_ok())
    })
    .await;
    assert_eq!(d.text("dd[data-state]").await, "Da pagare");
    look(d, "dovuto").await;
    let text = d.body_text().await;
    let notice = text
        .split_whitespace()
        .find(|w| w.len() == 18 && w.starts_with('3') && w.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no notice number in {text}"));
    notice.to_owned()
}

/// `mypay node-sim pay` pays the notice; the dovuto's page shows it paid.
async fn pay_and_find(d: &Driver, base: &str, notice: &str, cf: &str) {
    let dovuto_page = d.url().await;
    let out = Command::new(env!("CARGO_BIN_EXE_mypay"))
        .args([
            "node-sim",
            "pay",
            "--url",
            &format!("{base}/pagopa/paForNode"),
        ])
        .args([
            "--broker",
            "12345678903",
            "--station",
            "12345678903_01",
            "--pa",
            cf,
            "--v2",
        ])
        .arg(notice)
        .env("MYPAY_CLOCK_START", test_day())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("PAID"), "{said}");
    // The journal writer batches: the page shows the exchanges once written.
    let mut text = String::new();
    for _ in 0..50 {
        d.go(&dovuto_page).await;
        text = d.body_text().await;
        if text.contains("paForNode · paSendRTV2") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(d.text("dd[data-state]").await, "Pagato");
    for op in [
        "web · dovuto.inserisci",
        "paForNode · paVerifyPaymentNotice",
        "paForNode · paGetPaymentV2",
        "paForNode · paSendRTV2",
    ] {
        assert!(text.contains(op), "{op} in {text}");
    }
    assert!(!d
        .attribute("a[href$='ricevuta.pdf']", "href")
        .await
        .is_empty());
    look(d, "dovuto-paid").await;
    // Each exchange opens whole from the dovuto's history.
    d.click_and_load("tr[data-event] a").await;
    d.wait_url(|u| u.contains("/admin/events/")).await;
    assert!(d.text("h1").await.starts_with("Evento"));
    look(d, "event").await;
}

/// The other entity's operator, after choosing its own password, finds nothing of the first.
async fn refused(d: &Driver, base: &str, (ente, altro): (i64, i64), temporary: &str) {
    let dovuto_page = d.url().await;
    d.click_and_load("form.logout button").await;
    d.wait_url(|u| u.ends_with("/admin/login")).await;
    login(d, base, "op.altro", temporary).await;
    d.wait_url(|u| u.ends_with("/admin/password")).await;
    let pw = "gatto ombrello lanterna";
    let fields = [
        ("input[name=current]", temporary),
        ("input[name=password]", pw),
        ("input[name=confirm]", pw),
    ];
    submit(d, "form[action='/admin/password']", &fields).await;
    d.wait_url(|u| u.ends_with("/admin/login") || u.ends_with("/admin"))
        .await;
    if d.url().await.ends_with("/admin/login") {
        login(d, base, "op.altro", pw).await;
        d.wait_url(|u| u.ends_with("/admin")).await;
    }
    d.go(&format!("{base}/admin/entities/{altro}")).await;
    assert_eq!(d.text("h1").await, "Comune Altro");
    for page in [dovuto_page, format!("{base}/admin/entities/{ente}")] {
        d.go(&page).await;
        assert_eq!(d.text("h1").await, "404 · Non trovato", "{page}");
    }
    look(d, "refused").await;
}
