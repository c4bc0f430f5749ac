//! Brokers, stations, entities and their due types.

use crate::db::schema::{brokers, due_types, entities, stations};
use crate::db::{models::Scope, AnyConnection, DbError};
use crate::domain::{EntityState, NoticeLanguage, PrimitiveVersion};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A pagoPA intermediary (idBrokerPA).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = brokers)]
pub struct Broker {
    /// Row id.
    pub id: i64,
    /// idBrokerPA (fiscal code of the intermediary).
    pub code: String,
    /// Name.
    pub name: String,
    /// When it was registered.
    pub created_at: NaiveDateTime,
}

/// A new broker.
#[derive(Debug, Insertable)]
#[diesel(table_name = brokers)]
pub struct NewBroker<'a> {
    /// idBrokerPA.
    pub code: &'a str,
    /// Name.
    pub name: &'a str,
    /// Now.
    pub created_at: NaiveDateTime,
}

/// A station of a broker (idStation).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stations)]
pub struct Station {
    /// Row id.
    pub id: i64,
    /// Owning broker.
    pub broker_id: i64,
    /// idStation.
    pub code: String,
    /// Aux digit of the notices it serves (3).
    pub aux_digit: i32,
    /// Which primitives the node uses with it.
    pub primitive_version: PrimitiveVersion,
    /// Broadcast flag.
    pub broadcast: bool,
    /// Whether it is in service.
    pub active: bool,
    /// Application code of its aux-digit-0 notices.
    pub application_code: Option<String>,
    /// Whether the node's reporting services have its password.
    #[diesel(select_expression = stations::node_password.is_not_null())]
    #[diesel(select_expression_type = diesel::dsl::IsNotNull<stations::node_password>)]
    pub has_node_password: bool,
}

/// A new station.
#[derive(Debug, Insertable)]
#[diesel(table_name = stations)]
pub struct NewStation<'a> {
    /// Owning broker.
    pub broker_id: i64,
    /// idStation.
    pub code: &'a str,
    /// Aux digit.
    pub aux_digit: i32,
    /// `V1` / `V2`.
    pub primitive_version: &'a str,
    /// Broadcast flag.
    pub broadcast: bool,
    /// Application code (aux digit 0).
    pub application_code: Option<&'a str>,
    /// Password for the node's reporting services.
    pub node_password: Option<&'a str>,
    /// Now.
    pub created_at: NaiveDateTime,
}

/// What changes on a station (`node_password`: `None` keeps the stored one).
#[derive(Debug, Clone, Copy)]
pub struct StationChange<'a> {
    /// Aux digit.
    pub aux_digit: i32,
    /// Application code (aux digit 0).
    pub application_code: Option<&'a str>,
    /// `V1` / `V2`.
    pub primitive_version: &'a str,
    /// Broadcast flag.
    pub broadcast: bool,
    /// In service.
    pub active: bool,
    /// A new password for the node's reporting services.
    pub node_password: Option<&'a str>,
}

/// A creditor entity.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = entities)]
pub struct Entity {
    /// Row id.
    pub id: i64,
    /// Codice IPA.
    pub cod_ipa: String,
    /// 11-digit fiscal code (idPA / idDominio).
    pub fiscal_code: String,
    /// Name.
    pub name: String,
    /// Sector shown on notices.
    pub sector: Option<String>,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Where it stands in its lifecycle.
    pub state: EntityState,
    /// Serving station.
    pub station_id: Option<i64>,
    /// Segregation code for its IUVs.
    pub segregation_code: String,
    /// Legacy aux-0 application code.
    pub application_code: Option<String>,
    /// Web-service password (argon2 PHC string).
    pub ws_password_hash: Option<String>,
    /// The previous web-service password's hash, still accepted until
    /// `ws_password_previous_until`.
    pub ws_password_previous_hash: Option<String>,
    /// End of the previous password's grace period.
    pub ws_password_previous_until: Option<NaiveDateTime>,
    /// Default return URL for portal-initiated payments.
    pub return_url: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// MIME type of the logo, when there is one.
    pub logo_mime: Option<String>,
    /// The language its notices are printed in.
    pub notice_language: NoticeLanguage,
}

/// A new entity.
#[derive(Debug, Insertable)]
#[diesel(table_name = entities)]
pub struct NewEntity<'a> {
    /// Codice IPA.
    pub cod_ipa: &'a str,
    /// Fiscal code.
    pub fiscal_code: &'a str,
    /// Name.
    pub name: &'a str,
    /// Sector.
    pub sector: Option<&'a str>,
    /// E-mail.
    pub email: Option<&'a str>,
    /// State code.
    pub state: &'a str,
    /// Station.
    pub station_id: Option<i64>,
    /// Segregation code.
    pub segregation_code: &'a str,
    /// Web-service password hash.
    pub ws_password_hash: Option<&'a str>,
    /// Portal return URL.
    pub return_url: Option<&'a str>,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// A due type (tipo dovuto) of an entity.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = due_types)]
pub struct DueType {
    /// Row id.
    pub id: i64,
    /// Owning entity.
    pub entity_id: i64,
    /// Code (tipoDovuto).
    pub code: String,
    /// Description.
    pub description: String,
    /// Bank IBAN credited.
    pub bank_iban: Option<String>,
    /// Postal IBAN credited (enables the Poste bollettino on notices).
    pub postal_iban: Option<String>,
    /// datiSpecificiRiscossione / taxonomy code.
    pub collection_data: String,
    /// Payable spontaneously from the front office.
    pub spontaneous: bool,
    /// Form field definitions (JSON) for spontaneous payments.
    pub form_fields: Option<String>,
    /// Fixed amount, when the service has one.
    pub fixed_amount_cents: Option<i64>,
    /// Whether it is active for the entity.
    pub active: bool,
    /// Catalogo Servizi id (idServizio) for paDemandPaymentNotice.
    pub node_service_id: Option<String>,
    /// Default bilancio (`bilancioDefault` XML).
    pub default_bilancio: Option<String>,
}

/// A new due type.
#[derive(Debug, Insertable)]
#[diesel(table_name = due_types)]
pub struct NewDueType<'a> {
    /// Owning entity.
    pub entity_id: i64,
    /// Code.
    pub code: &'a str,
    /// Description.
    pub description: &'a str,
    /// Bank IBAN.
    pub bank_iban: Option<&'a str>,
    /// Postal IBAN.
    pub postal_iban: Option<&'a str>,
    /// Postal account holder.
    pub postal_account_holder: Option<&'a str>,
    /// datiSpecificiRiscossione.
    pub collection_data: &'a str,
    /// Spontaneous flag.
    pub spontaneous: bool,
    /// Form fields (JSON).
    pub form_fields: Option<&'a str>,
    /// Fixed amount.
    pub fixed_amount_cents: Option<i64>,
    /// Default bilancio XML.
    pub default_bilancio: Option<&'a str>,
    /// Due date required on positions.
    pub due_date_required: bool,
    /// Active flag.
    pub active: bool,
    /// Catalogo Servizi id for paDemandPaymentNotice.
    pub node_service_id: Option<&'a str>,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// Entities visible in `scope`, by name.
pub fn list_entities(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<Entity>, DbError> {
    let mut q = entities::table
        .select(Entity::as_select())
        .order(entities::name.asc())
        .into_boxed();
    if let Scope::Limited { entity_ids, .. } = scope {
        q = q.filter(entities::id.eq_any(entity_ids.clone()));
    }
    Ok(q.load(conn)?)
}

/// Entities visible in `scope` as (id, name), by name: the choices of a form.
pub fn entity_choices(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(list_entities(conn, scope)?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect())
}

/// Looks up an entity by codice IPA.
pub fn entity_by_cod_ipa(conn: &mut AnyConnection, cod: &str) -> Result<Option<Entity>, DbError> {
    Ok(entities::table
        .filter(entities::cod_ipa.eq(cod))
        .select(Entity::as_select())
        .first(conn)
        .optional()?)
}

/// A due type with its entity's name, for listings.
pub type DueTypeRow = (DueType, String);

/// Due types visible in `scope`, by entity then code.
pub fn list_due_types(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<DueTypeRow>, DbError> {
    let mut q = due_types::table
        .inner_join(entities::table)
        .select((DueType::as_select(), entities::name))
        .order((entities::name.asc(), due_types::code.asc()))
        .into_boxed();
    if let Scope::Limited { due_type_ids, .. } = scope {
        q = q.filter(due_types::id.eq_any(due_type_ids.clone()));
    }
    Ok(q.load(conn)?)
}

/// An entity's stored logo: (bytes, MIME type), each possibly absent; `None` when there is
/// no such entity.
pub type StoredLogo = (Option<Vec<u8>>, Option<String>);

/// Entity `id`'s stored logo.
pub fn logo(conn: &mut AnyConnection, id: i64) -> Result<Option<StoredLogo>, DbError> {
    Ok(entities::table
        .find(id)
        .select((entities::logo, entities::logo_mime))
        .first(conn)
        .optional()?)
}

/// Replaces entity `id`'s logo; false when there is no such entity.
pub fn set_logo(
    conn: &mut AnyConnection,
    id: i64,
    bytes: Vec<u8>,
    mime: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(entities::table.find(id))
        .set((
            entities::logo.eq(Some(bytes)),
            entities::logo_mime.eq(Some(mime)),
            entities::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n > 0)
}

/// Every entity's id, in order.
pub fn entity_ids(conn: &mut AnyConnection) -> Result<Vec<i64>, DbError> {
    Ok(entities::table
        .select(entities::id)
        .order(entities::id)
        .load(conn)?)
}

/// Sets Poste's print authorisation on every due type with a postal account.
pub fn authorise_postal_printing(conn: &mut AnyConnection, text: &str) -> Result<(), DbError> {
    diesel::update(due_types::table.filter(due_types::postal_iban.is_not_null()))
        .set(due_types::postal_authorisation.eq(Some(text)))
        .execute(conn)?;
    Ok(())
}

/// Entity `id`'s fiscal code and name.
pub fn entity_names(conn: &mut AnyConnection, id: i64) -> Result<(String, String), DbError> {
    Ok(entities::table
        .find(id)
        .select((entities::fiscal_code, entities::name))
        .first(conn)?)
}

/// The account due type `id` collects on: its bank IBAN, else its postal one.
pub fn due_type_account(conn: &mut AnyConnection, id: i64) -> Result<Option<String>, DbError> {
    let (bank, postal): (Option<String>, Option<String>) = due_types::table
        .find(id)
        .select((due_types::bank_iban, due_types::postal_iban))
        .first(conn)?;
    Ok(bank.or(postal))
}

/// A due type as a position about to be stored needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueTypeRef {
    /// Its id.
    pub id: i64,
    /// Active.
    pub active: bool,
    /// Whether it has an account (bank or postal).
    pub has_account: bool,
    /// Its default bilancio (`bilancioDefault` XML).
    pub default_bilancio: Option<String>,
}

/// The entity's due type `code`.
pub fn due_type_by_code(
    conn: &mut AnyConnection,
    entity_id: i64,
    code: &str,
) -> Result<Option<DueTypeRef>, DbError> {
    type Row = (i64, bool, Option<String>, Option<String>, Option<String>);
    let row: Option<Row> = due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .filter(due_types::code.eq(code))
        .select((
            due_types::id,
            due_types::active,
            due_types::bank_iban,
            due_types::postal_iban,
            due_types::default_bilancio,
        ))
        .first(conn)
        .optional()?;
    Ok(
        row.map(|(id, active, bank, postal, default_bilancio)| DueTypeRef {
            id,
            active,
            has_account: bank.is_some() || postal.is_some(),
            default_bilancio,
        }),
    )
}

/// The broker `code`'s id.
pub fn broker_id(conn: &mut AnyConnection, code: &str) -> Result<Option<i64>, DbError> {
    Ok(brokers::table
        .filter(brokers::code.eq(code))
        .select(brokers::id)
        .first(conn)
        .optional()?)
}

/// The station `code`.
pub fn station_by_code(conn: &mut AnyConnection, code: &str) -> Result<Option<Station>, DbError> {
    Ok(stations::table
        .filter(stations::code.eq(code))
        .select(Station::as_select())
        .first(conn)
        .optional()?)
}

/// The entity whose fiscal code is `cf`.
pub fn entity_by_fiscal_code(
    conn: &mut AnyConnection,
    cf: &str,
) -> Result<Option<Entity>, DbError> {
    Ok(entities::table
        .filter(entities::fiscal_code.eq(cf))
        .select(Entity::as_select())
        .first(conn)
        .optional()?)
}

/// The entity's active spontaneous due type behind Catalogo Servizi id `service`.
pub fn spontaneous_due_type(
    conn: &mut AnyConnection,
    entity_id: i64,
    service: &str,
) -> Result<Option<DueType>, DbError> {
    Ok(due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .filter(due_types::node_service_id.eq(service))
        .filter(due_types::spontaneous.eq(true))
        .filter(due_types::active.eq(true))
        .select(DueType::as_select())
        .first(conn)
        .optional()?)
}

/// Entity `id`'s IPA code.
pub fn cod_ipa_of(conn: &mut AnyConnection, id: i64) -> Result<String, DbError> {
    Ok(entities::table
        .find(id)
        .select(entities::cod_ipa)
        .first(conn)?)
}

/// The entity's due type `code`'s id.
pub fn due_type_id(conn: &mut AnyConnection, entity_id: i64, code: &str) -> Result<i64, DbError> {
    Ok(due_types::table
        .filter(due_types::entity_id.eq(entity_id))
        .filter(due_types::code.eq(code))
        .select(due_types::id)
        .first(conn)?)
}

/// Whether the broker `code` is registered.
pub fn broker_exists(conn: &mut AnyConnection, code: &str) -> Result<bool, DbError> {
    Ok(broker_id(conn, code)?.is_some())
}

/// Registers a broker; returns its id.
pub fn insert_broker(conn: &mut AnyConnection, b: &NewBroker<'_>) -> Result<i64, DbError> {
    diesel::insert_into(brokers::table)
        .values(b)
        .execute(conn)?;
    broker_id(conn, b.code)?.ok_or_else(|| DbError::Rule(format!("broker {} not stored", b.code)))
}

/// Every broker with its stations, by code.
pub fn brokers_with_stations(
    conn: &mut AnyConnection,
) -> Result<Vec<(Broker, Vec<Station>)>, DbError> {
    let brokers: Vec<Broker> = brokers::table
        .order(brokers::code)
        .select(Broker::as_select())
        .load(conn)?;
    let mut all: Vec<Station> = stations::table
        .order(stations::code)
        .select(Station::as_select())
        .load(conn)?;
    Ok(brokers
        .into_iter()
        .map(|b| {
            let (own, rest): (Vec<Station>, Vec<Station>) =
                all.drain(..).partition(|s| s.broker_id == b.id);
            all = rest;
            (b, own)
        })
        .collect())
}

/// Broker `id`.
pub fn broker(conn: &mut AnyConnection, id: i64) -> Result<Option<Broker>, DbError> {
    Ok(brokers::table
        .find(id)
        .select(Broker::as_select())
        .first(conn)
        .optional()?)
}

/// Station `id`.
pub fn station(conn: &mut AnyConnection, id: i64) -> Result<Option<Station>, DbError> {
    Ok(stations::table
        .find(id)
        .select(Station::as_select())
        .first(conn)
        .optional()?)
}

/// Changes station `id`; false when there is no such station.
pub fn update_station(
    conn: &mut AnyConnection,
    id: i64,
    c: StationChange<'_>,
) -> Result<bool, DbError> {
    let target = stations::table.find(id);
    let n = diesel::update(target)
        .set((
            stations::aux_digit.eq(c.aux_digit),
            stations::application_code.eq(c.application_code),
            stations::primitive_version.eq(c.primitive_version),
            stations::broadcast.eq(c.broadcast),
            stations::active.eq(c.active),
        ))
        .execute(conn)?;
    if let Some(pw) = c.node_password {
        diesel::update(target)
            .set(stations::node_password.eq(Some(pw)))
            .execute(conn)?;
    }
    Ok(n == 1)
}

/// Registers a station; returns its id.
pub fn insert_station(conn: &mut AnyConnection, s: &NewStation<'_>) -> Result<i64, DbError> {
    diesel::insert_into(stations::table)
        .values(s)
        .execute(conn)?;
    Ok(stations::table
        .filter(stations::code.eq(s.code))
        .select(stations::id)
        .first(conn)?)
}

/// Registers an entity; returns its id.
pub fn insert_entity(conn: &mut AnyConnection, e: &NewEntity<'_>) -> Result<i64, DbError> {
    diesel::insert_into(entities::table)
        .values(e)
        .execute(conn)?;
    Ok(entities::table
        .filter(entities::cod_ipa.eq(e.cod_ipa))
        .select(entities::id)
        .first(conn)?)
}

/// Adds a due type to its entity; returns its id.
pub fn insert_due_type(conn: &mut AnyConnection, d: &NewDueType<'_>) -> Result<i64, DbError> {
    diesel::insert_into(due_types::table)
        .values(d)
        .execute(conn)?;
    due_type_id(conn, d.entity_id, d.code)
}
