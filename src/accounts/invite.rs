//! Invitations: an administrator creates an account and its holder chooses the password
//! through a one-time link sent by e-mail (stored hashed, valid for the configured hours,
//! used once; a new invitation of the same account replaces the old one). Until then the
//! account's password is a random one nobody knows.

use super::{full_name, in_tx, insert, username, AccountError, Chosen, Managed, NewAccount};
use crate::db::models::{mail as outbox, operator};
use crate::db::{AnyConnection, DbError};
use crate::domain::random::RandomSource;
use crate::domain::Email;
use crate::security::{hash_password, sha256_hex};
use chrono::{Duration, NaiveDateTime};

/// Where invitation links point and how long they last.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    /// The gateway's public base URL.
    pub public_base: &'a str,
    /// Hours the link stays valid.
    pub ttl_hours: i64,
}

/// Who is invited: the account's id, login name, full name and e-mail.
type Invitee<'a> = (i64, &'a str, &'a str, &'a Email);

/// Issues an invitation of `who` and queues its e-mail (inside the caller's transaction).
fn send(
    c: &mut AnyConnection,
    (id, name, full, email): Invitee<'_>,
    (random, link): (&dyn RandomSource, Link<'_>),
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let token = random.token_hex(24);
    let expires = now + Duration::hours(link.ttl_hours);
    outbox::invite(c, (&sha256_hex(&token), id), now, expires)?;
    let url = format!("{}/admin/invito/{token}", link.public_base);
    let body = format!(
        "Buongiorno {full},\n\nè stato creato per te un account del back office di mypay \
         (nome utente: {name}).\nPer scegliere la password apri questo link entro {} ore:\n\n\
         {url}\n\nIl link vale una sola volta. Se non aspettavi questo messaggio, ignoralo.\n",
        link.ttl_hours
    );
    crate::mail::queue(c, (email.as_str(), "Invito a mypay", &body), now)?;
    Ok(())
}

fn email_of(raw: Option<&str>) -> Result<Email, AccountError> {
    let raw = raw.map(str::trim).filter(|e| !e.is_empty());
    Email::parse(raw.ok_or(AccountError::EmailRequired)?).map_err(|_| AccountError::BadEmail)
}

/// Creates `account` and sends its holder an invitation; returns the account's id. The
/// account, the invitation and the message are written in one transaction.
pub fn invite(
    conn: &mut AnyConnection,
    account: &NewAccount<'_>,
    (random, link): (&dyn RandomSource, Link<'_>),
    now: NaiveDateTime,
) -> Result<i64, AccountError> {
    let name = username(account.username)?;
    let full = full_name(account.full_name)?.to_owned();
    let email = email_of(account.email)?;
    let unknown = random.password(32);
    let hash = hash_password(&unknown).map_err(DbError::from)?;
    in_tx(conn, |c| {
        let id = insert(c, account, (&name, &full), (&hash, true), now)?;
        send(c, (id, &name, &full, &email), (random, link), now)?;
        Ok(id)
    })
    .map_err(|e| match e {
        AccountError::Db(e) if e.is_unique_violation() => AccountError::Taken(name.clone()),
        other => other,
    })
}

/// Sends operator `target_id`, if `managed` covers it, a new invitation (the previous
/// one stops working); returns its login name and the address, `None` when not covered.
pub fn reinvite(
    conn: &mut AnyConnection,
    managed: &Managed,
    target_id: i64,
    (random, link): (&dyn RandomSource, Link<'_>),
    now: NaiveDateTime,
) -> Result<Option<(String, String)>, AccountError> {
    let op = match operator::by_id(conn, target_id)? {
        Some(op) if managed.covers(conn, &op)? && op.active => op,
        _ => return Ok(None),
    };
    let email = email_of(op.email.as_deref())?;
    let who = (op.id, op.username.as_str(), op.full_name.as_str(), &email);
    in_tx(conn, |c| Ok(send(c, who, (random, link), now)?))?;
    Ok(Some((op.username, email.as_str().to_owned())))
}

/// The account an open invitation `token` is for: (id, login name, full name).
pub fn invitation(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> Result<Option<(i64, String, String)>, DbError> {
    outbox::invited(conn, &sha256_hex(token), now)
}

/// Uses invitation `token` to set the password its holder chose; returns the login name.
pub fn accept(
    conn: &mut AnyConnection,
    token: &str,
    chosen: Chosen<'_>,
    now: NaiveDateTime,
) -> Result<String, AccountError> {
    let hash = sha256_hex(token);
    in_tx(conn, |c| {
        let (_, name, full) =
            outbox::invited(c, &hash, now)?.ok_or(AccountError::InvitationClosed)?;
        chosen.check(&[&name, &full])?;
        if !outbox::redeem(c, &hash, now)? {
            return Err(AccountError::InvitationClosed);
        }
        let password = hash_password(chosen.password).map_err(DbError::from)?;
        operator::set_password(c, &name, &password, false, now)?;
        Ok(name)
    })
}
