//! Starting the HTTP server: migrations, binding, graceful shutdown.

use crate::app::{App, AppState};
use crate::config::{Config, ConfigError};
use crate::db::Db;
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Opens the database and applies pending migrations.
pub fn open_database(config: &Config) -> anyhow::Result<Db> {
    let (_, url) = config.validate()?;
    let db = Db::open(&url, config.pool_size)
        .with_context(|| format!("cannot open database {}", url.redacted()))?;
    let applied = db
        .migrate()
        .with_context(|| format!("cannot migrate database {}", url.redacted()))?;
    if applied > 0 {
        tracing::info!(applied, database = %url, "migrations applied");
    }
    Ok(db)
}

/// Binds the listening socket; a taken port is one clear error.
pub async fn bind(config: &Config) -> anyhow::Result<TcpListener> {
    let (addr, _) = config
        .validate()
        .map_err(|e: ConfigError| anyhow::anyhow!(e))?;
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
}

/// A bound, ready server.
pub struct Server {
    /// Shared state.
    pub state: AppState,
    listener: TcpListener,
}

impl Server {
    /// Builds the state around an already bound listener.
    pub fn new(config: Config, db: Db, listener: TcpListener) -> anyhow::Result<Self> {
        let addr = listener.local_addr()?;
        let base = config.public_base(addr);
        Ok(Self {
            state: Arc::new(App::new(config, db, base)),
            listener,
        })
    }

    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until `shutdown` resolves, then writes out the queued journal entries.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let journal = self.state.journal.clone();
        let router = crate::router::router(self.state);
        let served = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("server failed");
        journal.flush().await;
        served
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
