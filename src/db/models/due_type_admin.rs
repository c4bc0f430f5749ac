//! Due types as their entity's administrators change them: one with all its settings,
//! edits, activation and the form of spontaneous payments, each a single statement.

use crate::db::schema::due_types;
use crate::db::{AnyConnection, DbError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A due type with every setting the back office edits.
#[derive(Debug, Clone, Default, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = due_types)]
pub struct DueTypeSettings {
    /// Row id.
    pub id: i64,
    /// Owning entity.
    pub entity_id: i64,
    /// Code (tipoDovuto), fixed once created.
    pub code: String,
    /// Description.
    pub description: String,
    /// Bank IBAN.
    pub bank_iban: Option<String>,
    /// BancoPosta IBAN.
    pub postal_iban: Option<String>,
    /// Holder of the postal account.
    pub postal_account_holder: Option<String>,
    /// datiSpecificiRiscossione.
    pub collection_data: String,
    /// Payable spontaneously.
    pub spontaneous: bool,
    /// The form of spontaneous payments (JSON).
    pub form_fields: Option<String>,
    /// Fixed amount.
    pub fixed_amount_cents: Option<i64>,
    /// Positions need a due date.
    pub due_date_required: bool,
    /// Active.
    pub active: bool,
    /// Catalogo Servizi id.
    pub node_service_id: Option<String>,
    /// Default bilancio (`bilancioDefault` XML).
    pub default_bilancio: Option<String>,
}

/// What an edit changes.
#[derive(Debug, Clone, Copy, AsChangeset)]
#[diesel(table_name = due_types)]
#[diesel(treat_none_as_null = true)]
pub struct Change<'a> {
    /// Description.
    pub description: &'a str,
    /// Bank IBAN.
    pub bank_iban: Option<&'a str>,
    /// BancoPosta IBAN.
    pub postal_iban: Option<&'a str>,
    /// Holder of the postal account.
    pub postal_account_holder: Option<&'a str>,
    /// datiSpecificiRiscossione.
    pub collection_data: &'a str,
    /// Payable spontaneously.
    pub spontaneous: bool,
    /// Fixed amount.
    pub fixed_amount_cents: Option<i64>,
    /// Positions need a due date.
    pub due_date_required: bool,
    /// Catalogo Servizi id.
    pub node_service_id: Option<&'a str>,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// Due type `id`.
pub fn settings(conn: &mut AnyConnection, id: i64) -> Result<Option<DueTypeSettings>, DbError> {
    Ok(due_types::table
        .find(id)
        .select(DueTypeSettings::as_select())
        .first(conn)
        .optional()?)
}

/// Applies `change` to due type `id`; false when there is none.
pub fn update(conn: &mut AnyConnection, id: i64, change: &Change<'_>) -> Result<bool, DbError> {
    Ok(diesel::update(due_types::table.find(id))
        .set(change)
        .execute(conn)?
        == 1)
}

/// Activates or deactivates due type `id`.
pub fn set_active(
    conn: &mut AnyConnection,
    id: i64,
    active: bool,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    Ok(diesel::update(due_types::table.find(id))
        .set((due_types::active.eq(active), due_types::updated_at.eq(now)))
        .execute(conn)?
        == 1)
}

/// Sets (or, `None`, removes) due type `id`'s default bilancio.
pub fn set_bilancio(
    conn: &mut AnyConnection,
    id: i64,
    bilancio: Option<&str>,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    Ok(diesel::update(due_types::table.find(id))
        .set((
            due_types::default_bilancio.eq(bilancio),
            due_types::updated_at.eq(now),
        ))
        .execute(conn)?
        == 1)
}

/// Stores the form of due type `id` if it is still at revision `seen` (its stored text
/// `previous`): false when someone saved another revision meanwhile.
pub fn set_form(
    conn: &mut AnyConnection,
    id: i64,
    previous: Option<&str>,
    form: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let target = due_types::table.find(id);
    let set = (
        due_types::form_fields.eq(Some(form)),
        due_types::updated_at.eq(now),
    );
    let n = match previous {
        Some(p) => diesel::update(target.filter(due_types::form_fields.eq(p)))
            .set(set)
            .execute(conn)?,
        None => diesel::update(target.filter(due_types::form_fields.is_null()))
            .set(set)
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Whether another due type of entity `entity_id` (not `except`) has Catalogo Servizi id
/// `service`.
pub fn service_id_taken(
    conn: &mut AnyConnection,
    entity_id: i64,
    service: &str,
    except: Option<i64>,
) -> Result<bool, DbError> {
    let n: i64 = due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .filter(due_types::node_service_id.eq(service))
        .filter(due_types::id.ne(except.unwrap_or(-1)))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
