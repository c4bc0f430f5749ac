//! An administrator changes an account it manages: name, e-mail, role, and the entity and
//! due types it works on. Grants on entities the administrator does not manage stay as
//! they are; nobody changes their own role.

use super::{entity_of, full_name, grant, in_tx, stored_role, AccountError, Managed, Role};
use crate::db::models::{operator, operator_grants};
use crate::db::{AnyConnection, DbError};

/// What the edit form asks for.
#[derive(Debug, Clone)]
pub struct Changes<'a> {
    /// Full name.
    pub full_name: &'a str,
    /// E-mail (blank: none).
    pub email: Option<&'a str>,
    /// The role.
    pub role: Role,
    /// The entity (IPA code) of an entity role.
    pub entity: Option<&'a str>,
    /// An entity operator's due types (codes); all when empty.
    pub due_types: &'a [String],
}

/// The role account `op` has: region administrator, administrator of an entity, or
/// operator.
pub fn role_of(conn: &mut AnyConnection, op: &operator::Operator) -> Result<Role, DbError> {
    if op.is_admin() {
        return Ok(Role::RegionAdmin);
    }
    Ok(match operator::managed_entities(conn, op.id)?.is_empty() {
        true => Role::EntityOperator,
        false => Role::EntityAdmin,
    })
}

/// `actor`, managing `managed`, changes the account `target_id` as `changes` says, in one
/// transaction; `Ok(false)` when there is no such account among those it manages,
/// [`AccountError::NotAllowed`] when the role or entity asked is beyond what it manages.
pub fn update_managed(
    conn: &mut AnyConnection,
    (actor, managed): (&operator::Operator, &Managed),
    target_id: i64,
    changes: &Changes<'_>,
) -> Result<bool, AccountError> {
    let Some(target) = operator::by_id(conn, target_id)? else {
        return Ok(false);
    };
    if !managed.covers(conn, &target)? {
        return Ok(false);
    }
    let name = full_name(changes.full_name)?;
    let email = super::email(changes.email);
    in_tx(conn, |c| {
        let entity = entity_of(c, changes.role, changes.entity)?;
        if !managed.may_create(changes.role, entity) {
            return Err(AccountError::NotAllowed);
        }
        let role = stored_role(changes.role);
        if target_id == actor.id {
            // Their own name and e-mail only.
            if changes.role != role_of(c, &target)? {
                return Err(AccountError::OwnRole);
            }
            return Ok(operator_grants::set_profile(
                c,
                target_id,
                (name, email, role),
            )?);
        }
        operator_grants::set_profile(c, target_id, (name, email, role))?;
        operator_grants::revoke(c, target_id, managed.entities())?;
        if let Some(entity) = entity {
            grant(c, target_id, (entity, changes.role), changes.due_types)?;
        }
        Ok(true)
    })
}
