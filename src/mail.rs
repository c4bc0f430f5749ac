//! Outbound e-mail. A message is written to the outbox in the transaction that decides
//! it, with a job of the `mail` queue; the job hands it to the SMTP server (`lettre`,
//! rustls) or, without one, writes it as an `.eml` file, and is retried with backoff
//! when the server refuses or cannot be reached. No request ever waits for a mail server.

use crate::clock::Clock;
use crate::config::MailConfig;
use crate::db::models::mail::{self, Mail};
use crate::db::{AnyConnection, Db, DbError};
use crate::error::JobResult;
use crate::jobs::Job;
use anyhow::Context;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{FileTransport, Message, SmtpTransport, Transport};

/// The job queue of outgoing mail.
pub const QUEUE: &str = "mail";

/// Attempts before a message is given up (about four hours of backoff from 30 s).
const ATTEMPTS: i32 = 10;

/// Why the mail settings are refused.
#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    /// The sender is not a mailbox.
    #[error("from: {0:?} is not an address like 'Nome <indirizzo@esempio.it>'")]
    From(String),
    /// The SMTP URL does not parse.
    #[error("smtp_url: {0}")]
    Smtp(String),
    /// Invitations must last.
    #[error("invite_ttl_hours: must be 1..=720")]
    Ttl,
}

/// Checks the mail settings.
pub fn check_config(c: &MailConfig) -> Result<(), MailConfigError> {
    c.from
        .parse::<Mailbox>()
        .map_err(|_| MailConfigError::From(c.from.clone()))?;
    if let Some(url) = &c.smtp_url {
        SmtpTransport::from_url(url).map_err(|e| MailConfigError::Smtp(e.to_string()))?;
    }
    if !(1..=720).contains(&c.invite_ttl_hours) {
        return Err(MailConfigError::Ttl);
    }
    Ok(())
}

/// Queues a message to `to` (inside the caller's transaction); returns its outbox id.
pub fn queue(
    conn: &mut AnyConnection,
    (to, subject, body): (&str, &str, &str),
    now: chrono::NaiveDateTime,
) -> Result<i64, DbError> {
    let id = mail::queue(conn, (to, subject, body), now)?;
    let payload = serde_json::json!({ "mail": id }).to_string();
    crate::jobs::enqueue(conn, QUEUE, &payload, now, ATTEMPTS, now)?;
    Ok(id)
}

/// The message as the transport takes it.
fn message(from: &str, m: &Mail) -> anyhow::Result<Message> {
    let to: Mailbox = m
        .to_address
        .parse()
        .with_context(|| format!("recipient {:?}", m.to_address))?;
    Ok(Message::builder()
        .from(from.parse().context("sender")?)
        .to(to)
        .subject(&m.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())?)
}

/// Sends `m` as the settings say.
fn send(cfg: &MailConfig, m: &Mail) -> anyhow::Result<()> {
    let msg = message(&cfg.from, m)?;
    match &cfg.smtp_url {
        Some(url) => {
            let smtp = SmtpTransport::from_url(url)?
                .timeout(Some(std::time::Duration::from_secs(30)))
                .build();
            smtp.send(&msg).context("SMTP")?;
        }
        None => {
            std::fs::create_dir_all(&cfg.dir)
                .with_context(|| format!("mail dir {}", cfg.dir.display()))?;
            FileTransport::new(&cfg.dir)
                .send(&msg)
                .context("mail file")?;
        }
    }
    Ok(())
}

/// Runs a job of the mail queue: sends its message unless it was sent already (a job
/// taken over after a crash between sending and recording sends nothing twice that the
/// outbox knows of).
pub fn run_job(db: &Db, cfg: &MailConfig, clock: Clock, job: &Job) -> JobResult {
    let id = serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()
        .and_then(|v| v["mail"].as_i64())
        .with_context(|| format!("bad payload {:?}", job.payload))?;
    let mut c = db.get()?;
    let m = mail::get(&mut c, id)?.with_context(|| format!("no mail {id}"))?;
    if m.sent_at.is_some() {
        return Ok(());
    }
    drop(c);
    send(cfg, &m)?;
    let mut c = db.get()?;
    mail::mark_sent(&mut c, id, clock.now_naive())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked() {
        let ok = MailConfig::default();
        assert!(check_config(&ok).is_ok());
        let from = MailConfig {
            from: "nobody".into(),
            ..MailConfig::default()
        };
        assert!(matches!(check_config(&from), Err(MailConfigError::From(_))));
        let smtp = MailConfig {
            smtp_url: Some("ftp://x".into()),
            ..MailConfig::default()
        };
        assert!(matches!(check_config(&smtp), Err(MailConfigError::Smtp(_))));
        let good = MailConfig {
            smtp_url: Some("smtps://user:pw@smtp.example.it:465".into()),
            ..MailConfig::default()
        };
        assert!(check_config(&good).is_ok());
    }

    #[test]
    fn a_message_is_built_from_the_outbox_row() {
        let m = Mail {
            id: 1,
            created_at: chrono::NaiveDateTime::default(),
            to_address: "mario.rossi@example.it".into(),
            subject: "Invito a mypay".into(),
            body: "Scegli la password: è facile".into(),
            sent_at: None,
        };
        let raw = String::from_utf8(
            message("mypay <noreply@example.it>", &m)
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(raw.contains("To: mario.rossi@example.it"), "{raw}");
        assert!(raw.contains("Subject: Invito a mypay"), "{raw}");
        let bad = Mail {
            to_address: "not an address".into(),
            ..m
        };
        assert!(message("mypay <noreply@example.it>", &bad).is_err());
    }
}
