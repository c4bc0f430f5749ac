//! Integration tests: one binary, a module per area. Every test gets its own database
//! (SQLite temp file, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod support;

mod accounts;
mod admin;
mod avvisi_bulk;
mod avviso;
mod avviso_rate;
mod browser;
mod browser_flow;
mod cli;
mod cli_admin;
mod dovuti_web;
mod due_types;
mod ente_portal;
mod ente_queries;
mod ente_ws;
mod ente_zeep;
mod flussi_actions;
mod flussi_export;
mod flussi_export_shared;
mod flussi_import;
mod flussi_web;
mod health;
mod intermediaries;
mod iuv;
mod jobs;
mod load_equivalence;
mod login;
mod node;
mod node_flows;
mod node_sim;
mod node_tls;
mod onboarding;
mod operators;
mod pafornode;
mod pdftools;
mod replay;
mod ricevuta;
mod samples;
mod sim_server;
mod soap_errors;
mod test_payment;
mod web_security;
mod webdriver;
mod wsdl;
