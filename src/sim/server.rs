//! The simulated pagoPA platform as a server: the node's EC-facing SOAP services
//! (`nodeForPa`: reporting flows) and Checkout (`POST /carts` and a checkout page that pays
//! through the gateway). Runs as `mypay node-sim serve` or inside tests via [`spawn`].

use super::ledger::Ledger;
use super::messages::Psp;
use super::{checkout, node_for_pa};
use axum::Router;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::TcpListener;

/// How the simulator plays the node.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The gateway's paForNode endpoint.
    pub gateway: String,
    /// idBrokerPA the node uses for the gateway (and expects from nodeForPa callers).
    pub broker: String,
    /// idStation.
    pub station: String,
    /// The station password nodeForPa callers must send.
    pub password: String,
    /// Subscription key Checkout requires (`Ocp-Apim-Subscription-Key`); none = open.
    pub subscription_key: Option<String>,
    /// Use the V2 primitives when paying carts.
    pub v2: bool,
    /// The PSP that collects.
    pub psp: Psp,
    /// The clock payments and flows are dated by (the gateway's, in tests and the demo).
    pub clock: crate::clock::Clock,
}

impl SimConfig {
    /// A configuration for `gateway` with the given station.
    pub fn new(gateway: &str, broker: &str, station: &str) -> Self {
        Self {
            gateway: gateway.to_owned(),
            broker: broker.to_owned(),
            station: station.to_owned(),
            password: "password".into(),
            subscription_key: None,
            v2: true,
            psp: Psp::default(),
            clock: crate::clock::Clock::system(),
        }
    }
}

/// Shared state of a running simulator.
#[derive(Debug)]
pub struct NodeSim {
    /// Configuration.
    pub config: SimConfig,
    /// Where the simulator is reachable (`http://host:port`).
    pub base: String,
    ledger: Mutex<Ledger>,
    carts: Mutex<HashMap<String, checkout::Cart>>,
    /// HTTP client towards the gateway.
    pub client: reqwest::Client,
}

impl NodeSim {
    /// The payments and flows (a poisoned lock still holds consistent data: every update
    /// is a single push).
    pub fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Carts received by Checkout.
    pub fn carts(&self) -> MutexGuard<'_, HashMap<String, checkout::Cart>> {
        self.carts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Shared handle.
pub type SimState = Arc<NodeSim>;

/// All routes of the simulator.
pub fn router(state: SimState) -> Router {
    Router::new()
        .merge(node_for_pa::routes())
        .merge(checkout::routes())
        .with_state(state)
}

/// A simulator serving in the background.
#[derive(Debug)]
pub struct Running {
    /// Its state (ledger, carts).
    pub state: SimState,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// nodeForPa endpoint.
    pub fn node_for_pa_url(&self) -> String {
        format!("{}{}", self.base, node_for_pa::PATH)
    }

    /// Checkout base URL (append `/carts`).
    pub fn checkout_url(&self, version: u8) -> String {
        format!("{}/checkout/ec/v{version}", self.base)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves the simulator on `listener` until the returned handle is dropped.
pub fn spawn(listener: TcpListener, config: SimConfig) -> anyhow::Result<Running> {
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}");
    let state = Arc::new(NodeSim {
        config,
        base: base.clone(),
        ledger: Mutex::default(),
        carts: Mutex::default(),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?,
    });
    let app = router(state.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "node simulator stopped");
        }
    });
    Ok(Running { state, base, task })
}
