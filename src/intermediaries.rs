//! The gateway's own registration on pagoPA: intermediaries (idBrokerPA) and their
//! stations (idStazione), as the region administrator records them. Every code is checked
//! the way the node checks it, so a typo is refused here and not by the node on a citizen's
//! payment.

use crate::db::models::registry::{self, NewBroker, NewStation, StationChange};
use crate::db::{AnyConnection, DbError};
use crate::domain::{ApplicationCode, AuxDigit, PartitaIva, PrimitiveVersion, StationId};
use chrono::NaiveDateTime;

/// Why a broker or station was refused; the text is for the administrator.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// Not a valid fiscal code of a legal person.
    #[error("codice fiscale dell'intermediario non valido: {0}")]
    BrokerCode(String),
    /// A name is required.
    #[error("la denominazione è obbligatoria (al massimo 140 caratteri)")]
    Name,
    /// Not a valid station id.
    #[error("identificativo della stazione non valido: {0}")]
    StationCode(String),
    /// The station id names another broker.
    #[error("la stazione {station} non appartiene all'intermediario {broker}")]
    OtherBroker {
        /// The station id.
        station: String,
        /// The broker it was filed under.
        broker: String,
    },
    /// Not 0 to 3.
    #[error("la cifra ausiliaria deve essere 0, 1, 2 o 3")]
    AuxDigit,
    /// Aux digit 0 needs its application code (and only it has one).
    #[error(
        "con la cifra ausiliaria 0 serve il codice applicazione di due cifre, e solo con essa"
    )]
    ApplicationCode,
    /// Not V1 or V2.
    #[error("versione delle primitive non valida (V1 o V2)")]
    Version,
    /// stPassword: 8 to 15 characters.
    #[error("la password della stazione deve avere da 8 a 15 caratteri")]
    Password,
    /// The code is already registered.
    #[error("{0} è già registrato")]
    Taken(String),
    /// No such broker or station.
    #[error("intermediario o stazione inesistente")]
    Unknown,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Registers an intermediary; returns its id.
pub fn create_broker(
    conn: &mut AnyConnection,
    code: &str,
    name: &str,
    now: NaiveDateTime,
) -> Result<i64, RegistryError> {
    let code = PartitaIva::parse(code.trim()).map_err(|e| RegistryError::BrokerCode(e.reason))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 140 {
        return Err(RegistryError::Name);
    }
    let b = NewBroker {
        code: code.as_str(),
        name,
        created_at: now,
    };
    registry::insert_broker(conn, &b).map_err(|e| taken(e, code.as_str()))
}

/// A station's settings as typed by the administrator.
#[derive(Debug, Clone, Copy)]
pub struct StationSettings<'a> {
    /// Aux digit, `0`..`3`.
    pub aux_digit: &'a str,
    /// Application code (two digits, aux digit 0 only; empty otherwise).
    pub application_code: &'a str,
    /// `V1` or `V2`.
    pub version: &'a str,
    /// Broadcast flag.
    pub broadcast: bool,
    /// Password for the node's reporting services (empty: none, or keep the stored one).
    pub password: &'a str,
}

/// Station settings once checked.
struct Checked {
    aux_digit: i32,
    application_code: Option<String>,
    version: PrimitiveVersion,
    password: Option<String>,
}

/// Checks the settings as the node would.
fn check(s: &StationSettings<'_>) -> Result<Checked, RegistryError> {
    let aux = s
        .aux_digit
        .trim()
        .parse::<u8>()
        .ok()
        .and_then(AuxDigit::from_digit)
        .ok_or(RegistryError::AuxDigit)?;
    let app = match (aux, s.application_code.trim()) {
        (AuxDigit::Zero, code) => Some(
            ApplicationCode::parse(code)
                .map_err(|_| RegistryError::ApplicationCode)?
                .code(),
        ),
        (_, "") => None,
        (_, _) => return Err(RegistryError::ApplicationCode),
    };
    let version = PrimitiveVersion::from_code(s.version.trim()).ok_or(RegistryError::Version)?;
    let password = match s.password {
        "" => None,
        pw if (8..=15).contains(&pw.chars().count()) => Some(pw.to_owned()),
        _ => return Err(RegistryError::Password),
    };
    Ok(Checked {
        aux_digit: i32::from(aux.digit()),
        application_code: app,
        version,
        password,
    })
}

/// Registers station `code` of broker `broker_id`; returns its id.
pub fn create_station(
    conn: &mut AnyConnection,
    broker_id: i64,
    code: &str,
    settings: StationSettings<'_>,
    now: NaiveDateTime,
) -> Result<i64, RegistryError> {
    let broker = registry::broker(conn, broker_id)?.ok_or(RegistryError::Unknown)?;
    let id = StationId::parse(code.trim()).map_err(|e| RegistryError::StationCode(e.reason))?;
    if id.broker() != broker.code {
        return Err(RegistryError::OtherBroker {
            station: id.as_str().to_owned(),
            broker: broker.code,
        });
    }
    let c = check(&settings)?;
    let s = NewStation {
        broker_id,
        code: id.as_str(),
        aux_digit: c.aux_digit,
        primitive_version: c.version.code(),
        broadcast: settings.broadcast,
        application_code: c.application_code.as_deref(),
        node_password: c.password.as_deref(),
        created_at: now,
    };
    registry::insert_station(conn, &s).map_err(|e| taken(e, id.as_str()))
}

/// Changes station `id`'s settings and state (an empty password keeps the stored one).
pub fn update_station(
    conn: &mut AnyConnection,
    id: i64,
    settings: StationSettings<'_>,
    active: bool,
) -> Result<(), RegistryError> {
    let c = check(&settings)?;
    let change = StationChange {
        aux_digit: c.aux_digit,
        application_code: c.application_code.as_deref(),
        primitive_version: c.version.code(),
        broadcast: settings.broadcast,
        active,
        node_password: c.password.as_deref(),
    };
    if registry::update_station(conn, id, change)? {
        Ok(())
    } else {
        Err(RegistryError::Unknown)
    }
}

fn taken(e: DbError, code: &str) -> RegistryError {
    if e.is_unique_violation() {
        RegistryError::Taken(code.to_owned())
    } else {
        RegistryError::Db(e)
    }
}
