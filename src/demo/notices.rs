//! Demo data for payment notices: a logo per entity, Poste's print authorisation on postal
//! due types, and a TARI instalment plan (single solution + 3 instalments).

use super::people;
use crate::db::models::{dovuto, dovuto::NewDovuto, registry};
use crate::db::{iuv::next_iuvs, AnyConnection, DbError};
use crate::domain::{AuxDigit, DovutoState, NoticeNumber, SegregationCode};
use chrono::{Duration, NaiveDateTime};

/// A 240×120 PNG crest in the entity's colour: a shield with a white band.
pub fn logo_png(hue: usize) -> Result<Vec<u8>, String> {
    const COLOURS: [[u8; 3]; 3] = [[0, 102, 204], [0, 128, 96], [160, 32, 48]];
    let [r, g, b] = COLOURS[hue % COLOURS.len()];
    let (w, h) = (240u32, 120u32);
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        let (cx, x, y) = (60.0, x as f32, y as f32);
        // Shield: a rectangle on top, narrowing to a point at the bottom.
        let half = if y < 60.0 {
            50.0
        } else {
            50.0 * (115.0 - y) / 55.0
        };
        let inside = y > 5.0 && y < 115.0 && (x - cx).abs() < half;
        let band = (y - 45.0).abs() < 8.0;
        let bar = x > 125.0 && x < 235.0 && (y - 60.0).abs() < 10.0;
        match (inside, band, bar) {
            (true, true, _) => image::Rgba([255, 255, 255, 255]),
            (true, false, _) | (false, _, true) => image::Rgba([r, g, b, 255]),
            _ => image::Rgba([0, 0, 0, 0]),
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// Logos on every entity and an authorisation on every postal due type.
pub fn decorate(c: &mut AnyConnection, now: NaiveDateTime) -> Result<(), DbError> {
    for (i, id) in registry::entity_ids(c)?.into_iter().enumerate() {
        let png = logo_png(i).map_err(DbError::Rule)?;
        registry::set_logo(c, id, png, "image/png", now)?;
    }
    registry::authorise_postal_printing(c, "AUT/DEMO/2026/0001")
}

/// A TARI plan for one citizen: 300 € at once, or three instalments of 100 €.
pub fn seed_plan(
    c: &mut AnyConnection,
    now: NaiveDateTime,
    (entity_id, due_type_id, coll, seg): (i64, i64, &str, SegregationCode),
) -> Result<(), DbError> {
    let who = people::person(1000);
    let iuvs = next_iuvs(c, entity_id, seg, 4)?;
    let mut rows = Vec::new();
    for (k, iuv) in iuvs.into_iter().enumerate() {
        let notice = NoticeNumber::from_iuv(AuxDigit::Three, None, &iuv)
            .map_err(|e| DbError::Rule(e.to_string()))?;
        let (instalment, amount, days, label) = match k {
            0 => (None, 30_000, 30, "unica soluzione".to_owned()),
            n => (
                Some(n as i32),
                10_000,
                30 + 60 * (n as i64 - 1),
                format!("rata {n} di 3"),
            ),
        };
        rows.push(NewDovuto {
            entity_id,
            due_type_id,
            iud: format!(
                "DEMO-PIANO-TARI-{}",
                instalment.map_or("U".into(), |n| format!("R{n}"))
            ),
            iuv: Some(iuv.as_str().to_owned()),
            notice_number: Some(notice.as_str().to_owned()),
            state: DovutoState::Payable,
            debtor_kind: who.kind.to_owned(),
            debtor_id: who.fiscal_code.clone(),
            debtor_name: who.name.clone(),
            debtor_email: Some(who.email.clone()),
            amount_cents: amount,
            due_date: Some(now.date() + Duration::days(days)),
            causale: format!("/RFB/{iuv}/{}/TXT/TARI 2026 {label}", amount / 100),
            collection_data: coll.to_owned(),
            generate_iuv: true,
            created_at: now,
            updated_at: now,
            iuv_assigned_at: Some(now),
            paid_at: None,
            flusso_id: None,
            plan_code: Some("TARI-2026-PIANO-1".into()),
            instalment,
            bilancio: None,
        });
    }
    dovuto::insert_many(c, &rows)?;
    Ok(())
}
