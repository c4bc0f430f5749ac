//! Helpers to play the pagoPA node against the gateway and check what it answers.

use crate::support::TestServer;
use mypay::sim::messages::Station;
use std::path::PathBuf;
use std::process::Command;

/// The reference material shipped beside the project (`../shared`, as on every machine
/// and in CI); the tests use its official schemas and samples as oracles.
pub fn shared() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        dir.join("reference").is_dir(),
        "the reference folder {} must sit beside the project (its official XSDs are the test oracle)",
        dir.display()
    );
    dir
}

/// The demo station serving the Comune (c_demo) or the ULSS (aulss_demo).
pub fn station(s: &TestServer, cod_ipa: &str) -> Station {
    use diesel::prelude::*;
    use mypay::db::schema::entities;
    let mut c = s.state.db.get().unwrap();
    let id_pa: String = entities::table
        .filter(entities::cod_ipa.eq(cod_ipa))
        .select(entities::fiscal_code)
        .first(&mut *c)
        .unwrap();
    let broker = mypay::demo::broker_code();
    Station {
        id_pa,
        id_station: format!("{broker}_01"),
        id_broker: broker,
    }
}

/// A response: HTTP status and body.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    /// The text of the first element with this local name.
    pub fn get(&self, name: &str) -> Option<String> {
        let doc = mypay::soap::xml::parse(&self.body, Default::default()).ok()?;
        mypay::sim::messages::find(&doc, name).map(|n| n.value().to_owned())
    }

    /// The fault code, if any.
    pub fn fault(&self) -> Option<String> {
        self.get("faultCode")
    }

    /// The SOAP body's element, as a standalone document.
    pub fn body_element(&self) -> String {
        let start = self.body.find("<soapenv:Body>").expect("body") + "<soapenv:Body>".len();
        let end = self.body.rfind("</soapenv:Body>").expect("body end");
        self.body[start..end].to_owned()
    }

    /// Asserts the body element validates against the official paForNode XSD.
    pub fn assert_valid(&self) {
        assert_valid_xsd(
            &self.body_element(),
            &shared().join("reference/pagopa/wsdl/xsd/paForNode.xsd"),
        );
    }
}

/// Our served schemas, copied once to a folder with their imports pointing at local files.
pub fn our_xsd() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("mypay-xsd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("xsd");
        for f in ["paForNode.xsd", "pagopa-common-types.xsd"] {
            let text = std::fs::read_to_string(src.join(f))
                .unwrap()
                .replace("paForNode?xsd=", "");
            std::fs::write(dir.join(f), text).unwrap();
        }
        dir
    })
    .join("paForNode.xsd")
}

/// Validates `xml` against `xsd` with xmllint (libxml2).
pub fn assert_valid_xsd(xml: &str, xsd: &std::path::Path) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(xsd)
        .arg(&file)
        .output()
        .expect("xmllint (Debian libxml2-utils) must be installed");
    assert!(
        out.status.success(),
        "not valid against {}:\n{}\n{xml}",
        xsd.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// POSTs a SOAP request with the given SOAPAction.
pub async fn call(s: &TestServer, action: &str, xml: &str) -> Answer {
    let resp = reqwest::Client::new()
        .post(format!("{}/pagopa/paForNode", s.base))
        .header("content-type", "text/xml; charset=utf-8")
        .header("soapaction", format!("\"{action}\""))
        .body(xml.to_owned())
        .send()
        .await
        .unwrap();
    Answer {
        status: resp.status().as_u16(),
        body: resp.text().await.unwrap(),
    }
}

/// A payable notice of the entity, with its due type code.
pub fn notice(s: &TestServer, cod_ipa: &str, due_type: &str, state: &str) -> String {
    use diesel::prelude::*;
    use mypay::db::schema::{dovuti, due_types, entities};
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .inner_join(entities::table)
        .inner_join(due_types::table)
        .filter(entities::cod_ipa.eq(cod_ipa))
        .filter(due_types::code.eq(due_type))
        .filter(dovuti::state.eq(state))
        .select(dovuti::notice_number.assume_not_null())
        .order(dovuti::id.asc())
        .first(&mut *c)
        .unwrap()
}

/// Pays `notice` of `cod_ipa` through our paForNode as the node simulator does (V2).
pub async fn pay(s: &TestServer, cod_ipa: &str, notice: &str) {
    let opts = mypay::sim::flow::PayOptions {
        clock: s.state.clock,
        v2: true,
        ..Default::default()
    };
    let url = format!("{}/pagopa/paForNode", s.base);
    let link = mypay::sim::flow::Link::Http(&reqwest::Client::new(), &url);
    mypay::sim::flow::pay(link, &station(s, cod_ipa), notice, &opts)
        .await
        .unwrap();
}

/// The state of the dovuto with this notice number.
pub fn state_of(s: &TestServer, notice: &str) -> String {
    use diesel::prelude::*;
    use mypay::db::schema::dovuti;
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .filter(dovuti::notice_number.eq(notice))
        .select(dovuti::state)
        .first(&mut *c)
        .unwrap()
}
