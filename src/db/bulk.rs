//! A connection set up for bulk writes (a flusso import of a million rows).

use super::{AnyConnection, Db, DbError, Manager, MMAP_BYTES};
use diesel::connection::SimpleConnection;
use diesel::r2d2::PooledConnection;

/// A pooled connection set up for bulk writes, its settings undone when dropped, before it
/// goes back to the pool.
///
/// SQLite: no memory map (the writer reads back little, so the file's pages stay out of
/// resident memory whatever its size); no foreign-key probes (bulk writers take every id
/// they write from rows they have just read). (Copying the WAL into the file from a helper
/// thread instead of inside the writer's commits was measured: slower by a third.)
///
/// PostgreSQL: commits that do not wait for the WAL flush. A crash may lose the last
/// chunks, never part of one (rows and counters commit together), and the import resumes.
pub struct BulkWrites(PooledConnection<Manager>);

impl BulkWrites {
    /// A connection of `db` for bulk writes.
    pub fn new(db: &Db) -> Result<Self, DbError> {
        let mut conn = db.get()?;
        match &mut *conn {
            AnyConnection::Sqlite(c) => {
                c.batch_execute("PRAGMA mmap_size = 0; PRAGMA foreign_keys = OFF;")?
            }
            AnyConnection::Postgresql(c) => c.batch_execute("SET synchronous_commit = off")?,
        }
        Ok(Self(conn))
    }
}

impl std::ops::Deref for BulkWrites {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.0
    }
}

impl std::ops::DerefMut for BulkWrites {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.0
    }
}

impl Drop for BulkWrites {
    fn drop(&mut self) {
        let reset = match &mut *self.0 {
            AnyConnection::Sqlite(c) => c.batch_execute(&format!(
                "PRAGMA mmap_size = {MMAP_BYTES}; PRAGMA foreign_keys = ON;"
            )),
            AnyConnection::Postgresql(c) => c.batch_execute("RESET synchronous_commit"),
        };
        if let Err(e) = reset {
            tracing::warn!(error = %e, "could not reset a connection after bulk writes");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::tests::sqlite_pragma;
    use crate::db::DatabaseUrl;

    fn foreign_keys(conn: &mut AnyConnection) -> i64 {
        sqlite_pragma(conn, "foreign_keys")
    }

    #[test]
    fn the_connection_goes_back_to_the_pool_as_it_came() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("b.sqlite3").display());
        let db = Db::open(&DatabaseUrl::parse(&url).unwrap(), 1).unwrap();
        {
            let mut bulk = BulkWrites::new(&db).unwrap();
            assert_eq!(foreign_keys(&mut bulk), 0);
        }
        // The pool's only connection, settings restored.
        assert_eq!(foreign_keys(&mut db.get().unwrap()), 1);
    }
}
