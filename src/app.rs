//! The application object every handler receives: configuration, database, clock, randomness.

use crate::config::Config;
use crate::db::Db;
use crate::domain::random::RandomSource;
use crate::random::OsRandom;
use std::sync::Arc;

pub use crate::clock::Clock;

/// Shared application state.
pub struct App {
    /// Effective configuration.
    pub config: Config,
    /// Connection pool.
    pub db: Db,
    /// The clock every timestamp comes from.
    pub clock: Clock,
    /// Randomness.
    pub random: Arc<dyn RandomSource>,
    /// Base URL for links.
    pub public_base: String,
    /// Event journal writer.
    pub journal: crate::journal::Journal,
    /// Resolved node routes (broker → station → entity), kept briefly.
    pub routes: Arc<crate::db::models::route::RouteCache>,
}

impl App {
    /// Builds the state with `clock` and OS randomness; starts the journal writer (so it must
    /// be called inside a tokio runtime).
    pub fn new(config: Config, db: Db, clock: Clock, public_base: String) -> Self {
        Self {
            journal: crate::journal::Journal::start(db.clone()),
            routes: Arc::new(crate::db::models::route::RouteCache::new(
                std::time::Duration::from_secs(30),
            )),
            config,
            db,
            clock,
            random: Arc::new(OsRandom),
            public_base,
        }
    }

    /// Now, as the naive UTC timestamp stored in the database.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.clock.now_naive()
    }
}

/// What axum handlers extract.
pub type AppState = Arc<App>;

impl crate::soap::service::Context for AppState {
    fn journal(&self) -> &crate::journal::Journal {
        &self.journal
    }

    fn clock(&self) -> Clock {
        self.clock
    }

    fn public_base(&self) -> &str {
        &self.public_base
    }
}
