//! The EC side of pagoPA's `paForNode.wsdl` (V1 + V2), served at `POST /pagopa/paForNode`.
//! One module per operation; this one reads the request, dispatches it and journals every
//! exchange (request, response, outcome, duration).

pub mod fault;
pub mod lookup;
pub mod node_client;
pub mod pa_demand_payment_notice;
pub mod pa_get_payment;
pub mod pa_send_rt;
pub mod pa_verify_payment_notice;
pub mod receipt_wire;
pub mod routing;
pub mod transfers;
pub mod wire;

use crate::app::AppState;
use crate::db::models::event::NewEvent;
use crate::net::allow::IpAllowList;
use crate::soap::{self, xml::Node, EnvelopeError, PaForNodeOp};
use axum::body::Body;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use fault::Fault;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// Journal entries keep at most this much of each message.
const JOURNAL_MAX: usize = 64 * 1024;

/// Our WSDL and schemas for this interface, compiled in.
const WSDL: &str = include_str!("../../wsdl/paForNode.wsdl");
const SCHEMAS: [(&str, &str); 2] = [
    ("paForNode.xsd", include_str!("../../xsd/paForNode.xsd")),
    (
        "pagopa-common-types.xsd",
        include_str!("../../xsd/pagopa-common-types.xsd"),
    ),
];
/// Where the interface is served.
pub const PATH: &str = "/pagopa/paForNode";

/// Routes of the node-facing interface, behind the configured IP allow-list (an invalid
/// list — already refused by `Config::validate` — lets nobody in).
pub fn routes(allow_ips: &[String]) -> Router<AppState> {
    let allow = IpAllowList::parse(allow_ips).unwrap_or_else(|e| {
        tracing::error!(error = %e, "node.allow_ips invalid: refusing every caller");
        IpAllowList::parse(&["255.255.255.255/32".to_owned()]).unwrap_or_default()
    });
    Router::new()
        .route(PATH, post(pa_for_node).get(describe))
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::new(allow),
            crate::net::allow::enforce,
        ))
}

/// `GET ?wsdl` → the WSDL (with this server's address); `GET ?xsd=NAME` → a schema.
async fn describe(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let q = query.unwrap_or_default();
    let xml = |body: String| soap::xml_response(StatusCode::OK, body);
    if q.eq_ignore_ascii_case("wsdl") {
        return xml(WSDL.replace("{{ENDPOINT}}", &format!("{}{PATH}", app.public_base)));
    }
    match q
        .strip_prefix("xsd=")
        .and_then(|n| SCHEMAS.iter().find(|(name, _)| *name == n))
    {
        Some((_, schema)) => xml((*schema).to_owned()),
        None => (
            StatusCode::NOT_FOUND,
            "ask for ?wsdl, or ?xsd=paForNode.xsd / ?xsd=pagopa-common-types.xsd\n",
        )
            .into_response(),
    }
}

/// What an operation produced, plus what the journal should say about it.
#[derive(Debug)]
pub struct Handled {
    /// The response element's content.
    pub inner: String,
    /// Fault code when KO.
    pub fault: Option<&'static str>,
    /// Entity concerned.
    pub entity_id: Option<i64>,
    /// idPA as sent.
    pub entity_cf: Option<String>,
    /// IUV concerned.
    pub iuv: Option<String>,
    /// Notice number concerned.
    pub notice: Option<String>,
    /// Correlation id of this exchange.
    pub correlation_id: String,
}

impl Default for Handled {
    fn default() -> Self {
        Self {
            inner: String::new(),
            fault: None,
            entity_id: None,
            entity_cf: None,
            iuv: None,
            notice: None,
            correlation_id: crate::app::correlation_id(),
        }
    }
}

impl Handled {
    /// A successful answer.
    pub fn ok(mut self, inner: String) -> Self {
        self.inner = inner;
        self
    }

    /// A fault raised for `id` (the idPA, or whoever answers).
    pub fn fail_for(mut self, f: Fault, id: &str) -> Self {
        self.fault = Some(f.code.code());
        self.inner = f.render(id);
        self
    }

    /// An unexpected failure: logged with this exchange's correlation id, which the
    /// `PAA_SYSTEM_ERROR` fault carries to the caller.
    pub fn system_error(self, cause: impl std::fmt::Display, id: &str) -> Self {
        let f = Fault::system(&self.correlation_id, cause);
        self.fail_for(f, id)
    }

    /// A fault for a request we could not fully read: the id is its idPA if present.
    pub fn fail(self, f: Fault, body: &Node) -> Self {
        let id = body
            .child(None, "idPA")
            .map(|n| n.value().to_owned())
            .filter(|v| !v.is_empty());
        self.fail_for(f, id.as_deref().unwrap_or("mypay"))
    }
}

async fn pa_for_node(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let (content_type, action) = soap::request_headers(&headers);
    let bytes = match axum::body::to_bytes(body, soap::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return envelope_fault(
                &app,
                "paForNode",
                peer,
                started,
                "",
                EnvelopeError::TooLarge(soap::MAX_BODY_BYTES),
            )
            .await
        }
    };
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    let node = match soap::decode(&bytes, content_type.as_deref()) {
        Ok(n) => n,
        Err(e) => return envelope_fault(&app, "paForNode", peer, started, &raw, e).await,
    };
    let op = match PaForNodeOp::dispatch(&node, action.as_deref()) {
        Ok(op) => op,
        Err(e) => return envelope_fault(&app, "paForNode", peer, started, &raw, e).await,
    };
    let handled = match op {
        PaForNodeOp::VerifyPaymentNotice => pa_verify_payment_notice::handle(&app, &node).await,
        PaForNodeOp::GetPayment => pa_get_payment::handle(&app, &node, false).await,
        PaForNodeOp::GetPaymentV2 => pa_get_payment::handle(&app, &node, true).await,
        PaForNodeOp::SendRt => pa_send_rt::handle(&app, &node, &raw, false).await,
        PaForNodeOp::SendRtV2 => pa_send_rt::handle(&app, &node, &raw, true).await,
        PaForNodeOp::DemandPaymentNotice => pa_demand_payment_notice::handle(&app, &node).await,
    };
    let xml = soap::envelope(&op.response(&handled.inner));
    let entry = NewEvent {
        occurred_at: app.now(),
        correlation_id: handled.correlation_id,
        interface: "paForNode".into(),
        operation: op.action().into(),
        direction: "IN".into(),
        entity_id: handled.entity_id,
        entity_fiscal_code: handled.entity_cf,
        iuv: handled.iuv,
        notice_number: handled.notice,
        outcome: if handled.fault.is_some() { "KO" } else { "OK" }.into(),
        fault_code: handled.fault.map(str::to_owned),
        duration_ms: elapsed_ms(started),
        remote_addr: Some(peer.ip().to_string()),
        request: Some(clip(&raw)),
        response: Some(clip(&xml)),
        ..NewEvent::default()
    };
    app.journal.record(entry).await;
    soap::xml_response(StatusCode::OK, xml)
}

/// Answers a request that is not a readable SOAP call with a SOAP Fault and journals it
/// under `interface`.
pub(crate) async fn envelope_fault(
    app: &AppState,
    interface: &'static str,
    peer: SocketAddr,
    started: Instant,
    raw: &str,
    e: EnvelopeError,
) -> Response {
    tracing::warn!(error = %e, remote = %peer.ip(), interface, "SOAP request refused");
    let (resp, xml) = soap::soap_fault(true, &e.to_string());
    let entry = NewEvent {
        occurred_at: app.now(),
        correlation_id: crate::app::correlation_id(),
        interface: interface.into(),
        operation: "unknown".into(),
        direction: "IN".into(),
        outcome: "KO".into(),
        fault_code: Some("SOAP_FAULT".into()),
        duration_ms: elapsed_ms(started),
        remote_addr: Some(peer.ip().to_string()),
        request: Some(clip(raw)),
        response: Some(xml),
        ..NewEvent::default()
    };
    app.journal.record(entry).await;
    resp
}

/// Milliseconds since `started`.
pub(crate) fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// A message cut to what the journal keeps.
pub(crate) fn clip(s: &str) -> String {
    crate::soap::writer::truncate_chars(s, JOURNAL_MAX).to_owned()
}
