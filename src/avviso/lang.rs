//! Every word a payment notice prints, in each [`NoticeLanguage`]: the layout code takes
//! its text from here and nowhere else. `{…}` marks are filled by the helpers below.

use crate::domain::{AmountCents, NoticeLanguage};
use chrono::NaiveDate;

/// The words of one language.
#[derive(Debug)]
pub struct Texts {
    pub title: &'static str,
    pub title_instalments: &'static str,
    pub how_much: &'static str,
    /// `{k}`: the number of instalments.
    pub or_instalments: &'static str,
    /// `{amount}`, `{k}`.
    pub in_instalments: &'static str,
    /// `{due}`: the first instalment's due words.
    pub first: &'static str,
    pub amount_note: &'static str,
    pub where_to_pay: &'static str,
    pub channels: [&'static str; 2],
    pub banks: &'static str,
    pub single_banks: &'static str,
    /// `{date}`.
    pub by: &'static str,
    pub no_due: &'static str,
    pub no_due_notice: &'static str,
    pub entity: &'static str,
    pub recipient_heading: &'static str,
    pub fiscal_code: &'static str,
    pub recipient: &'static str,
    pub creditor: &'static str,
    pub subject: &'static str,
    pub subject_short: &'static str,
    pub notice_code: &'static str,
    pub creditor_cf: &'static str,
    pub amount: &'static str,
    pub postal: &'static str,
    pub account: &'static str,
    pub holder: &'static str,
    pub kind: &'static str,
    pub kind_amount: &'static str,
    pub instalments: &'static str,
    pub instalment: &'static str,
    pub due_column: &'static str,
    /// `{rest}`.
    pub more_instalments: &'static str,
    pub each_instalment: &'static str,
    /// `{n}`, `{of}`, `{amount}`, `{due}`.
    pub instalment_title: &'static str,
}

const IT: Texts = Texts {
    title: "AVVISO DI PAGAMENTO",
    title_instalments: "AVVISO DI PAGAMENTO - RATE",
    how_much: "QUANTO E QUANDO PAGARE?",
    or_instalments: "in un'unica soluzione, oppure in {k} rate (pagine seguenti)",
    in_instalments: "{amount} in {k} rate",
    first: "la prima {due}",
    amount_note: "L'importo è aggiornato automaticamente dal sistema e potrebbe subire variazioni per eventuali sgravi, note di credito, indennità di mora, sanzioni o interessi.",
    where_to_pay: "DOVE PAGARE?",
    channels: [
        "Con l'app IO, sul sito o l'app del tuo Ente Creditore, della tua banca o di altri canali abilitati a pagoPA.",
        "Sul territorio: in banca, negli uffici postali, nei punti vendita abilitati (ricevitorie, tabaccherie, supermercati) e agli ATM.",
    ],
    banks: "BANCHE E ALTRI CANALI",
    single_banks: "RATA UNICA - BANCHE E ALTRI CANALI",
    by: "entro il {date}",
    no_due: "senza scadenza",
    no_due_notice: "(avviso senza scadenza)",
    entity: "ENTE CREDITORE",
    recipient_heading: "DESTINATARIO AVVISO",
    fiscal_code: "Codice fiscale",
    recipient: "Destinatario",
    creditor: "Ente Creditore",
    subject: "Oggetto del pagamento",
    subject_short: "Oggetto",
    notice_code: "Codice Avviso",
    creditor_cf: "Cod. Fiscale Ente Creditore",
    amount: "Importo",
    postal: "BOLLETTINO POSTALE PA",
    account: "sul C/C n.",
    holder: "Intestato a",
    kind: "Tipo",
    kind_amount: "Tipo P1 - Importo",
    instalments: "RATE",
    instalment: "Rata",
    due_column: "Scadenza",
    more_instalments: "... e altre {rest} rate",
    each_instalment: "Ogni rata si paga con i dati riportati nelle pagine seguenti.",
    instalment_title: "RATA {n} DI {of} - {amount} {due}",
};

const DE: Texts = Texts {
    title: "ZAHLUNGSMITTEILUNG",
    title_instalments: "ZAHLUNGSMITTEILUNG - RATEN",
    how_much: "WIEVIEL UND WANN ZAHLEN?",
    or_instalments: "in einer Summe oder in {k} Raten (folgende Seiten)",
    in_instalments: "{amount} in {k} Raten",
    first: "die erste {due}",
    amount_note: "Der Betrag wird vom System automatisch aktualisiert und kann sich durch Ermäßigungen, Gutschriften, Verzugsentschädigungen, Strafen oder Zinsen ändern.",
    where_to_pay: "WO ZAHLEN?",
    channels: [
        "Mit der App IO, auf der Website oder in der App Ihrer Körperschaft, Ihrer Bank oder anderer für pagoPA zugelassener Kanäle.",
        "Vor Ort: in der Bank, bei der Post, in den zugelassenen Verkaufsstellen (Lotto, Tabakläden, Supermärkte) und an Geldautomaten.",
    ],
    banks: "BANKEN UND ANDERE KANÄLE",
    single_banks: "EINMALZAHLUNG - BANKEN UND ANDERE KANÄLE",
    by: "bis zum {date}",
    no_due: "ohne Fälligkeit",
    no_due_notice: "(Mitteilung ohne Fälligkeit)",
    entity: "GLÄUBIGERKÖRPERSCHAFT",
    recipient_heading: "EMPFÄNGER DER MITTEILUNG",
    fiscal_code: "Steuernummer",
    recipient: "Empfänger",
    creditor: "Körperschaft",
    subject: "Zahlungsgrund",
    subject_short: "Grund",
    notice_code: "Kodex Mitteilung",
    creditor_cf: "Steuernr. Körperschaft",
    amount: "Betrag",
    postal: "POSTERLAGSCHEIN PA",
    account: "auf K/K Nr.",
    holder: "Lautend auf",
    kind: "Typ",
    kind_amount: "Typ P1 - Betrag",
    instalments: "RATEN",
    instalment: "Rate",
    due_column: "Fälligkeit",
    more_instalments: "... und weitere {rest} Raten",
    each_instalment: "Jede Rate wird mit den Daten auf den folgenden Seiten gezahlt.",
    instalment_title: "RATE {n} VON {of} - {amount} {due}",
};

const EN: Texts = Texts {
    title: "PAYMENT NOTICE",
    title_instalments: "PAYMENT NOTICE - INSTALMENTS",
    how_much: "HOW MUCH AND WHEN TO PAY?",
    or_instalments: "in a single payment, or in {k} instalments (following pages)",
    in_instalments: "{amount} in {k} instalments",
    first: "the first {due}",
    amount_note: "The amount is updated automatically by the system and may change because of reliefs, credit notes, late-payment charges, penalties or interest.",
    where_to_pay: "WHERE TO PAY?",
    channels: [
        "With the IO app, on the website or app of your creditor body, of your bank or of other channels enabled for pagoPA.",
        "In person: at banks, post offices, authorised shops (lottery outlets, tobacconists, supermarkets) and ATMs.",
    ],
    banks: "BANKS AND OTHER CHANNELS",
    single_banks: "SINGLE PAYMENT - BANKS AND OTHER CHANNELS",
    by: "by {date}",
    no_due: "no due date",
    no_due_notice: "(notice without due date)",
    entity: "CREDITOR BODY",
    recipient_heading: "NOTICE RECIPIENT",
    fiscal_code: "Fiscal code",
    recipient: "Recipient",
    creditor: "Creditor body",
    subject: "Payment reason",
    subject_short: "Reason",
    notice_code: "Notice code",
    creditor_cf: "Creditor's fiscal code",
    amount: "Amount",
    postal: "PA POSTAL PAYMENT SLIP",
    account: "to postal account no.",
    holder: "In the name of",
    kind: "Type",
    kind_amount: "Type P1 - Amount",
    instalments: "INSTALMENTS",
    instalment: "Instalment",
    due_column: "Due date",
    more_instalments: "... and {rest} more instalments",
    each_instalment: "Each instalment is paid with the data on the following pages.",
    instalment_title: "INSTALMENT {n} OF {of} - {amount} {due}",
};

impl Texts {
    /// The words of `lang`.
    pub fn of(lang: NoticeLanguage) -> &'static Texts {
        match lang {
            NoticeLanguage::Italian => &IT,
            NoticeLanguage::German => &DE,
            NoticeLanguage::English => &EN,
        }
    }

    /// "entro il 31/12/2026", or "senza scadenza".
    pub fn due_words(&self, d: Option<NaiveDate>) -> String {
        d.map_or_else(
            || self.no_due.to_owned(),
            |d| self.by.replace("{date}", &date(d)),
        )
    }

    /// A due-date cell: the date, or "senza scadenza".
    pub fn due_cell(&self, d: Option<NaiveDate>) -> String {
        d.map_or_else(|| self.no_due.to_owned(), date)
    }
}

/// An amount as printed: "1.234,56 Euro" (the notice's format in every language).
pub fn euro(a: AmountCents) -> String {
    format!("{} Euro", a.to_italian())
}

/// A date as printed: "31/12/2026".
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_fills_its_marks() {
        for l in NoticeLanguage::ALL {
            let t = Texts::of(l);
            assert!(t.or_instalments.contains("{k}"), "{l:?}");
            assert!(t.in_instalments.contains("{amount}") && t.in_instalments.contains("{k}"));
            assert!(t.first.contains("{due}") && t.by.contains("{date}"));
            assert!(t.more_instalments.contains("{rest}"));
            for mark in ["{n}", "{of}", "{amount}", "{due}"] {
                assert!(t.instalment_title.contains(mark), "{l:?} {mark}");
            }
        }
        let day = NaiveDate::from_ymd_opt(2026, 12, 31);
        assert_eq!(
            Texts::of(NoticeLanguage::German).due_words(day),
            "bis zum 31/12/2026"
        );
        assert_eq!(
            Texts::of(NoticeLanguage::Italian).due_words(None),
            "senza scadenza"
        );
    }
}
