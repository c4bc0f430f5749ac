//! Back-office sessions and login throttling, kept in the database so that any instance
//! behind a load balancer can serve any request.

use crate::db::schema::{login_throttle, operators, web_sessions};
use crate::db::{models::operator::Operator, AnyConnection, DbError};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Stores a new session (the token is stored hashed).
pub fn create(
    conn: &mut AnyConnection,
    token_hash: &str,
    operator: i64,
    csrf: &str,
    now: NaiveDateTime,
    ttl: Duration,
) -> Result<(), DbError> {
    diesel::insert_into(web_sessions::table)
        .values((
            web_sessions::token_hash.eq(token_hash),
            web_sessions::operator_id.eq(operator),
            web_sessions::csrf_token.eq(csrf),
            web_sessions::created_at.eq(now),
            web_sessions::expires_at.eq(now + ttl),
        ))
        .execute(conn)?;
    Ok(())
}

/// The active operator and CSRF token of a live session.
pub fn find(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<(Operator, String)>, DbError> {
    Ok(web_sessions::table
        .inner_join(operators::table)
        .filter(web_sessions::token_hash.eq(token_hash))
        .filter(web_sessions::expires_at.gt(now))
        .filter(operators::active.eq(true))
        .select((Operator::as_select(), web_sessions::csrf_token))
        .first(conn)
        .optional()?)
}

/// Ends a session, and drops expired ones while at it.
pub fn delete(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::delete(
        web_sessions::table.filter(
            web_sessions::token_hash
                .eq(token_hash)
                .or(web_sessions::expires_at.le(now)),
        ),
    )
    .execute(conn)?;
    Ok(())
}

/// Throttling policy: `max_failures` within `window` lock the key for `lockout`.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Failures allowed within the window.
    pub max_failures: i32,
    /// Counting window.
    pub window: Duration,
    /// How long a key stays locked.
    pub lockout: Duration,
}

/// Whether `key` is locked out right now.
pub fn is_locked(conn: &mut AnyConnection, key: &str, now: NaiveDateTime) -> Result<bool, DbError> {
    let until: Option<Option<NaiveDateTime>> = login_throttle::table
        .find(key)
        .select(login_throttle::locked_until)
        .first(conn)
        .optional()?;
    Ok(matches!(until, Some(Some(t)) if t > now))
}

/// Counts a failure for `key`, locking it when the policy says so.
pub fn record_failure(
    conn: &mut AnyConnection,
    key: &str,
    now: NaiveDateTime,
    policy: ThrottlePolicy,
) -> Result<(), DbError> {
    crate::db::write_tx(conn, |conn| {
        let row: Option<(i32, NaiveDateTime)> = login_throttle::table
            .find(key)
            .select((login_throttle::failures, login_throttle::window_started_at))
            .first(conn)
            .optional()?;
        let (failures, started) = match row {
            Some((f, s)) if now - s < policy.window => (f + 1, s),
            _ => (1, now),
        };
        let locked = (failures >= policy.max_failures).then_some(now + policy.lockout);
        diesel::delete(login_throttle::table.find(key)).execute(conn)?;
        diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::throttle_key.eq(key),
                login_throttle::failures.eq(failures),
                login_throttle::window_started_at.eq(started),
                login_throttle::locked_until.eq(locked),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Forgets the failures of `key` after a successful login.
pub fn clear(conn: &mut AnyConnection, key: &str) -> Result<(), DbError> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}
