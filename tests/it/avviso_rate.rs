//! Notices with instalments: page counts, one readable QR code (and Data Matrix) per
//! option, the entity logo, a structural snapshot, and the demo plan from the back office.

use crate::pdftools::{datamatrix_at, pages, rasterise, text, tool};
use mypay::avviso::canvas::Logo;
use mypay::avviso::instalments::slot_datamatrix_at;
use mypay::avviso::pdf::{Notice, Payment, PostalAccount};
use mypay::avviso::render::{page_count, render};
use mypay::domain::{AmountCents, NoticeNumber, PartitaIva};

fn numbers() -> Vec<NoticeNumber> {
    [
        "301000000000000144",
        "301000000000000245",
        "301000000000000346",
        "301000000000000447",
    ]
    .iter()
    .map(|n| NoticeNumber::parse(n).unwrap())
    .collect()
}

fn logo() -> Logo {
    let img = image::RgbaImage::from_fn(60, 30, |x, _| image::Rgba([0, 90, (x * 4) as u8, 255]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    Logo::decode(png.get_ref()).unwrap()
}

fn notice<'a>(
    n: &'a [NoticeNumber],
    cf: &'a PartitaIva,
    logo: Option<&'a Logo>,
    single: bool,
    postal: bool,
) -> Notice<'a> {
    let pay = |i: usize, cents: i64, month: u32| Payment {
        notice: &n[i],
        amount: AmountCents::from_cents(cents).unwrap(),
        due_date: chrono::NaiveDate::from_ymd_opt(2027, month, 15),
        number: i as u32,
    };
    Notice {
        entity_name: "Comune di Borgo Demo",
        entity_sector: Some("Servizio Tributi"),
        entity_cf: cf,
        logo,
        debtor_name: "Maria Bianchi",
        debtor_id: "BNCMRA80A41F205X",
        debtor_address: Some("Piazza Grande 1, 30100 Venezia (VE)"),
        subject: "TARI 2026",
        single: single.then(|| pay(0, 30000, 1)),
        instalments: vec![pay(1, 10000, 2), pay(2, 10000, 4), pay(3, 10000, 6)],
        plan_size: 3,
        texts: mypay::avviso::lang::Texts::of(mypay::domain::NoticeLanguage::Italian),
        postal: postal.then(|| PostalAccount {
            number: "1234567".into(),
            holder: "Comune di Borgo Demo".into(),
            authorisation: Some("AUT/2026/0001".into()),
        }),
    }
}

fn qr(n: &NoticeNumber, cents: i64) -> String {
    format!("PAGOPA|002|{}|01234567897|{cents}", n.as_str())
}

#[test]
fn three_instalments_and_the_single_solution_on_two_pages() {
    let (n, cf, logo) = (numbers(), PartitaIva::parse("01234567897").unwrap(), logo());
    let pdf = render(&notice(&n, &cf, Some(&logo), true, false)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rate.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let path = file.to_str().unwrap();

    assert_eq!(pages(path), 2);
    assert_eq!(page_count(3, false), 2);
    assert_eq!(
        rasterise(path, 1, dir.path()).qr_codes(),
        vec![qr(&n[0], 30000)]
    );
    assert_eq!(
        rasterise(path, 2, dir.path()).qr_codes(),
        vec![qr(&n[1], 10000), qr(&n[2], 10000), qr(&n[3], 10000)],
        "3 instalments on one page, each with its own QR code"
    );
    let t = text(path);
    for expected in [
        "oppure in 3 rate",
        "RATA 1 DI 3",
        "RATA 3 DI 3",
        "15/06/2027",
        "300,00 Euro",
    ] {
        assert!(t.contains(expected), "{expected:?} missing:\n{t}");
    }
    // The logo is on every page.
    let images = String::from_utf8(tool("pdfimages", &["-list", path])).unwrap();
    assert_eq!(images.lines().skip(2).count(), 2, "{images}");

    // Structural snapshot: the text in content order, page by page. Regenerate with
    // MYPAY_UPDATE_GOLDEN=1 after an intended layout change and review the diff.
    let raw = String::from_utf8(tool("pdftotext", &["-raw", path, "-"])).unwrap();
    let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/avviso_rate.txt");
    if std::env::var_os("MYPAY_UPDATE_GOLDEN").is_some() {
        std::fs::write(golden, &raw).unwrap();
    }
    assert_eq!(
        raw,
        std::fs::read_to_string(golden).unwrap(),
        "layout changed"
    );
}

#[test]
fn with_a_postal_account_every_instalment_has_its_bollettino() {
    let (n, cf) = (numbers(), PartitaIva::parse("01234567897").unwrap());
    let pdf = render(&notice(&n, &cf, None, false, true)).unwrap();
    if let Some(out) = std::env::var_os("MYPAY_KEEP_AVVISO") {
        std::fs::write(out, &pdf).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rate.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let path = file.to_str().unwrap();

    // Summary page, then 2 instalments per page: 1 + 2 pages.
    assert_eq!(pages(path), 3);
    assert_eq!(page_count(3, true), 3);
    let first = rasterise(path, 1, dir.path());
    assert!(first.qr_codes().is_empty(), "no single solution to pay");
    let t = text(path);
    assert!(t.contains("300,00 Euro in 3 rate"), "{t}");
    for (page, slot, option) in [(2, 0, 1), (2, 1, 2), (3, 0, 3)] {
        let raster = rasterise(path, page, dir.path());
        let payload = datamatrix_at(&raster, slot_datamatrix_at(slot));
        let back = mypay::domain::datamatrix::read_poste_datamatrix(&payload).unwrap();
        assert_eq!(back.notice, n[option], "page {page} slot {slot}");
        assert_eq!(back.amount.cents(), 10000);
    }
    assert_eq!(
        rasterise(path, 3, dir.path()).qr_codes(),
        vec![qr(&n[3], 10000)]
    );
}

#[tokio::test]
async fn the_demo_plan_prints_its_options_until_an_instalment_is_paid() {
    use crate::node::state_of;
    use diesel::prelude::*;
    let s = crate::support::TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let plan: Vec<(i64, Option<i32>, String)> = {
        use mypay::db::schema::dovuti;
        let mut c = s.state.db.get().unwrap();
        dovuti::table
            .filter(dovuti::plan_code.eq("TARI-2026-PIANO-1"))
            .select((
                dovuti::id,
                dovuti::instalment,
                dovuti::notice_number.assume_not_null(),
            ))
            .order(dovuti::id)
            .load(&mut *c)
            .unwrap()
    };
    assert_eq!(plan.len(), 4);
    let mut op = crate::support::Browser::new(&s);
    assert_eq!(
        op.login("operatore.borgo", &creds["operatore.borgo"])
            .await
            .status,
        303
    );
    let dir = tempfile::tempdir().unwrap();
    let download = |name: &str, bytes: &[u8]| {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        file.to_str().unwrap().to_owned()
    };
    // Any option of the plan prints the whole plan: TARI has a postal account, so
    // 1 + 2 pages.
    let pdf = op
        .get(&format!("/admin/dovuti/{}/avviso.pdf", plan[2].0))
        .await;
    assert_eq!(pdf.status, 200);
    let path = download("plan.pdf", &pdf.bytes);
    assert_eq!(pages(&path), 3);
    assert!(text(&path).contains("RATA 3 DI 3"));

    // The first instalment is paid: the single solution is no longer offered.
    crate::node::pay(&s, "c_demo", &plan[1].2).await;
    assert_eq!(state_of(&s, &plan[1].2), "COMPLETATO");
    let pdf = op
        .get(&format!("/admin/dovuti/{}/avviso.pdf", plan[2].0))
        .await;
    let path = download("rest.pdf", &pdf.bytes);
    let t = text(&path);
    assert!(
        t.contains("in 2 rate") && !t.contains("unica soluzione"),
        "{t}"
    );
    assert!(
        t.contains("RATA 2 DI 3") && !t.contains("RATA 1 DI 3"),
        "{t}"
    );
    assert_eq!(pages(&path), 2);
}

#[tokio::test]
async fn an_operator_replaces_the_entity_logo_printed_on_notices() {
    let s = crate::support::TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = crate::support::Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let page = op.get("/admin/entities").await;
    let csrf = crate::support::csrf_of(&page.body);
    let id: i64 = {
        use diesel::prelude::*;
        use mypay::db::schema::entities;
        let mut c = s.state.db.get().unwrap();
        entities::table
            .filter(entities::cod_ipa.eq("c_demo"))
            .select(entities::id)
            .first(&mut *c)
            .unwrap()
    };
    let path = format!("/admin/entities/{id}/logo");
    assert!(
        page.body.contains(&path),
        "the list shows the logo and its form"
    );
    let img = image::RgbaImage::from_fn(90, 45, |x, y| image::Rgba([200, (x + y) as u8, 0, 255]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let png = png.into_inner();
    let sent = op
        .post_multipart(
            &path,
            &[
                ("csrf", None, csrf.as_bytes()),
                ("logo", Some("logo.png"), &png),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        op.get(&path).await.bytes,
        png,
        "the new logo is stored as uploaded"
    );

    // Not an image, too large, or another entity: refused, nothing changes.
    let text = op
        .post_multipart(
            &path,
            &[
                ("csrf", None, csrf.as_bytes()),
                ("logo", Some("x.png"), b"hello"),
            ],
        )
        .await;
    assert_eq!(text.status, 400);
    assert!(text.body.contains("PNG, JPEG o SVG"), "{}", text.body);
    let big = vec![0u8; 600 * 1024];
    let large = op
        .post_multipart(
            &path,
            &[
                ("csrf", None, csrf.as_bytes()),
                ("logo", Some("big.png"), &big),
            ],
        )
        .await;
    assert_eq!(large.status, 400);
    let other = op
        .post_multipart(
            &format!("/admin/entities/{}/logo", id + 1),
            &[
                ("csrf", None, csrf.as_bytes()),
                ("logo", Some("logo.png"), &png),
            ],
        )
        .await;
    assert_eq!(other.status, 404);
    assert_eq!(op.get(&path).await.bytes, png);

    // The notice carries it: one image per page.
    let dovuto = crate::avviso::dovuto_id(&s, "c_demo", "PREDISPOSTO");
    let pdf = op.get(&format!("/admin/dovuti/{dovuto}/avviso.pdf")).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.pdf");
    std::fs::write(&file, &pdf.bytes).unwrap();
    let images = String::from_utf8(tool("pdfimages", &["-list", file.to_str().unwrap()])).unwrap();
    assert!(
        images
            .lines()
            .nth(2)
            .is_some_and(|l| l.contains(" 90 ") && l.contains(" 45 ")),
        "{images}"
    );
}
