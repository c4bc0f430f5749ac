//! `mypay node-sim`: pay notices from the command line, or serve the simulated platform.

use crate::clock::Clock;
use crate::sim::flow::{self, PayOptions, Step};
use crate::sim::messages::{Psp, Station};
use crate::sim::server::{self, SimConfig};
use clap::{Args, Subcommand};
use std::time::Duration;

/// `node-sim` actions.
#[derive(Debug, Subcommand)]
pub enum NodeSimAction {
    /// Pay notices: verify → activate → receipt, as the node and a PSP do.
    Pay(PayArgs),
    /// Serve the node's reporting services (nodeForPa) and Checkout (`POST /carts` and a
    /// checkout page that pays through the gateway).
    Serve(ServeArgs),
}

/// `node-sim pay`.
#[derive(Debug, Args)]
pub struct PayArgs {
    /// The gateway's paForNode endpoint.
    #[arg(long, default_value = "http://127.0.0.1:8080/pagopa/paForNode")]
    url: String,
    /// idBrokerPA.
    #[arg(long)]
    broker: String,
    /// idStation.
    #[arg(long)]
    station: String,
    /// idPA: the entity's fiscal code.
    #[arg(long)]
    pa: String,
    /// Use the V2 primitives.
    #[arg(long)]
    v2: bool,
    /// Ask for postal accounts.
    #[arg(long)]
    postal: bool,
    /// Activate twice (token expiry).
    #[arg(long)]
    reactivate: bool,
    /// Deliver each receipt twice.
    #[arg(long)]
    duplicate_receipt: bool,
    /// Send the receipt this many seconds after the activation (a late receipt).
    #[arg(long, value_name = "SECONDS")]
    late_receipt: Option<u64>,
    /// Date payments as if started at this instant (as the gateway's `clock_start`).
    #[arg(long, env = "MYPAY_CLOCK_START")]
    clock_start: Option<String>,
    /// Notice numbers to pay.
    #[arg(required = true)]
    notices: Vec<String>,
}

/// `node-sim serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: String,
    /// The gateway's paForNode endpoint.
    #[arg(long, default_value = "http://127.0.0.1:8080/pagopa/paForNode")]
    gateway: String,
    /// idBrokerPA the node uses for the gateway.
    #[arg(long)]
    broker: String,
    /// idStation.
    #[arg(long)]
    station: String,
    /// Station password nodeForPa callers must send (8 to 15 characters).
    #[arg(long, default_value = "password", env = "MYPAY_SIM_PASSWORD")]
    password: String,
    /// Subscription key Checkout requires; without it Checkout is open.
    #[arg(long, env = "MYPAY_SIM_SUBSCRIPTION_KEY")]
    subscription_key: Option<String>,
    /// Pay carts with the V1 primitives (default V2).
    #[arg(long)]
    v1: bool,
    /// idPSP of the collecting PSP.
    #[arg(long, default_value = "AGID_01")]
    psp: String,
    /// Date payments and flows as if started at this instant (as the gateway's
    /// `clock_start`).
    #[arg(long, env = "MYPAY_CLOCK_START")]
    clock_start: Option<String>,
}

/// The clock a `--clock-start` asks for (the system's without one).
fn clock(start: Option<&str>) -> anyhow::Result<Clock> {
    match start {
        None => Ok(Clock::system()),
        Some(t) => crate::clock::parse_start(t)
            .map(Clock::starting_at)
            .ok_or_else(|| anyhow::anyhow!("--clock-start: {t:?} is not a day or an instant")),
    }
}

/// Runs a `node-sim` action; a server runs until `shutdown` resolves.
pub async fn run(
    action: &NodeSimAction,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    match action {
        NodeSimAction::Pay(a) => {
            let st = Station {
                id_pa: a.pa.clone(),
                id_broker: a.broker.clone(),
                id_station: a.station.clone(),
            };
            let opts = PayOptions {
                v2: a.v2,
                postal: a.postal,
                reactivate: a.reactivate,
                duplicate_receipt: a.duplicate_receipt,
                receipt_delay: a.late_receipt.map(Duration::from_secs),
                clock: clock(a.clock_start.as_deref())?,
                ..PayOptions::default()
            };
            pay(&a.url, &st, &a.notices, &opts).await
        }
        NodeSimAction::Serve(a) => serve(a, shutdown).await,
    }
}

/// Serves the simulated platform until `shutdown` resolves.
async fn serve(
    a: &ServeArgs,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        (8..=15).contains(&a.password.chars().count()),
        "--password must be 8 to 15 characters (stPassword)"
    );
    let listen = &a.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let config = SimConfig {
        password: a.password.clone(),
        subscription_key: a.subscription_key.clone(),
        v2: !a.v1,
        psp: Psp {
            id: a.psp.clone(),
            ..Psp::default()
        },
        clock: clock(a.clock_start.as_deref())?,
        ..SimConfig::new(&a.gateway, &a.broker, &a.station)
    };
    let running = server::spawn(listener, config)?;
    println!("pagoPA node simulator at {}", running.base);
    println!("  nodeForPa: {}", running.node_for_pa_url());
    println!("  Checkout:  {}/carts", running.checkout_url(1));
    println!("             {}/carts", running.checkout_url(2));
    println!(
        "  paying through {} as {} / {}",
        a.gateway, a.broker, a.station
    );
    shutdown.await;
    Ok(())
}

async fn pay(url: &str, st: &Station, notices: &[String], opts: &PayOptions) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let mut failed = 0;
    for n in notices {
        let steps = flow::pay(flow::Link::Http(&client, url), st, n, opts).await?;
        let paid = steps.len() >= 3 && steps.iter().all(Step::ok);
        failed += usize::from(!paid);
        println!("{n}: {}", if paid { "PAID" } else { "NOT PAID" });
        for s in &steps {
            println!(
                "  {:<22} {} {}{}",
                s.operation,
                s.outcome,
                s.fault.as_deref().unwrap_or(""),
                s.amount
                    .as_deref()
                    .map(|a| format!(" amount {a}"))
                    .unwrap_or_default()
            );
        }
    }
    anyhow::ensure!(failed == 0, "{failed} notice(s) not paid");
    Ok(())
}
