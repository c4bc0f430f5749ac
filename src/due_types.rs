//! An entity's due types as its administrators manage them: created (inactive) with
//! checked settings, edited, activated only with an account to credit, and — for
//! spontaneous payments — given a form whose every save is a new revision.

use crate::db::models::due_type_admin::{self, Change, DueTypeSettings};
use crate::db::models::registry::{self, NewDueType};
use crate::db::{AnyConnection, DbError};
use crate::domain::bilancio::{BilancioError, DefaultBilancio, RawLine};
use crate::domain::due_type::{self, RawSettings, Settings, SettingsError};
use crate::domain::form::{DefinitionError, FieldDef, FormDefinition};
use chrono::NaiveDateTime;

/// A due type's settings as the form sends them.
#[derive(Debug, Clone, Copy, Default)]
pub struct DueTypeForm<'a> {
    /// Everything `domain::due_type` checks.
    pub settings: RawSettings<'a>,
    /// Payable spontaneously from the front office and through paDemandPaymentNotice.
    pub spontaneous: bool,
    /// Positions must state a due date.
    pub due_date_required: bool,
}

/// Why a due type was not saved; the text is for the administrator.
#[derive(Debug, thiserror::Error)]
pub enum DueTypeError {
    /// A setting is wrong.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The form is wrong.
    #[error(transparent)]
    Form(#[from] DefinitionError),
    /// The default bilancio is wrong.
    #[error(transparent)]
    Bilancio(#[from] BilancioError),
    /// The new fixed amount does not fit the default bilancio.
    #[error("il bilancio predefinito non si adatta al nuovo importo: {0}")]
    BilancioMisfit(BilancioError),
    /// The entity has a due type with this code.
    #[error("l'ente ha già un tipo dovuto con codice {0}")]
    Taken(String),
    /// Another due type of the entity answers for this Catalogo Servizi id.
    #[error("un altro tipo dovuto dell'ente usa il codice del Catalogo Servizi {0}")]
    ServiceTaken(String),
    /// Payments would have no account.
    #[error("un tipo dovuto attivo ha bisogno di almeno un IBAN (bancario o postale)")]
    NoAccount,
    /// Someone saved the form meanwhile.
    #[error("il modulo è stato modificato nel frattempo: ricarica la pagina")]
    Changed,
    /// No such due type (or entity).
    #[error("tipo dovuto inesistente")]
    Unknown,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

fn checked(
    conn: &mut AnyConnection,
    entity_id: i64,
    f: &DueTypeForm<'_>,
    except: Option<i64>,
) -> Result<Settings, DueTypeError> {
    let s = due_type::check(&f.settings)?;
    if let Some(service) = &s.node_service_id {
        if due_type_admin::service_id_taken(conn, entity_id, service, except)? {
            return Err(DueTypeError::ServiceTaken(service.clone()));
        }
    }
    Ok(s)
}

/// Creates due type `code` of entity `entity_id`, inactive; returns its id.
pub fn create(
    conn: &mut AnyConnection,
    entity_id: i64,
    code: &str,
    f: &DueTypeForm<'_>,
    now: NaiveDateTime,
) -> Result<i64, DueTypeError> {
    let code = due_type::check_code(code)?;
    let s = checked(conn, entity_id, f, None)?;
    if registry::due_type_by_code(conn, entity_id, &code)?.is_some() {
        return Err(DueTypeError::Taken(code));
    }
    let new = NewDueType {
        entity_id,
        code: &code,
        description: &s.description,
        bank_iban: s.bank_iban.as_ref().map(|i| i.as_str()),
        postal_iban: s.postal_iban.as_ref().map(|i| i.as_str()),
        postal_account_holder: s.postal_holder.as_deref(),
        collection_data: s.collection_data.as_str(),
        spontaneous: f.spontaneous,
        form_fields: None,
        fixed_amount_cents: s.fixed_amount.map(|a| a.cents()),
        default_bilancio: None,
        due_date_required: f.due_date_required,
        active: false,
        node_service_id: s.node_service_id.as_deref(),
        created_at: now,
        updated_at: now,
    };
    registry::insert_due_type(conn, &new).map_err(|e| {
        if e.is_unique_violation() {
            DueTypeError::Taken(code.clone())
        } else {
            DueTypeError::Db(e)
        }
    })
}

/// Changes due type `current`'s settings (its code stays).
pub fn update(
    conn: &mut AnyConnection,
    current: &DueTypeSettings,
    f: &DueTypeForm<'_>,
    now: NaiveDateTime,
) -> Result<(), DueTypeError> {
    let s = checked(conn, current.entity_id, f, Some(current.id))?;
    if current.active && !s.has_account() {
        return Err(DueTypeError::NoAccount);
    }
    if let Some(stored) = &current.default_bilancio {
        let chapters = stored_default(stored)?.chapters().to_vec();
        DefaultBilancio::checked(chapters, s.fixed_amount).map_err(DueTypeError::BilancioMisfit)?;
    }
    let change = Change {
        description: &s.description,
        bank_iban: s.bank_iban.as_ref().map(|i| i.as_str()),
        postal_iban: s.postal_iban.as_ref().map(|i| i.as_str()),
        postal_account_holder: s.postal_holder.as_deref(),
        collection_data: s.collection_data.as_str(),
        spontaneous: f.spontaneous,
        fixed_amount_cents: s.fixed_amount.map(|a| a.cents()),
        due_date_required: f.due_date_required,
        node_service_id: s.node_service_id.as_deref(),
        updated_at: now,
    };
    if due_type_admin::update(conn, current.id, &change)? {
        Ok(())
    } else {
        Err(DueTypeError::Unknown)
    }
}

/// Activates (it needs an account) or deactivates due type `current`.
pub fn set_active(
    conn: &mut AnyConnection,
    current: &DueTypeSettings,
    active: bool,
    now: NaiveDateTime,
) -> Result<(), DueTypeError> {
    if active && current.bank_iban.is_none() && current.postal_iban.is_none() {
        return Err(DueTypeError::NoAccount);
    }
    if due_type_admin::set_active(conn, current.id, active, now)? {
        Ok(())
    } else {
        Err(DueTypeError::Unknown)
    }
}

/// Saves `fields` as the next revision of due type `current`'s form (refused when
/// someone saved one since `current` was read); returns the new revision.
pub fn save_form(
    conn: &mut AnyConnection,
    current: &DueTypeSettings,
    fields: Vec<FieldDef>,
    now: NaiveDateTime,
) -> Result<u32, DueTypeError> {
    let stored = current.form_fields.as_deref();
    let version = FormDefinition::parse(stored).map_or(0, |f| f.version) + 1;
    let form = FormDefinition { version, fields };
    form.check()?;
    if due_type_admin::set_form(conn, current.id, stored, &form.to_json(), now)? {
        Ok(version)
    } else {
        Err(DueTypeError::Changed)
    }
}

/// A stored default read back (one written by us always reads).
fn stored_default(xml: &str) -> Result<DefaultBilancio, DueTypeError> {
    crate::bilancio::read_default(xml, None)
        .map_err(|e| DueTypeError::Db(DbError::Rule(format!("stored default bilancio: {e}"))))
}

/// The default bilancio of due type `current`, if it has one that reads.
pub fn default_bilancio(current: &DueTypeSettings) -> Option<DefaultBilancio> {
    stored_default(current.default_bilancio.as_deref()?).ok()
}

/// Sets due type `current`'s default bilancio from `lines` (checked against its fixed
/// amount); all lines blank removes it.
pub fn set_default_bilancio(
    conn: &mut AnyConnection,
    current: &DueTypeSettings,
    lines: &[RawLine<'_>],
    now: NaiveDateTime,
) -> Result<(), DueTypeError> {
    let fixed = current
        .fixed_amount_cents
        .and_then(|c| crate::domain::AmountCents::from_cents(c).ok());
    let d = DefaultBilancio::from_lines(lines, fixed)?;
    let xml = d.as_ref().map(crate::bilancio::default_xml);
    if due_type_admin::set_bilancio(conn, current.id, xml.as_deref(), now)? {
        Ok(())
    } else {
        Err(DueTypeError::Unknown)
    }
}
