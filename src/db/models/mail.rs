//! The mail outbox and the invitations whose links it carries: rows written in the
//! transaction that decides them, read by the mail job and the invitation page.

use crate::db::schema::{invitations, mail_outbox, operators};
use crate::db::{AnyConnection, DbError};
use crate::with_backend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A message as queued.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct Mail {
    /// Row id.
    pub id: i64,
    /// When it was queued.
    pub created_at: NaiveDateTime,
    /// Recipient.
    pub to_address: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// When it was handed to the mail server.
    pub sent_at: Option<NaiveDateTime>,
}

/// Queues a message; returns its id.
pub fn queue(
    conn: &mut AnyConnection,
    (to, subject, body): (&str, &str, &str),
    now: NaiveDateTime,
) -> Result<i64, DbError> {
    let values = (
        mail_outbox::created_at.eq(now),
        mail_outbox::to_address.eq(to),
        mail_outbox::subject.eq(subject),
        mail_outbox::body.eq(body),
    );
    Ok(
        with_backend!(conn, c => diesel::insert_into(mail_outbox::table)
        .values(values)
        .returning(mail_outbox::id)
        .get_result(c))?,
    )
}

/// Message `id`.
pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Mail>, DbError> {
    Ok(mail_outbox::table
        .find(id)
        .select(Mail::as_select())
        .first(conn)
        .optional()?)
}

/// Notes that message `id` was sent.
pub fn mark_sent(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(mail_outbox::table.find(id))
        .set(mail_outbox::sent_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// Stores an invitation of operator `operator_id` (by its token's hash), valid until
/// `expires_at`; earlier open invitations of the operator stop working.
pub fn invite(
    conn: &mut AnyConnection,
    (token_hash, operator_id): (&str, i64),
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(
        invitations::table
            .filter(invitations::operator_id.eq(operator_id))
            .filter(invitations::used_at.is_null()),
    )
    .set(invitations::expires_at.eq(now))
    .execute(conn)?;
    diesel::insert_into(invitations::table)
        .values((
            invitations::token_hash.eq(token_hash),
            invitations::operator_id.eq(operator_id),
            invitations::created_at.eq(now),
            invitations::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The operator an open invitation (by its token's hash) is for: (id, login name, full
/// name), when the invitation is unused, unexpired and the account active.
pub fn invited(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<(i64, String, String)>, DbError> {
    Ok(invitations::table
        .inner_join(operators::table)
        .filter(invitations::token_hash.eq(token_hash))
        .filter(invitations::used_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .filter(operators::active.eq(true))
        .select((operators::id, operators::username, operators::full_name))
        .first(conn)
        .optional()?)
}

/// Uses the invitation (by its token's hash): true when it was open, and then no other
/// call finds it open (one conditional update).
pub fn redeem(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        invitations::table
            .filter(invitations::token_hash.eq(token_hash))
            .filter(invitations::used_at.is_null())
            .filter(invitations::expires_at.gt(now)),
    )
    .set(invitations::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}
