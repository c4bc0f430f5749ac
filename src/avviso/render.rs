//! A whole payment notice put together: the first page from [`super::pdf`]'s parts, then the
//! instalment pages of [`super::instalments`].

use super::canvas::{AvvisoError, Document};
use super::instalments;
use super::lang::{euro, Texts};
use super::pdf::{header, payment_block, postal_part, Notice, Payment};
use crate::domain::AmountCents;

/// Pages a notice has: the first page plus the instalment pages.
pub fn page_count(instalments: usize, postal: bool) -> usize {
    1 + instalments::pages_with(instalments, postal)
}

/// Renders the notice as PDF bytes.
pub fn render(n: &Notice<'_>) -> Result<Vec<u8>, AvvisoError> {
    let first = n
        .single
        .or_else(|| n.instalments.first().copied())
        .ok_or_else(|| AvvisoError::Code("l'avviso non ha alcuna opzione di pagamento".into()))?;
    let t = n.texts;
    let mut doc = Document::new(&format!("{} {}", t.title, first.notice.as_str()))?;
    let logo = n.logo.map(|l| doc.logo(l));
    let mut p = doc.page();
    header(&mut p, n, logo.as_ref(), t.title);
    p.text(15.0, 233.0, 8.0, true, t.how_much);
    let count = n.instalments.len();
    let total = n.instalments.iter().map(|i| i.amount.cents()).sum::<i64>();
    let (headline, note) = match (&n.single, count) {
        (Some(s), 0) => (when(t, s), None),
        (Some(s), k) => (
            when(t, s),
            Some(t.or_instalments.replace("{k}", &k.to_string())),
        ),
        (None, k) => (
            t.in_instalments
                .replace(
                    "{amount}",
                    &euro(AmountCents::from_cents(total).unwrap_or_default()),
                )
                .replace("{k}", &k.to_string()),
            Some(t.first.replace("{due}", &t.due_words(first.due_date))),
        ),
    };
    p.text(15.0, 226.0, 14.0, true, &headline);
    if let Some(note) = note {
        p.fitted(120.0, 226.0, 9.0, false, 75.0, &note);
    }
    p.fitted(15.0, 220.0, 8.0, false, 180.0, t.amount_note);
    p.text(15.0, 213.0, 8.0, true, t.where_to_pay);
    for (i, line) in t.channels.iter().enumerate() {
        p.fitted(15.0, 207.0 - i as f32 * 5.0, 9.0, false, 180.0, line);
    }
    p.rule(188.0);
    match &n.single {
        Some(single) => {
            let label = if count == 0 { t.banks } else { t.single_banks };
            payment_block(&mut p, n, single, label, 180.0, 0.9)?;
            if let Some(postal) = &n.postal {
                postal_part(&mut p, n, single, postal)?;
            }
        }
        None => instalments::summary(&mut p, n, 180.0),
    }
    doc.push(p);
    instalments::pages_into(&mut doc, n, logo.as_ref())?;
    Ok(doc.finish())
}

fn when(t: &Texts, s: &Payment<'_>) -> String {
    match s.due_date {
        Some(_) => format!("{} {}", euro(s.amount), t.due_words(s.due_date)),
        None => format!("{} {}", euro(s.amount), t.no_due_notice),
    }
}
