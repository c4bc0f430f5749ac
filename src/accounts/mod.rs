//! Back-office accounts: the first region administrator (through a one-time setup link on
//! an empty database), operators created and passwords reset from the command line, and
//! an operator changing their own password. The command line, the setup page and the
//! password page all come here, so the rules (roles, login names, password strength,
//! forced change) are written once.

mod edit;
mod invite;
mod managed;
mod setup;

pub use edit::{role_of, update_managed, Changes};
pub use invite::{accept, invitation, invite, reinvite, Link};
pub use managed::{reset_managed_password, set_active, Managed};
pub use setup::{complete_setup, first_run_link, setup_open, FirstAdmin};

use crate::db::models::{operator, registry};
use crate::db::{write_tx, AnyConnection, DbError};
use crate::domain::random::RandomSource;
use crate::security::{check_strength, hash_password, verify_password, WeakPassword};
use chrono::NaiveDateTime;

/// How long a setup link works.
pub const SETUP_TTL_MINUTES: i64 = 30;
/// Length of the temporary passwords handed out.
pub const TEMPORARY_PASSWORD_CHARS: usize = 16;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Every entity and every setting.
    RegionAdmin,
    /// One entity: its configuration and its operators.
    EntityAdmin,
    /// One entity, all its due types or the chosen ones.
    EntityOperator,
}

impl Role {
    /// Every role, as offered.
    pub const ALL: [Self; 3] = [Self::RegionAdmin, Self::EntityAdmin, Self::EntityOperator];

    /// The name on the command line (`region-admin`, `entity-admin`, `entity-operator`).
    pub fn name(self) -> &'static str {
        match self {
            Self::RegionAdmin => "region-admin",
            Self::EntityAdmin => "entity-admin",
            Self::EntityOperator => "entity-operator",
        }
    }

    /// The role a name gives.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Why an account could not be created or changed; the text is for the person asking.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The password is too weak.
    #[error("{0}")]
    Weak(#[from] WeakPassword),
    /// The two passwords typed differ.
    #[error("le due password non coincidono")]
    Mismatch,
    /// The current password given is wrong.
    #[error("la password attuale non è corretta")]
    WrongPassword,
    /// Not a login name we accept.
    #[error("nome utente non valido: da 3 a 64 caratteri tra lettere minuscole, cifre e . _ - @")]
    BadUsername,
    /// A full name is required.
    #[error("il nome e cognome è obbligatorio (al massimo 200 caratteri)")]
    BadName,
    /// The login name is taken.
    #[error("il nome utente {0} è già in uso")]
    Taken(String),
    /// No operator has this login name.
    #[error("nessun operatore {0}")]
    NoSuchUser(String),
    /// An entity role needs its entity.
    #[error("il ruolo {0} richiede l'ente (--entity codice IPA)")]
    EntityRequired(&'static str),
    /// A region administrator sees every entity: none is named.
    #[error("un amministratore regionale non è legato a un ente")]
    EntityNotAllowed,
    /// No entity has this IPA code.
    #[error("nessun ente con codice IPA {0}")]
    NoSuchEntity(String),
    /// The entity has no due type with this code.
    #[error("l'ente non ha il tipo dovuto {0}")]
    NoSuchDueType(String),
    /// Operators do not disable themselves.
    #[error("non puoi disattivare il tuo stesso account")]
    Own,
    /// The role or entity is beyond what the administrator may give.
    #[error("non puoi assegnare questo ruolo o questo ente")]
    NotAllowed,
    /// Operators do not change their own role.
    #[error("non puoi cambiare il ruolo del tuo stesso account")]
    OwnRole,
    /// An invitation needs an address to go to.
    #[error("per invitare serve l'e-mail dell'operatore")]
    EmailRequired,
    /// Not an e-mail address.
    #[error("e-mail non valida")]
    BadEmail,
    /// The invitation link is unknown, used, expired or replaced.
    #[error("il link di invito non è valido, è già stato usato o è scaduto")]
    InvitationClosed,
    /// The setup link is unknown, used or expired, or an administrator already exists.
    #[error("il link di configurazione non è valido o è scaduto")]
    SetupClosed,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    /// Login name (lowercased).
    pub username: &'a str,
    /// Full name.
    pub full_name: &'a str,
    /// E-mail.
    pub email: Option<&'a str>,
    /// What it may do.
    pub role: Role,
    /// The entity (IPA code) of an entity role.
    pub entity: Option<&'a str>,
    /// An entity operator's due types (codes); all when empty.
    pub due_types: &'a [String],
}

/// A login name as stored: trimmed, lowercased, checked.
pub fn username(raw: &str) -> Result<String, AccountError> {
    let u = raw.trim().to_lowercase();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_@".contains(c);
    if !(3..=64).contains(&u.len()) || !u.chars().all(allowed) {
        return Err(AccountError::BadUsername);
    }
    Ok(u)
}

/// A full name as stored: trimmed, present, at most 200 characters.
fn full_name(raw: &str) -> Result<&str, AccountError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AccountError::BadName);
    }
    Ok(name)
}

/// Creates an account with a temporary password, to be changed at its first login;
/// returns the password, shown once.
pub fn create_with_temporary_password(
    conn: &mut AnyConnection,
    account: &NewAccount<'_>,
    random: &dyn RandomSource,
    now: NaiveDateTime,
) -> Result<String, AccountError> {
    let password = random.password(TEMPORARY_PASSWORD_CHARS);
    create(conn, account, (&password, true), now)?;
    Ok(password)
}

/// Creates an account with `password` (`must_change`: someone else chose it); returns
/// its id. The whole account (operator and grant) is written in one transaction.
fn create(
    conn: &mut AnyConnection,
    account: &NewAccount<'_>,
    (password, must_change): (&str, bool),
    now: NaiveDateTime,
) -> Result<i64, AccountError> {
    let name = username(account.username)?;
    let full_name = full_name(account.full_name)?;
    let hash = hash_password(password).map_err(DbError::from)?;
    in_tx(conn, |c| {
        insert(c, account, (&name, full_name), (&hash, must_change), now)
    })
    .map_err(|e| match e {
        AccountError::Db(e) if e.is_unique_violation() => AccountError::Taken(name.clone()),
        other => other,
    })
}

/// Runs `f` in one write transaction; a refusal rolls back everything `f` wrote.
fn in_tx<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, AccountError>,
) -> Result<T, AccountError> {
    let mut refused = None;
    let result = write_tx(conn, |c| match f(c) {
        Ok(v) => Ok(v),
        Err(AccountError::Db(e)) => Err(e),
        Err(other) => {
            refused = Some(other);
            Err(DbError::rollback())
        }
    });
    match refused {
        Some(refusal) => Err(refusal),
        None => Ok(result?),
    }
}

/// The operator row and its grant (inside the caller's transaction).
fn insert(
    c: &mut AnyConnection,
    account: &NewAccount<'_>,
    (username, full_name): (&str, &str),
    (hash, must_change): (&str, bool),
    now: NaiveDateTime,
) -> Result<i64, AccountError> {
    let entity = entity_of(c, account.role, account.entity)?;
    let id = operator::insert(
        c,
        &operator::NewOperator {
            username,
            full_name,
            email: email(account.email),
            password_hash: hash,
            role: stored_role(account.role),
            must_change_password: must_change,
            created_at: now,
        },
    )?;
    if let Some(entity) = entity {
        grant(c, id, (entity, account.role), account.due_types)?;
    }
    Ok(id)
}

/// The e-mail as stored: trimmed, absent when blank.
fn email(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|e| !e.is_empty())
}

/// The role column of `role`.
fn stored_role(role: Role) -> &'static str {
    match role {
        Role::RegionAdmin => operator::ROLE_ADMIN,
        Role::EntityAdmin | Role::EntityOperator => operator::ROLE_OPERATOR,
    }
}

/// The entity (by IPA code) an account of `role` is bound to: none for a region
/// administrator, one for the entity roles.
fn entity_of(
    c: &mut AnyConnection,
    role: Role,
    cod_ipa: Option<&str>,
) -> Result<Option<i64>, AccountError> {
    match (role, cod_ipa) {
        (Role::RegionAdmin, None) => Ok(None),
        (Role::RegionAdmin, Some(_)) => Err(AccountError::EntityNotAllowed),
        (role, None) => Err(AccountError::EntityRequired(role.name())),
        (_, Some(cod)) => Ok(Some(
            registry::entity_by_cod_ipa(c, cod)?
                .ok_or_else(|| AccountError::NoSuchEntity(cod.to_owned()))?
                .id,
        )),
    }
}

/// Grants operator `id` the entity for `role`, limited to the due types `codes` (all when
/// empty).
fn grant(
    c: &mut AnyConnection,
    id: i64,
    (entity, role): (i64, Role),
    codes: &[String],
) -> Result<(), AccountError> {
    let mut due_type_ids = Vec::new();
    for code in codes {
        let found = registry::due_type_id(c, entity, code).ok();
        due_type_ids.push(found.ok_or_else(|| AccountError::NoSuchDueType(code.clone()))?);
    }
    let grant = operator::Grant {
        only_due_types: (!due_type_ids.is_empty()).then_some(due_type_ids.as_slice()),
        manages: role == Role::EntityAdmin,
    };
    Ok(operator::grant_entity(c, id, entity, grant)?)
}

/// Gives operator `username` a new temporary password, to be changed at the next login;
/// returns it, shown once.
pub fn reset_password(
    conn: &mut AnyConnection,
    username: &str,
    random: &dyn RandomSource,
    now: NaiveDateTime,
) -> Result<String, AccountError> {
    let name = username.trim().to_lowercase();
    let password = random.password(TEMPORARY_PASSWORD_CHARS);
    let hash = hash_password(&password).map_err(DbError::from)?;
    if !operator::set_password(conn, &name, &hash, true, now)? {
        return Err(AccountError::NoSuchUser(name));
    }
    Ok(password)
}

/// What a person types to choose a password: the current one (when changing it), the new
/// one twice.
#[derive(Debug, Clone, Copy)]
pub struct Chosen<'a> {
    /// The new password.
    pub password: &'a str,
    /// Typed again.
    pub confirm: &'a str,
}

impl Chosen<'_> {
    /// Both typings agree and the password is strong enough for `op`'s account.
    fn check(&self, personal: &[&str]) -> Result<(), AccountError> {
        if self.password != self.confirm {
            return Err(AccountError::Mismatch);
        }
        Ok(check_strength(self.password, personal)?)
    }
}

/// Operator `op` replaces their own password (the current one proves it is them).
pub fn change_own_password(
    conn: &mut AnyConnection,
    op: &operator::Operator,
    current: &str,
    chosen: Chosen<'_>,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    if !verify_password(&op.password_hash, current) {
        return Err(AccountError::WrongPassword);
    }
    if chosen.password == current {
        return Err(WeakPassword::Guessable.into());
    }
    let email = op.email.as_deref().unwrap_or("");
    chosen.check(&[&op.username, &op.full_name, email])?;
    let hash = hash_password(chosen.password).map_err(DbError::from)?;
    operator::set_password(conn, &op.username, &hash, false, now)?;
    Ok(())
}
