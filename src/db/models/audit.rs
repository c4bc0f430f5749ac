//! The audit trail: operators' actions with who, when, on what and the values before and
//! after; read newest first by id, filtered by time, login name, action and entity.

use crate::db::schema::{audit_log, entities};
use crate::db::{AnyConnection, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// One entry, to write or as read.
#[derive(Debug, Clone, Default, Insertable, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct NewAudit {
    /// When.
    pub occurred_at: NaiveDateTime,
    /// Who, when the login name is an account.
    pub operator_id: Option<i64>,
    /// The login name (as typed, for a failed login).
    pub username: String,
    /// What (`ente.stato`, `login.fallito`, …).
    pub action: String,
    /// The entity it concerns.
    pub entity_id: Option<i64>,
    /// On what: a readable name of the thing changed.
    pub target: String,
    /// Its values before (JSON).
    pub before_json: Option<String>,
    /// Its values after (JSON).
    pub after_json: Option<String>,
    /// The client's address.
    pub remote_addr: Option<String>,
}

/// One entry as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    /// Row id (newest highest).
    pub id: i64,
    /// The entry.
    #[diesel(embed)]
    pub entry: NewAudit,
}

/// Writes an entry.
pub fn record(conn: &mut AnyConnection, entry: &NewAudit) -> Result<(), DbError> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)?;
    Ok(())
}

/// Which entries: every bound optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// From this instant (UTC, included).
    pub from: Option<NaiveDateTime>,
    /// Before this instant (UTC, excluded).
    pub to: Option<NaiveDateTime>,
    /// This login name.
    pub username: Option<String>,
    /// This action.
    pub action: Option<String>,
    /// This entity.
    pub entity_id: Option<i64>,
    /// Only entries of these entities (an entity administrator's); all when `None`.
    pub within: Option<Vec<i64>>,
}

/// Up to `limit` entries older than id `before` (newest first), each with its entity's name.
pub fn page(
    conn: &mut AnyConnection,
    f: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<(AuditRow, Option<String>)>, DbError> {
    let mut q = audit_log::table.select(AuditRow::as_select()).into_boxed();
    if let Some(b) = before {
        q = q.filter(audit_log::id.lt(b));
    }
    if let Some(t) = f.from {
        q = q.filter(audit_log::occurred_at.ge(t));
    }
    if let Some(t) = f.to {
        q = q.filter(audit_log::occurred_at.lt(t));
    }
    if let Some(u) = &f.username {
        q = q.filter(audit_log::username.eq(u.clone()));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(e) = f.entity_id {
        q = q.filter(audit_log::entity_id.eq(e));
    }
    if let Some(ids) = &f.within {
        q = q.filter(audit_log::entity_id.eq_any(ids.clone()));
    }
    let rows: Vec<AuditRow> = q.order(audit_log::id.desc()).limit(limit).load(conn)?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.entry.entity_id).collect();
    let names: HashMap<i64, String> = entities::table
        .filter(entities::id.eq_any(ids))
        .select((entities::id, entities::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = r.entry.entity_id.and_then(|e| names.get(&e).cloned());
            (r, name)
        })
        .collect())
}
