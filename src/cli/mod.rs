//! Command-line interface: `serve`, `demo`, `migrate`, `check-config`, `admin`, `avvisi`,
//! `flusso`, `node-sim`, `replay`.

pub mod admin;
pub mod avvisi;
pub mod flusso;
pub mod node_sim;

use crate::config::{Config, LogFormat};
use crate::server::{self, Server};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::collections::HashMap;
use std::path::PathBuf;

/// mypay — pagoPA intermediation gateway.
#[derive(Debug, Parser)]
#[command(name = "mypay", version, about)]
pub struct Cli {
    /// Configuration file (default: ./mypay.toml when present).
    #[arg(long, global = true, env = "MYPAY_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Overrides shared by the commands that open the database or listen.
#[derive(Debug, Args, Default)]
pub struct Overrides {
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long, env = "MYPAY_LISTEN")]
    pub listen: Option<String>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long, env = "MYPAY_DATABASE_URL")]
    pub database_url: Option<String>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway (applies pending migrations first).
    Serve(Overrides),
    /// Seed demo data (once) and run the gateway.
    Demo {
        /// Listen address and database.
        #[command(flatten)]
        overrides: Overrides,
        /// Generate and print a new password for the demo admin.
        #[arg(long)]
        reset_admin_password: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate(Overrides),
    /// Print the effective configuration (secrets redacted) and exit.
    CheckConfig(Overrides),
    /// Manage back-office accounts.
    Admin {
        /// What to do.
        #[command(subcommand)]
        action: admin::AdminAction,
    },
    /// Write the payment notices of an entity (or of one flusso) into a zip.
    Avvisi {
        /// Database.
        #[command(flatten)]
        overrides: Overrides,
        /// Entity, flusso, output file.
        #[command(flatten)]
        args: avvisi::AvvisiArgs,
    },
    /// Import flussi of dovuti.
    Flusso {
        /// What to do.
        #[command(subcommand)]
        action: flusso::FlussoAction,
    },
    /// Play the pagoPA node and a PSP against a running gateway.
    NodeSim {
        /// What to simulate.
        #[command(subcommand)]
        action: node_sim::NodeSimAction,
    },
    /// Send every NAME.request.xml in a folder to a gateway and compare the answers with
    /// NAME.expected.xml; exits non-zero on any mismatch.
    Replay {
        /// Folder of fixtures (e.g. fixtures/pafornode).
        dir: PathBuf,
        /// Endpoint to call.
        #[arg(long, default_value = "http://127.0.0.1:8080/pagopa/paForNode")]
        url: String,
        /// Write the expected files from the answers instead of comparing.
        #[arg(long)]
        record: bool,
        /// `KEY=VALUE`: replaces `{{KEY}}` in the requests (e.g. `password=…` as `mypay
        /// demo` printed it for the entity fixtures). Repeatable.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        vars: Vec<String>,
    },
}

/// Loads the configuration with the command's overrides applied last.
pub fn load_config(cli_config: Option<&PathBuf>, o: &Overrides) -> anyhow::Result<Config> {
    let env: HashMap<String, String> = std::env::vars().collect();
    let mut cfg = Config::load(cli_config.map(PathBuf::as_path), &env)?;
    if let Some(l) = &o.listen {
        cfg.listen = l.clone();
    }
    if let Some(d) = &o.database_url {
        cfg.database_url = d.clone();
    }
    cfg.validate()?;
    Ok(cfg)
}

/// Sets up `tracing` on stderr; `MYPAY_LOG` holds the filter (default `info`).
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MYPAY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::CheckConfig(o) => {
            let cfg = load_config(cli.config.as_ref(), o)?;
            print!("{}", cfg.redacted_toml());
            Ok(())
        }
        Command::Migrate(o) => migrate(&load_config(cli.config.as_ref(), o)?),
        Command::Serve(o) => {
            let cfg = load_config(cli.config.as_ref(), o)?;
            init_logging(cfg.log_format);
            runtime()?.block_on(serve(cfg, None))
        }
        Command::Avvisi { overrides, args } => {
            let cfg = load_config(cli.config.as_ref(), overrides)?;
            init_logging(cfg.log_format);
            let db = server::open_database(&cfg)?;
            avvisi::run(&db, cfg.clock()?, args)
        }
        Command::Admin { action } => {
            let cfg = load_config(cli.config.as_ref(), action.overrides())?;
            init_logging(cfg.log_format);
            let db = server::open_database(&cfg)?;
            admin::run(&db, cfg.clock()?, action)
        }
        Command::Flusso { action } => {
            let cfg = load_config(cli.config.as_ref(), action.overrides())?;
            init_logging(cfg.log_format);
            let db = server::open_database(&cfg)?;
            flusso::run_command(&db, &cfg.files_dir, cfg.clock()?, action)
        }
        Command::NodeSim { action } => {
            init_logging(LogFormat::Text);
            runtime()?.block_on(node_sim::run(action, server::shutdown_signal()))
        }
        Command::Replay {
            dir,
            url,
            record,
            vars,
        } => replay(dir, url, *record, vars),
        Command::Demo {
            overrides,
            reset_admin_password,
        } => {
            let cfg = load_config(cli.config.as_ref(), overrides)?;
            init_logging(cfg.log_format);
            let reset = *reset_admin_password;
            runtime()?.block_on(serve(cfg, Some(reset)))
        }
    }
}

/// `mypay migrate`: applies pending migrations and says so.
fn migrate(cfg: &Config) -> anyhow::Result<()> {
    init_logging(cfg.log_format);
    drop(server::open_database(cfg)?);
    println!(
        "database {} is up to date",
        crate::db::DatabaseUrl::parse(&cfg.database_url)
            .map(|u| u.redacted())
            .unwrap_or_default()
    );
    Ok(())
}

/// `mypay replay`: sends every fixture of `dir`, prints a verdict per fixture and fails when
/// any answer differs from the recorded one.
fn replay(dir: &std::path::Path, url: &str, record: bool, vars: &[String]) -> anyhow::Result<()> {
    let vars = vars
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .with_context(|| format!("--set {kv:?}: use KEY=VALUE"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let verdicts = runtime()?.block_on(crate::sim::replay::run(dir, url, record, &vars))?;
    let failed = verdicts.iter().filter(|v| !v.diffs.is_empty()).count();
    for v in &verdicts {
        let tag = match (record, v.diffs.is_empty()) {
            (true, _) => "RECORDED",
            (false, true) => "ok",
            (false, false) => "MISMATCH",
        };
        println!("{tag:>8}  {}", v.name);
        for d in &v.diffs {
            println!("          {d}");
        }
    }
    println!("{} passed, {failed} failed", verdicts.len() - failed);
    anyhow::ensure!(failed == 0, "{failed} fixture(s) did not match");
    Ok(())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Binds first (a taken port fails fast), then opens and migrates the database, seeds the
/// demo data when asked, and serves until Ctrl-C / SIGTERM.
async fn serve(mut cfg: Config, demo: Option<bool>) -> anyhow::Result<()> {
    // The demo pays through the simulator's Checkout unless a real one is configured.
    let checkout = match (demo, &cfg.pagopa.checkout_url) {
        (Some(_), None) => {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            cfg.pagopa.checkout_url = Some(format!("http://{}/checkout/ec/v1", l.local_addr()?));
            Some(l)
        }
        _ => None,
    };
    let listener = server::bind(&cfg).await?;
    let node_listener = server::bind_node(&cfg).await?;
    let db_cfg = cfg.clone();
    let db = tokio::task::spawn_blocking(move || server::open_database(&db_cfg)).await??;
    let mut server = Server::new(cfg, db, listener)?;
    if let Some(l) = node_listener {
        server = server.with_node_listener(l);
    }
    let addr = server.local_addr()?;
    if let Some(reset) = demo {
        let state = server.state.clone();
        let report =
            tokio::task::spawn_blocking(move || crate::demo::seed(&state, reset)).await??;
        println!("{}", report.render(&server.state.public_base));
        if let Some(l) = checkout {
            let gateway = format!("{}/pagopa/paForNode", server.state.public_base);
            let sim = crate::sim::server::SimConfig {
                clock: server.state.clock,
                ..crate::sim::server::SimConfig::new(&gateway, &report.broker, &report.station)
            };
            let running = crate::sim::server::spawn(l, sim)?;
            println!(
                "Checkout    : {} (pagoPA simulator)\n",
                running.checkout_url(1)
            );
            // Kept for the life of the process.
            std::mem::forget(running);
        }
    }
    announce_setup(&server).await?;
    tracing::info!(%addr, "mypay listening");
    if let Some(node) = server.node_addr() {
        let tls = server.state.config.node.tls_cert.is_some();
        tracing::info!(%node, tls, "node endpoint on its own listener");
    }
    server.run(server::shutdown_signal()).await
}

/// On an empty database, prints the one-time link that creates the first administrator.
async fn announce_setup(server: &Server) -> anyhow::Result<()> {
    let state = server.state.clone();
    let now = state.clock.now_naive();
    let link = server
        .state
        .db
        .write(move |c| {
            crate::accounts::first_run_link(c, state.random.as_ref(), &state.public_base, now)
        })
        .await?;
    if let Some(link) = link {
        println!(
            "First run: create the region administrator at\n  {link}\n(valid {} minutes, once; \
             or use `mypay admin create-user --role region-admin`)",
            crate::accounts::SETUP_TTL_MINUTES
        );
    }
    Ok(())
}
