//! mypay: a pagoPA intermediation gateway for Italian public bodies.
//!
//! The request flow: wire → protocol module → [`domain`] decides (pure) → [`db`] in one
//! transaction → protocol module maps the result back. See `README.md` for the layout.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod accounts;
pub mod app;
pub mod assets;
pub mod avviso;
pub mod bilancio;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod due_types;
pub mod ente;
pub mod error;
pub mod flussi;
pub mod format;
pub mod http;
pub mod intermediaries;
pub mod jobs;
pub mod journal;
pub mod mail;
pub mod net;
pub mod onboarding;
pub mod pagopa;
pub mod random;
pub mod router;
pub mod security;
pub mod server;
pub mod sim;
pub mod soap;
pub mod web;
