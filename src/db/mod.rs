//! Persistence: one diesel `MultiConnection` over SQLite (embedded default) and PostgreSQL,
//! an r2d2 pool of fixed size, and [`Db::run`] to use it from async code without holding a
//! connection across `.await`.

pub mod bulk;
pub mod codes;
pub mod iuv;
pub mod models;
pub mod schema;
pub mod stamp;
pub mod url;

pub use bulk::BulkWrites;
pub use url::DatabaseUrl;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::Arc;
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL (production, shared by several instances).
    Postgresql(diesel::PgConnection),
    /// SQLite (embedded default).
    Sqlite(diesel::SqliteConnection),
}

/// Runs `$body` with `$c` bound to the concrete inner connection, for the few statements
/// that must be written per backend (e.g. `RETURNING`, locking clauses).
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgresql($c) => $body,
        }
    };
}

/// Errors from the persistence layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(diesel::result::Error),
    /// No connection could be had from the pool in time.
    #[error("database unavailable: {0}")]
    Pool(r2d2::PoolError),
    /// The database could not be reached when opening the pool.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The blocking task was cancelled or panicked.
    #[error("database task failed: {0}")]
    Join(tokio::task::JoinError),
    /// Migrations could not be applied.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// A domain rule was broken while writing (e.g. IUV progressive exhausted).
    #[error("{0}")]
    Rule(String),
    /// A stored row holds what the domain cannot read (an unknown state code, say).
    #[error("{table} row {id}: {problem}")]
    BadRow {
        /// The table.
        table: &'static str,
        /// The row's id.
        id: i64,
        /// What is wrong.
        problem: String,
    },
}

// Manual conversions: the message already includes the cause, so no `source()` chain
// (which would print it twice).
impl From<diesel::result::Error> for DbError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Query(e)
    }
}

/// A password that could not be hashed while writing an account or credential.
impl From<crate::security::HashError> for DbError {
    fn from(e: crate::security::HashError) -> Self {
        Self::Rule(e.to_string())
    }
}

impl From<r2d2::PoolError> for DbError {
    fn from(e: r2d2::PoolError) -> Self {
        Self::Pool(e)
    }
}

impl From<tokio::task::JoinError> for DbError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Join(e)
    }
}

impl DbError {
    /// What a transaction closure returns to roll back without a failure of its own (the
    /// caller kept the reason aside).
    pub fn rollback() -> Self {
        DbError::Query(diesel::result::Error::RollbackTransaction)
    }

    /// True when the error is a unique-constraint violation (idempotency keys, duplicates).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

/// Pages of WAL after which an SQLite commit copies them into the database file.
pub const WAL_AUTOCHECKPOINT: u32 = 8192;

/// Page size of a new SQLite database (an existing file keeps its own). Against SQLite's
/// 4 KiB default, 16 KiB pages make a bulk load of dovuti (eight B-trees) about a fifth
/// faster and point lookups no slower; small write transactions log more bytes each (see
/// BENCHMARKS.md).
pub const PAGE_SIZE: u32 = 16384;

/// How much of an SQLite database file each connection maps into memory.
pub const MMAP_BYTES: i64 = 256 * 1024 * 1024;

/// Sets SQLite up for this process, once, before its first connection: each connection
/// is used by one thread at a time (the pool hands it out whole), so SQLite's own
/// per-connection mutexes ("serialized" mode, taken on every bind and step) and its memory
/// statistics (a global mutex on every allocation) are pure cost. If SQLite was already
/// initialised (another library opened a database first), it keeps its defaults.
fn sqlite_process_setup() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use libsqlite3_sys as ffi;
        // SAFETY: sqlite3_config is called before any connection of ours is opened; when
        // SQLite is already initialised it refuses with SQLITE_MISUSE and changes nothing.
        unsafe {
            ffi::sqlite3_config(ffi::SQLITE_CONFIG_MULTITHREAD);
            ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::os::raw::c_int);
        }
    });
}

/// Opens connections for our parsed URL, applying SQLite's pragmas on each new one.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                sqlite_process_setup();
                let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?;
                // Page cache and memory map sized for a busy gateway: without them every
                // lookup on a large database turns into read() syscalls.
                c.batch_execute(&format!(
                    // busy_timeout first: switching a new file to WAL needs a lock that a
                    // connection opening at the same moment may hold.
                    // The page size only counts before the file has content, so before WAL.
                    "PRAGMA busy_timeout = 10000; PRAGMA page_size = {PAGE_SIZE}; \
                     PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
                     PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT};"
                ))
                .map_err(r2d2::Error::QueryError)?;
                c.batch_execute(&format!("PRAGMA mmap_size = {MMAP_BYTES};"))
                    .map_err(r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(c))
            }
            DatabaseUrl::Postgres(url) => diesel::PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        <AnyConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// The connection pool. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    url: DatabaseUrl,
    /// Writers admitted at once: one on SQLite (it has a single writer; queueing here is
    /// cheaper than its busy handler's sleeps), the pool size on PostgreSQL.
    writers: Arc<tokio::sync::Semaphore>,
    /// Database tasks admitted at once (the pool size): the rest wait here, as cheap async
    /// waiters, instead of as blocking threads parked on the pool's mutex.
    slots: Arc<tokio::sync::Semaphore>,
    /// SQLite only: connections for short reads run right on the async worker (an indexed
    /// lookup takes microseconds; the hop to a blocking thread and back costs more).
    inline: Arc<Vec<std::sync::Mutex<AnyConnection>>>,
}

impl Db {
    /// Opens a pool of `size` connections (creating the SQLite file and its folder if needed).
    pub fn open(url: &DatabaseUrl, size: u32) -> Result<Self, DbError> {
        if let DatabaseUrl::Sqlite(path) = url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    DbError::Rule(format!(
                        "cannot create database folder {}: {e}",
                        dir.display()
                    ))
                })?;
            }
        }
        let manager = Manager { url: url.clone() };
        // Fail fast with the real reason instead of letting the pool retry for seconds.
        let first = manager
            .connect()
            .map_err(|e| DbError::Connect(e.to_string()))?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(size.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            // A broken connection is noticed when used (has_broken / query errors); testing
            // each checkout would add a round trip to every request.
            .test_on_check_out(false)
            .build_unchecked(manager.clone());
        let writers = match url {
            DatabaseUrl::Sqlite(_) => 1,
            _ => size.max(1) as usize,
        };
        let inline = match url {
            DatabaseUrl::Sqlite(_) => {
                let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
                (0..workers)
                    .map(|_| manager.connect().map(std::sync::Mutex::new))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| DbError::Connect(e.to_string()))?
            }
            DatabaseUrl::Postgres(_) => Vec::new(),
        };
        Ok(Self {
            inline: Arc::new(inline),
            pool,
            url: url.clone(),
            writers: Arc::new(tokio::sync::Semaphore::new(writers)),
            slots: Arc::new(tokio::sync::Semaphore::new(size.max(1) as usize)),
        })
    }

    /// The URL this pool connects to.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A pooled connection for synchronous code (CLI, tests, inside `spawn_blocking`).
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        // Never closed, so acquiring cannot fail; run anyway if it did.
        let _slot = self.slots.acquire().await.ok();
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// A short read (one or two indexed lookups). On SQLite it runs on the calling async
    /// worker with one of the inline connections when one is free; otherwise as [`Db::run`].
    pub async fn read<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        for slot in self.inline.iter() {
            if let Ok(mut conn) = slot.try_lock() {
                return f(&mut conn);
            }
        }
        self.run(f).await
    }

    /// [`Db::run`] for work that writes: waits its turn among writers first (see `writers`).
    pub async fn write<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = self.writers.acquire().await.ok();
        self.run(f).await
    }

    /// Applies pending migrations; returns how many were applied.
    pub fn migrate(&self) -> Result<usize, DbError> {
        let mut conn = self.get()?;
        let applied = match &mut *conn {
            AnyConnection::Sqlite(c) => {
                c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len())
            }
            AnyConnection::Postgresql(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        };
        applied.map_err(|e| DbError::Migration(e.to_string()))
    }
}

/// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite (so a read-then-write
/// transaction never fails on a stale snapshot), a normal transaction on PostgreSQL.
/// Rolled back when `f` fails.
pub fn write_tx<T, F>(conn: &mut AnyConnection, f: F) -> Result<T, DbError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, DbError>,
{
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        AnyConnection::Postgresql(_) => {
            <AnyConnection as Connection>::TransactionManager::begin_transaction(conn)?
        }
    }
    match f(conn) {
        Ok(v) => {
            <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(v)
        }
        Err(e) => {
            <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// Checks that the database answers (for `/health`).
pub fn ping(conn: &mut AnyConnection) -> Result<(), DbError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::BigInt;

    #[derive(diesel::QueryableByName)]
    struct Value {
        #[diesel(sql_type = BigInt)]
        value: i64,
    }

    /// An SQLite connection's integer setting `name` (`PRAGMA name`).
    pub(super) fn sqlite_pragma(conn: &mut AnyConnection, name: &str) -> i64 {
        let AnyConnection::Sqlite(c) = conn else {
            unreachable!()
        };
        diesel::sql_query(format!("SELECT {name} AS value FROM pragma_{name}()"))
            .get_result::<Value>(c)
            .unwrap()
            .value
    }

    fn page_size(db: &Db) -> i64 {
        sqlite_pragma(&mut db.get().unwrap(), "page_size")
    }

    #[test]
    fn a_new_sqlite_file_gets_the_page_size_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let open = |name: &str| {
            let url = format!("sqlite://{}", dir.path().join(name).display());
            Db::open(&DatabaseUrl::parse(&url).unwrap(), 2).unwrap()
        };
        assert_eq!(page_size(&open("new.sqlite3")), i64::from(PAGE_SIZE));
        let old = dir.path().join("old.sqlite3");
        let mut c = diesel::SqliteConnection::establish(&old.to_string_lossy()).unwrap();
        c.batch_execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER);")
            .unwrap();
        drop(c);
        assert_eq!(page_size(&open("old.sqlite3")), 4096);
    }
}
