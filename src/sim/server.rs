//! The simulated pagoPA platform as a server: the node's EC-facing SOAP services
//! (`nodeForPa`: reporting flows) and Checkout (`POST /carts` and a checkout page that pays
//! through the gateway). Runs as `mypay node-sim serve` or inside tests via [`spawn`].

use super::{checkout, node_for_pa};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

pub use super::state::{NodeSim, SimConfig, SimState};

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
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let state = Arc::new(NodeSim::new(config, base.clone(), client));
    let app = router(state.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "node simulator stopped");
        }
    });
    Ok(Running { state, base, task })
}
