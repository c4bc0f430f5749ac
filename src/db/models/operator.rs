//! Back-office operators and what they may see.

use crate::db::schema::{due_types, entities, operator_due_types, operator_entities, operators};
use crate::db::{models::Scope, AnyConnection, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Role of a global (region) administrator.
pub const ROLE_ADMIN: &str = "admin";
/// Role of an entity operator.
pub const ROLE_OPERATOR: &str = "operator";

/// An operator.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = operators)]
pub struct Operator {
    /// Row id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// argon2 PHC string.
    pub password_hash: String,
    /// `admin` or `operator`.
    pub role: String,
    /// Disabled operators cannot log in.
    pub active: bool,
    /// Set by someone else: to be changed before anything else.
    pub must_change_password: bool,
    /// E-mail.
    pub email: Option<String>,
}

impl Operator {
    /// True for region administrators.
    pub fn is_admin(&self) -> bool {
        self.role == ROLE_ADMIN
    }
}

/// A new operator.
#[derive(Debug, Insertable)]
#[diesel(table_name = operators)]
pub struct NewOperator<'a> {
    /// Login name.
    pub username: &'a str,
    /// Full name.
    pub full_name: &'a str,
    /// E-mail.
    pub email: Option<&'a str>,
    /// argon2 PHC string.
    pub password_hash: &'a str,
    /// Role.
    pub role: &'a str,
    /// The password was set by someone else.
    pub must_change_password: bool,
    /// Now.
    pub created_at: NaiveDateTime,
}

/// Inserts an operator and returns its id.
pub fn insert(conn: &mut AnyConnection, op: &NewOperator<'_>) -> Result<i64, DbError> {
    diesel::insert_into(operators::table)
        .values(op)
        .execute(conn)?;
    Ok(operators::table
        .filter(operators::username.eq(op.username))
        .select(operators::id)
        .first(conn)?)
}

/// What an operator is granted on one entity.
#[derive(Debug, Clone, Copy, Default)]
pub struct Grant<'a> {
    /// Only these due types (all when `None`).
    pub only_due_types: Option<&'a [i64]>,
    /// Administers the entity: manages its operators.
    pub manages: bool,
}

/// Grants an entity to an operator.
pub fn grant_entity(
    conn: &mut AnyConnection,
    operator: i64,
    entity: i64,
    grant: Grant<'_>,
) -> Result<(), DbError> {
    let only_due_types = grant.only_due_types;
    diesel::insert_into(operator_entities::table)
        .values((
            operator_entities::operator_id.eq(operator),
            operator_entities::entity_id.eq(entity),
            operator_entities::all_due_types.eq(only_due_types.is_none()),
            operator_entities::manages.eq(grant.manages),
        ))
        .execute(conn)?;
    for dt in only_due_types.unwrap_or_default() {
        diesel::insert_into(operator_due_types::table)
            .values((
                operator_due_types::operator_id.eq(operator),
                operator_due_types::due_type_id.eq(dt),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Finds an operator by login name.
pub fn by_username(conn: &mut AnyConnection, username: &str) -> Result<Option<Operator>, DbError> {
    Ok(operators::table
        .filter(operators::username.eq(username))
        .select(Operator::as_select())
        .first(conn)
        .optional()?)
}

/// Records a successful login.
pub fn touch_login(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(operators::table.find(id))
        .set(operators::last_login_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// What `op` may see.
pub fn scope_of(conn: &mut AnyConnection, op: &Operator) -> Result<Scope, DbError> {
    if op.is_admin() {
        return Ok(Scope::All);
    }
    let grants: Vec<(i64, bool)> = operator_entities::table
        .filter(operator_entities::operator_id.eq(op.id))
        .select((
            operator_entities::entity_id,
            operator_entities::all_due_types,
        ))
        .load(conn)?;
    let entity_ids: Vec<i64> = grants.iter().map(|g| g.0).collect();
    let whole: Vec<i64> = grants.iter().filter(|g| g.1).map(|g| g.0).collect();
    let mut due_type_ids: Vec<i64> = due_types::table
        .filter(due_types::entity_id.eq_any(whole))
        .select(due_types::id)
        .load(conn)?;
    let picked: Vec<i64> = operator_due_types::table
        .inner_join(due_types::table)
        .filter(operator_due_types::operator_id.eq(op.id))
        .filter(due_types::entity_id.eq_any(entity_ids.clone()))
        .select(due_types::id)
        .load(conn)?;
    due_type_ids.extend(picked);
    due_type_ids.sort_unstable();
    due_type_ids.dedup();
    Ok(Scope::Limited {
        entity_ids,
        due_type_ids,
    })
}

/// Replaces operator `username`'s password hash, to be changed at the next login when
/// `must_change` (someone else set it); false when there is no such operator.
pub fn set_password(
    conn: &mut AnyConnection,
    username: &str,
    hash: &str,
    must_change: bool,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(operators::table.filter(operators::username.eq(username)))
        .set((
            operators::password_hash.eq(hash),
            operators::must_change_password.eq(must_change),
            operators::password_changed_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(n > 0)
}

/// How many operators exist (none: the first run's setup is open).
pub fn count(conn: &mut AnyConnection) -> Result<i64, DbError> {
    Ok(operators::table.count().get_result(conn)?)
}

/// An operator as the operators page lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The operator.
    pub operator: Operator,
    /// Last successful login.
    pub last_login_at: Option<NaiveDateTime>,
    /// Granted entities: (id, name, administers it).
    pub grants: Vec<(i64, String, bool)>,
}

/// The operators, by login name: every one (`within` = `None`), or those granted one of
/// the entities `within` (region administrators then left out).
pub fn list(conn: &mut AnyConnection, within: Option<&[i64]>) -> Result<Vec<Listed>, DbError> {
    let grants: Vec<(i64, i64, String, bool)> = operator_entities::table
        .inner_join(entities::table)
        .select((
            operator_entities::operator_id,
            entities::id,
            entities::name,
            operator_entities::manages,
        ))
        .order(entities::name)
        .load(conn)?;
    let ops: Vec<(Operator, Option<NaiveDateTime>)> = operators::table
        .select((Operator::as_select(), operators::last_login_at))
        .order(operators::username)
        .load(conn)?;
    Ok(ops
        .into_iter()
        .map(|(operator, last_login_at)| {
            let own = grants.iter().filter(|g| g.0 == operator.id);
            let grants = own.map(|g| (g.1, g.2.clone(), g.3)).collect();
            Listed {
                operator,
                last_login_at,
                grants,
            }
        })
        .filter(|l| match within {
            None => true,
            Some(ids) => !l.operator.is_admin() && l.grants.iter().any(|g| ids.contains(&g.0)),
        })
        .collect())
}

/// The entities operator `id` administers (its grants marked `manages`).
pub fn managed_entities(conn: &mut AnyConnection, id: i64) -> Result<Vec<i64>, DbError> {
    Ok(operator_entities::table
        .filter(operator_entities::operator_id.eq(id))
        .filter(operator_entities::manages.eq(true))
        .select(operator_entities::entity_id)
        .load(conn)?)
}

/// The entities operator `id` is granted.
pub fn granted_entities(conn: &mut AnyConnection, id: i64) -> Result<Vec<i64>, DbError> {
    Ok(operator_entities::table
        .filter(operator_entities::operator_id.eq(id))
        .select(operator_entities::entity_id)
        .load(conn)?)
}

/// Operator `id`.
pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Operator>, DbError> {
    Ok(operators::table
        .find(id)
        .select(Operator::as_select())
        .first(conn)
        .optional()?)
}

/// Enables or disables operator `id` (a disabled one cannot log in, and its sessions stop
/// working at once).
pub fn set_active(conn: &mut AnyConnection, id: i64, active: bool) -> Result<bool, DbError> {
    let n = diesel::update(operators::table.find(id))
        .set(operators::active.eq(active))
        .execute(conn)?;
    Ok(n == 1)
}
