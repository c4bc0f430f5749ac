//! The event journal: every exchange with the node, entities, portals and operators.

use crate::db::schema::events;
use crate::db::{AnyConnection, DbError};
use crate::with_backend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A journal entry.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct Event {
    /// Row id.
    pub id: i64,
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
    /// Correlation id shared with logs and faults.
    pub correlation_id: String,
    /// Interface (`paForNode`, `ente-ws`, `web`, ...).
    pub interface: String,
    /// Operation name.
    pub operation: String,
    /// `IN` (called us) or `OUT` (we called).
    pub direction: String,
    /// Entity concerned.
    pub entity_id: Option<i64>,
    /// IUV concerned.
    pub iuv: Option<String>,
    /// `OK` / `KO`.
    pub outcome: String,
    /// Fault code when KO.
    pub fault_code: Option<String>,
    /// Duration in milliseconds.
    pub duration_ms: i64,
    /// Caller address.
    pub remote_addr: Option<String>,
}

/// A new journal entry.
#[derive(Debug, Clone, Default, Insertable, Queryable, Selectable)]
// Absent values bind as NULL instead of writing DEFAULT: the SQL text stays the same for
// every row, so the prepared statement is cached (PostgreSQL re-parsed it on every insert).
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = events)]
pub struct NewEvent {
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
    /// Correlation id.
    pub correlation_id: String,
    /// Interface.
    pub interface: String,
    /// Operation.
    pub operation: String,
    /// `IN` / `OUT`.
    pub direction: String,
    /// Entity.
    pub entity_id: Option<i64>,
    /// Entity fiscal code as sent.
    pub entity_fiscal_code: Option<String>,
    /// IUV.
    pub iuv: Option<String>,
    /// Notice number.
    pub notice_number: Option<String>,
    /// `OK` / `KO`.
    pub outcome: String,
    /// Fault code.
    pub fault_code: Option<String>,
    /// Duration.
    pub duration_ms: i64,
    /// Caller address.
    pub remote_addr: Option<String>,
    /// Operator, for back-office actions.
    pub operator_id: Option<i64>,
    /// Request body.
    pub request: Option<String>,
    /// Response body.
    pub response: Option<String>,
}

impl NewEvent {
    /// A batch action (an upload, a download, a command-line run) through `interface`, at
    /// `at`, that went `outcome` (`OK` / `KO`); the rest to fill in.
    pub fn action(interface: &str, operation: &str, outcome: &str, at: NaiveDateTime) -> Self {
        Self {
            occurred_at: at,
            correlation_id: crate::random::correlation_id(),
            interface: interface.into(),
            operation: operation.into(),
            direction: "IN".into(),
            outcome: outcome.into(),
            ..Self::default()
        }
    }
}

/// Appends an entry.
pub fn record(conn: &mut AnyConnection, e: &NewEvent) -> Result<(), DbError> {
    diesel::insert_into(events::table).values(e).execute(conn)?;
    Ok(())
}

/// Appends many entries in one transaction.
pub fn record_many(conn: &mut AnyConnection, entries: &[NewEvent]) -> Result<(), DbError> {
    crate::db::write_tx(conn, |conn| {
        // 17 columns × 100 rows stays far below SQLite's bound-parameter limit.
        for chunk in entries.chunks(100) {
            with_backend!(&mut *conn, c => diesel::insert_into(events::table).values(chunk).execute(c))?;
        }
        Ok(())
    })
}

/// A listed entry with its entity name.
pub type EventRow = (Event, Option<String>);
