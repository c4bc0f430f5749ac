//! `mypay node-sim`: whole payments played against the gateway, with retries.

use crate::node::{notice, state_of, station};
use crate::support::TestServer;
use diesel::prelude::*;
use mypay::sim::flow::{pay, Link, PayOptions};

#[tokio::test]
async fn a_payment_with_token_expiry_and_a_retried_receipt() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let url = format!("{}/pagopa/paForNode", s.base);
    let client = reqwest::Client::new();
    let opts = PayOptions {
        clock: s.state.clock,
        v2: true,
        reactivate: true,
        duplicate_receipt: true,
        ..PayOptions::default()
    };
    let steps = pay(Link::Http(&client, &url), &st, &n, &opts)
        .await
        .unwrap();
    let ops: Vec<_> = steps
        .iter()
        .map(|s| (s.operation, s.outcome.as_str()))
        .collect();
    assert_eq!(
        ops,
        vec![
            ("paVerifyPaymentNotice", "OK"),
            ("paGetPaymentV2", "OK"),
            ("paGetPaymentV2", "OK"),
            ("paSendRTV2", "OK"),
            ("paSendRTV2", "OK")
        ]
    );
    assert_eq!(steps[0].amount, steps[1].amount);
    assert_eq!(state_of(&s, &n), "COMPLETATO");
    let mut c = s.state.db.get().unwrap();
    let kept: i64 = mypay::db::schema::receipts::table
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(kept, 1, "the retried receipt is stored once");
    // Paying again stops at verify: already paid.
    let again = pay(
        Link::Http(&client, &url),
        &st,
        &n,
        &PayOptions {
            clock: s.state.clock,
            ..PayOptions::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].fault.as_deref(), Some("PAA_PAGAMENTO_DUPLICATO"));
}

#[tokio::test]
async fn the_cli_pays_notices_and_fails_on_paid_ones() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "TARI", "PREDISPOSTO");
    let url = format!("{}/pagopa/paForNode", s.base);
    let run = |notice: String| {
        let (url, st) = (url.clone(), st.clone());
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_mypay"))
                .args([
                    "node-sim",
                    "pay",
                    "--url",
                    &url,
                    "--broker",
                    &st.id_broker,
                    "--station",
                    &st.id_station,
                    "--pa",
                    &st.id_pa,
                    "--postal",
                    &notice,
                ])
                .output()
                .await
                .unwrap()
        }
    };
    let out = run(n.clone()).await;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(text.contains(&format!("{n}: PAID")), "{text}");
    let out = run(n.clone()).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("PAA_PAGAMENTO_DUPLICATO"));
}

#[tokio::test]
async fn node_sim_serve_runs_from_the_command_line() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_mypay"))
        .args([
            "node-sim",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--broker",
            "97000000014",
            "--station",
            "97000000014_01",
        ])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    let base = first
        .rsplit(' ')
        .next()
        .filter(|b| b.starts_with("http://"))
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let client = reqwest::Client::new();
    let bad = client
        .post(format!("{base}/checkout/ec/v1/carts"))
        .header("content-type", "application/json")
        .body("{\"paymentNotices\": []}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let list =
        mypay::sim::node_for_pa::request("97000000014", "97000000014_01", "password", None, None);
    let text = client
        .post(format!("{base}{}", mypay::sim::node_for_pa::PATH))
        .header("content-type", "text/xml")
        .body(list)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("<totRestituiti>0</totRestituiti>"), "{text}");
    child.kill().await.unwrap();
}
