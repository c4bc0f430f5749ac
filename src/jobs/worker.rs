//! Workers: a task per queue that claims due jobs, runs them on the blocking thread pool and
//! records the result (done, or retried with backoff, or failed). Every gateway instance
//! runs them; claiming is atomic, so a job runs on one instance at a time.

use super::{claim, complete, fail, Job};
use crate::clock::Clock;
use crate::db::Db;
use crate::error::JobResult;
use chrono::Duration;
use std::sync::Arc;
use tokio::sync::watch;

/// Runs one job; `Err` is recorded as the job's last error.
pub type Handler = Arc<dyn Fn(&Db, Clock, &Job) -> JobResult + Send + Sync>;

/// How a worker polls and leases.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Pause when the queue is empty.
    pub idle: std::time::Duration,
    /// How long a claimed job is reserved before another worker may take it over.
    pub lease: Duration,
    /// First retry delay (doubled at each attempt).
    pub backoff: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            idle: std::time::Duration::from_millis(500),
            lease: Duration::minutes(30),
            backoff: Duration::seconds(30),
        }
    }
}

/// Starts a worker for `queue` until `stop` turns true (a running job is finished first).
pub fn spawn(
    db: Db,
    clock: Clock,
    queue: &'static str,
    handler: Handler,
    timing: Timing,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let worker = format!("{}-{}", std::process::id(), crate::random::correlation_id());
    tokio::spawn(async move {
        while !*stop.borrow() {
            let w = worker.clone();
            let claimed = db
                .write(move |c| claim(c, queue, &w, clock.now_naive(), timing.lease))
                .await;
            let job = match claimed {
                Ok(Some(job)) => job,
                Ok(None) => {
                    let _ = tokio::time::timeout(timing.idle, stop.changed()).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(queue, error = %e, "cannot claim a job");
                    let _ = tokio::time::timeout(timing.idle * 4, stop.changed()).await;
                    continue;
                }
            };
            let (h, d, j) = (handler.clone(), db.clone(), job.clone());
            let result = tokio::task::spawn_blocking(move || h(&d, clock, &j))
                .await
                .unwrap_or_else(|e| Err(anyhow::anyhow!("job panicked: {e}")));
            let w = worker.clone();
            let recorded = db
                .write(move |c| {
                    let now = clock.now_naive();
                    match &result {
                        Ok(()) => complete(c, job.id, &w, now).map(|_| ()),
                        Err(e) => {
                            tracing::warn!(
                                queue,
                                job = job.id,
                                error = format!("{e:#}"),
                                "job failed"
                            );
                            fail(c, &job, &w, &format!("{e:#}"), now, timing.backoff).map(|_| ())
                        }
                    }
                })
                .await;
            if let Err(e) = recorded {
                tracing::warn!(queue, error = %e, "cannot record a job's result");
            }
        }
    })
}
