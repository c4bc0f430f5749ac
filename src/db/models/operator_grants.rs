//! Changing an existing operator: its name, e-mail and role, and the entities and due
//! types it is granted (within what the person changing it manages).

use crate::db::schema::{due_types, entities, operator_due_types, operator_entities, operators};
use crate::db::{AnyConnection, DbError};
use diesel::prelude::*;

/// One entity an operator is granted, as its edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// The entity's id.
    pub entity_id: i64,
    /// Its IPA code.
    pub cod_ipa: String,
    /// Administers the entity (manages its operators).
    pub manages: bool,
    /// The due types granted (codes), when not all of them.
    pub only: Option<Vec<String>>,
}

/// The grants of operator `id`, by entity name.
pub fn of(conn: &mut AnyConnection, id: i64) -> Result<Vec<Granted>, DbError> {
    let rows: Vec<(i64, String, bool, bool)> = operator_entities::table
        .inner_join(entities::table)
        .filter(operator_entities::operator_id.eq(id))
        .select((
            entities::id,
            entities::cod_ipa,
            operator_entities::manages,
            operator_entities::all_due_types,
        ))
        .order(entities::name)
        .load(conn)?;
    let picked: Vec<(i64, String)> = operator_due_types::table
        .inner_join(due_types::table)
        .filter(operator_due_types::operator_id.eq(id))
        .select((due_types::entity_id, due_types::code))
        .order(due_types::code)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(entity_id, cod_ipa, manages, all)| Granted {
            only: (!all).then(|| {
                let own = picked.iter().filter(|p| p.0 == entity_id);
                own.map(|p| p.1.clone()).collect()
            }),
            entity_id,
            cod_ipa,
            manages,
        })
        .collect())
}

/// Sets operator `id`'s full name, e-mail and stored role (`admin` or `operator`).
pub fn set_profile(
    conn: &mut AnyConnection,
    id: i64,
    (full_name, email, role): (&str, Option<&str>, &str),
) -> Result<bool, DbError> {
    let n = diesel::update(operators::table.find(id))
        .set((
            operators::full_name.eq(full_name),
            operators::email.eq(email),
            operators::role.eq(role),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Takes from operator `id` its grants on the entities `within` (all of them when `None`),
/// with the due types picked on them.
pub fn revoke(conn: &mut AnyConnection, id: i64, within: Option<&[i64]>) -> Result<(), DbError> {
    let entity_ids: Vec<i64> = match within {
        Some(ids) => ids.to_vec(),
        None => super::operator::granted_entities(conn, id)?,
    };
    let picked: Vec<i64> = due_types::table
        .filter(due_types::entity_id.eq_any(entity_ids.clone()))
        .select(due_types::id)
        .load(conn)?;
    diesel::delete(
        operator_due_types::table
            .filter(operator_due_types::operator_id.eq(id))
            .filter(operator_due_types::due_type_id.eq_any(picked)),
    )
    .execute(conn)?;
    diesel::delete(
        operator_entities::table
            .filter(operator_entities::operator_id.eq(id))
            .filter(operator_entities::entity_id.eq_any(entity_ids)),
    )
    .execute(conn)?;
    Ok(())
}
