//! A cart as pagoPA Checkout's EC API receives it, and where it stands.

use serde::Deserialize;

/// One notice of a cart (`PaymentNotice` of the Checkout API).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartNotice {
    /// 18-digit notice number.
    pub notice_number: String,
    /// Entity fiscal code.
    pub fiscal_code: String,
    /// Euro cents.
    pub amount: i64,
    /// Entity name.
    pub company_name: String,
    /// What is paid.
    pub description: String,
}

/// Where Checkout sends the citizen back.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnUrls {
    /// After a payment.
    pub return_ok_url: String,
    /// After the citizen gave up.
    pub return_cancel_url: String,
    /// After a failure.
    pub return_error_url: String,
    /// While the outcome is unknown (required in v2).
    pub return_waiting_url: Option<String>,
}

/// `CartRequest` / `CartRequestV2`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartRequest {
    /// 1 to 5 notices.
    pub payment_notices: Vec<CartNotice>,
    /// Return URLs.
    pub return_urls: ReturnUrls,
    /// Where the payment confirmation goes.
    pub email_notice: Option<String>,
    /// The EC's cart id.
    pub id_cart: Option<String>,
}

/// Where a cart stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CartState {
    /// Waiting for the citizen.
    Open,
    /// Being paid.
    Paying,
    /// Paid: every receipt sent.
    Paid,
    /// The citizen cancelled.
    Cancelled,
    /// A notice could not be paid.
    Failed,
}

/// A cart Checkout received.
#[derive(Debug, Clone)]
pub struct Cart {
    /// Checkout's id.
    pub id: String,
    /// The request.
    pub request: CartRequest,
    /// State.
    pub state: CartState,
    /// Why it failed, when it did.
    pub error: Option<String>,
}
