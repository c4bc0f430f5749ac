//! Our client of pagoPA Checkout's cart API (`POST {checkout_url}/carts`, "EC" flavour):
//! the notices to pay, where to send the citizen back, and the answer — a 302 whose
//! `Location` is the Checkout page the citizen must be redirected to.

use crate::config::PagopaConfig;
use serde::Serialize;
use std::time::Duration;

/// One notice of a cart.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnUrls {
    /// After a payment.
    pub return_ok_url: String,
    /// After the citizen gave up.
    pub return_cancel_url: String,
    /// After a failure.
    pub return_error_url: String,
    /// While the outcome is not known yet (required by v2).
    pub return_waiting_url: String,
}

/// A cart request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CartRequest {
    /// 1 to 5 notices.
    pub payment_notices: Vec<CartNotice>,
    /// Return URLs.
    pub return_urls: ReturnUrls,
    /// Our cart id.
    pub id_cart: String,
    /// Where Checkout sends the payment confirmation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_notice: Option<String>,
}

/// Why Checkout did not take the cart.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    /// No Checkout configured (`[pagopa] checkout_url`).
    #[error("pagoPA Checkout is not configured ([pagopa] checkout_url)")]
    NotConfigured,
    /// Network failure or timeout.
    #[error("Checkout unreachable: {0}")]
    Unreachable(String),
    /// Checkout refused the cart.
    #[error("Checkout answered {status}: {detail}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// ProblemJson detail, or the body.
        detail: String,
    },
}

/// Sends `cart` to Checkout; returns the URL to redirect the citizen to.
pub async fn create_cart(cfg: &PagopaConfig, cart: &CartRequest) -> Result<String, CheckoutError> {
    let base = cfg
        .checkout_url
        .as_deref()
        .ok_or(CheckoutError::NotConfigured)?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| CheckoutError::Unreachable(e.to_string()))?;
    let mut req = client
        .post(format!("{}/carts", base.trim_end_matches('/')))
        .json(cart);
    if let Some(key) = &cfg.subscription_key {
        req = req.header("Ocp-Apim-Subscription-Key", key);
    }
    let resp = req
        .send()
        .await
        .map_err(|e| CheckoutError::Unreachable(e.to_string()))?;
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match (status, location) {
        (302, Some(location)) => Ok(location),
        _ => {
            let body = resp.text().await.unwrap_or_default();
            let detail = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["detail"].as_str().map(str::to_owned))
                .unwrap_or(body);
            Err(CheckoutError::Refused { status, detail })
        }
    }
}
