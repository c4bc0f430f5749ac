//! The pagoPA side, for tests, fixtures and `mypay node-sim`: builds the requests the node
//! sends to an EC and, like the node, turns an activation answer into a receipt; plays whole
//! payments; and serves the platform's EC-facing services (reporting flows, Checkout).

pub mod cart;
pub mod checkout;
pub mod flow;
pub mod ledger;
pub mod messages;
pub mod node_for_pa;
pub mod replay;
pub mod server;
pub mod state;
