//! Which entity a node call is for: idBrokerPA → station of that broker → entity served by
//! that station, resolved from the registry and kept briefly; a miss says which identifier
//! is wrong.

use super::registry::{self, Entity, Station};
use crate::db::{AnyConnection, DbError};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The identifiers every paForNode request starts with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Caller {
    /// idPA: the entity's fiscal code.
    pub id_pa: String,
    /// idBrokerPA.
    pub id_broker: String,
    /// idStation.
    pub id_station: String,
}

/// A resolved call.
#[derive(Debug, Clone)]
pub struct Route {
    /// The entity.
    pub entity: Entity,
    /// The station serving it.
    pub station: Station,
}

/// Which identifier of a call names nothing we serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteMiss {
    /// idBrokerPA is not ours.
    Broker,
    /// idStation is not an active station of that broker.
    Station,
    /// idPA is not an operational entity of that station.
    Entity,
}

/// Resolved routes, kept for a short time: every node call needs one and the registry
/// changes rarely (a change is seen by every instance within the TTL). Only successful
/// resolutions are kept, so a newly configured entity is served at once.
pub struct RouteCache {
    ttl: Duration,
    map: Mutex<HashMap<Caller, (Instant, Route)>>,
}

/// Entries kept at most (all are dropped when full: the registry is far smaller).
const ROUTE_CACHE_MAX: usize = 10_000;

impl RouteCache {
    /// An empty cache whose entries live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            map: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, c: &Caller) -> Option<Route> {
        let map = self.map.lock().ok()?;
        map.get(c)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, r)| r.clone())
    }

    fn put(&self, c: &Caller, r: &Route) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= ROUTE_CACHE_MAX {
                map.clear();
            }
            map.insert(c.clone(), (Instant::now(), r.clone()));
        }
    }

    /// [`resolve`] through the cache.
    pub fn resolve(
        &self,
        conn: &mut AnyConnection,
        c: &Caller,
    ) -> Result<Result<Route, RouteMiss>, DbError> {
        if let Some(r) = self.get(c) {
            return Ok(Ok(r));
        }
        let resolved = resolve(conn, c)?;
        if let Ok(r) = &resolved {
            self.put(c, r);
        }
        Ok(resolved)
    }
}

/// Resolves the caller, or says which identifier is wrong.
pub fn resolve(conn: &mut AnyConnection, c: &Caller) -> Result<Result<Route, RouteMiss>, DbError> {
    let broker = registry::broker_id(conn, &c.id_broker)?;
    let Some(broker_id) = broker else {
        return Ok(Err(RouteMiss::Broker));
    };
    let station = match registry::station_by_code(conn, &c.id_station)? {
        Some(s) if s.broker_id == broker_id && s.active => s,
        _ => return Ok(Err(RouteMiss::Station)),
    };
    match registry::entity_by_fiscal_code(conn, &c.id_pa)? {
        Some(e) if e.station_id == Some(station.id) && e.state.is_operational() => {
            Ok(Ok(Route { entity: e, station }))
        }
        _ => Ok(Err(RouteMiss::Entity)),
    }
}
