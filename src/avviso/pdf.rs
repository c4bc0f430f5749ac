//! The A4 payment notice ("avviso di pagamento") in the pagoPA layout: who asks (entity,
//! with its logo), who pays (recipient), how much and by when, where to pay, the payment
//! data with the QR code and — when the due type has a postal account — the "Bollettino
//! Postale PA" part with Poste's Data Matrix. A notice with instalments has the
//! single-solution page first (or a summary of the instalments when there is no single
//! solution) and then the instalments, 2 or 3 per page (see [`super::instalments`]). This
//! module draws the parts; [`super::render`] puts a notice together.

pub use super::canvas::AvvisoError;
use super::canvas::{Logo, Page, PlacedLogo};
use super::lang::{euro, Texts};
use super::symbols;
use crate::domain::datamatrix::{poste_datamatrix, PostalPayment};
use crate::domain::qr::qr_string;
use crate::domain::{AmountCents, NoticeNumber, PartitaIva};
use chrono::NaiveDate;

/// Where the Poste Data Matrix of the first page is drawn: left edge and top edge (mm from
/// the page's left and bottom edges) and module size in mm. Public for tests that read it
/// from a rendering.
pub const DATAMATRIX_AT: (f32, f32, f32) = (150.0, 126.0, 0.8);
/// Top of the postal part, mm from the bottom edge.
const POSTAL_TOP: f32 = 130.0;

/// The postal current account a notice can also be paid on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAccount {
    /// Account number (digits).
    pub number: String,
    /// Account holder as registered with Poste.
    pub holder: String,
    /// Poste's authorisation to print bollettini ("autorizzazione stampa in proprio").
    pub authorisation: Option<String>,
}

/// One way to pay: the single solution or one instalment.
#[derive(Debug, Clone, Copy)]
pub struct Payment<'a> {
    /// Its notice number.
    pub notice: &'a NoticeNumber,
    /// Its amount.
    pub amount: AmountCents,
    /// Its due date; `None` prints "senza scadenza".
    pub due_date: Option<NaiveDate>,
    /// Instalment number within the plan (1-based); 0 for the single solution.
    pub number: u32,
}

/// What a notice shows.
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    /// Entity name.
    pub entity_name: &'a str,
    /// Entity sector / office.
    pub entity_sector: Option<&'a str>,
    /// Entity fiscal code.
    pub entity_cf: &'a PartitaIva,
    /// Entity logo, printed in the header.
    pub logo: Option<&'a Logo>,
    /// Recipient's name.
    pub debtor_name: &'a str,
    /// Recipient's fiscal code.
    pub debtor_id: &'a str,
    /// Recipient's address on one line.
    pub debtor_address: Option<&'a str>,
    /// What is paid (oggetto del pagamento).
    pub subject: &'a str,
    /// Payment in a single solution, when offered.
    pub single: Option<Payment<'a>>,
    /// Instalments still payable, in order (empty: single payment only).
    pub instalments: Vec<Payment<'a>>,
    /// Instalments of the whole plan, paid ones included ("rata 2 di 3").
    pub plan_size: u32,
    /// Postal account, when the due type has one.
    pub postal: Option<PostalAccount>,
    /// The words it prints, in the entity's notice language.
    pub texts: &'static Texts,
}

/// The page header: title, subject, logo, entity and recipient.
pub(super) fn header(p: &mut Page, n: &Notice<'_>, logo: Option<&PlacedLogo>, title: &str) {
    let text_width = if logo.is_some() { 140.0 } else { 180.0 };
    p.text(15.0, 280.0, 16.0, true, title);
    p.fitted(15.0, 273.0, 11.0, false, text_width, n.subject);
    if let Some(logo) = logo {
        p.logo(logo, 160.0, 287.0, 35.0, 17.0);
    }
    p.rule(268.0);
    p.text(15.0, 262.0, 8.0, true, n.texts.entity);
    p.fitted(15.0, 256.0, 12.0, true, 85.0, n.entity_name);
    if let Some(sector) = n.entity_sector {
        p.fitted(15.0, 251.0, 9.0, false, 85.0, sector);
    }
    let entity_cf = format!("{} {}", n.texts.fiscal_code, n.entity_cf.as_str());
    p.text(15.0, 246.0, 9.0, false, &entity_cf);
    p.text(110.0, 262.0, 8.0, true, n.texts.recipient_heading);
    p.fitted(110.0, 256.0, 12.0, true, 85.0, n.debtor_name);
    p.text(
        110.0,
        251.0,
        9.0,
        false,
        &format!("{} {}", n.texts.fiscal_code, n.debtor_id),
    );
    if let Some(address) = n.debtor_address {
        p.fitted(110.0, 246.0, 9.0, false, 85.0, address);
    }
    p.rule(240.0);
}

/// Payment data for banks and other channels with the QR code, its top at `top`; `qr_module`
/// is the QR module size in mm. Takes 38 mm of height.
pub(super) fn payment_block(
    p: &mut Page,
    n: &Notice<'_>,
    pay: &Payment<'_>,
    label: &str,
    top: f32,
    qr_module: f32,
) -> Result<(), AvvisoError> {
    let qr = symbols::qr(&qr_string(pay.notice, n.entity_cf, pay.amount))
        .map_err(|e| AvvisoError::Code(e.to_string()))?;
    p.text(15.0, top, 8.0, true, label);
    p.symbol(&qr, 15.0, top - 4.0, qr_module);
    let x = 52.0;
    p.text(x, top - 6.0, 8.0, false, n.texts.recipient);
    p.fitted(x + 30.0, top - 6.0, 9.0, true, 110.0, n.debtor_name);
    p.text(x, top - 11.0, 8.0, false, n.texts.creditor);
    p.fitted(x + 30.0, top - 11.0, 9.0, true, 110.0, n.entity_name);
    p.text(x, top - 16.0, 8.0, false, n.texts.subject);
    p.fitted(x + 30.0, top - 16.0, 9.0, false, 110.0, n.subject);
    p.text(x, top - 23.0, 8.0, false, n.texts.notice_code);
    p.text(x + 30.0, top - 23.0, 11.0, true, &pay.notice.formatted());
    p.text(x, top - 28.0, 8.0, false, n.texts.creditor_cf);
    p.text(x + 42.0, top - 28.0, 11.0, true, n.entity_cf.as_str());
    p.text(x, top - 34.0, 8.0, false, n.texts.amount);
    p.text(x + 30.0, top - 34.0, 12.0, true, &euro(pay.amount));
    p.text(
        x + 80.0,
        top - 34.0,
        8.0,
        false,
        &n.texts.due_words(pay.due_date),
    );
    Ok(())
}

/// The Poste Data Matrix of a payment, as a module matrix.
pub(super) fn postal_symbol(
    n: &Notice<'_>,
    pay: &Payment<'_>,
    postal: &PostalAccount,
) -> Result<symbols::Matrix, AvvisoError> {
    let payload = poste_datamatrix(&PostalPayment {
        notice: pay.notice,
        account: &postal.number,
        amount: pay.amount,
        entity: n.entity_cf,
        debtor_id: n.debtor_id,
        debtor_name: n.debtor_name,
        causale: n.subject,
    })
    .map_err(|e| AvvisoError::Code(e.to_string()))?;
    symbols::datamatrix(&payload).map_err(|e| AvvisoError::Code(e.to_string()))
}

pub(super) fn postal_part(
    p: &mut Page,
    n: &Notice<'_>,
    pay: &Payment<'_>,
    postal: &PostalAccount,
) -> Result<(), AvvisoError> {
    let dm = postal_symbol(n, pay, postal)?;
    let top = POSTAL_TOP;
    p.rule(top + 6.0);
    p.text(15.0, top, 8.0, true, n.texts.postal);
    p.text(
        15.0,
        top - 6.0,
        9.0,
        false,
        &format!("{} {}", n.texts.account, postal.number),
    );
    p.fitted(
        15.0,
        top - 11.0,
        9.0,
        false,
        120.0,
        &format!("{} {}", n.texts.holder, postal.holder),
    );
    p.fitted(
        15.0,
        top - 16.0,
        9.0,
        false,
        120.0,
        &format!("{} {}", n.texts.recipient, n.debtor_name),
    );
    p.fitted(
        15.0,
        top - 21.0,
        9.0,
        false,
        120.0,
        &format!("{} {}", n.texts.subject_short, n.subject),
    );
    p.text(15.0, top - 28.0, 8.0, false, n.texts.notice_code);
    p.text(45.0, top - 28.0, 11.0, true, &pay.notice.formatted());
    p.text(15.0, top - 33.0, 8.0, false, n.texts.kind);
    p.text(45.0, top - 33.0, 11.0, true, "P1");
    p.text(15.0, top - 38.0, 8.0, false, n.texts.creditor_cf);
    p.text(60.0, top - 38.0, 11.0, true, n.entity_cf.as_str());
    p.text(15.0, top - 43.0, 8.0, false, n.texts.amount);
    p.text(45.0, top - 43.0, 12.0, true, &euro(pay.amount));
    if let Some(auth) = &postal.authorisation {
        p.fitted(15.0, top - 49.0, 7.0, false, 120.0, &format!("Aut. {auth}"));
    }
    let (x, y_top, module) = DATAMATRIX_AT;
    p.symbol(&dm, x, y_top, module);
    Ok(())
}
