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

/// Binds the node's dedicated listener, when configured, and reads its TLS certificate
/// and key (a bad file fails here, before the database is touched).
pub async fn bind_node(config: &Config) -> anyhow::Result<Option<NodeListener>> {
    let n = &config.node;
    let Some(addr) = &n.listen else {
        return Ok(None);
    };
    let tls = match (&n.tls_cert, &n.tls_key) {
        (Some(cert), Some(key)) => Some(crate::net::tls::server_config(
            cert,
            key,
            n.client_ca.as_deref(),
        )?),
        _ => None,
    };
    let tcp = TcpListener::bind(addr.as_str())
        .await
        .with_context(|| format!("cannot listen on {addr} (node.listen)"))?;
    Ok(Some(match tls {
        Some(config) => NodeListener::Tls(tcp, config),
        None => NodeListener::Plain(tcp),
    }))
}

/// The node's listener: plain, or TLS (mutual when a client CA is configured).
pub enum NodeListener {
    /// Plain HTTP.
    Plain(TcpListener),
    /// HTTPS with this configuration.
    Tls(TcpListener, Arc<rustls::ServerConfig>),
}

/// A bound, ready server.
pub struct Server {
    /// Shared state.
    pub state: AppState,
    listener: TcpListener,
    node: Option<NodeListener>,
}

impl Server {
    /// Builds the state around an already bound listener.
    pub fn new(config: Config, db: Db, listener: TcpListener) -> anyhow::Result<Self> {
        let addr = listener.local_addr()?;
        let base = config.public_base(addr);
        let clock = config.clock()?;
        Ok(Self {
            state: Arc::new(App::new(config, db, clock, base)),
            listener,
            node: None,
        })
    }

    /// Serves paForNode on the node's own listener too.
    pub fn with_node_listener(mut self, node: NodeListener) -> Self {
        self.node = Some(node);
        self
    }

    /// The node listener's address, when there is one.
    pub fn node_addr(&self) -> Option<SocketAddr> {
        match &self.node {
            Some(NodeListener::Plain(l) | NodeListener::Tls(l, _)) => l.local_addr().ok(),
            None => None,
        }
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
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let workers = start_workers(&self.state, &stopped);
        let node_router = crate::router::node_router(self.state.clone());
        let node = async {
            match self.node {
                None => Ok(()),
                Some(NodeListener::Plain(l)) => serve_on(l, node_router, stopped.clone()).await,
                Some(NodeListener::Tls(l, config)) => {
                    let tls = crate::net::tls::TlsListener::new(l, config)?;
                    serve_on(tls, node_router, stopped.clone()).await
                }
            }
        };
        let main = serve_on(
            self.listener,
            crate::router::router(self.state),
            stopped.clone(),
        );
        let served = tokio::try_join!(main, node)
            .map(|_| ())
            .context("server failed");
        // A job still running is left to its lease: another start takes it over.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            for w in workers {
                let _ = w.await;
            }
        })
        .await;
        journal.flush().await;
        served
    }
}

/// The background job workers of every instance.
fn start_workers(
    state: &AppState,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    use crate::jobs::worker::{spawn, Handler, Timing};
    let files = state.config.files_dir.clone();
    let notices: Handler =
        Arc::new(move |db, clock, job| crate::avviso::batch::run_job(db, &files, clock, job));
    let files = state.config.files_dir.clone();
    let imports: Handler =
        Arc::new(move |db, clock, job| crate::flussi::import::run_job(db, &files, clock, job));
    let files = state.config.files_dir.clone();
    let exports: Handler =
        Arc::new(move |db, clock, job| crate::flussi::export::run::run_job(db, &files, clock, job));
    let mail_cfg = state.config.mail.clone();
    let mails: Handler =
        Arc::new(move |db, clock, job| crate::mail::run_job(db, &mail_cfg, clock, job));
    vec![
        spawn(
            state.db.clone(),
            state.clock,
            crate::mail::QUEUE,
            mails,
            Timing::default(),
            stop.clone(),
        ),
        spawn(
            state.db.clone(),
            state.clock,
            crate::flussi::export::QUEUE,
            exports,
            Timing::default(),
            stop.clone(),
        ),
        spawn(
            state.db.clone(),
            state.clock,
            crate::avviso::batch::QUEUE,
            notices,
            Timing::default(),
            stop.clone(),
        ),
        spawn(
            state.db.clone(),
            state.clock,
            crate::flussi::import::QUEUE,
            imports,
            Timing::default(),
            stop.clone(),
        ),
    ]
}

/// Serves `router` on `listener` (with the caller's address available to handlers) until
/// `stop` turns true.
async fn serve_on<L>(
    listener: L,
    router: axum::Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> std::io::Result<()>
where
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    use axum::serve::ListenerExt;
    axum::serve(
        listener.tap_io(|_| {}),
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stop.wait_for(|s| *s).await;
    })
    .await
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
