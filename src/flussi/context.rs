//! What an import knows about the entity it loads dovuti for, read once per import.

use super::tracciato::Version;
use crate::domain::SegregationCode;
use std::collections::HashMap;

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
    /// Due types by code: (id, active, due date required, bank IBAN).
    pub due_types: HashMap<String, (i64, bool, bool, Option<String>)>,
}
