//! The MyPay-compatible entity web services: WSDL, authentication, paaSILImportaDovuto
//! (insert / modify / annul, notice zip), bad payloads, concurrency. Every response is
//! validated against the schema embedded in MyPay's own `pa-per-ente.wsdl`.

use crate::node::{assert_valid_xsd, shared, Answer};
use crate::support::TestServer;
use base64::Engine;
use diesel::prelude::*;
use mypay::db::schema::dovuti;
use std::path::PathBuf;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// MyPay's service schema (the `ppt` and `ppthead` schemas of its WSDL) as standalone XSD
/// files importing the reference payload schema.
pub fn mypay_xsd() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let reference = shared().join("reference/mypay/ente-ws");
        let wsdl = std::fs::read_to_string(reference.join("pa-per-ente.wsdl")).unwrap();
        let schemas: Vec<&str> = wsdl
            .split("<xsd:schema")
            .skip(1)
            .map(|s| &s[..s.find("</xsd:schema>").unwrap()])
            .collect();
        let ns = r#" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ppt="http://www.regione.veneto.it/pagamenti/ente/" xmlns:ppthead="http://www.regione.veneto.it/pagamenti/ente/ppthead" xmlns:pay_i="http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/""#;
        let dir = std::env::temp_dir().join(format!("mypay-ente-xsd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let doc = |s: &str| {
            let close = s.find('>').unwrap();
            format!("<xsd:schema{ns}{}>{}</xsd:schema>", &s[..close], &s[close + 1..])
        };
        std::fs::write(dir.join("ppthead.xsd"), doc(schemas[0])).unwrap();
        // The payload schema writes `\/` in a pattern, which XSD regular expressions do not
        // allow (libxml2 refuses the schema); `/` means the same.
        let payload = dir.join("PagInf_Dovuti_Pagati_6_2_0.xsd");
        let text = std::fs::read_to_string(reference.join("PagInf_Dovuti_Pagati_6_2_0.xsd")).unwrap();
        std::fs::write(&payload, text.replace("\\/", "/")).unwrap();
        let ppt = doc(schemas[1])
            .replace(
                "schemaLocation=\"PagInf_Dovuti_Pagati_6_2_0.xsd\"",
                &format!("schemaLocation=\"{}\"", payload.display()),
            )
            .replacen(
                "<xsd:import ",
                "<xsd:import namespace=\"http://www.regione.veneto.it/pagamenti/ente/ppthead\" schemaLocation=\"ppthead.xsd\"/><xsd:import ",
                1,
            );
        std::fs::write(dir.join("ppt.xsd"), ppt).unwrap();
        dir.join("ppt.xsd")
    })
    .clone()
}

/// The payload schema (Dovuti, Pagati, PagatiConRicevuta...), beside [`mypay_xsd`].
pub fn payload_xsd() -> PathBuf {
    mypay_xsd().with_file_name("PagInf_Dovuti_Pagati_6_2_0.xsd")
}

/// Calls the service with `body` inside `<ente:OP>`, the IPA code in the header.
pub async fn call_ente(s: &TestServer, op: &str, cod_ipa: Option<&str>, body: &str) -> Answer {
    let header = cod_ipa.map_or(String::new(), |c| {
        format!("<ppthead:intestazionePPT><codIpaEnte>{c}</codIpaEnte></ppthead:intestazionePPT>")
    });
    let xml = format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ppthead="http://www.regione.veneto.it/pagamenti/ente/ppthead" xmlns:ente="http://www.regione.veneto.it/pagamenti/ente/"><soapenv:Header>{header}</soapenv:Header><soapenv:Body><ente:{op}>{body}</ente:{op}></soapenv:Body></soapenv:Envelope>"#
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/ente/PagamentiTelematiciDovutiPagati", s.base))
        .header("content-type", "text/xml; charset=utf-8")
        .header("soapaction", op)
        .body(xml)
        .send()
        .await
        .unwrap();
    let answer = Answer {
        status: resp.status().as_u16(),
        body: resp.text().await.unwrap(),
    };
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_valid_xsd(&answer.body_element(), &mypay_xsd());
    answer
}

/// A `Versamento` payload, base64.
pub fn versamento(iud: &str, amount: &str, due_type: &str, action: &str, extra: &str) -> String {
    let xml = format!(
        r#"<Versamento xmlns="http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/"><versioneOggetto>6.2</versioneOggetto><soggettoPagatore><identificativoUnivocoPagatore><tipoIdentificativoUnivoco>F</tipoIdentificativoUnivoco><codiceIdentificativoUnivoco>RSSMRA85T10A562S</codiceIdentificativoUnivoco></identificativoUnivocoPagatore><anagraficaPagatore>Mario Rossi</anagraficaPagatore><indirizzoPagatore>Via Roma</indirizzoPagatore><civicoPagatore>1</civicoPagatore><capPagatore>30100</capPagatore><localitaPagatore>Venezia</localitaPagatore><provinciaPagatore>VE</provinciaPagatore><nazionePagatore>IT</nazionePagatore></soggettoPagatore><datiVersamento><dataEsecuzionePagamento>2027-03-31</dataEsecuzionePagamento><tipoVersamento>ALL</tipoVersamento><identificativoUnivocoDovuto>{iud}</identificativoUnivocoDovuto><importoSingoloVersamento>{amount}</importoSingoloVersamento><identificativoTipoDovuto>{due_type}</identificativoTipoDovuto><causaleVersamento>Retta mensa marzo</causaleVersamento><datiSpecificiRiscossione>9/0201133IM/</datiSpecificiRiscossione>{extra}</datiVersamento><azione>{action}</azione></Versamento>"#
    );
    B64.encode(xml)
}

fn importa(password: &str, payload: &str) -> String {
    format!("<password>{password}</password><dovuto>{payload}</dovuto><flagGeneraIuv>true</flagGeneraIuv>")
}

/// (state, amount in cents, IUV) of the dovuto `iud`.
pub(crate) fn state(s: &TestServer, iud: &str) -> (String, i64, Option<String>) {
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .filter(dovuti::iud.eq(iud))
        .select((dovuti::state, dovuti::amount_cents, dovuti::iuv))
        .first(&mut *c)
        .unwrap()
}

#[tokio::test]
async fn the_wsdl_describes_every_operation() {
    let s = TestServer::spawn().await;
    let wsdl = reqwest::get(format!(
        "{}/ente/PagamentiTelematiciDovutiPagati?wsdl",
        s.base
    ))
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(wsdl.contains(r#"targetNamespace="http://www.regione.veneto.it/pagamenti/ente/PagamentiTelematiciDovutiPagati""#));
    assert!(wsdl.contains(&format!("{}/ente/PagamentiTelematiciDovutiPagati", s.base)));
    for op in mypay::soap::EnteOp::ALL.map(mypay::soap::EnteOp::action) {
        assert!(wsdl.contains(&format!("soapAction=\"{op}\"")), "{op}");
    }
}

#[tokio::test]
async fn importa_dovuto_inserts_modifies_and_annuls() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let pw = &creds["c_demo"];
    let ok = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, &versamento("SIL-1", "45.50", "MENSA", "I", "")),
    )
    .await;
    assert_eq!(ok.get("esito").as_deref(), Some("OK"), "{}", ok.body);
    let iuv = ok.get("identificativoUnivocoVersamento").unwrap();
    assert_eq!(iuv.len(), 17);
    assert_eq!(
        state(&s, "SIL-1"),
        ("PREDISPOSTO".into(), 4550, Some(iuv.clone()))
    );
    // The notice comes back zipped: one PDF with the new notice number.
    let zip = B64.decode(ok.get("base64ZipAvviso").unwrap()).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    assert_eq!(z.len(), 1);
    let mut pdf = Vec::new();
    std::io::Read::read_to_end(&mut z.by_index(0).unwrap(), &mut pdf).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = crate::pdftools::text(file.to_str().unwrap()).replace(' ', "");
    assert!(
        text.contains(&format!("3{iuv}")) && text.contains("45,50Euro"),
        "{text}"
    );

    // Modify: same IUV, new amount; a bilancio that does not add up is refused.
    let bad = "<bilancio><capitolo><codCapitolo>C1</codCapitolo><accertamento><importo>10.00</importo></accertamento></capitolo></bilancio>";
    let ko = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, &versamento("SIL-1", "50.00", "MENSA", "M", bad)),
    )
    .await;
    assert_eq!(
        ko.fault().as_deref(),
        Some("PAA_IMPORTO_BILANCIO_NON_VALIDO")
    );
    assert_eq!(ko.get("esito").as_deref(), Some("KO"));
    let good = bad.replace("10.00", "50.00");
    let m = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, &versamento("SIL-1", "50.00", "MENSA", "M", &good)),
    )
    .await;
    assert_eq!(m.get("identificativoUnivocoVersamento"), Some(iuv.clone()));
    assert_eq!(state(&s, "SIL-1").1, 5000);

    // Annul, then nothing more can be done with it.
    let a = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, &versamento("SIL-1", "50.00", "MENSA", "A", "")),
    )
    .await;
    assert_eq!(a.get("esito").as_deref(), Some("OK"));
    assert!(
        a.get("base64ZipAvviso").is_none(),
        "no notice for an annulled position"
    );
    assert_eq!(state(&s, "SIL-1").0, "ANNULLATO");
    let again = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, &versamento("SIL-1", "50.00", "MENSA", "M", "")),
    )
    .await;
    assert_eq!(again.fault().as_deref(), Some("PAA_DOVUTO_NON_PAGABILE"));

    // Same IUD again, unknown due type, unknown IUD to modify.
    let dup = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, &versamento("SIL-1", "1.00", "MENSA", "I", "")),
    )
    .await;
    assert_eq!(dup.fault().as_deref(), Some("PAA_IUD_DUPLICATO"));
    let dt = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, &versamento("SIL-2", "1.00", "NOPE", "I", "")),
    )
    .await;
    assert_eq!(
        dt.fault().as_deref(),
        Some("PAA_IDENTIFICATIVO_TIPO_DOVUTO_NON_VALIDO")
    );
    let none = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, &versamento("SIL-3", "1.00", "MENSA", "M", "")),
    )
    .await;
    assert_eq!(none.fault().as_deref(), Some("PAA_IUD_NON_VALIDO"));
}

#[tokio::test]
async fn callers_and_payloads_are_checked() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let pw = &creds["c_demo"];
    let payload = versamento("SIL-9", "10.00", "MENSA", "I", "");
    for (cod, password) in [
        (Some("c_demo"), "wrong-password"),
        (Some("nobody"), pw.as_str()),
        (None, pw.as_str()),
    ] {
        let a = call_ente(&s, "paaSILImportaDovuto", cod, &importa(password, &payload)).await;
        assert_eq!(a.fault().as_deref(), Some("PAA_ENTE_NON_VALIDO"), "{cod:?}");
    }
    // Every operation refuses a wrong password with a faultBean that still validates.
    for o in mypay::soap::EnteOp::ALL {
        let op = o.action();
        let (header, body) = match o.who() {
            mypay::soap::pa_per_ente::Who::Header => {
                (Some("c_demo"), "<password>wrong-pass</password>".to_owned())
            }
            _ => (
                None,
                "<password>wrong-pass</password><codIpaEnte>c_demo</codIpaEnte>".to_owned(),
            ),
        };
        let a = call_ente(&s, op, header, &body).await;
        assert_eq!(a.fault().as_deref(), Some("PAA_ENTE_NON_VALIDO"), "{op}");
    }
    // Tampered base64, a DTD inside the payload, a payload of the wrong kind.
    let dtd = B64.encode(r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><Versamento xmlns="http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/">&e;</Versamento>"#);
    let dovuti = B64
        .encode(r#"<Dovuti xmlns="http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/"/>"#);
    for bad in ["@@not base64@@", dtd.as_str(), dovuti.as_str()] {
        let a = call_ente(&s, "paaSILImportaDovuto", Some("c_demo"), &importa(pw, bad)).await;
        assert_eq!(a.fault().as_deref(), Some("PAA_XML_NON_VALIDO"), "{bad}");
    }
    // The journal never keeps the password.
    let mut c = s.state.db.get().unwrap();
    s.state.journal.flush().await;
    let kept: Vec<Option<String>> = mypay::db::schema::events::table
        .filter(mypay::db::schema::events::interface.eq("ente"))
        .select(mypay::db::schema::events::request)
        .load(&mut *c)
        .unwrap();
    assert!(!kept.is_empty());
    assert!(kept.iter().flatten().all(|r| !r.contains(pw.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_identical_imports_create_one_dovuto() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let body = importa(
        &creds["c_demo"],
        &versamento("SIL-RACE", "12.00", "MENSA", "I", ""),
    );
    let calls = (0..8).map(|_| call_ente(&s, "paaSILImportaDovuto", Some("c_demo"), &body));
    let answers = futures_util::future::join_all(calls).await;
    let ok = answers
        .iter()
        .filter(|a| a.get("esito").as_deref() == Some("OK"))
        .count();
    assert_eq!(ok, 1, "exactly one accepted");
    assert!(answers
        .iter()
        .filter(|a| a.get("esito").as_deref() != Some("OK"))
        .all(|a| a.fault().as_deref() == Some("PAA_IUD_DUPLICATO")));
    let mut c = s.state.db.get().unwrap();
    let n: i64 = dovuti::table
        .filter(dovuti::iud.eq("SIL-RACE"))
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(n, 1);
}

/// Posts a raw envelope with a SOAPAction; returns the answer.
async fn post_raw(s: &TestServer, action: &str, xml: String) -> Answer {
    let resp = reqwest::Client::new()
        .post(format!("{}/ente/PagamentiTelematiciDovutiPagati", s.base))
        .header("content-type", "text/xml; charset=utf-8")
        .header("soapaction", action)
        .body(xml)
        .send()
        .await
        .unwrap();
    Answer {
        status: resp.status().as_u16(),
        body: resp.text().await.unwrap(),
    }
}

#[tokio::test]
async fn oversized_and_hostile_envelopes_get_a_fault_bean() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let pw = &creds["c_demo"];
    // A cart of 10,000 positions: far over the request limit.
    let element = format!(
        "<elementoListaDovuti><codIpaEnte>c_demo</codIpaEnte><password>{}</password><dovuti>{}</dovuti></elementoListaDovuti>",
        "0".repeat(64),
        versamento("X", "1.00", "MENSA", "I", "")
    );
    let big = format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ppthead="http://www.regione.veneto.it/pagamenti/ente/ppthead" xmlns:ente="http://www.regione.veneto.it/pagamenti/ente/"><soapenv:Header><ppthead:intestazionePPT><codIpaEnte>c_demo</codIpaEnte></ppthead:intestazionePPT></soapenv:Header><soapenv:Body><ente:paaSILInviaCarrelloDovuti><password>{pw}</password><listaDovuti>{}</listaDovuti></ente:paaSILInviaCarrelloDovuti></soapenv:Body></soapenv:Envelope>"#,
        element.repeat(10_000)
    );
    let a = post_raw(&s, "paaSILInviaCarrelloDovuti", big).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.fault().as_deref(), Some("PAA_XML_NON_VALIDO"));
    assert_valid_xsd(&a.body_element(), &mypay_xsd());
    // A DTD with entity expansion in the envelope: refused the same way, nothing expanded.
    let dtd = format!(
        r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ente="http://www.regione.veneto.it/pagamenti/ente/"><soapenv:Body><ente:paaSILChiediPagati><codIpaEnte>c_demo</codIpaEnte><password>{pw}</password><idSession>&b;</idSession></ente:paaSILChiediPagati></soapenv:Body></soapenv:Envelope>"#
    );
    let d = post_raw(&s, "paaSILChiediPagati", dtd).await;
    assert_eq!(d.fault().as_deref(), Some("PAA_XML_NON_VALIDO"));
    assert_valid_xsd(&d.body_element(), &mypay_xsd());
    // Without a SOAPAction we cannot tell which answer is expected: a SOAP Fault.
    let none = post_raw(&s, "", "not xml".into()).await;
    assert_eq!(none.status, 500);
    assert!(none.body.contains("soapenv:Fault"));
}

fn secondary_list(n: usize, amount: &str) -> String {
    let one = B64.encode(format!(
        r#"<DovutiEntiSecondari xmlns="http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/"><versioneOggetto>6.2</versioneOggetto><datiVersamentoEntiSecondari><codiceFiscaleBeneficiario>01234567897</codiceFiscaleBeneficiario><denominazioneBeneficiario>Provincia Demo</denominazioneBeneficiario><ibanAccreditoBeneficiario>IT60X0542811101000000123456</ibanAccreditoBeneficiario><causaleVersamento>Tributo provinciale</causaleVersamento><datiSpecificiRiscossione>9/0101101IM/</datiSpecificiRiscossione><importoSingoloVersamento>{amount}</importoSingoloVersamento></datiVersamentoEntiSecondari></DovutiEntiSecondari>"#
    ));
    let el = format!("<elementoListaDovutiEntiSecondari><dovutiEntiSecondari>{one}</dovutiEntiSecondari></elementoListaDovutiEntiSecondari>");
    format!(
        "<listaDovutiEntiSecondari>{}</listaDovutiEntiSecondari>",
        el.repeat(n)
    )
}

#[tokio::test]
async fn a_secondary_entity_shares_the_position() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let pw = &creds["c_demo"];
    let body = |iud: &str, list: &str| {
        format!(
            "<password>{pw}</password><dovuto>{}</dovuto><flagGeneraIuv>true</flagGeneraIuv>{list}",
            versamento(iud, "100.00", "TARI", "I", "")
        )
    };
    let ok = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &body("SEC-1", &secondary_list(1, "30.00")),
    )
    .await;
    assert_eq!(ok.get("esito").as_deref(), Some("OK"), "{}", ok.body);
    let iuv = ok.get("identificativoUnivocoVersamento").unwrap();
    // The node sees two transfers: 70.00 to the Comune, 30.00 to the Provincia.
    let st = crate::node::station(&s, "c_demo");
    let xml = mypay::sim::messages::get_payment(&st, &format!("3{iuv}"), true, false);
    let a = crate::node::call(&s, "paGetPaymentV2", &xml).await;
    assert!(a.fault().is_none(), "{}", a.body);
    assert_eq!(a.body.matches("<transfer>").count(), 2, "{}", a.body);
    assert!(
        a.body.contains("<transferAmount>70.00</transferAmount>")
            && a.body.contains("<transferAmount>30.00</transferAmount>")
    );
    assert!(a.body.contains("<fiscalCodePA>01234567897</fiscalCodePA>"));
    // Two secondary entities, or a share as large as the whole: refused, nothing stored.
    let two = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &body("SEC-2", &secondary_list(2, "30.00")),
    )
    .await;
    assert_eq!(
        two.fault().as_deref(),
        Some("PAA_LIMITAZIONE_ENTI_SECONDARI_ERROR")
    );
    let all = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &body("SEC-3", &secondary_list(1, "100.00")),
    )
    .await;
    assert_eq!(
        all.fault().as_deref(),
        Some("PAA_IMPORTO_SINGOLO_VERSAMENTO_NON_VALIDO")
    );
    let mut c = s.state.db.get().unwrap();
    let n: i64 = dovuti::table
        .filter(dovuti::iud.eq_any(["SEC-2", "SEC-3"]))
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(n, 0);
}
