//! The first run: a one-time link creates the first region administrator.

use super::{
    full_name, in_tx, insert, username, AccountError, Chosen, NewAccount, Role, SETUP_TTL_MINUTES,
};
use crate::db::models::{operator, setup};
use crate::db::{AnyConnection, DbError};
use crate::domain::random::RandomSource;
use crate::security::{hash_password, sha256_hex};
use chrono::{Duration, NaiveDateTime};

/// On an empty database (no operator yet), issues a one-time setup token valid for
/// [`SETUP_TTL_MINUTES`] and returns the link that creates the first region administrator.
pub fn first_run_link(
    conn: &mut AnyConnection,
    random: &dyn RandomSource,
    public_base: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, DbError> {
    if operator::count(conn)? > 0 {
        return Ok(None);
    }
    let token = random.token_hex(24);
    let expires = now + Duration::minutes(SETUP_TTL_MINUTES);
    setup::issue(conn, &sha256_hex(&token), now, expires)?;
    Ok(Some(format!("{public_base}/admin/setup/{token}")))
}

/// Whether the setup link with `token` can still be used.
pub fn setup_open(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    Ok(operator::count(conn)? == 0 && setup::is_open(conn, &sha256_hex(token), now)?)
}

/// The first region administrator, as the setup page asks for it.
#[derive(Debug, Clone, Copy)]
pub struct FirstAdmin<'a> {
    /// Login name.
    pub username: &'a str,
    /// Full name.
    pub full_name: &'a str,
    /// E-mail.
    pub email: Option<&'a str>,
    /// The password chosen.
    pub chosen: Chosen<'a>,
}

/// Uses the setup link `token` to create the first region administrator with the password
/// they chose; the link then no longer works, and no second administrator can be made
/// through any other link.
pub fn complete_setup(
    conn: &mut AnyConnection,
    token: &str,
    admin: FirstAdmin<'_>,
    now: NaiveDateTime,
) -> Result<i64, AccountError> {
    let name = username(admin.username)?;
    let email = admin.email.unwrap_or("");
    admin.chosen.check(&[&name, admin.full_name, email])?;
    let token_hash = sha256_hex(token);
    let full_name = full_name(admin.full_name)?;
    let hash = hash_password(admin.chosen.password).map_err(DbError::from)?;
    let account = NewAccount {
        username: &name,
        full_name,
        email: admin.email,
        role: Role::RegionAdmin,
        entity: None,
        due_types: &[],
    };
    // One transaction: of two links used at once, one creates the administrator.
    in_tx(conn, |c| {
        if operator::count(c)? > 0 || !setup::redeem(c, &token_hash, now)? {
            return Err(AccountError::SetupClosed);
        }
        insert(c, &account, (&name, full_name), (&hash, false), now)
    })
}
