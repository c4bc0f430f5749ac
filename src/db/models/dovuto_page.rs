//! What the page of one dovuto shows: the position with its entity and due type, its
//! exchanges and actions from the journal, and the due types a new one may be loaded on.

use super::dovuto::Dovuto;
use super::Scope;
use crate::db::schema::{dovuti, due_types, entities, events, operators};
use crate::db::{AnyConnection, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A dovuto with what its page names.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The position.
    pub dovuto: Dovuto,
    /// Its entity's name.
    pub entity: String,
    /// Its entity's segregation code (a modification is loaded with it).
    pub segregation_code: String,
    /// Its due type's code.
    pub due_type: String,
    /// Its due type's datiSpecificiRiscossione.
    pub collection_data: String,
    /// The debtor's e-mail.
    pub debtor_email: Option<String>,
}

/// Dovuti `ids` that `scope` sees, in that order, with their entity's name and due type's
/// code (those not found or not seen are left out).
pub fn selected(
    conn: &mut AnyConnection,
    scope: &Scope,
    ids: &[i64],
) -> Result<Vec<super::dovuto::DovutoRow>, DbError> {
    let rows = super::dovuto_search::named(conn, ids)?;
    Ok(rows
        .into_iter()
        .filter(|r| scope.sees_due_type(r.0.entity_id, r.0.due_type_id))
        .collect())
}

/// Dovuto `id`, when `scope` sees it.
pub fn shown(conn: &mut AnyConnection, scope: &Scope, id: i64) -> Result<Option<Shown>, DbError> {
    let row: Option<(Dovuto, String, String, String, String, Option<String>)> = dovuti::table
        .inner_join(entities::table)
        .inner_join(due_types::table)
        .filter(dovuti::id.eq(id))
        .select((
            Dovuto::as_select(),
            entities::name,
            entities::segregation_code,
            due_types::code,
            due_types::collection_data,
            dovuti::debtor_email,
        ))
        .first(conn)
        .optional()?;
    Ok(row
        .filter(|r| scope.sees_due_type(r.0.entity_id, r.0.due_type_id))
        .map(|(dovuto, entity, seg, due_type, collection, email)| Shown {
            dovuto,
            entity,
            segregation_code: seg,
            due_type,
            collection_data: collection,
            debtor_email: email,
        }))
}

/// One journal entry of a dovuto: (event id, when, interface, operation, outcome, fault,
/// operator's name).
pub type Exchange = (
    i64,
    NaiveDateTime,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// Most entries shown on a dovuto's page.
pub const MAX_EXCHANGES: i64 = 200;

/// The journal entries of entity `entity_id` about `iuv`, oldest first.
pub fn exchanges(
    conn: &mut AnyConnection,
    entity_id: i64,
    iuv: &str,
) -> Result<Vec<Exchange>, DbError> {
    Ok(events::table
        .left_join(operators::table)
        .filter(events::iuv.eq(iuv))
        .filter(
            events::entity_id
                .eq(entity_id)
                .or(events::entity_id.is_null()),
        )
        .order(events::id.asc())
        .limit(MAX_EXCHANGES)
        .select((
            events::id,
            events::occurred_at,
            events::interface,
            events::operation,
            events::outcome,
            events::fault_code,
            operators::full_name.nullable(),
        ))
        .load(conn)?)
}

/// An active due type a dovuto may be loaded on.
#[derive(Debug, Clone, Queryable)]
pub struct Choice {
    /// Due type id.
    pub id: i64,
    /// Its entity.
    pub entity_id: i64,
    /// The entity's name.
    pub entity: String,
    /// The entity's segregation code.
    pub segregation_code: String,
    /// Code.
    pub code: String,
    /// Description.
    pub description: String,
    /// datiSpecificiRiscossione.
    pub collection_data: String,
    /// Fixed amount.
    pub fixed_amount_cents: Option<i64>,
}

/// The active due types visible in `scope`, by entity and code.
pub fn choices(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<Choice>, DbError> {
    let mut q = due_types::table
        .inner_join(entities::table)
        .filter(due_types::active.eq(true))
        .select((
            due_types::id,
            entities::id,
            entities::name,
            entities::segregation_code,
            due_types::code,
            due_types::description,
            due_types::collection_data,
            due_types::fixed_amount_cents,
        ))
        .order((entities::name.asc(), due_types::code.asc()))
        .into_boxed();
    if let Scope::Limited { due_type_ids, .. } = scope {
        q = q.filter(due_types::id.eq_any(due_type_ids.clone()));
    }
    Ok(q.load(conn)?)
}
