//! The simulator's configuration and shared state: what it plays (gateway, station, PSP),
//! the payments and flows it made, and the carts Checkout received.

use super::cart::Cart;
use super::ledger::Ledger;
use super::messages::Psp;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

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
    carts: Mutex<HashMap<String, Cart>>,
    /// HTTP client towards the gateway.
    pub client: reqwest::Client,
}

impl NodeSim {
    /// A simulator with nothing paid yet.
    pub fn new(config: SimConfig, base: String, client: reqwest::Client) -> Self {
        Self {
            config,
            base,
            ledger: Mutex::default(),
            carts: Mutex::default(),
            client,
        }
    }

    /// The payments and flows (a poisoned lock still holds consistent data: every update
    /// is a single push).
    pub fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Carts received by Checkout.
    pub fn carts(&self) -> MutexGuard<'_, HashMap<String, Cart>> {
        self.carts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Shared handle.
pub type SimState = Arc<NodeSim>;
