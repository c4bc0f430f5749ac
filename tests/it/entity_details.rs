//! An entity's details on its own page: the language its notices are printed in, and an
//! SVG logo, checked and kept as the PNG the notices print.

use crate::avviso::dovuto_id;
use crate::flussi_web::entity_id;
use crate::pdftools::text;
use crate::support::{csrf_of, Browser, TestServer};

const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">
  <script>alert('x')</script>
  <circle cx="30" cy="30" r="25" fill="#003366"/>
</svg>"##;

fn details<'a>(csrf: &'a str, language: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("name", "Comune di Borgo Demo"),
        ("email", ""),
        ("sector", ""),
        ("language", language),
    ]
}

async fn upload(b: &mut Browser, path: &str, csrf: &str, bytes: &[u8]) -> crate::support::Page {
    let parts = [
        ("csrf", None, csrf.as_bytes()),
        ("back", None, b"entity".as_slice()),
        ("logo", Some("logo.svg"), bytes),
    ];
    b.post_multipart(path, &parts).await
}

fn notice_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.pdf");
    std::fs::write(&file, bytes).unwrap();
    text(file.to_str().unwrap())
}

#[tokio::test]
async fn the_notice_language_chosen_on_the_entity_page_prints_its_notices() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let id = entity_id(&s, "c_demo");
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let page = admin.get(&format!("/admin/entities/{id}")).await;
    assert!(page
        .body
        .contains(r#"<option value="it" selected>Italiano</option>"#));
    let csrf = csrf_of(&page.body);
    let path = format!("/admin/entities/{id}/details");
    let wrong = admin.post(&path, &details(&csrf, "fr")).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("lingua degli avvisi"), "{}", wrong.body);

    let dovuto = dovuto_id(&s, "c_demo", "PREDISPOSTO");
    let pdf = format!("/admin/dovuti/{dovuto}/avviso.pdf");
    let it = notice_text(&admin.get(&pdf).await.bytes);
    assert!(
        it.contains("AVVISO DI PAGAMENTO") && it.contains("DOVE PAGARE?"),
        "{it}"
    );

    assert_eq!(admin.post(&path, &details(&csrf, "de")).await.status, 303);
    let page = admin.get(&format!("/admin/entities/{id}")).await;
    assert!(page
        .body
        .contains(r#"<option value="de" selected>Deutsch</option>"#));
    let de = notice_text(&admin.get(&pdf).await.bytes);
    assert!(
        de.contains("ZAHLUNGSMITTEILUNG") && de.contains("WO ZAHLEN?"),
        "{de}"
    );
    assert!(
        de.contains("Körperschaft") && !de.contains("DOVE PAGARE"),
        "{de}"
    );

    // A form without the field leaves the language as it is.
    let mut kept = details(&csrf, "");
    kept.pop();
    assert_eq!(admin.post(&path, &kept).await.status, 303);
    let en_before = admin.get(&format!("/admin/entities/{id}")).await;
    assert!(en_before.body.contains(r#"<option value="de" selected>"#));
    assert_eq!(admin.post(&path, &details(&csrf, "en")).await.status, 303);
    let en = notice_text(&admin.get(&pdf).await.bytes);
    assert!(
        en.contains("PAYMENT NOTICE") && en.contains("WHERE TO PAY?"),
        "{en}"
    );
}

#[tokio::test]
async fn an_svg_logo_uploaded_on_the_entity_page_is_kept_as_a_png() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let id = entity_id(&s, "c_demo");
    let mut op = Browser::new(&s);
    op.login("admin", &creds["admin"]).await;
    let page = op.get(&format!("/admin/entities/{id}")).await;
    let path = format!("/admin/entities/{id}/logo");
    assert!(
        page.body.contains(&format!(r#"action="{path}""#)),
        "the form is on the page"
    );
    let csrf = csrf_of(&page.body);
    let sent = upload(&mut op, &path, &csrf, LOGO.as_bytes()).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let back = format!("/admin/entities/{id}");
    assert_eq!(
        sent.location.as_deref(),
        Some(back.as_str()),
        "back to the entity page"
    );
    let stored = op.get(&path).await;
    let png = image::load_from_memory_with_format(&stored.bytes, image::ImageFormat::Png)
        .expect("served as a PNG");
    assert_eq!((png.width(), png.height()), (600, 300));
    assert!(!String::from_utf8_lossy(&stored.bytes).contains("script"));
    let page = op.get(&format!("/admin/entities/{id}")).await;
    assert!(page.body.contains(&format!(r#"<img src="{path}""#)));

    // Text the notice could not print and a DTD are refused; the PNG stays.
    let text_logo =
        br#"<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>Borgo</text></svg>"#;
    let refused = upload(&mut op, &path, &csrf, text_logo).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("converta il testo in tracciati"),
        "{}",
        refused.body
    );
    let dtd = br#"<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>"#;
    assert_eq!(upload(&mut op, &path, &csrf, dtd).await.status, 400);
    assert_eq!(op.get(&path).await.bytes, stored.bytes);
}
