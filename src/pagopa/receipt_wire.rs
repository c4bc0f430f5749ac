//! Reading `ctReceipt` (paSendRT) and `ctReceiptV2` (paSendRTV2).

use super::wire::{self, Subject};
use crate::domain::AmountCents;
use crate::soap::seq::{SchemaError, Seq};
use crate::soap::xml::Node;
use chrono::{NaiveDate, NaiveDateTime};

/// One transfer of a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptTransfer {
    /// 1..5.
    pub id: i32,
    /// Amount.
    pub amount: AmountCents,
    /// Beneficiary.
    pub fiscal_code_pa: String,
    /// IBAN credited (absent for a marca da bollo).
    pub iban: Option<String>,
    /// Whether this transfer carried a marca da bollo (`MBDAttachment`).
    pub stamp: bool,
    /// Causale.
    pub remittance: String,
    /// Taxonomy.
    pub category: String,
}

/// A receipt as sent by the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// receiptId (the payment token).
    pub receipt_id: String,
    /// Notice number.
    pub notice_number: String,
    /// Fiscal code of the entity owning the notice.
    pub fiscal_code: String,
    /// `OK` / `KO`.
    pub outcome: String,
    /// creditorReferenceId (the IUV).
    pub creditor_reference_id: String,
    /// Amount paid.
    pub amount: AmountCents,
    /// Debtor.
    pub debtor: Subject,
    /// Transfers.
    pub transfers: Vec<ReceiptTransfer>,
    /// PSP id.
    pub id_psp: String,
    /// PSP fiscal code.
    pub psp_fiscal_code: Option<String>,
    /// PSP name.
    pub psp_company_name: String,
    /// Channel.
    pub id_channel: String,
    /// Payer.
    pub payer: Option<Subject>,
    /// Payment method.
    pub payment_method: Option<String>,
    /// Fee.
    pub fee: Option<AmountCents>,
    /// When paid (UTC).
    pub payment_at: Option<NaiveDateTime>,
    /// Application date.
    pub application_date: Option<NaiveDate>,
    /// Transfer date.
    pub transfer_date: Option<NaiveDate>,
}

/// Parses the `receipt` element; `v2` for `ctReceiptV2` (which alone may carry marca da
/// bollo attachments).
///
/// Deliberately tolerant: a receipt proves a payment already made and must not be refused
/// over form, so its elements are accepted in any order and V1 receipts may carry the V2
/// fields (`paymentNote`, fees, bundles, per-transfer `companyName`) — as messages seen from
/// pagoPA's own components do. Unknown elements and wrong values are still schema errors.
pub fn parse(node: &Node, path: &str, v2: bool) -> Result<Receipt, SchemaError> {
    let mut s = Seq::any_order(node, path)?;
    let receipt_id = s.text("receiptId", 1, 64)?;
    let notice_number = s.digits("noticeNumber", 18)?;
    let fiscal_code = s.digits("fiscalCode", 11)?;
    let outcome = s.one_of("outcome", &["OK", "KO"])?;
    let creditor_reference_id = s.text("creditorReferenceId", 1, 35)?;
    let amount = s.amount("paymentAmount", false)?;
    s.text("description", 1, 140)?;
    s.text("companyName", 1, 140)?;
    s.text_opt("officeName", 1, 140)?;
    let debtor_path = s.path_of("debtor");
    let debtor = wire::receipt_subject(s.req("debtor")?, &debtor_path)?;
    let list_path = s.path_of("transferList");
    let transfers = transfer_list(s.req("transferList")?, &list_path, v2)?;
    let id_psp = s.text("idPSP", 1, 35)?;
    let psp_fiscal_code = s.text_opt("pspFiscalCode", 1, 70)?;
    s.text_opt("pspPartitaIVA", 1, 20)?;
    let psp_company_name = s.text("PSPCompanyName", 1, 70)?;
    let id_channel = s.text("idChannel", 1, 35)?;
    s.text("channelDescription", 1, 35)?;
    let payer_path = s.path_of("payer");
    let payer = s
        .opt("payer")
        .map(|p| wire::receipt_subject(p, &payer_path))
        .transpose()?;
    let payment_method = s.text_opt("paymentMethod", 1, 35)?;
    s.text_opt("paymentNote", 1, 210)?;
    let fee = s.amount_opt("fee")?;
    s.amount_opt("primaryCiIncurredFee")?;
    s.text_opt("idBundle", 1, 70)?;
    s.text_opt("idCiBundle", 1, 70)?;
    let payment_at = s.datetime_opt("paymentDateTime")?;
    let application_date = s.date_opt("applicationDate")?;
    let transfer_date = s.date_opt("transferDate")?;
    wire::metadata(&mut s)?;
    s.bool_opt("standIn")?;
    // Seen spelled `standin` in messages from pagoPA's own components: same meaning.
    s.bool_opt("standin")?;
    s.end()?;
    Ok(Receipt {
        receipt_id,
        notice_number,
        fiscal_code,
        outcome,
        creditor_reference_id,
        amount,
        debtor,
        transfers,
        id_psp,
        psp_fiscal_code,
        psp_company_name,
        id_channel,
        payer,
        payment_method,
        fee,
        payment_at,
        application_date,
        transfer_date,
    })
}

fn transfer_list(node: &Node, path: &str, v2: bool) -> Result<Vec<ReceiptTransfer>, SchemaError> {
    let mut l = Seq::any_order(node, path)?;
    let mut out = Vec::new();
    for (i, t) in l.many("transfer", 1, 5)?.into_iter().enumerate() {
        let tp = format!("{path}/transfer[{}]", i + 1);
        let mut s = Seq::any_order(t, &tp)?;
        let id = s
            .one_of("idTransfer", &["1", "2", "3", "4", "5"])?
            .parse()
            .unwrap_or(1);
        let amount = s.amount("transferAmount", true)?;
        let fiscal_code_pa = s.digits("fiscalCodePA", 11)?;
        s.text_opt("companyName", 0, 140)?;
        let iban = s.text_opt("IBAN", 1, 35)?;
        let stamp = if v2 && iban.is_none() {
            s.text("MBDAttachment", 1, usize::MAX).map(|_| true)?
        } else {
            false
        };
        if iban.is_none() && !stamp {
            return Err(SchemaError {
                path: format!("{tp}/IBAN"),
                message: "missing".into(),
            });
        }
        let remittance = s.text("remittanceInformation", 1, 140)?;
        let category = s.text("transferCategory", 1, 140)?;
        wire::metadata(&mut s)?;
        s.end()?;
        out.push(ReceiptTransfer {
            id,
            amount,
            fiscal_code_pa,
            iban,
            stamp,
            remittance,
            category,
        });
    }
    l.end()?;
    Ok(out)
}
