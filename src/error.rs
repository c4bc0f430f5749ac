//! The error policy, the same everywhere:
//!
//! - **Business failures are data.** A pagoPA or MyPay operation that refuses answers 200
//!   with `outcome`/`esito` KO and a `fault`/`faultBean` whose code comes from one exhaustive
//!   `match` (`pagopa::fault::Fault`, `ente::fault::EnteFault`).
//! - **A request that is not a SOAP call of ours** (not XML, unknown operation, too large,
//!   wrong content type) is a SOAP `Fault`, made in `soap::service` and nowhere else.
//! - **Unexpected failures** (database, disk) become `PAA_SYSTEM_ERROR` or the error page
//!   with a reference, through [`unexpected`]: the cause goes to the log under the
//!   exchange's correlation id, never to the client.
//! - **Library modules** return typed errors (`thiserror`): `db::DbError`, `soap::EnvelopeError`,
//!   `config::ConfigError`, `domain::InvalidIdentifier`… never `Result<_, String>`.
//! - **Web pages** return `web::WebError`, rendered as a page with the right status.
//! - **Background jobs and CLI commands** return [`JobResult`] (`anyhow`), with
//!   `.context(…)`: a job's last error keeps the whole chain.

use std::fmt::Display;

/// What a background job or a command returns: the cause chain, with context.
pub type JobResult<T = ()> = anyhow::Result<T>;

/// Logs an unexpected failure of `area` under `correlation_id` and returns what the caller
/// is told instead of the cause.
pub fn unexpected(area: &'static str, correlation_id: &str, cause: &dyn Display) -> String {
    tracing::error!(area, correlation_id, error = %cause, "unexpected failure");
    format!("Errore interno, riferimento {correlation_id}")
}
