//! A whole payment notice put together: the first page from [`super::pdf`]'s parts, then the
//! instalment pages of [`super::instalments`].

use super::canvas::{AvvisoError, Document};
use super::instalments;
use super::pdf::{date, due_words, euro, header, payment_block, postal_part, Notice, Payment};
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
    let mut doc = Document::new(&format!("Avviso di pagamento {}", first.notice.as_str()))?;
    let logo = n.logo.map(|l| doc.logo(l));
    let mut p = doc.page();
    header(&mut p, n, logo.as_ref(), "AVVISO DI PAGAMENTO");
    p.text(15.0, 233.0, 8.0, true, "QUANTO E QUANDO PAGARE?");
    let count = n.instalments.len();
    let total = n.instalments.iter().map(|i| i.amount.cents()).sum::<i64>();
    let (headline, note) = match (&n.single, count) {
        (Some(s), 0) => (when(s), None),
        (Some(s), k) => (
            when(s),
            Some(format!(
                "in un'unica soluzione, oppure in {k} rate (pagine seguenti)"
            )),
        ),
        (None, k) => (
            format!(
                "{} in {k} rate",
                euro(AmountCents::from_cents(total).unwrap_or_default())
            ),
            Some(format!("la prima {}", due_words(first.due_date))),
        ),
    };
    p.text(15.0, 226.0, 14.0, true, &headline);
    if let Some(note) = note {
        p.fitted(120.0, 226.0, 9.0, false, 75.0, &note);
    }
    p.fitted(15.0, 220.0, 8.0, false, 180.0, "L'importo è aggiornato automaticamente dal sistema e potrebbe subire variazioni per eventuali sgravi, note di credito, indennità di mora, sanzioni o interessi.");
    p.text(15.0, 213.0, 8.0, true, "DOVE PAGARE?");
    let channels = [
        "Con l'app IO, sul sito o l'app del tuo Ente Creditore, della tua banca o di altri canali abilitati a pagoPA.",
        "Sul territorio: in banca, negli uffici postali, nei punti vendita abilitati (ricevitorie, tabaccherie, supermercati) e agli ATM.",
    ];
    for (i, line) in channels.iter().enumerate() {
        p.fitted(15.0, 207.0 - i as f32 * 5.0, 9.0, false, 180.0, line);
    }
    p.rule(188.0);
    match &n.single {
        Some(single) => {
            let label = if count == 0 {
                "BANCHE E ALTRI CANALI"
            } else {
                "RATA UNICA - BANCHE E ALTRI CANALI"
            };
            payment_block(&mut p, n, single, label, 180.0, 0.9)?;
            if let Some(postal) = &n.postal {
                postal_part(&mut p, n, single, postal)?;
            }
        }
        None => instalments::summary(&mut p, &n.instalments, n.plan_size, 180.0),
    }
    doc.push(p);
    instalments::pages_into(&mut doc, n, logo.as_ref())?;
    Ok(doc.finish())
}

fn when(s: &Payment<'_>) -> String {
    match s.due_date {
        Some(d) => format!("{} entro il {}", euro(s.amount), date(d)),
        None => format!("{} (avviso senza scadenza)", euro(s.amount)),
    }
}
