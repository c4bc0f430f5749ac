//! The binary's behaviour on bad configuration: one clear line, exit code ≠ 0.

use std::process::Command;

fn mypay(args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mypay"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("MYPAY_DATABASE_URL")
        .env_remove("MYPAY_LISTEN")
        .env_remove("MYPAY_CONFIG")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line_error(args: &[&str], expected: &str) {
    let (code, _, err) = mypay(args);
    assert_ne!(code, 0, "{args:?}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{args:?}: {err}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(expected),
        "{args:?}: {err}"
    );
}

#[test]
fn bad_database_url_scheme() {
    assert_one_line_error(
        &["serve", "--database-url", "mysql://u@h/db"],
        "unsupported database URL scheme",
    );
}

#[test]
fn unreadable_config_file() {
    assert_one_line_error(
        &["--config", "/nonexistent/mypay.toml", "check-config"],
        "cannot read /nonexistent/mypay.toml",
    );
}

#[test]
fn bad_listen_address() {
    assert_one_line_error(&["serve", "--listen", "not-an-address"], "listen");
}

#[test]
fn unreachable_postgres() {
    assert_one_line_error(
        &[
            "migrate",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/x",
        ],
        "cannot connect",
    );
}

#[test]
fn port_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    assert_one_line_error(
        &[
            "serve",
            "--listen",
            &addr,
            "--database-url",
            "sqlite://db.sqlite3",
        ],
        "cannot listen on",
    );
}

#[test]
fn check_config_redacts_secrets_and_migrate_works() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("mypay.toml");
    std::fs::write(&cfg, "database_url = \"postgres://app:hunter2@db/mypay\"\n[pagopa]\nsubscription_key = \"k-secret\"\n").unwrap();
    let (code, out, err) = mypay(&["--config", cfg.to_str().unwrap(), "check-config"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("postgres://app:***@db/mypay")
            && !out.contains("hunter2")
            && !out.contains("k-secret"),
        "{out}"
    );

    let db = format!("sqlite://{}", dir.path().join("m.sqlite3").display());
    let (code, out, err) = mypay(&["migrate", "--database-url", &db]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("up to date"), "{out}");
}

#[test]
fn unreadable_node_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("mypay.toml");
    let db = dir.path().join("db.sqlite3");
    std::fs::write(
        &cfg,
        format!(
            "listen = \"127.0.0.1:0\"\ndatabase_url = \"sqlite://{}\"\n[node]\nlisten = \"127.0.0.1:0\"\ntls_cert = \"/nonexistent/node.pem\"\ntls_key = \"/nonexistent/node.key\"\n",
            db.display()
        ),
    )
    .unwrap();
    assert_one_line_error(
        &["--config", cfg.to_str().unwrap(), "serve"],
        "cannot read certificates from /nonexistent/node.pem",
    );
}
