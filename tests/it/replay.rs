//! `mypay replay`: the recorded fixtures pass against a fresh demo gateway, and a mismatch
//! is reported with a non-zero exit.

use crate::support::TestServer;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pafornode")
}

#[tokio::test]
async fn every_pafornode_fixture_replays() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let url = format!("{}/pagopa/paForNode", s.base);
    let verdicts = mypay::sim::replay::run(&fixtures(), &url, false, &[])
        .await
        .unwrap();
    assert_eq!(verdicts.len(), 25);
    for v in &verdicts {
        assert!(v.diffs.is_empty(), "{}: {:?}", v.name, v.diffs);
    }
}

#[tokio::test]
async fn every_ente_fixture_replays() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/ente-ws");
    let url = format!("{}/ente/PagamentiTelematiciDovutiPagati", s.base);
    let vars = [("password".to_owned(), creds["c_demo"].clone())];
    let verdicts = mypay::sim::replay::run(&dir, &url, false, &vars)
        .await
        .unwrap();
    assert_eq!(verdicts.len(), 14);
    for v in &verdicts {
        assert!(v.diffs.is_empty(), "{}: {:?}", v.name, v.diffs);
    }
}

#[tokio::test]
async fn a_mismatch_fails_the_cli() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let dir = tempfile::tempdir().unwrap();
    for f in ["01_verify_ok.request.xml", "01_verify_ok.expected.xml"] {
        std::fs::copy(fixtures().join(f), dir.path().join(f)).unwrap();
    }
    let expected = dir.path().join("01_verify_ok.expected.xml");
    let tampered = std::fs::read_to_string(&expected)
        .unwrap()
        .replace("<amount>10.00</amount>", "<amount>11.00</amount>");
    std::fs::write(&expected, tampered).unwrap();
    let url = format!("{}/pagopa/paForNode", s.base);
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_mypay"))
        .args(["replay", dir.path().to_str().unwrap(), "--url", &url])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stdout.contains("MISMATCH  01_verify_ok")
            && stdout.contains("expected \"11.00\", got \"10.00\""),
        "{stdout}"
    );
}
