//! Instalment pages of a notice: the header again, then one slot per instalment with its own
//! payment data and QR code — 3 per page when the count is a multiple of 3, otherwise 2 —
//! and, with a postal account, each slot's own Bollettino Postale PA part (2 per page, the
//! Data Matrix needs the room).

use super::canvas::{Document, Page, PlacedLogo};
use super::lang::euro;
use super::pdf::{header, payment_block, postal_symbol, AvvisoError, Notice, Payment};

/// Top of the slot area (below the header), mm from the bottom edge.
const AREA_TOP: f32 = 234.0;
/// Height of the slot area.
const AREA_HEIGHT: f32 = 219.0;
/// Instalment lines the first-page summary lists before "e altre N rate".
const SUMMARY_LINES: usize = 12;

/// Instalments per page for `count` instalments.
pub fn per_page(count: usize, postal: bool) -> usize {
    if !postal && count % 3 == 0 {
        3
    } else {
        2
    }
}

/// Instalment pages for `count` instalments.
pub fn pages_with(count: usize, postal: bool) -> usize {
    count.div_ceil(per_page(count, postal))
}

fn slot_top(slot: usize, per_page: usize) -> f32 {
    AREA_TOP - slot as f32 * (AREA_HEIGHT / per_page as f32)
}

/// Where slot `slot` (0 or 1 on its page) of a notice with a postal account draws its Data
/// Matrix: left edge, top edge (mm from the bottom-left corner) and module size in mm.
pub fn slot_datamatrix_at(slot: usize) -> (f32, f32, f32) {
    (150.0, slot_top(slot, 2) - 52.0, 0.6)
}

/// The instalment table on the first page of a notice without a single solution.
pub(super) fn summary(p: &mut Page, n: &Notice<'_>, top: f32) {
    let (t, instalments, plan_size) = (n.texts, &n.instalments, n.plan_size);
    p.text(15.0, top, 8.0, true, t.instalments);
    let columns = [
        (15.0, t.instalment),
        (35.0, t.notice_code),
        (95.0, t.amount),
        (135.0, t.due_column),
    ];
    for (x, label) in columns {
        p.text(x, top - 6.0, 8.0, true, label);
    }
    for (i, pay) in instalments.iter().take(SUMMARY_LINES).enumerate() {
        let y = top - 12.0 - i as f32 * 5.0;
        p.text(15.0, y, 9.0, false, &format!("{}/{plan_size}", pay.number));
        p.text(35.0, y, 9.0, false, &pay.notice.formatted());
        p.text(95.0, y, 9.0, false, &euro(pay.amount));
        p.text(135.0, y, 9.0, false, &t.due_cell(pay.due_date));
    }
    if instalments.len() > SUMMARY_LINES {
        let y = top - 12.0 - SUMMARY_LINES as f32 * 5.0;
        let rest = instalments.len() - SUMMARY_LINES;
        let more = t.more_instalments.replace("{rest}", &rest.to_string());
        p.text(15.0, y, 9.0, false, &more);
    }
    let y = top - 18.0 - SUMMARY_LINES.min(instalments.len()) as f32 * 5.0;
    p.text(15.0, y, 9.0, false, t.each_instalment);
}

/// Appends the instalment pages.
pub(super) fn pages_into(
    doc: &mut Document,
    n: &Notice<'_>,
    logo: Option<&PlacedLogo>,
) -> Result<(), AvvisoError> {
    let count = n.instalments.len();
    if count == 0 {
        return Ok(());
    }
    let per = per_page(count, n.postal.is_some());
    for chunk in n.instalments.chunks(per) {
        let mut p = doc.page();
        header(&mut p, n, logo, n.texts.title_instalments);
        for (slot, pay) in chunk.iter().enumerate() {
            slot_into(&mut p, n, pay, slot, per)?;
        }
        doc.push(p);
    }
    Ok(())
}

fn slot_into(
    p: &mut Page,
    n: &Notice<'_>,
    pay: &Payment<'_>,
    slot: usize,
    per: usize,
) -> Result<(), AvvisoError> {
    let top = slot_top(slot, per);
    if slot > 0 {
        p.rule(top + 4.0);
    }
    let t = n.texts;
    let title = t
        .instalment_title
        .replace("{n}", &pay.number.to_string())
        .replace("{of}", &n.plan_size.to_string())
        .replace("{amount}", &euro(pay.amount))
        .replace("{due}", &t.due_words(pay.due_date));
    p.text(15.0, top, 10.0, true, &title);
    payment_block(p, n, pay, t.banks, top - 6.0, 0.8)?;
    if let Some(postal) = &n.postal {
        let dm = postal_symbol(n, pay, postal)?;
        let y = top - 56.0;
        p.text(15.0, y, 8.0, true, t.postal);
        let account = format!("{} {}", t.account, postal.number);
        p.text(15.0, y - 6.0, 9.0, false, &account);
        let holder = format!("{} {}", t.holder, postal.holder);
        p.fitted(15.0, y - 11.0, 9.0, false, 120.0, &holder);
        p.text(15.0, y - 17.0, 8.0, false, t.notice_code);
        p.text(45.0, y - 17.0, 11.0, true, &pay.notice.formatted());
        p.text(15.0, y - 22.0, 8.0, false, t.kind_amount);
        p.text(45.0, y - 22.0, 11.0, true, &euro(pay.amount));
        if let Some(auth) = &postal.authorisation {
            p.fitted(15.0, y - 27.0, 7.0, false, 120.0, &format!("Aut. {auth}"));
        }
        let (x, y_top, module) = slot_datamatrix_at(slot);
        p.symbol(&dm, x, y_top, module);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(count: usize) -> usize {
        pages_with(count, false)
    }

    #[test]
    fn three_per_page_for_multiples_of_three_else_two() {
        assert_eq!((per_page(3, false), pages(3)), (3, 1));
        assert_eq!((per_page(6, false), pages(6)), (3, 2));
        assert_eq!((per_page(4, false), pages(4)), (2, 2));
        assert_eq!((per_page(5, false), pages(5)), (2, 3));
        assert_eq!(pages_with(3, true), 2);
        assert_eq!(pages(0), 0);
    }
}
