//! Finding the position a verify / activate call is about, with the fault for every miss.

use super::fault::{Fault, FaultCode};
use super::routing::{Caller, Route, RouteCache};
use crate::db::models::position::{self, Position};
use crate::db::{AnyConnection, DbError};
use crate::domain::{NodeVerdict, NoticeNumber};

/// A payable position and who it belongs to.
#[derive(Debug, Clone)]
pub struct Found {
    /// Entity and station.
    pub route: Route,
    /// The position.
    pub position: Position,
}

/// Resolves the caller, then the notice, then checks it can be paid.
pub fn payable(
    conn: &mut AnyConnection,
    routes: &RouteCache,
    caller: &Caller,
    qr_cf: &str,
    notice: &str,
) -> Result<Result<Found, Fault>, DbError> {
    let route = match super::routing::resolve(routes, conn, caller)? {
        Ok(r) => r,
        Err(f) => return Ok(Err(f)),
    };
    if qr_cf != caller.id_pa {
        return Ok(Err(Fault::new(
            FaultCode::IdDominioErrato,
            format!("qrCode.fiscalCode {qr_cf} diverso da idPA {}", caller.id_pa),
        )));
    }
    let unknown = || {
        Fault::new(
            FaultCode::PagamentoSconosciuto,
            format!("avviso {notice} sconosciuto"),
        )
    };
    let Ok(parsed) = NoticeNumber::parse(notice) else {
        return Ok(Err(unknown()));
    };
    let Some(position) = position::find(conn, route.entity.id, &parsed.iuv())? else {
        return Ok(Err(unknown()));
    };
    if position.dovuto.notice_number.as_ref() != Some(&parsed) {
        return Ok(Err(unknown()));
    }
    let verdict = position.dovuto.state.node_verdict();
    let fault = |code, what: &str| Ok(Err(Fault::new(code, format!("avviso {notice} {what}"))));
    match verdict {
        NodeVerdict::Payable => Ok(Ok(Found { route, position })),
        NodeVerdict::Unknown => Ok(Err(unknown())),
        NodeVerdict::AlreadyPaid => fault(FaultCode::PagamentoDuplicato, "già pagato"),
        NodeVerdict::Expired => fault(FaultCode::PagamentoScaduto, "scaduto"),
        NodeVerdict::Cancelled => fault(FaultCode::PagamentoAnnullato, "annullato"),
    }
}
