//! The binary's account commands: `serve` on an empty database prints the setup link,
//! `admin create-user` and `admin reset-password` hand out temporary passwords.

use crate::support::Browser;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn mypay(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mypay"))
        .args(args)
        .current_dir(dir)
        .env_remove("MYPAY_CONFIG")
        .env_remove("MYPAY_LISTEN")
        .env("MYPAY_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The temporary password a command printed.
fn temporary(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("temporary password: "))
        .unwrap_or_else(|| panic!("no password in {out}"))
        .to_owned()
}

/// A gateway on `db` until dropped.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `mypay serve` on `db` and returns it with the first lines it printed, up to the
/// one containing `until`.
fn serve(dir: &std::path::Path, db: &str, until: &str) -> (Served, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mypay"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", db])
        .current_dir(dir)
        .env_remove("MYPAY_CONFIG")
        .env("MYPAY_FILES_DIR", dir.join("files"))
        .env("MYPAY_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let served = Served(child);
    // The listening address goes to the log (stderr), the link to stdout.
    let mut lines = Vec::new();
    let (tx, rx) = std::sync::mpsc::channel();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        stdout
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx.send(l)))
    });
    std::thread::spawn(move || {
        stderr
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx2.send(l)))
    });
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(30)) {
        let done = line.contains(until);
        lines.push(line);
        if done {
            return (served, lines);
        }
    }
    panic!("no {until:?} in {lines:?}");
}

#[tokio::test]
async fn serve_on_an_empty_database_prints_a_working_setup_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("m.sqlite3").display());
    let (served, lines) = serve(dir.path(), &db, "/admin/setup/");
    let link = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("http://"))
        .map(|rest| format!("http://{rest}"))
        .expect("the link");
    let page = reqwest::get(&link).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Crea amministratore"));
    drop(served);

    // With an administrator in place, no link is printed.
    let (code, out, err) = mypay(
        dir.path(),
        &[
            "admin",
            "create-user",
            "--database-url",
            &db,
            "--username",
            "root",
            "--full-name",
            "Regione",
            "--role",
            "region-admin",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("operator root created (region-admin)"),
        "{out}"
    );
    let (_served, lines) = serve(dir.path(), &db, "mypay listening");
    assert!(
        !lines.iter().any(|l| l.contains("/admin/setup/")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn create_user_and_reset_password_hand_out_passwords_to_be_changed() {
    let s = crate::support::TestServer::spawn().await;
    s.seed_demo().await;
    let db = s.state.config.database_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let create = [
        "admin",
        "create-user",
        "--database-url",
        &db,
        "--username",
        "sara",
        "--full-name",
        "Sara Gialli",
        "--role",
        "entity-operator",
        "--entity",
        "c_demo",
        "--due-type",
        "MENSA",
    ];
    let (code, out, err) = mypay(dir.path(), &create);
    assert_eq!(code, 0, "{err}");
    let first = temporary(&out);
    assert_eq!(first.len(), mypay::accounts::TEMPORARY_PASSWORD_CHARS);

    // The same again is refused in one line; so is an unknown role.
    let (code, _, err) = mypay(dir.path(), &create);
    assert_ne!(code, 0);
    assert!(err.contains("già in uso"), "{err}");
    let mut bad = create;
    bad[9] = "superuser";
    let (code, _, err) = mypay(dir.path(), &bad);
    assert_ne!(code, 0);
    assert!(
        err.contains("region-admin, entity-admin, entity-operator"),
        "{err}"
    );

    let mut b = Browser::new(&s);
    assert_eq!(b.login("sara", &first).await.status, 303);
    assert_eq!(
        b.get("/admin").await.location.as_deref(),
        Some("/admin/password")
    );

    let reset = [
        "admin",
        "reset-password",
        "--database-url",
        &db,
        "--username",
        "sara",
    ];
    let (code, out, err) = mypay(dir.path(), &reset);
    assert_eq!(code, 0, "{err}");
    let second = temporary(&out);
    assert_ne!(first, second);
    let mut b = Browser::new(&s);
    assert_eq!(b.login("sara", &first).await.status, 401);
    assert_eq!(b.login("sara", &second).await.status, 303);
    // Both are in the audit trail, done from the command line.
    let trail: Vec<(String, String)> = {
        use diesel::prelude::*;
        use mypay::db::schema::audit_log;
        let mut c = s.state.db.get().unwrap();
        audit_log::table
            .filter(audit_log::username.eq(mypay::cli::admin::COMMAND_LINE))
            .select((audit_log::action, audit_log::target))
            .order(audit_log::id)
            .load(&mut *c)
            .unwrap()
    };
    assert_eq!(
        trail,
        [
            ("operatore.crea".to_owned(), "utente sara".to_owned()),
            ("operatore.password".to_owned(), "utente sara".to_owned())
        ]
    );
    let (code, _, err) = mypay(
        dir.path(),
        &[
            "admin",
            "reset-password",
            "--database-url",
            &db,
            "--username",
            "nobody",
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("nessun operatore nobody"), "{err}");
}
