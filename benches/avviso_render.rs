//! Per-notice rendering cost on one thread, beside the floor measured in the same run: a
//! one-line PDF with the same embedded fonts through the same PDF library. Prints RESULT
//! lines (run by benches/avvisi.sh, or `cargo bench --bench avviso_render`).

use mypay::avviso::canvas::{Document, Logo};
use mypay::avviso::pdf::{Notice, Payment, PostalAccount};
use mypay::avviso::render::render;
use mypay::domain::{AmountCents, NoticeNumber, PartitaIva};
use std::time::Instant;

fn floor() -> Vec<u8> {
    let mut doc = Document::new("floor").expect("fonts");
    let mut page = doc.page();
    page.text(
        15.0,
        280.0,
        12.0,
        false,
        "Avviso di pagamento 3010 0000 0000 0001 44",
    );
    page.text(15.0, 270.0, 12.0, true, "125,50 Euro");
    doc.push(page);
    doc.finish()
}

fn logo() -> Logo {
    let img = image::RgbaImage::from_fn(240, 120, |x, y| {
        image::Rgba([0, 102, 204, if (x + y) % 7 == 0 { 0 } else { 255 }])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png)
        .expect("png");
    Logo::decode(png.get_ref()).expect("logo")
}

fn main() {
    let notice = NoticeNumber::parse("301000000000000144").expect("notice");
    let cf = PartitaIva::parse("01234567897").expect("cf");
    let logo = logo();
    let n = Notice {
        entity_name: "Comune di Borgo Demo",
        entity_sector: Some("Servizio Tributi"),
        entity_cf: &cf,
        logo: Some(&logo),
        debtor_name: "Mario Rossi",
        debtor_id: "RSSMRA85T10A562S",
        debtor_address: Some("Via dei Mille 12, 20100 Milano (MI)"),
        subject: "/RFB/01000000000000144/TXT/TARI 2026 rata unica",
        single: Some(Payment {
            notice: &notice,
            amount: AmountCents::from_cents(12550).expect("amount"),
            due_date: chrono::NaiveDate::from_ymd_opt(2027, 12, 31),
            number: 0,
        }),
        instalments: Vec::new(),
        plan_size: 0,
        texts: mypay::avviso::lang::Texts::of(mypay::domain::NoticeLanguage::Italian),
        postal: Some(PostalAccount {
            number: "12345678".into(),
            holder: "Comune di Borgo Demo - Tesoreria".into(),
            authorisation: Some("AUT/BENCH/0001".into()),
        }),
    };
    let rounds = 5;
    let per_round = 200;
    let (mut floor_s, mut notice_s) = (0.0, 0.0);
    let _ = (floor(), render(&n)); // warm-up: fonts parsed once per process
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..per_round {
            std::hint::black_box(floor());
        }
        floor_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for _ in 0..per_round {
            std::hint::black_box(render(&n).expect("render"));
        }
        notice_s += t.elapsed().as_secs_f64();
    }
    let total = f64::from(rounds * per_round);
    let (bytes, size) = (floor().len(), render(&n).expect("render").len());
    println!(
        "RESULT baseline render-floor per_s={:.0} ms={:.2} bytes={bytes}",
        total / floor_s,
        floor_s * 1e3 / total
    );
    println!(
        "RESULT render notice per_s={:.0} ms={:.2} bytes={size} ratio_to_floor={:.2}",
        total / notice_s,
        notice_s * 1e3 / total,
        (total / notice_s) / (total / floor_s)
    );
}
