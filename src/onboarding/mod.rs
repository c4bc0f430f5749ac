//! Taking an entity through its lifecycle: INSERITO → PRE-ESERCIZIO → ESERCIZIO (and
//! DISABILITATO), each step decided by `domain::onboarding` against what the entity has in
//! place, written with who and when.

pub mod test_payment;

use crate::db::models::{onboarding, registry};
use crate::db::{write_tx, AnyConnection, DbError};
use crate::domain::onboarding::{decide, Refusal};
use crate::domain::{EntityState, NoticeLanguage};
use chrono::NaiveDateTime;

/// Why a change of state did not happen; the text is for the administrator.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// No such entity.
    #[error("ente inesistente")]
    Unknown,
    /// The lifecycle does not allow it.
    #[error("un ente {} non può passare a {}", .0.label(), .1.label())]
    NotAllowed(EntityState, EntityState),
    /// Production waits for the checklist.
    #[error("per l'esercizio manca ancora: {}", .0.join(", "))]
    Incomplete(Vec<&'static str>),
    /// Someone changed it meanwhile.
    #[error("lo stato dell'ente è cambiato nel frattempo: ricarica la pagina")]
    Changed,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Moves entity `id` to `to` on behalf of `operator_id` (`None`: the command line).
pub fn change_state(
    conn: &mut AnyConnection,
    id: i64,
    to: EntityState,
    operator_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), StateError> {
    let mut refused = None;
    let result = write_tx(conn, |c| {
        let Some(e) = onboarding::entity(c, id)? else {
            refused = Some(StateError::Unknown);
            return Err(DbError::rollback());
        };
        let checklist = onboarding::checklist(c, &e)?;
        if let Err(r) = decide(e.state, to, &checklist) {
            refused = Some(match r {
                Refusal::NotAllowed(a, b) => StateError::NotAllowed(a, b),
                Refusal::Incomplete(missing) => StateError::Incomplete(missing),
            });
            return Err(DbError::rollback());
        }
        if !onboarding::change_state(c, id, (e.state, to), operator_id, now)? {
            refused = Some(StateError::Changed);
            return Err(DbError::rollback());
        }
        Ok(())
    });
    match refused {
        Some(r) => Err(r),
        None => Ok(result?),
    }
}

/// Why an entity was not registered; the text is for the administrator.
#[derive(Debug, thiserror::Error)]
pub enum EntityError {
    /// codIpaEnte: 1 to 35 letters, digits or `_`.
    #[error("codice IPA non valido: da 1 a 35 caratteri tra lettere, cifre e _")]
    CodIpa,
    /// Not an 11-digit fiscal code with its check digit.
    #[error("codice fiscale dell'ente non valido: {0}")]
    FiscalCode(String),
    /// A name is required.
    #[error("la denominazione è obbligatoria (al massimo 140 caratteri)")]
    Name,
    /// Not an e-mail address.
    #[error("indirizzo e-mail non valido")]
    Email,
    /// The office is too long.
    #[error("l'ufficio può avere al massimo 140 caratteri")]
    Sector,
    /// Not a notice language offered.
    #[error("lingua degli avvisi non prevista")]
    Language,
    /// No such entity.
    #[error("ente inesistente")]
    Unknown,
    /// Not two digits.
    #[error("codice di segregazione non valido: due cifre")]
    Segregation,
    /// No such station, or not in service.
    #[error("stazione inesistente o non attiva")]
    Station,
    /// Another entity of the station has the segregation code (their IUVs would collide).
    #[error("il codice di segregazione {0} è già di un altro ente della stazione")]
    SegregationTaken(String),
    /// The IPA code or the fiscal code is registered already.
    #[error("codice IPA o codice fiscale già registrato")]
    Taken,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A new entity as the administrator typed it.
#[derive(Debug, Clone, Copy)]
pub struct NewEntityForm<'a> {
    /// Codice IPA.
    pub cod_ipa: &'a str,
    /// Fiscal code (11 digits).
    pub fiscal_code: &'a str,
    /// Name.
    pub name: &'a str,
    /// E-mail (may be empty).
    pub email: &'a str,
    /// The station it is reached through.
    pub station_id: i64,
    /// Segregation code (2 digits), unique among the station's entities.
    pub segregation_code: &'a str,
}

/// An entity's name: trimmed, present, at most 140 characters.
fn entity_name(raw: &str) -> Result<&str, EntityError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 140 {
        return Err(EntityError::Name);
    }
    Ok(name)
}

/// An entity's e-mail: none when blank, else an address of at most 256 characters.
fn entity_email(raw: &str) -> Result<Option<&str>, EntityError> {
    let email = Some(raw.trim()).filter(|e| !e.is_empty());
    if email.is_some_and(|e| crate::domain::Email::parse(e).is_err()) {
        return Err(EntityError::Email);
    }
    Ok(email)
}

/// A new entity's codes and name, checked.
struct Checked<'a> {
    cod: &'a str,
    cf: crate::domain::PartitaIva,
    name: &'a str,
    seg: String,
}

/// Checks what the form says of the entity itself.
fn checked<'a>(f: &NewEntityForm<'a>) -> Result<Checked<'a>, EntityError> {
    let cod = f.cod_ipa.trim();
    let plain = |ch: char| ch.is_ascii_alphanumeric() || ch == '_';
    if cod.is_empty() || cod.len() > 35 || !cod.chars().all(plain) {
        return Err(EntityError::CodIpa);
    }
    let cf = crate::domain::PartitaIva::parse(f.fiscal_code.trim())
        .map_err(|e| EntityError::FiscalCode(e.reason))?;
    let name = entity_name(f.name)?;
    let seg = crate::domain::SegregationCode::parse(f.segregation_code.trim())
        .map_err(|_| EntityError::Segregation)?;
    Ok(Checked {
        cod,
        cf,
        name,
        seg: format!("{:02}", seg.value()),
    })
}

/// Registers an entity in INSERITO (recorded as its first change of state); returns its id.
pub fn create_entity(
    conn: &mut AnyConnection,
    f: &NewEntityForm<'_>,
    operator_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64, EntityError> {
    let Checked { cod, cf, name, seg } = checked(f)?;
    match registry::station(conn, f.station_id)? {
        Some(s) if s.active => {}
        _ => return Err(EntityError::Station),
    }
    if onboarding::segregation_taken(conn, f.station_id, &seg)? {
        return Err(EntityError::SegregationTaken(seg));
    }
    let email = entity_email(f.email)?;
    let new = registry::NewEntity {
        cod_ipa: cod,
        fiscal_code: cf.as_str(),
        name,
        sector: None,
        email,
        state: EntityState::Inserted.code(),
        station_id: Some(f.station_id),
        segregation_code: &seg,
        ws_password_hash: None,
        return_url: None,
        created_at: now,
        updated_at: now,
    };
    let created = EntityState::Inserted;
    let id = write_tx(conn, |c| {
        let id = registry::insert_entity(c, &new)?;
        onboarding::record_change(c, id, (created, created), operator_id, now)?;
        Ok(id)
    })
    .map_err(|e| {
        if e.is_unique_violation() {
            EntityError::Taken
        } else {
            EntityError::Db(e)
        }
    })?;
    Ok(id)
}

/// A new web-service password for entity `id`: its accounting software's credential,
/// returned to be shown once and stored as argon2; the previous one keeps working for
/// `grace_hours`. Returns the password and when the previous one stops working (`None`
/// when there is no such entity).
pub fn new_ws_password(
    conn: &mut AnyConnection,
    id: i64,
    random: &dyn crate::domain::random::RandomSource,
    grace_hours: i64,
    now: NaiveDateTime,
) -> Result<Option<(String, NaiveDateTime)>, DbError> {
    let password = random.password(crate::accounts::TEMPORARY_PASSWORD_CHARS);
    let hash = crate::security::hash_password(&password).map_err(DbError::from)?;
    let until = now + chrono::Duration::hours(grace_hours);
    let rotated = onboarding::rotate_ws_password(conn, id, &hash, until, now)?;
    Ok(rotated.then_some((password, until)))
}

/// An entity's details as an administrator changes them.
#[derive(Debug, Clone, Copy)]
pub struct Details<'a> {
    /// Name (on notices and receipts).
    pub name: &'a str,
    /// E-mail (may be empty).
    pub email: &'a str,
    /// Office or sector shown under the name (may be empty).
    pub sector: &'a str,
    /// The language of its notices (`it`, `de`, `en`; empty: unchanged).
    pub language: &'a str,
}

/// Changes entity `id`'s details.
pub fn update_details(
    conn: &mut AnyConnection,
    id: i64,
    d: Details<'_>,
    now: NaiveDateTime,
) -> Result<(), EntityError> {
    let name = entity_name(d.name)?;
    let email = entity_email(d.email)?;
    let sector = Some(d.sector.trim()).filter(|s| !s.is_empty());
    if sector.is_some_and(|s| s.chars().count() > 140) {
        return Err(EntityError::Sector);
    }
    let language = match d.language.trim() {
        "" => None,
        code => Some(NoticeLanguage::parse(code).map_err(|_| EntityError::Language)?),
    };
    if onboarding::update_details(conn, id, (name, email, sector, language), now)? {
        Ok(())
    } else {
        Err(EntityError::Unknown)
    }
}
