//! The form that loads, changes or cancels a dovuto from the back office: read into the
//! same `Versamento` `paaSILImportaDovuto` takes and decided by the same `apply`, so a
//! position typed by an operator follows the rules of one sent by the accounting
//! software; every action is journaled with its operator.

use super::session::Authenticated;
use crate::app::AppState;
use crate::db::models::event::NewEvent;
use crate::db::DbError;
use crate::domain::{AmountCents, Azione, CollectionData, FiscalCode};
use crate::ente::importa_dovuto::{self, Done};
use crate::ente::payload::{Subject, Versamento};
use chrono::NaiveDate;
use serde::Deserialize;

/// What the operator typed (the audit trail keeps it, without the token).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct DovutoForm {
    /// CSRF token.
    #[serde(skip_serializing)]
    pub csrf: String,
    /// Due type (creation only).
    #[serde(default, skip_serializing)]
    pub due_type: Option<i64>,
    /// IUD (blank: generated).
    #[serde(default)]
    pub iud: String,
    /// `F` or `G`.
    #[serde(default)]
    pub debtor_kind: String,
    /// Debtor fiscal code.
    #[serde(default)]
    pub debtor_id: String,
    /// Debtor name.
    #[serde(default)]
    pub debtor_name: String,
    /// Debtor e-mail.
    #[serde(default)]
    pub debtor_email: String,
    /// Amount in euro (`12,50`).
    #[serde(default)]
    pub amount: String,
    /// Due date (`YYYY-MM-DD`).
    #[serde(default)]
    pub due_date: String,
    /// Causale.
    #[serde(default)]
    pub causale: String,
}

/// The position a form describes for due type `code` (`collection` its taxonomy): the
/// same shape the entity services read, so the same rules decide.
pub fn versamento(
    f: &DovutoForm,
    (code, collection): (&str, &str),
    iud: String,
    action: Azione,
) -> Result<Versamento, String> {
    let id = f.debtor_id.trim().to_uppercase();
    let kind = match f.debtor_kind.as_str() {
        "G" => "G",
        _ => "F",
    };
    if id != "ANONIMO" && FiscalCode::parse(&id).is_err() {
        return Err(format!("codice fiscale del debitore [{id}] non valido"));
    }
    let name = f.debtor_name.trim();
    if name.is_empty() || name.chars().count() > 70 {
        return Err("nome del debitore obbligatorio (al massimo 70 caratteri)".into());
    }
    let email = Some(f.debtor_email.trim()).filter(|e| !e.is_empty());
    if email.is_some_and(|e| crate::domain::Email::parse(e).is_err()) {
        return Err("e-mail del debitore non valida".into());
    }
    let amount = AmountCents::parse_euro(&f.amount)
        .ok()
        .filter(|a| a.cents() > 0)
        .ok_or("importo non valido: un importo positivo in euro, ad esempio 12,50")?;
    let due_date = match f.due_date.trim() {
        "" => None,
        d => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| "scadenza non valida")?),
    };
    let causale = f.causale.trim();
    if causale.is_empty() || causale.chars().count() > 140 {
        return Err("causale obbligatoria (al massimo 140 caratteri)".into());
    }
    let collection_data = CollectionData::parse(collection).map_err(|e| e.to_string())?;
    Ok(Versamento {
        subject: Some(Subject {
            kind: kind.into(),
            id,
            full_name: name.into(),
            email: email.map(str::to_owned),
            ..Subject::default()
        }),
        due_date,
        iuv: None,
        iud,
        amount,
        pa_fee: None,
        due_type: code.into(),
        causale: causale.into(),
        collection_data,
        bilancio: None,
        action,
        secondary: None,
        stamp: None,
    })
}

/// Loads `v` for entity `entity_id` (segregation code `seg`) with
/// `importa_dovuto::save`: the position's id, or the rule's refusal.
pub async fn apply(
    app: &AppState,
    entity: (i64, String),
    v: Versamento,
) -> Result<Result<i64, String>, DbError> {
    Ok(
        match importa_dovuto::save(app, entity, v, Some(true)).await? {
            Done::Saved(id, _) => Ok(id),
            Done::Refused(fault) => Err(fault.description),
        },
    )
}

/// Journals back-office action `operation` on the position (`iuv`) of `entity_id`.
pub async fn journal(
    app: &AppState,
    auth: &Authenticated,
    (operation, outcome): (&str, &str),
    (entity_id, iuv, notice): (i64, Option<String>, Option<String>),
    detail: String,
) {
    app.journal
        .record(NewEvent {
            occurred_at: app.now(),
            correlation_id: crate::random::correlation_id(),
            interface: "web".into(),
            operation: operation.into(),
            direction: "IN".into(),
            entity_id: Some(entity_id),
            iuv,
            notice_number: notice,
            outcome: outcome.into(),
            operator_id: Some(auth.operator.id),
            request: Some(detail),
            ..NewEvent::default()
        })
        .await;
}
