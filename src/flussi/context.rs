//! What an import knows about the entity it loads dovuti for, read once per import.

use super::tracciato::Version;
use crate::db::models::flusso::ImportDueType;
use crate::domain::bilancio::DefaultBilancio;
use crate::domain::SegregationCode;
use std::collections::HashMap;

/// A due type as the rows of an import are checked against it.
#[derive(Debug, Clone)]
pub struct DueTypeRules {
    /// Its id.
    pub id: i64,
    /// Active.
    pub active: bool,
    /// Positions need a due date.
    pub due_date_required: bool,
    /// Its bank IBAN, else its postal one.
    pub account: Option<String>,
    /// Its default bilancio, read once (one that cannot be read is none).
    pub default_bilancio: Option<DefaultBilancio>,
}

impl From<ImportDueType> for DueTypeRules {
    fn from(d: ImportDueType) -> Self {
        let default_bilancio = d
            .default_bilancio
            .as_deref()
            .and_then(|x| crate::bilancio::read_default(x, None).ok());
        Self {
            id: d.id,
            active: d.active,
            due_date_required: d.due_date_required,
            account: d.account,
            default_bilancio,
        }
    }
}

/// The due types of an import by code.
pub fn rules(due_types: Vec<(String, ImportDueType)>) -> HashMap<String, DueTypeRules> {
    due_types.into_iter().map(|(c, d)| (c, d.into())).collect()
}

/// What the import knows about the entity.
#[derive(Debug, Clone)]
pub struct Context {
    /// The clock the chunks' timestamps come from.
    pub clock: crate::clock::Clock,
    /// The flusso.
    pub flusso_id: i64,
    /// The entity.
    pub entity_id: i64,
    /// Its fiscal code (transfers).
    pub entity_cf: String,
    /// Its segregation code (IUVs).
    pub segregation: SegregationCode,
    /// Tracciato version.
    pub version: Version,
    /// Due types by code.
    pub due_types: HashMap<String, DueTypeRules>,
}
