//! Which entity a node call is for (see `db::models::route`), each miss mapped to its
//! configuration fault.

pub use crate::db::models::route::{Caller, Route, RouteCache, RouteMiss};

use super::fault::{Fault, FaultCode};
use crate::db::{AnyConnection, DbError};

/// The configuration fault of a miss.
pub fn fault(miss: RouteMiss, c: &Caller) -> Fault {
    match miss {
        RouteMiss::Broker => Fault::new(
            FaultCode::IdIntermediarioErrato,
            format!("idBrokerPA {} non configurato", c.id_broker),
        ),
        RouteMiss::Station => Fault::new(
            FaultCode::StazioneIntErrata,
            format!(
                "idStation {} non configurata per l'intermediario {}",
                c.id_station, c.id_broker
            ),
        ),
        RouteMiss::Entity => Fault::new(
            FaultCode::IdDominioErrato,
            format!(
                "idPA {} non associato alla stazione {}",
                c.id_pa, c.id_station
            ),
        ),
    }
}

/// Resolves the caller through the cache, or says with its fault which identifier is wrong.
pub fn resolve(
    routes: &RouteCache,
    conn: &mut AnyConnection,
    c: &Caller,
) -> Result<Result<Route, Fault>, DbError> {
    Ok(routes.resolve(conn, c)?.map_err(|miss| fault(miss, c)))
}
