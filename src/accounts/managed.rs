//! Managing other people's accounts: what a region or entity administrator may do.

use super::{reset_password, AccountError, Role};
use crate::db::models::{operator, Scope};
use crate::db::{AnyConnection, DbError};
use crate::domain::random::RandomSource;
use chrono::NaiveDateTime;

/// Whose accounts an operator manages: a region administrator every one; an entity
/// administrator those of the entities it administers (never a region administrator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Managed {
    /// Every account.
    All,
    /// The accounts granted one of these entities.
    Entities(Vec<i64>),
}

impl Managed {
    /// What `op` manages; `None` when it manages no account.
    pub fn of(conn: &mut AnyConnection, op: &operator::Operator) -> Result<Option<Self>, DbError> {
        if op.is_admin() {
            return Ok(Some(Self::All));
        }
        let ids = operator::managed_entities(conn, op.id)?;
        Ok((!ids.is_empty()).then_some(Self::Entities(ids)))
    }

    /// The entities whose accounts are listed (`None`: all).
    pub fn entities(&self) -> Option<&[i64]> {
        match self {
            Self::All => None,
            Self::Entities(ids) => Some(ids),
        }
    }

    /// What an operator who manages `self` sees of the registry: every entity, or those it
    /// administers (no due types of their own).
    pub fn scope(&self) -> Scope {
        match self {
            Self::All => Scope::All,
            Self::Entities(ids) => Scope::Limited {
                entity_ids: ids.clone(),
                due_type_ids: Vec::new(),
            },
        }
    }

    /// Whether the account `target` is managed: granted one of the entities (and not a
    /// region administrator) for an entity administrator.
    pub fn covers(
        &self,
        conn: &mut AnyConnection,
        target: &operator::Operator,
    ) -> Result<bool, DbError> {
        match self {
            Self::All => Ok(true),
            Self::Entities(_) if target.is_admin() => Ok(false),
            Self::Entities(ids) => {
                let granted = operator::granted_entities(conn, target.id)?;
                Ok(granted.iter().any(|g| ids.contains(g)))
            }
        }
    }

    /// Whether a new account of `role` for the entity `entity_id` may be made.
    pub fn may_create(&self, role: Role, entity_id: Option<i64>) -> bool {
        match (self, role, entity_id) {
            (Self::All, _, _) => true,
            (Self::Entities(_), Role::RegionAdmin, _) | (Self::Entities(_), _, None) => false,
            (Self::Entities(ids), _, Some(e)) => ids.contains(&e),
        }
    }
}

/// `actor` enables or disables the account `target_id` it manages (never its own);
/// `Ok(false)` when there is no such account among those it manages.
pub fn set_active(
    conn: &mut AnyConnection,
    (actor, managed): (&operator::Operator, &Managed),
    target_id: i64,
    active: bool,
) -> Result<bool, AccountError> {
    if target_id == actor.id {
        return Err(AccountError::Own);
    }
    match operator::by_id(conn, target_id)? {
        Some(t) if managed.covers(conn, &t)? => Ok(operator::set_active(conn, target_id, active)?),
        _ => Ok(false),
    }
}

/// `managed` resets the password of account `target_id`; the temporary password, or
/// `None` when there is no such account among those it manages.
pub fn reset_managed_password(
    conn: &mut AnyConnection,
    managed: &Managed,
    target_id: i64,
    random: &dyn RandomSource,
    now: NaiveDateTime,
) -> Result<Option<(String, String)>, AccountError> {
    match operator::by_id(conn, target_id)? {
        Some(t) if managed.covers(conn, &t)? => {
            let pw = reset_password(conn, &t.username, random, now)?;
            Ok(Some((t.username, pw)))
        }
        _ => Ok(None),
    }
}
