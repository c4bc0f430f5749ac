//! A whole payment as the node and a PSP make it: verify → activate → (PSP collects) →
//! receipt, with the variations real traffic has (V1/V2, postal accounts, a second
//! activation after the token expired, the same receipt delivered twice).

use super::messages::{self, Psp, Station};
use crate::soap::xml::{self, Limits};

/// Options of one simulated payment.
#[derive(Debug, Clone, Default)]
pub struct PayOptions {
    /// Use paGetPaymentV2 / paSendRTV2.
    pub v2: bool,
    /// Ask for postal accounts (`transferType=POSTAL`).
    pub postal: bool,
    /// Activate twice (the first token expired before the PSP paid).
    pub reactivate: bool,
    /// Deliver the receipt twice (the node retried).
    pub duplicate_receipt: bool,
    /// receiptId to use (default: derived from the notice).
    pub receipt_id: Option<String>,
}

/// One call of the flow and what came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Operation called.
    pub operation: &'static str,
    /// HTTP status.
    pub status: u16,
    /// `OK`, `KO` or `FAULT` (SOAP Fault).
    pub outcome: String,
    /// Fault code when KO.
    pub fault: Option<String>,
    /// Amount stated by verify / activation, when any.
    pub amount: Option<String>,
}

impl Step {
    /// True when the call succeeded.
    pub fn ok(&self) -> bool {
        self.outcome == "OK"
    }
}

/// Pays `notice` through the gateway at `url` (its paForNode endpoint). Stops at the first
/// step that does not succeed; returns every step made.
pub async fn pay(
    client: &reqwest::Client,
    url: &str,
    station: &Station,
    notice: &str,
    opts: &PayOptions,
) -> anyhow::Result<Vec<Step>> {
    let mut steps = Vec::new();
    let (step, _) = call(
        client,
        url,
        "paVerifyPaymentNotice",
        &messages::verify(station, notice),
    )
    .await?;
    let go_on = step.ok();
    steps.push(step);
    if !go_on {
        return Ok(steps);
    }
    let action = if opts.v2 {
        "paGetPaymentV2"
    } else {
        "paGetPayment"
    };
    let mut activation = String::new();
    for _ in 0..if opts.reactivate { 2 } else { 1 } {
        let (step, body) = call(
            client,
            url,
            action,
            &messages::get_payment(station, notice, opts.v2, opts.postal),
        )
        .await?;
        let go_on = step.ok();
        steps.push(step);
        if !go_on {
            return Ok(steps);
        }
        activation = body;
    }
    let receipt_id = opts
        .receipt_id
        .clone()
        .unwrap_or_else(|| format!("sim-{notice}"));
    let paid_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let data = body_element(&activation)
        .ok_or_else(|| anyhow::anyhow!("activation answer has no SOAP body"))?;
    let rt = messages::receipt_for(
        station,
        &data,
        notice,
        &receipt_id,
        opts.v2,
        &Psp::default(),
        &paid_at,
    )
    .map_err(anyhow::Error::msg)?;
    let rt_action = if opts.v2 { "paSendRTV2" } else { "paSendRT" };
    for _ in 0..if opts.duplicate_receipt { 2 } else { 1 } {
        let (step, _) = call(client, url, rt_action, &rt).await?;
        steps.push(step);
    }
    Ok(steps)
}

async fn call(
    client: &reqwest::Client,
    url: &str,
    action: &'static str,
    body: &str,
) -> anyhow::Result<(Step, String)> {
    let resp = client
        .post(url)
        .header("content-type", "text/xml; charset=utf-8")
        .header("soapaction", format!("\"{action}\""))
        .body(body.to_owned())
        .send()
        .await?;
    let status = resp.status().as_u16();
    let text = resp.text().await?;
    let doc = xml::parse(&text, Limits::default()).ok();
    let get = |name: &str| {
        doc.as_ref()
            .and_then(|d| messages::find(d, name))
            .map(|n| n.value().to_owned())
    };
    let outcome = if text.contains("Fault>") {
        "FAULT".to_owned()
    } else {
        get("outcome").unwrap_or_else(|| "?".into())
    };
    let amount = get("amount").or_else(|| get("paymentAmount"));
    Ok((
        Step {
            operation: action,
            status,
            outcome,
            fault: get("faultCode"),
            amount,
        },
        text,
    ))
}

/// The element inside `<soapenv:Body>` as text.
fn body_element(envelope: &str) -> Option<String> {
    let start = envelope.find("Body>")? + "Body>".len();
    let end = envelope.rfind("</")?;
    let inner = &envelope[start..end];
    let end = inner.rfind("</")?;
    Some(inner[..end].trim().to_owned())
}
