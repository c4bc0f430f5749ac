//! Row types and queries, one module per aggregate.

pub mod audit;
pub mod cart;
pub mod dovuto;
pub mod dovuto_cursor;
pub mod dovuto_page;
pub mod dovuto_search;
pub mod due_type_admin;
pub mod event;
pub mod event_search;
pub mod export;
pub mod export_list;
pub mod flusso;
pub mod flusso_list;
pub mod flusso_rows;
pub mod id_time;
pub mod job;
pub mod mail;
pub mod new_dovuti;
pub mod notice;
pub mod notice_batch;
pub mod onboarding;
pub mod operator;
pub mod operator_grants;
pub mod paid_export;
pub mod payload;
pub mod position;
pub mod receipt;
pub mod receipt_print;
pub mod registry;
pub mod route;
pub mod session;
pub mod setup;
pub mod stats;
pub mod transfer;

/// What an operator may see: everything (admin) or a set of entities and due types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Region admin: every entity.
    All,
    /// An entity operator.
    Limited {
        /// Entities the operator works for.
        entity_ids: Vec<i64>,
        /// Due types the operator may see (within those entities).
        due_type_ids: Vec<i64>,
    },
}

impl Scope {
    /// Whether the entity is visible.
    pub fn sees_entity(&self, id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Limited { entity_ids, .. } => entity_ids.contains(&id),
        }
    }

    /// Whether a dovuto of this entity and due type is visible.
    pub fn sees_due_type(&self, entity_id: i64, due_type_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Limited {
                entity_ids,
                due_type_ids,
            } => entity_ids.contains(&entity_id) && due_type_ids.contains(&due_type_id),
        }
    }
}
