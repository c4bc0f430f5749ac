//! Writing the audit trail: every action an operator takes in the back office (and every
//! login, failed ones included) becomes an entry with who, when, on what and the values
//! before and after. [`ACTIONS`] names every action an entry can hold.

use super::session::Authenticated;
use crate::app::AppState;
use crate::db::models::audit::{self, NewAudit};
use crate::db::models::registry::Entity;
use serde::Serialize;

/// Every action the trail records: (code, what the pages call it).
pub const ACTIONS: &[(&str, &str)] = &[
    ("login", "Accesso"),
    ("login.fallito", "Accesso non riuscito"),
    ("logout", "Uscita"),
    ("password.cambiata", "Password cambiata"),
    ("setup", "Primo amministratore"),
    ("ente.crea", "Ente creato"),
    ("ente.stato", "Stato dell'ente"),
    ("ente.dettagli", "Dati dell'ente"),
    ("ente.logo", "Logo dell'ente"),
    ("ente.password-ws", "Password dei web service"),
    ("ente.pagamento-prova", "Pagamento di prova"),
    ("tipo-dovuto.crea", "Tipo dovuto creato"),
    ("tipo-dovuto.modifica", "Tipo dovuto modificato"),
    ("tipo-dovuto.attivo", "Tipo dovuto attivato o disattivato"),
    ("tipo-dovuto.modulo", "Modulo del tipo dovuto"),
    (
        "tipo-dovuto.bilancio",
        "Bilancio predefinito del tipo dovuto",
    ),
    ("dovuto.inserisci", "Dovuto inserito"),
    ("dovuto.modifica", "Dovuto modificato"),
    ("dovuto.annulla", "Dovuto annullato"),
    ("flusso.carica", "Flusso caricato"),
    ("avvisi.richiesta", "Avvisi massivi richiesti"),
    ("esportazione.richiesta", "Esportazione richiesta"),
    ("operatore.crea", "Operatore creato"),
    ("operatore.modifica", "Operatore modificato"),
    ("operatore.attivo", "Operatore attivato o disattivato"),
    ("operatore.password", "Password temporanea"),
    ("operatore.invito", "Invito per e-mail"),
    (
        "operatore.invito-accettato",
        "Invito accettato: password scelta",
    ),
    ("intermediario.crea", "Intermediario creato"),
    ("stazione.crea", "Stazione creata"),
    ("stazione.modifica", "Stazione modificata"),
];

/// What the pages call action `code`.
pub fn label(code: &str) -> &str {
    ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

/// What the trail keeps of an entity's details.
pub fn entity_details(e: &Entity) -> serde_json::Value {
    serde_json::json!({
        "nome": e.name,
        "email": e.email,
        "ufficio": e.sector,
        "lingua_avvisi": e.notice_language.code(),
    })
}

/// One entry being made: the action, on what, and its values before and after.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    entry: NewAudit,
}

impl Audit {
    /// Action `action` (one of [`ACTIONS`]) on `target`.
    pub fn new(action: &'static str, target: impl Into<String>) -> Self {
        debug_assert!(ACTIONS.iter().any(|(c, _)| *c == action), "{action}");
        Self {
            entry: NewAudit {
                action: action.into(),
                target: target.into(),
                ..NewAudit::default()
            },
        }
    }

    /// The entity it concerns.
    pub fn entity(mut self, id: i64) -> Self {
        self.entry.entity_id = Some(id);
        self
    }

    /// The values before.
    pub fn before(mut self, v: &impl Serialize) -> Self {
        self.entry.before_json = serde_json::to_string(v).ok();
        self
    }

    /// The values after.
    pub fn after(mut self, v: &impl Serialize) -> Self {
        self.entry.after_json = serde_json::to_string(v).ok();
        self
    }

    /// The entry, by `username` (account `operator_id`) from `remote`, at `now`.
    pub fn by(
        mut self,
        (operator_id, username): (Option<i64>, &str),
        remote: Option<String>,
        now: chrono::NaiveDateTime,
    ) -> NewAudit {
        self.entry.operator_id = operator_id;
        self.entry.username = username.into();
        self.entry.remote_addr = remote;
        self.entry.occurred_at = now;
        self.entry
    }
}

/// Writes `entry`. The action has happened: a failure to write is logged, not turned into
/// an error page.
pub async fn write(app: &AppState, entry: NewAudit) {
    if let Err(e) = app.db.write(move |c| audit::record(c, &entry)).await {
        tracing::error!(error = %e, "audit trail entry not written");
    }
}

impl Authenticated {
    /// Writes `a` as done by this operator now.
    pub async fn audit(&self, app: &AppState, a: Audit) {
        let op = (Some(self.operator.id), self.operator.username.as_str());
        write(app, a.by(op, self.remote.clone(), app.now())).await;
    }
}
