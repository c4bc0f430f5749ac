//! Back-office accounts: the first-run setup link, accounts and passwords from the command
//! line, and the forced change of a password someone else set.

use crate::support::{csrf_of, Browser, TestServer};
use mypay::accounts::{self, NewAccount, Role};
use mypay::random::OsRandom;

const STRONG: &str = "cavallo batteria graffetta";

/// The setup link of an empty database (the path after the base URL).
async fn setup_path(s: &TestServer) -> String {
    let state = s.state.clone();
    let now = state.clock.now_naive();
    let link = s
        .state
        .db
        .write(move |c| accounts::first_run_link(c, &OsRandom, &state.public_base, now))
        .await
        .unwrap()
        .expect("an empty database offers the setup link");
    link.strip_prefix(&s.base).unwrap().to_owned()
}

async fn submit_setup(b: &mut Browser, path: &str, user: &str, pw: &str, confirm: &str) -> u16 {
    let form = b.get(path).await;
    let csrf = csrf_of(&form.body);
    let fields = [
        ("csrf", csrf.as_str()),
        ("username", user),
        ("full_name", "Anna Bianchi"),
        ("email", "anna.bianchi@regione.example.it"),
        ("password", pw),
        ("confirm", confirm),
    ];
    b.post(path, &fields).await.status
}

#[tokio::test]
async fn the_setup_link_creates_the_region_administrator_once() {
    let s = TestServer::spawn().await;
    let path = setup_path(&s).await;
    let mut b = Browser::new(&s);
    let page = b.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("amministratore regionale"),
        "{}",
        page.body
    );
    assert_eq!(b.get("/admin/setup/not-a-token").await.status, 404);

    // Weak, mismatched and CSRF-less submissions create nothing.
    assert_eq!(
        submit_setup(&mut b, &path, "anna", "password1234", "password1234").await,
        422
    );
    assert_eq!(
        submit_setup(&mut b, &path, "anna", STRONG, "something else").await,
        422
    );
    let stale = [
        ("csrf", "x"),
        ("username", "anna"),
        ("full_name", "A"),
        ("password", STRONG),
        ("confirm", STRONG),
    ];
    assert_eq!(b.post(&path, &stale).await.status, 403);
    assert_eq!(b.login("anna", STRONG).await.status, 401);

    // A second link, its form opened before the first one is used.
    let second = setup_path(&s).await;
    let mut other = Browser::new(&s);
    let early = other.get(&second).await;
    assert_eq!(early.status, 200);
    let early_csrf = csrf_of(&early.body);

    assert_eq!(
        submit_setup(&mut b, &path, "Anna", STRONG, STRONG).await,
        303
    );
    let login = b.login("anna", STRONG).await;
    assert_eq!(login.location.as_deref(), Some("/admin"), "{}", login.body);
    assert_eq!(
        b.get("/admin").await.status,
        200,
        "no forced change: she chose it"
    );

    // Used once; and with an administrator in place no link opens, old or new.
    assert_eq!(Browser::new(&s).get(&path).await.status, 404);
    let late = [
        ("csrf", early_csrf.as_str()),
        ("username", "mallory"),
        ("full_name", "M"),
        ("password", STRONG),
        ("confirm", STRONG),
    ];
    assert_eq!(other.post(&second, &late).await.status, 404);
    assert_eq!(other.login("mallory", STRONG).await.status, 401);
    let state = s.state.clone();
    let now = state.clock.now_naive();
    let again = s
        .state
        .db
        .write(move |c| accounts::first_run_link(c, &OsRandom, "http://x", now))
        .await
        .unwrap();
    assert_eq!(again, None);
}

#[tokio::test]
async fn a_setup_link_expires_after_thirty_minutes() {
    let s = TestServer::spawn().await;
    let path = setup_path(&s).await;
    let token = path.rsplit('/').next().unwrap().to_owned();
    let later = s.state.clock.now_naive() + chrono::Duration::minutes(31);
    let chosen = accounts::Chosen {
        password: STRONG,
        confirm: STRONG,
    };
    let admin = accounts::FirstAdmin {
        username: "anna",
        full_name: "Anna Bianchi",
        email: None,
        chosen,
    };
    let mut c = s.state.db.get().unwrap();
    assert!(!accounts::setup_open(&mut c, &token, later).unwrap());
    let refused = accounts::complete_setup(&mut c, &token, admin, later).unwrap_err();
    assert!(
        matches!(refused, accounts::AccountError::SetupClosed),
        "{refused}"
    );
    let soon = later - chrono::Duration::minutes(2);
    assert!(accounts::setup_open(&mut c, &token, soon).unwrap());
}

#[tokio::test]
async fn a_password_someone_else_set_is_changed_before_anything_else() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let now = s.state.clock.now_naive();
    let account = NewAccount {
        username: "Luca.Verdi",
        full_name: "Luca Verdi",
        email: None,
        role: Role::EntityOperator,
        entity: Some("c_demo"),
        due_types: &["MENSA".to_owned()],
    };
    let temporary = {
        let mut c = s.state.db.get().unwrap();
        accounts::create_with_temporary_password(&mut c, &account, &OsRandom, now).unwrap()
    };
    let mut b = Browser::new(&s);
    assert_eq!(b.login("luca.verdi", &temporary).await.status, 303);
    for page in ["/admin", "/admin/dovuti", "/admin/flussi"] {
        assert_eq!(
            b.get(page).await.location.as_deref(),
            Some("/admin/password"),
            "{page}"
        );
    }
    let form = b.get("/admin/password").await;
    assert!(
        form.body.contains("impostata da un amministratore"),
        "{}",
        form.body
    );
    let csrf = csrf_of(&form.body);
    let wrong = [
        ("csrf", csrf.as_str()),
        ("current", "not the password"),
        ("password", STRONG),
        ("confirm", STRONG),
    ];
    assert_eq!(b.post("/admin/password", &wrong).await.status, 422);
    let named = [
        ("csrf", csrf.as_str()),
        ("current", temporary.as_str()),
        ("password", "luca.verdi.2027"),
        ("confirm", "luca.verdi.2027"),
    ];
    assert_eq!(
        b.post("/admin/password", &named).await.status,
        422,
        "own name refused"
    );
    let good = [
        ("csrf", csrf.as_str()),
        ("current", temporary.as_str()),
        ("password", STRONG),
        ("confirm", STRONG),
    ];
    assert_eq!(
        b.post("/admin/password", &good).await.location.as_deref(),
        Some("/admin")
    );
    assert_eq!(b.get("/admin/dovuti").await.status, 200);

    // A reset hands out a new temporary password and forces the change again.
    let reset = {
        let mut c = s.state.db.get().unwrap();
        accounts::reset_password(&mut c, "luca.verdi", &OsRandom, now).unwrap()
    };
    let mut b = Browser::new(&s);
    assert_eq!(b.login("luca.verdi", STRONG).await.status, 401);
    assert_eq!(b.login("luca.verdi", &reset).await.status, 303);
    assert_eq!(
        b.get("/admin").await.location.as_deref(),
        Some("/admin/password")
    );
}

#[tokio::test]
async fn accounts_are_refused_whole() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let now = s.state.clock.now_naive();
    let mut c = s.state.db.get().unwrap();
    let base = NewAccount {
        username: "giulia",
        full_name: "Giulia Neri",
        email: None,
        role: Role::EntityAdmin,
        entity: Some("c_demo"),
        due_types: &[],
    };
    let mut try_create = |a: &NewAccount<'_>| {
        accounts::create_with_temporary_password(&mut c, a, &OsRandom, now).map(|_| ())
    };
    let cases: [(NewAccount<'_>, &str); 5] = [
        (
            NewAccount {
                entity: None,
                ..base.clone()
            },
            "richiede l'ente",
        ),
        (
            NewAccount {
                entity: Some("c_nessuno"),
                ..base.clone()
            },
            "nessun ente",
        ),
        (
            NewAccount {
                role: Role::RegionAdmin,
                ..base.clone()
            },
            "non è legato a un ente",
        ),
        (
            NewAccount {
                username: "a b",
                ..base.clone()
            },
            "nome utente non valido",
        ),
        (
            NewAccount {
                role: Role::EntityOperator,
                due_types: &["NOPE".to_owned()],
                ..base.clone()
            },
            "tipo dovuto NOPE",
        ),
    ];
    for (account, why) in &cases {
        let e = try_create(account).unwrap_err().to_string();
        assert!(e.contains(why), "{e} / {why}");
    }
    // Nothing of the refused accounts was left behind; the good one is created once.
    try_create(&base).unwrap();
    let e = try_create(&base).unwrap_err().to_string();
    assert!(e.contains("già in uso"), "{e}");
}
