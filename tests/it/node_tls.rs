//! The node endpoint on its own listener: TLS, mutual TLS with certificates generated here,
//! and the IP allow-list.

use crate::node::{notice, station};
use crate::support::TestServer;
use mypay::sim::messages;
use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use std::path::PathBuf;

/// A CA and a certificate it signed, as PEM.
struct Pki {
    ca: String,
    cert: String,
    key: String,
}

fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name.push(DnType::CommonName, name);
    let key = KeyPair::generate().unwrap();
    (p.self_signed(&key).unwrap(), key)
}

fn issue(
    (ca, ca_key): &(rcgen::Certificate, KeyPair),
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
) -> Pki {
    let mut p =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name.push(
        DnType::CommonName,
        names.first().copied().unwrap_or("client"),
    );
    p.extended_key_usages = vec![usage];
    let key = KeyPair::generate().unwrap();
    let cert = p.signed_by(&key, ca, ca_key).unwrap();
    Pki {
        ca: ca.pem(),
        cert: cert.pem(),
        key: key.serialize_pem(),
    }
}

fn client(ca_pem: &str, identity: Option<&Pki>) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap());
    if let Some(id) = identity {
        let pem = format!("{}{}", id.cert, id.key);
        b = b.identity(reqwest::Identity::from_pem(pem.as_bytes()).unwrap());
    }
    b.build().unwrap()
}

async fn verify(client: &reqwest::Client, url: &str, body: &str) -> reqwest::Result<(u16, String)> {
    let r = client
        .post(url)
        .header("content-type", "text/xml; charset=utf-8")
        .body(body.to_owned())
        .send()
        .await?;
    Ok((r.status().as_u16(), r.text().await?))
}

#[tokio::test]
async fn mutual_tls_admits_only_certificates_of_the_configured_ca() {
    let dir = tempfile::tempdir().unwrap();
    let node_ca = ca("pagoPA test CA");
    let server = issue(
        &ca("server CA"),
        &["localhost", "127.0.0.1"],
        ExtendedKeyUsagePurpose::ServerAuth,
    );
    let node = issue(&node_ca, &["nodo"], ExtendedKeyUsagePurpose::ClientAuth);
    let rogue = issue(
        &ca("rogue CA"),
        &["nodo"],
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    let write = |name: &str, text: &str| -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let (cert, key, client_ca) = (
        write("server.pem", &server.cert),
        write("server.key", &server.key),
        write("node-ca.pem", &node.ca),
    );
    let s = TestServer::spawn_with(|c| {
        c.node.listen = Some("127.0.0.1:0".into());
        c.node.tls_cert = Some(cert);
        c.node.tls_key = Some(key);
        c.node.client_ca = Some(client_ca);
    })
    .await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "TARI", "PREDISPOSTO");
    let body = messages::verify(&st, &n);
    let url = format!("https://{}/pagopa/paForNode", s.node_addr.unwrap());

    let (status, text) = verify(&client(&server.ca, Some(&node)), &url, &body)
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(text.contains("<outcome>OK</outcome>"), "{text}");
    assert!(
        verify(&client(&server.ca, None), &url, &body)
            .await
            .is_err(),
        "no client certificate: refused"
    );
    assert!(
        verify(&client(&server.ca, Some(&rogue)), &url, &body)
            .await
            .is_err(),
        "certificate of another CA: refused"
    );
    // Plain HTTP on the TLS port gets nothing useful either.
    let plain = format!("http://{}/pagopa/paForNode", s.node_addr.unwrap());
    assert!(verify(&reqwest::Client::new(), &plain, &body)
        .await
        .map(|r| r.0 != 200)
        .unwrap_or(true));
    // The main listener no longer serves paForNode, so the certificate check cannot be skipped.
    let (status, _) = verify(
        &reqwest::Client::new(),
        &format!("{}/pagopa/paForNode", s.base),
        &body,
    )
    .await
    .unwrap();
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_ip_allow_list_refuses_other_callers() {
    for (allow, expected) in [
        (vec!["10.0.0.0/8"], 403),
        (vec!["10.0.0.0/8", "127.0.0.1"], 200),
    ] {
        let s = TestServer::spawn_with(|c| {
            c.node.allow_ips = allow.iter().map(|s| s.to_string()).collect();
        })
        .await;
        s.seed_demo().await;
        let st = station(&s, "c_demo");
        let n = notice(&s, "c_demo", "TARI", "PREDISPOSTO");
        let url = format!("{}/pagopa/paForNode", s.base);
        let (status, _) = verify(&reqwest::Client::new(), &url, &messages::verify(&st, &n))
            .await
            .unwrap();
        assert_eq!(status, expected, "allow-list {allow:?}");
        // The rest of the gateway is not affected.
        let health = reqwest::get(format!("{}/health", s.base)).await.unwrap();
        assert_eq!(health.status(), 200);
    }
}

#[test]
fn bad_node_settings_are_refused_at_start() {
    use mypay::config::{Config, NodeEndpointConfig};
    let with = |node: NodeEndpointConfig| Config {
        node,
        ..Config::default()
    };
    let cases = [
        NodeEndpointConfig {
            allow_ips: vec!["10.0.0.0/99".into()],
            ..Default::default()
        },
        NodeEndpointConfig {
            tls_cert: Some("c.pem".into()),
            ..Default::default()
        },
        NodeEndpointConfig {
            client_ca: Some("ca.pem".into()),
            ..Default::default()
        },
        NodeEndpointConfig {
            tls_cert: Some("c.pem".into()),
            tls_key: Some("k.pem".into()),
            ..Default::default()
        },
    ];
    for node in cases {
        let e = with(node.clone()).validate().unwrap_err().to_string();
        assert!(e.contains("node"), "{node:?}: {e}");
    }
}
