//! A whole payment as the node and a PSP make it: verify → activate → (PSP collects) →
//! receipt, with the variations real traffic has (V1/V2, postal accounts, a second
//! activation after the token expired, the same receipt delivered twice).

use super::ledger::Settled;
use super::messages::{self, Psp, Station};
use crate::soap::service::Operation;
use crate::soap::xml::{self, Limits};
use crate::soap::PaForNodeOp;
use std::time::Duration;

/// Where the simulated node sends its paForNode requests.
#[derive(Debug, Clone, Copy)]
pub enum Link<'a> {
    /// Over HTTP, to the gateway's paForNode endpoint at this URL.
    Http(&'a reqwest::Client, &'a str),
    /// In process, to a router serving paForNode (the gateway paying a test notice to
    /// itself: the same dispatch and journal as the node's calls, whatever the node
    /// listener's TLS and allow-list).
    Local(&'a axum::Router),
}

/// Largest answer read from an in-process call.
const LOCAL_ANSWER_LIMIT: usize = 4 << 20;

impl Link<'_> {
    /// Posts one SOAP request; returns the HTTP status and the body.
    async fn post(self, action: &str, body: &str) -> anyhow::Result<(u16, String)> {
        match self {
            Link::Http(client, url) => {
                let resp = client
                    .post(url)
                    .header("content-type", "text/xml; charset=utf-8")
                    .header("soapaction", format!("\"{action}\""))
                    .body(body.to_owned())
                    .send()
                    .await?;
                let status = resp.status().as_u16();
                Ok((status, resp.text().await?))
            }
            Link::Local(router) => {
                use tower::ServiceExt;
                let mut req = axum::http::Request::post(PaForNodeOp::CONTRACT.path)
                    .header("content-type", "text/xml; charset=utf-8")
                    .header("soapaction", format!("\"{action}\""))
                    .body(axum::body::Body::from(body.to_owned()))?;
                let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(loopback));
                let resp = router.clone().oneshot(req).await?;
                let status = resp.status().as_u16();
                let bytes = axum::body::to_bytes(resp.into_body(), LOCAL_ANSWER_LIMIT).await?;
                Ok((status, String::from_utf8(bytes.to_vec())?))
            }
        }
    }
}

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
    /// `paymentNote` of the activation (Checkout puts the cart id there).
    pub payment_note: Option<String>,
    /// Wait this long between activation and receipt (a late receipt: the notice may have
    /// expired or been cancelled meanwhile, the money was collected all the same).
    pub receipt_delay: Option<Duration>,
    /// The PSP that collects.
    pub psp: Psp,
    /// The clock the PSP's payment time comes from.
    pub clock: crate::clock::Clock,
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

/// A whole simulated payment: the calls made and, when the PSP collected the money, what
/// the node will report for it.
#[derive(Debug, Clone)]
pub struct Payment {
    /// Every call made, in order.
    pub steps: Vec<Step>,
    /// Set once a receipt was sent (the money moved, whatever the EC answered).
    pub settled: Option<Settled>,
}

impl Payment {
    /// True when every step succeeded and a receipt was acknowledged.
    pub fn paid(&self) -> bool {
        self.settled.is_some() && self.steps.iter().all(Step::ok)
    }
}

/// An activated notice, waiting for the PSP to collect.
#[derive(Debug, Clone)]
pub struct Activation {
    /// Calls made so far.
    pub steps: Vec<Step>,
    /// The last activation answer, when verify and activation succeeded.
    pub answer: Option<String>,
}

/// Pays `notice` through the gateway at `url` (its paForNode endpoint). Stops at the first
/// step that does not succeed; returns every step made.
pub async fn pay(
    link: Link<'_>,
    station: &Station,
    notice: &str,
    opts: &PayOptions,
) -> anyhow::Result<Vec<Step>> {
    Ok(pay_recorded(link, station, notice, opts).await?.steps)
}

/// [`pay`], also returning what was settled.
pub async fn pay_recorded(
    link: Link<'_>,
    station: &Station,
    notice: &str,
    opts: &PayOptions,
) -> anyhow::Result<Payment> {
    let activation = activate(link, station, notice, opts).await?;
    match activation.answer {
        None => Ok(Payment {
            steps: activation.steps,
            settled: None,
        }),
        Some(answer) => {
            if let Some(delay) = opts.receipt_delay {
                tokio::time::sleep(delay).await;
            }
            let mut done = settle(link, station, notice, &answer, opts).await?;
            let mut steps = activation.steps;
            steps.append(&mut done.steps);
            Ok(Payment {
                steps,
                settled: done.settled,
            })
        }
    }
}

/// paVerifyPaymentNotice alone (what a PSP shows before the citizen decides).
pub async fn verify(link: Link<'_>, station: &Station, notice: &str) -> anyhow::Result<Step> {
    let request = messages::verify(station, notice);
    Ok(
        call(link, PaForNodeOp::VerifyPaymentNotice.action(), &request)
            .await?
            .0,
    )
}

/// Verify, then activate (twice with `reactivate`); stops at the first failure.
pub async fn activate(
    link: Link<'_>,
    station: &Station,
    notice: &str,
    opts: &PayOptions,
) -> anyhow::Result<Activation> {
    let mut steps = Vec::new();
    let step = verify(link, station, notice).await?;
    let go_on = step.ok();
    steps.push(step);
    if !go_on {
        return Ok(Activation {
            steps,
            answer: None,
        });
    }
    let action = if opts.v2 {
        PaForNodeOp::GetPaymentV2
    } else {
        PaForNodeOp::GetPayment
    }
    .action();
    let request = messages::get_payment_noted(
        station,
        notice,
        opts.v2,
        opts.postal,
        opts.payment_note.as_deref(),
    );
    let mut answer = None;
    for _ in 0..if opts.reactivate { 2 } else { 1 } {
        let (step, body) = call(link, action, &request).await?;
        let go_on = step.ok();
        steps.push(step);
        if !go_on {
            return Ok(Activation {
                steps,
                answer: None,
            });
        }
        answer = Some(body);
    }
    Ok(Activation { steps, answer })
}

/// The PSP collected: sends the receipt built from the activation answer (twice with
/// `duplicate_receipt`).
pub async fn settle(
    link: Link<'_>,
    station: &Station,
    notice: &str,
    answer: &str,
    opts: &PayOptions,
) -> anyhow::Result<Payment> {
    let receipt_id = opts
        .receipt_id
        .clone()
        .unwrap_or_else(|| format!("sim-{notice}"));
    let paid_at = opts.clock.now();
    let stamp = paid_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let data = body_element(answer)
        .ok_or_else(|| anyhow::anyhow!("activation answer has no SOAP body"))?;
    let rt = messages::receipt_for(
        station,
        &data,
        notice,
        &receipt_id,
        opts.v2,
        &opts.psp,
        &stamp,
    )
    .map_err(anyhow::Error::msg)?;
    let settled = Settled::from_activation(station, &data, &receipt_id, &opts.psp, paid_at)
        .map_err(anyhow::Error::msg)?;
    let rt_action = if opts.v2 {
        PaForNodeOp::SendRtV2
    } else {
        PaForNodeOp::SendRt
    }
    .action();
    let mut steps = Vec::new();
    for _ in 0..if opts.duplicate_receipt { 2 } else { 1 } {
        let (step, _) = call(link, rt_action, &rt).await?;
        steps.push(step);
    }
    Ok(Payment {
        steps,
        settled: Some(settled),
    })
}

async fn call(link: Link<'_>, action: &'static str, body: &str) -> anyhow::Result<(Step, String)> {
    let (status, text) = link.post(action, body).await?;
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
