//! The event journal writer: exchanges are queued and written in batches, one transaction
//! per batch, so recording an exchange costs a channel send instead of a database write on
//! the request path. Payment data never goes through here (receipts are stored before the
//! answer); a crash can lose at most the entries of the batch being filled or written
//! (at most [`LINGER`] old).

use crate::db::models::event::{self, NewEvent};
use crate::db::Db;
use tokio::sync::{mpsc, oneshot};

/// Entries waiting beyond this make senders wait (backpressure, never unbounded memory).
const QUEUE: usize = 16_384;
/// Most entries written in one transaction.
const BATCH: usize = 1_000;
/// Longest an entry waits for companions before its batch is written.
const LINGER: std::time::Duration = std::time::Duration::from_millis(100);

enum Msg {
    Entry(Box<NewEvent>),
    Flush(oneshot::Sender<()>),
}

/// Handle to the background writer. Cheap to clone.
#[derive(Clone)]
pub struct Journal {
    tx: mpsc::Sender<Msg>,
}

impl Journal {
    /// Starts the writer on the current tokio runtime.
    pub fn start(db: Db) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_loop(db, rx));
        Self { tx }
    }

    /// Queues an entry.
    pub async fn record(&self, entry: NewEvent) {
        if self.tx.send(Msg::Entry(Box::new(entry))).await.is_err() {
            tracing::error!("event journal writer has stopped; entry lost");
        }
    }

    /// Waits until everything queued before this call is written.
    pub async fn flush(&self) {
        let (ack, done) = oneshot::channel();
        if self.tx.send(Msg::Flush(ack)).await.is_ok() {
            let _ = done.await;
        }
    }
}

async fn write_loop(db: Db, mut rx: mpsc::Receiver<Msg>) {
    let mut batch: Vec<NewEvent> = Vec::new();
    let mut acks = Vec::new();
    while let Some(first) = rx.recv().await {
        // Linger a little to fill the batch: each commit costs a write transaction and, on
        // SQLite, makes every other connection drop its page cache at its next read.
        let deadline = tokio::time::Instant::now() + LINGER;
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Entry(e) => batch.push(*e),
                // Someone waits for the journal to be written: write now.
                Msg::Flush(ack) => {
                    acks.push(ack);
                    break;
                }
            }
            if batch.len() >= BATCH {
                break;
            }
            next = tokio::time::timeout_at(deadline, rx.recv())
                .await
                .ok()
                .flatten();
        }
        if !batch.is_empty() {
            let rows = std::mem::take(&mut batch);
            let n = rows.len();
            if let Err(e) = db.write(move |c| event::record_many(c, &rows)).await {
                tracing::error!(error = %e, entries = n, "cannot write the event journal");
            }
        }
        for ack in acks.drain(..) {
            let _ = ack.send(());
        }
    }
}
