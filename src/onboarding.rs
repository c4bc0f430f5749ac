//! Taking an entity through its lifecycle: INSERITO → PRE-ESERCIZIO → ESERCIZIO (and
//! DISABILITATO), each step decided by `domain::onboarding` against what the entity has in
//! place, written with who and when.

use crate::db::models::onboarding;
use crate::db::{write_tx, AnyConnection, DbError};
use crate::domain::onboarding::{decide, Refusal};
use crate::domain::EntityState;
use chrono::NaiveDateTime;

/// Why a change of state did not happen; the text is for the administrator.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// No such entity.
    #[error("ente inesistente")]
    Unknown,
    /// The lifecycle does not allow it.
    #[error("un ente {} non può passare a {}", .0.label(), .1.label())]
    NotAllowed(EntityState, EntityState),
    /// Production waits for the checklist.
    #[error("per l'esercizio manca ancora: {}", .0.join(", "))]
    Incomplete(Vec<&'static str>),
    /// Someone changed it meanwhile.
    #[error("lo stato dell'ente è cambiato nel frattempo: ricarica la pagina")]
    Changed,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Moves entity `id` to `to` on behalf of `operator_id` (`None`: the command line).
pub fn change_state(
    conn: &mut AnyConnection,
    id: i64,
    to: EntityState,
    operator_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), StateError> {
    let mut refused = None;
    let result = write_tx(conn, |c| {
        let Some(e) = onboarding::entity(c, id)? else {
            refused = Some(StateError::Unknown);
            return Err(DbError::rollback());
        };
        let checklist = onboarding::checklist(c, &e)?;
        if let Err(r) = decide(e.state, to, &checklist) {
            refused = Some(match r {
                Refusal::NotAllowed(a, b) => StateError::NotAllowed(a, b),
                Refusal::Incomplete(missing) => StateError::Incomplete(missing),
            });
            return Err(DbError::rollback());
        }
        if !onboarding::change_state(c, id, (e.state, to), operator_id, now)? {
            refused = Some(StateError::Changed);
            return Err(DbError::rollback());
        }
        Ok(())
    });
    match refused {
        Some(r) => Err(r),
        None => Ok(result?),
    }
}
