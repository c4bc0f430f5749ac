//! Payment notice PDF: what a PSP counter, a banking app and a person read from it.

use crate::pdftools::{datamatrix_at, rasterise, tool};
use mypay::avviso::pdf::{Notice, Payment, PostalAccount};
use mypay::avviso::render::render;
use mypay::domain::{AmountCents, NoticeNumber, PartitaIva};

#[test]
fn a_single_notice_reads_back() {
    let notice = NoticeNumber::parse("301000000000000144").unwrap();
    let entity = PartitaIva::parse("01234567897").unwrap();
    let long_subject = "Tassa sui rifiuti 2026 — rata unica per l'immobile di via dei Mille 12 e relative pertinenze, comprensiva del tributo provinciale per l'esercizio delle funzioni di tutela ambientale";
    let pdf = render(&Notice {
        entity_name: "Comune di Borgo Demo",
        entity_sector: Some("Servizio Tributi"),
        entity_cf: &entity,
        debtor_name: "Mario Rossi",
        debtor_id: "RSSMRA85T10A562S",
        debtor_address: Some("Via dei Mille 12, 20100 Milano (MI)"),
        subject: long_subject,
        logo: None,
        single: Some(Payment {
            notice: &notice,
            amount: AmountCents::from_cents(12550).unwrap(),
            due_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 31),
            number: 0,
        }),
        instalments: Vec::new(),
        plan_size: 0,
        texts: mypay::avviso::lang::Texts::of(mypay::domain::NoticeLanguage::Italian),
        postal: Some(PostalAccount {
            number: "1234567".into(),
            holder: "Comune di Borgo Demo - Servizio Tesoreria".into(),
            authorisation: Some("AUT/2026/0001".into()),
        }),
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("avviso.pdf");
    std::fs::write(&file, &pdf).unwrap();
    if let Some(out) = std::env::var_os("MYPAY_KEEP_AVVISO") {
        std::fs::write(out, &pdf).unwrap();
    }
    let path = file.to_str().unwrap();

    let text = crate::pdftools::text(path);
    for expected in [
        "3010 0000 0000 0001 44",
        "125,50 Euro",
        "01234567897",
        "RSSMRA85T10A562S",
        "31/12/2026",
        "BOLLETTINO POSTALE PA",
        "1234567",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(
        text.contains("..."),
        "the long subject is shortened:\n{text}"
    );
    let fonts = String::from_utf8(tool("pdffonts", &[path])).unwrap();
    let fonts: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(fonts.len(), 2, "regular and bold: {fonts:?}");
    assert!(
        fonts
            .iter()
            .all(|l| l.contains("TrueType") && l.contains(" yes ")),
        "every font embedded: {fonts:?}"
    );
    let page = rasterise(path, 1, dir.path());
    let grids = page.qr_codes();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    assert_eq!(grids[0], "PAGOPA|002|301000000000000144|01234567897|12550");

    // The Data Matrix: sample the rendering at the centre of each module where the layout
    // draws it, decode, and read the fields a Poste counter takes.
    let payload = datamatrix_at(&page, mypay::avviso::pdf::DATAMATRIX_AT);
    let back = mypay::domain::datamatrix::read_poste_datamatrix(&payload).unwrap();
    assert_eq!(back.notice.as_str(), "301000000000000144");
    assert_eq!(back.amount.cents(), 12550);
    assert_eq!(back.entity.as_str(), "01234567897");
    assert_eq!(back.account, "1234567");
}

/// The id of the first dovuto of `cod_ipa` in `state` with a notice number.
pub fn dovuto_id(s: &crate::support::TestServer, cod_ipa: &str, state: &str) -> i64 {
    use diesel::prelude::*;
    use mypay::db::schema::{dovuti, entities};
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .inner_join(entities::table)
        .filter(entities::cod_ipa.eq(cod_ipa))
        .filter(dovuti::state.eq(state))
        .filter(dovuti::notice_number.is_not_null())
        .select(dovuti::id)
        .order(dovuti::id.asc())
        .first(&mut *c)
        .unwrap()
}

#[tokio::test]
async fn the_back_office_downloads_notices_it_may_see() {
    let s = crate::support::TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let payable = dovuto_id(&s, "c_demo", "PREDISPOSTO");
    let paid = dovuto_id(&s, "c_demo", "COMPLETATO");
    let other = dovuto_id(&s, "aulss_demo", "PREDISPOSTO");
    let path = |id: i64| format!("/admin/dovuti/{id}/avviso.pdf");

    let mut admin = crate::support::Browser::new(&s);
    assert_eq!(admin.login("admin", &creds["admin"]).await.status, 303);
    let list = admin.get("/admin/dovuti").await;
    assert!(
        list.body.contains("/avviso.pdf\">Avviso</a>"),
        "the list links notices"
    );
    let pdf = admin.get(&path(payable)).await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with("%PDF-"), "a PDF");
    let refused = admin.get(&path(paid)).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("già pagato"), "{}", refused.body);

    // An operator of the Comune does not even learn that the ULSS's dovuto exists.
    let mut op = crate::support::Browser::new(&s);
    assert_eq!(
        op.login("operatore.borgo", &creds["operatore.borgo"])
            .await
            .status,
        303
    );
    assert_eq!(op.get(&path(payable)).await.status, 200);
    assert_eq!(op.get(&path(other)).await.status, 404);
    // Not logged in: to the login page.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{}", s.base, path(payable)))
        .send()
        .await
        .unwrap();
    assert_ne!(anon.status(), 200);
}

#[test]
fn a_notice_without_due_date_says_so() {
    let notice = NoticeNumber::parse("301000000000000144").unwrap();
    let entity = PartitaIva::parse("01234567897").unwrap();
    let pdf = render(&Notice {
        entity_name: "Comune di Borgo Demo",
        entity_sector: None,
        entity_cf: &entity,
        logo: None,
        debtor_name: "Nicolò Ştefănescu-Łukasiewicz",
        debtor_id: "RSSMRA85T10A562S",
        debtor_address: None,
        subject: "Diritti di segreteria",
        single: Some(Payment {
            notice: &notice,
            amount: AmountCents::from_cents(1600).unwrap(),
            due_date: None,
            number: 0,
        }),
        instalments: Vec::new(),
        plan_size: 0,
        texts: mypay::avviso::lang::Texts::of(mypay::domain::NoticeLanguage::Italian),
        postal: None,
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = crate::pdftools::text(file.to_str().unwrap());
    assert!(
        text.contains("16,00 Euro (avviso senza scadenza)"),
        "{text}"
    );
    assert!(
        !text.contains("entro il") && !text.contains("BOLLETTINO"),
        "{text}"
    );
    // The embedded fonts cover Latin-1 and Latin Extended-A (names from all over Europe).
    assert!(text.contains("Nicolò Ştefănescu-Łukasiewicz"), "{text}");
}
