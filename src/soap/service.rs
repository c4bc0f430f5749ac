//! The one way a SOAP request is served, for every WSDL: the body read within its limit, the
//! envelope decoded, the operation dispatched through the WSDL's typed table, the operation
//! run, the answer wrapped, and the exchange journalled. The correlation id is made here,
//! once per request: it names the tracing span, the journal row and any `PAA_SYSTEM_ERROR`
//! the caller sees, so an operator finds the exchange from what the client was told.

use super::xml::Node;
use super::EnvelopeError;
use crate::clock::Clock;
use crate::db::models::event::NewEvent;
use crate::journal::Journal;
use axum::body::Body;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use std::borrow::Cow;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;
use tracing::Instrument;

/// Journal entries keep at most this much of each message.
const JOURNAL_MAX: usize = 64 * 1024;

/// Where a WSDL is served and what describes it.
#[derive(Debug, Clone, Copy)]
pub struct Contract {
    /// The endpoint's path.
    pub path: &'static str,
    /// Our WSDL; `{{ENDPOINT}}` stands for the endpoint's public URL.
    pub wsdl: &'static str,
    /// The schemas served at `?xsd=NAME`: (name, text).
    pub schemas: &'static [(&'static str, &'static str)],
}

/// An operation of one WSDL: the typed table that maps body elements and SOAPActions.
pub trait Operation: Copy + PartialEq + Send + Sync + 'static {
    /// The WSDL these operations belong to.
    const CONTRACT: Contract;
    /// The namespace of the body elements.
    const NS: &'static str;
    /// Every operation.
    fn all() -> &'static [Self];
    /// The operation's name (its SOAPAction, and what the journal says).
    fn name(self) -> &'static str;
    /// The request element's local name.
    fn request_element(self) -> &'static str;
    /// The response element around `inner`.
    fn response(self, inner: &str) -> String;

    /// Finds the operation of a body element; a SOAPAction, when sent, must agree.
    fn dispatch(body: &Node, soap_action: Option<&str>) -> Result<Self, EnvelopeError> {
        let op = Self::all()
            .iter()
            .copied()
            .find(|op| body.ns.as_deref() == Some(Self::NS) && body.name == op.request_element())
            .ok_or_else(|| EnvelopeError::UnknownOperation(super::describe(body)))?;
        super::check_action(soap_action, op.name(), op.request_element())?;
        Ok(op)
    }

    /// The operation a SOAPAction names, when it names one.
    fn from_action(soap_action: &str) -> Option<Self> {
        Self::all()
            .iter()
            .copied()
            .find(|op| op.name() == soap_action)
    }
}

/// What a service's state gives the SOAP layer: the journal, the clock, the public address.
pub trait Context: Clone + Send + Sync + 'static {
    /// The journal writer.
    fn journal(&self) -> &Journal;
    /// The clock.
    fn clock(&self) -> Clock;
    /// The gateway's public base URL (the WSDL's endpoint address starts with it).
    fn public_base(&self) -> &str;
}

/// A WSDL we serve: its operations and how each is run.
pub trait Service: Send + Sync + 'static {
    /// The WSDL's operations.
    type Op: Operation;
    /// What the handlers are given (the application state).
    type State: Context;
    /// The interface's name in the journal.
    const INTERFACE: &'static str;

    /// Runs a dispatched operation.
    fn handle<'a>(
        state: &'a Self::State,
        op: Self::Op,
        request: &'a Request,
    ) -> impl Future<Output = Handled> + Send + 'a;
    /// The answer to a request that could not be read but whose SOAPAction names `op`,
    /// when the WSDL's clients expect one instead of a SOAP Fault.
    fn unreadable(
        _state: &Self::State,
        _op: Self::Op,
        _request: &Request,
        _error: &EnvelopeError,
    ) -> Option<Handled> {
        None
    }
    /// The request as the journal keeps it (secrets removed).
    fn journal_request(raw: &str) -> Cow<'_, str> {
        Cow::Borrowed(raw)
    }
}

/// A request being served.
#[derive(Debug)]
pub struct Request {
    /// The SOAP header's first element, when there is one.
    pub header: Option<Node>,
    /// The body's element.
    pub body: Node,
    /// The request as received (lossy UTF-8).
    pub raw: String,
    /// This exchange's correlation id.
    pub correlation_id: String,
}

/// What an operation produced, plus what the journal should say about it.
#[derive(Debug, Default)]
pub struct Handled {
    /// The response element's content.
    pub inner: String,
    /// Fault code when KO.
    pub fault: Option<&'static str>,
    /// Entity concerned.
    pub entity_id: Option<i64>,
    /// The entity's fiscal code as sent.
    pub entity_cf: Option<String>,
    /// IUV concerned.
    pub iuv: Option<String>,
    /// Notice number concerned.
    pub notice: Option<String>,
    /// Correlation id of this exchange.
    pub correlation_id: String,
}

impl Handled {
    /// An empty answer to `request`, carrying its correlation id.
    pub fn to(request: &Request) -> Self {
        Self {
            correlation_id: request.correlation_id.clone(),
            ..Self::default()
        }
    }

    /// A successful answer.
    pub fn ok(mut self, inner: String) -> Self {
        self.inner = inner;
        self
    }
}

/// `S`'s endpoint: `POST` serves calls, `GET ?wsdl` the WSDL, `GET ?xsd=NAME` a schema.
pub fn routes<S: Service>() -> Router<S::State> {
    Router::new().route(S::Op::CONTRACT.path, post(endpoint::<S>).get(describe::<S>))
}

/// `GET ?wsdl` → the WSDL (with this server's address); `GET ?xsd=NAME` → a schema.
async fn describe<S: Service>(State(state): State<S::State>, RawQuery(q): RawQuery) -> Response {
    let contract = S::Op::CONTRACT;
    let q = q.unwrap_or_default();
    let xml = |body: String| super::xml_response(StatusCode::OK, body);
    if q.eq_ignore_ascii_case("wsdl") {
        let endpoint = format!("{}{}", state.public_base(), contract.path);
        return xml(contract.wsdl.replace("{{ENDPOINT}}", &endpoint));
    }
    let asked = q.strip_prefix("xsd=");
    match asked.and_then(|n| contract.schemas.iter().find(|(name, _)| *name == n)) {
        Some((_, schema)) => xml((*schema).to_owned()),
        None => {
            let mut hint = String::from("ask for ?wsdl");
            for (name, _) in contract.schemas {
                hint += &format!(", or ?xsd={name}");
            }
            (StatusCode::NOT_FOUND, hint + "\n").into_response()
        }
    }
}

/// The axum handler of `S`'s endpoint.
pub async fn endpoint<S: Service>(
    State(state): State<S::State>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let correlation_id = crate::random::correlation_id();
    let span = tracing::info_span!("soap", interface = S::INTERFACE, %correlation_id);
    serve::<S>(state, peer, headers, body, correlation_id)
        .instrument(span)
        .await
}

async fn serve<S: Service>(
    state: S::State,
    peer: SocketAddr,
    headers: HeaderMap,
    body: Body,
    correlation_id: String,
) -> Response {
    let started = Instant::now();
    let (content_type, action) = super::request_headers(&headers);
    let mut request = Request {
        header: None,
        body: Node::default(),
        raw: String::new(),
        correlation_id,
    };
    let Ok(bytes) = axum::body::to_bytes(body, super::MAX_BODY_BYTES).await else {
        let e = EnvelopeError::TooLarge(super::MAX_BODY_BYTES);
        return refuse::<S>(&state, peer, started, &request, action.as_deref(), e).await;
    };
    request.raw = String::from_utf8_lossy(&bytes).into_owned();
    match super::decode_parts(&bytes, content_type.as_deref()) {
        Ok((header, body)) => (request.header, request.body) = (header, body),
        Err(e) => return refuse::<S>(&state, peer, started, &request, action.as_deref(), e).await,
    }
    let op = match S::Op::dispatch(&request.body, action.as_deref()) {
        Ok(op) => op,
        Err(e) => return refuse::<S>(&state, peer, started, &request, None, e).await,
    };
    let handled = S::handle(&state, op, &request).await;
    answer::<S>(&state, peer, started, &request, op, handled).await
}

/// Wraps, journals and sends an operation's answer.
async fn answer<S: Service>(
    state: &S::State,
    peer: SocketAddr,
    started: Instant,
    request: &Request,
    op: S::Op,
    handled: Handled,
) -> Response {
    let xml = super::envelope(&op.response(&handled.inner));
    let entry = NewEvent {
        occurred_at: state.clock().now_naive(),
        correlation_id: handled.correlation_id,
        interface: S::INTERFACE.into(),
        operation: op.name().into(),
        direction: "IN".into(),
        entity_id: handled.entity_id,
        entity_fiscal_code: handled.entity_cf,
        iuv: handled.iuv,
        notice_number: handled.notice,
        outcome: if handled.fault.is_some() { "KO" } else { "OK" }.into(),
        fault_code: handled.fault.map(str::to_owned),
        duration_ms: elapsed_ms(started),
        remote_addr: Some(peer.ip().to_string()),
        request: Some(clip(&S::journal_request(&request.raw))),
        response: Some(clip(&xml)),
        ..NewEvent::default()
    };
    state.journal().record(entry).await;
    super::xml_response(StatusCode::OK, xml)
}

/// A request that is not a readable call of ours: the operation's own answer when its
/// SOAPAction names one and the WSDL answers so, otherwise a SOAP Fault; journalled.
async fn refuse<S: Service>(
    state: &S::State,
    peer: SocketAddr,
    started: Instant,
    request: &Request,
    action: Option<&str>,
    e: EnvelopeError,
) -> Response {
    tracing::warn!(error = %e, remote = %peer.ip(), "SOAP request refused");
    let named = action
        .map(super::normalise_action)
        .and_then(S::Op::from_action);
    if let Some(op) = named {
        if let Some(handled) = S::unreadable(state, op, request, &e) {
            return answer::<S>(state, peer, started, request, op, handled).await;
        }
    }
    let (resp, xml) = super::soap_fault(true, &e.to_string());
    let entry = NewEvent {
        occurred_at: state.clock().now_naive(),
        correlation_id: request.correlation_id.clone(),
        interface: S::INTERFACE.into(),
        operation: "unknown".into(),
        direction: "IN".into(),
        outcome: "KO".into(),
        fault_code: Some("SOAP_FAULT".into()),
        duration_ms: elapsed_ms(started),
        remote_addr: Some(peer.ip().to_string()),
        request: Some(clip(&S::journal_request(&request.raw))),
        response: Some(xml),
        ..NewEvent::default()
    };
    state.journal().record(entry).await;
    resp
}

/// Milliseconds since `started`.
pub fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// A message cut to what the journal keeps.
pub fn clip(s: &str) -> String {
    super::writer::truncate_chars(s, JOURNAL_MAX).to_owned()
}
