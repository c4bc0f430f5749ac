//! An entity's onboarding as stored: the facts its checklist is made of, its changes of
//! state (conditional, each recorded with who and when) and their history.

use super::registry::Entity;
use crate::db::schema::{
    due_types, entities, entity_state_changes, operator_entities, operators, receipts,
};
use crate::db::{AnyConnection, DbError};
use crate::domain::onboarding::Checklist;
use crate::domain::{EntityState, NoticeLanguage};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Entity `id`.
pub fn entity(conn: &mut AnyConnection, id: i64) -> Result<Option<Entity>, DbError> {
    Ok(entities::table
        .find(id)
        .select(Entity::as_select())
        .first(conn)
        .optional()?)
}

/// Entity `entity_id`'s due types a payment can go to: active, with a bank or postal IBAN.
fn payable_due_types(entity_id: i64) -> due_types::BoxedQuery<'static, crate::db::MultiBackend> {
    due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .filter(due_types::active.eq(true))
        .filter(
            due_types::bank_iban
                .is_not_null()
                .or(due_types::postal_iban.is_not_null()),
        )
        .into_boxed()
}

/// What entity `e` has in place.
pub fn checklist(conn: &mut AnyConnection, e: &Entity) -> Result<Checklist, DbError> {
    let with_iban: i64 = payable_due_types(e.id).count().get_result(conn)?;
    let operators: i64 = operator_entities::table
        .inner_join(operators::table)
        .filter(operator_entities::entity_id.eq(e.id))
        .filter(operators::active.eq(true))
        .count()
        .get_result(conn)?;
    let paid: i64 = receipts::table
        .filter(receipts::entity_id.eq(e.id))
        .filter(receipts::outcome.eq("OK"))
        .count()
        .get_result(conn)?;
    Ok(Checklist {
        codes: !e.cod_ipa.is_empty() && !e.fiscal_code.is_empty(),
        logo: e.logo_mime.is_some(),
        due_type_with_iban: with_iban > 0,
        operator: operators > 0,
        ws_password: e.ws_password_hash.is_some(),
        test_payment: paid > 0,
    })
}

/// Moves entity `id` from `from` to `to` and records it; false when it was no longer in
/// `from` (someone else changed it meanwhile). Call inside a transaction.
pub fn change_state(
    conn: &mut AnyConnection,
    id: i64,
    (from, to): (EntityState, EntityState),
    operator_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        entities::table
            .filter(entities::id.eq(id))
            .filter(entities::state.eq(from.code())),
    )
    .set((entities::state.eq(to.code()), entities::updated_at.eq(now)))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    record_change(conn, id, (from, to), operator_id, now)?;
    Ok(true)
}

/// Records that entity `id` went from `from` to `to` (the same twice: it was created).
pub fn record_change(
    conn: &mut AnyConnection,
    id: i64,
    (from, to): (EntityState, EntityState),
    operator_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(entity_state_changes::table)
        .values((
            entity_state_changes::entity_id.eq(id),
            entity_state_changes::from_state.eq(from.code()),
            entity_state_changes::to_state.eq(to.code()),
            entity_state_changes::operator_id.eq(operator_id),
            entity_state_changes::changed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether another entity of station `station_id` has segregation code `code`.
pub fn segregation_taken(
    conn: &mut AnyConnection,
    station_id: i64,
    code: &str,
) -> Result<bool, DbError> {
    let n: i64 = entities::table
        .filter(entities::station_id.eq(station_id))
        .filter(entities::segregation_code.eq(code))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// One recorded change: (from, to, who — `None` for the command line —, when).
pub type Change = (EntityState, EntityState, Option<String>, NaiveDateTime);

/// Entity `id`'s changes of state, oldest first.
pub fn history(conn: &mut AnyConnection, id: i64) -> Result<Vec<Change>, DbError> {
    Ok(entity_state_changes::table
        .left_join(operators::table)
        .filter(entity_state_changes::entity_id.eq(id))
        .order(entity_state_changes::id)
        .select((
            entity_state_changes::from_state,
            entity_state_changes::to_state,
            operators::full_name.nullable(),
            entity_state_changes::changed_at,
        ))
        .load(conn)?)
}

/// Gives entity `id` the web-service password hashed as `hash`; the current one (if any)
/// stays valid until `previous_until`. False when there is no such entity.
pub fn rotate_ws_password(
    conn: &mut AnyConnection,
    id: i64,
    hash: &str,
    previous_until: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(entities::table.find(id))
        .set((
            entities::ws_password_previous_hash.eq(entities::ws_password_hash),
            entities::ws_password_previous_until.eq(Some(previous_until)),
            entities::ws_password_hash.eq(Some(hash)),
            entities::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Replaces entity `id`'s name, e-mail and office, and its notice language when given;
/// false when there is no such entity.
pub fn update_details(
    conn: &mut AnyConnection,
    id: i64,
    (name, email, sector, language): (&str, Option<&str>, Option<&str>, Option<NoticeLanguage>),
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let row = diesel::update(entities::table.find(id));
    let details = (
        entities::name.eq(name),
        entities::email.eq(email),
        entities::sector.eq(sector),
        entities::updated_at.eq(now),
    );
    let n = match language {
        Some(l) => row
            .set((details, entities::notice_language.eq(l.code())))
            .execute(conn)?,
        None => row.set(details).execute(conn)?,
    };
    Ok(n == 1)
}

/// What a test payment of an entity goes through: the node's view of it (broker and
/// station codes, primitive version) and the due type it pays.
#[derive(Debug, Clone)]
pub struct TestRoute {
    /// idBrokerPA.
    pub broker: String,
    /// idStation.
    pub station: String,
    /// Whether the node uses the V2 primitives with the station.
    pub v2: bool,
    /// Code of the entity's first active due type with an account.
    pub due_type: Option<String>,
    /// Its fixed amount, when it has one.
    pub fixed_amount_cents: Option<i64>,
    /// Its datiSpecificiRiscossione.
    pub collection_data: String,
}

/// How entity `e` is reached for a test payment (`None` without a station).
pub fn test_route(conn: &mut AnyConnection, e: &Entity) -> Result<Option<TestRoute>, DbError> {
    use crate::db::schema::{brokers, stations};
    use crate::domain::PrimitiveVersion;
    let Some(station_id) = e.station_id else {
        return Ok(None);
    };
    let node: Option<(String, String, PrimitiveVersion)> = stations::table
        .inner_join(brokers::table)
        .filter(stations::id.eq(station_id))
        .select((brokers::code, stations::code, stations::primitive_version))
        .first(conn)
        .optional()?;
    let Some((broker, station, version)) = node else {
        return Ok(None);
    };
    let due: Option<(String, Option<i64>, String)> = payable_due_types(e.id)
        .order(due_types::id)
        .select((
            due_types::code,
            due_types::fixed_amount_cents,
            due_types::collection_data,
        ))
        .first(conn)
        .optional()?;
    let (due_type, fixed_amount_cents, collection_data) = match due {
        Some((code, fixed, collection)) => (Some(code), fixed, collection),
        None => (None, None, String::new()),
    };
    Ok(Some(TestRoute {
        broker,
        station,
        v2: version == PrimitiveVersion::V2,
        due_type,
        fixed_amount_cents,
        collection_data,
    }))
}
