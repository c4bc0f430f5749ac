//! `mypay admin`: back-office accounts from the command line (the first administrator
//! without a browser, an operator for an entity, a forgotten password).

use super::Overrides;
use crate::accounts::{self, NewAccount, Role};
use crate::clock::Clock;
use crate::db::Db;
use crate::random::OsRandom;
use crate::web::audit::Audit;
use clap::{Args, Subcommand};

/// `admin` actions.
#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create an operator with a temporary password (printed once, to be changed at the
    /// first login).
    CreateUser(CreateUser),
    /// Give an operator a new temporary password (printed once, to be changed at the next
    /// login).
    ResetPassword(ResetPassword),
}

impl AdminAction {
    /// The database settings given with the action.
    pub fn overrides(&self) -> &Overrides {
        match self {
            AdminAction::CreateUser(a) => &a.overrides,
            AdminAction::ResetPassword(a) => &a.overrides,
        }
    }
}

/// `admin create-user`.
#[derive(Debug, Args)]
pub struct CreateUser {
    /// Database.
    #[command(flatten)]
    overrides: Overrides,
    /// Login name (3 to 64 of a-z 0-9 . _ - @).
    #[arg(long)]
    username: String,
    /// Full name.
    #[arg(long)]
    full_name: String,
    /// E-mail.
    #[arg(long)]
    email: Option<String>,
    /// region-admin (every entity), entity-admin (one entity and its operators) or
    /// entity-operator (one entity, all or some of its due types).
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// The entity's IPA code (entity roles).
    #[arg(long)]
    entity: Option<String>,
    /// Limit an entity operator to this due type (code); repeatable.
    #[arg(long = "due-type", value_name = "CODE")]
    due_types: Vec<String>,
}

/// `admin reset-password`.
#[derive(Debug, Args)]
pub struct ResetPassword {
    /// Database.
    #[command(flatten)]
    overrides: Overrides,
    /// Login name.
    #[arg(long)]
    username: String,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
        format!("one of {}", names.join(", "))
    })
}

/// Who the audit trail names for what is done from the command line.
pub const COMMAND_LINE: &str = "riga-di-comando";

/// Writes `a` to the audit trail as done from the command line at `now`.
fn audited(
    conn: &mut crate::db::AnyConnection,
    a: Audit,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<()> {
    let entry = a.by((None, COMMAND_LINE), None, now);
    Ok(crate::db::models::audit::record(conn, &entry)?)
}

/// Runs the action and prints what the person needs (the temporary password).
pub fn run(db: &Db, clock: Clock, action: &AdminAction) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    let now = clock.now_naive();
    match action {
        AdminAction::CreateUser(a) => {
            let account = NewAccount {
                username: &a.username,
                full_name: &a.full_name,
                email: a.email.as_deref(),
                role: a.role,
                entity: a.entity.as_deref(),
                due_types: &a.due_types,
            };
            let pw = accounts::create_with_temporary_password(&mut conn, &account, &OsRandom, now)?;
            let after = serde_json::json!({
                "username": a.username.trim().to_lowercase(),
                "full_name": a.full_name,
                "email": a.email,
                "role": a.role.name(),
                "entity": a.entity,
                "due_types": a.due_types,
            });
            let name = a.username.trim().to_lowercase();
            audited(
                &mut conn,
                Audit::new("operatore.crea", format!("utente {name}")).after(&after),
                now,
            )?;
            println!(
                "operator {} created ({})",
                a.username.trim().to_lowercase(),
                a.role.name()
            );
            println!("temporary password: {pw}");
            println!("(to be changed at the first login)");
        }
        AdminAction::ResetPassword(a) => {
            let pw = accounts::reset_password(&mut conn, &a.username, &OsRandom, now)?;
            let name = a.username.trim().to_lowercase();
            audited(
                &mut conn,
                Audit::new("operatore.password", format!("utente {name}")),
                now,
            )?;
            println!("temporary password: {pw}");
            println!("(to be changed at the next login)");
        }
    }
    Ok(())
}
