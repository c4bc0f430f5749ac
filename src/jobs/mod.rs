//! Durable background jobs kept in the database, shared by every gateway instance.
//!
//! A job is claimed with a lease: a worker that dies leaves its job to be reclaimed when
//! the lease runs out, so no job is lost; claiming is atomic (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, a `BEGIN IMMEDIATE` write transaction on SQLite), so none runs twice at once.
//! Failures are retried with exponential backoff up to the job's `max_attempts`.

pub mod worker;

pub use crate::db::models::job::{claim, complete, enqueue, fail, Job, JobState};
