//! `GET /admin/events`: the event journal, newest first, a page of 50 after another by id,
//! filtered by Rome days, interface, operation, entity, IUV or notice number, outcome and
//! correlation id; `GET /admin/events/{id}`: one exchange whole, its request and response
//! indented and their secrets masked. Operators see their entities' entries only.

use super::admin::Nav;
use super::session::Authenticated;
use super::view::{carried, day, days, rome_time, text};
use super::WebError;
use crate::app::AppState;
use crate::db::models::event::EventRow;
use crate::db::models::event_search::{self, EventFilter};
use crate::db::models::registry;
use crate::domain::{Iuv, NoticeNumber};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

/// Entries per page.
const PAGE_SIZE: i64 = 50;

/// The filter form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct JournalQuery {
    dal: Option<String>,
    al: Option<String>,
    interfaccia: Option<String>,
    operazione: Option<String>,
    ente: Option<String>,
    iuv: Option<String>,
    esito: Option<String>,
    correlazione: Option<String>,
    prima: Option<String>,
}

impl JournalQuery {
    /// The filter, or what was typed wrong.
    fn filter(&self) -> Result<EventFilter, String> {
        let (from, to) = days(day(&self.dal, "dal")?, day(&self.al, "al")?);
        let entity_id = match text(&self.ente) {
            Some(e) => Some(e.parse::<i64>().map_err(|_| "ente non valido".to_owned())?),
            None => None,
        };
        let iuv = match text(&self.iuv) {
            Some(v) => Some(iuv_of(&v)?),
            None => None,
        };
        let outcome = text(&self.esito).map(|o| o.to_uppercase());
        if outcome.as_deref().is_some_and(|o| o != "OK" && o != "KO") {
            return Err("esito: OK o KO".into());
        }
        Ok(EventFilter {
            from,
            to,
            interface: text(&self.interfaccia),
            operation: text(&self.operazione),
            entity_id,
            iuv,
            outcome,
            correlation_id: text(&self.correlazione),
        })
    }

    /// The filters as a query string prefix (`k=v&…`), for the next page.
    fn carried(&self) -> String {
        carried(&[
            ("dal", &self.dal),
            ("al", &self.al),
            ("interfaccia", &self.interfaccia),
            ("operazione", &self.operazione),
            ("ente", &self.ente),
            ("iuv", &self.iuv),
            ("esito", &self.esito),
            ("correlazione", &self.correlazione),
        ])
    }
}

/// A typed IUV, or the IUV of a typed notice number (18 digits).
fn iuv_of(typed: &str) -> Result<String, String> {
    if let Ok(n) = NoticeNumber::parse(typed) {
        return Ok(n.iuv().as_str().to_owned());
    }
    Iuv::parse(typed)
        .map(|i| i.as_str().to_owned())
        .map_err(|_| "IUV o codice avviso non valido".into())
}

/// One entry as the list shows it.
struct EventView {
    id: i64,
    at: String,
    interface: String,
    operation: String,
    direction: String,
    entity: String,
    iuv: String,
    outcome: String,
    fault: String,
    duration_ms: i64,
    correlation_id: String,
}

impl EventView {
    fn new((e, entity): EventRow) -> Self {
        Self {
            id: e.id,
            at: rome_time(&e.occurred_at),
            interface: e.interface,
            operation: e.operation,
            direction: e.direction,
            entity: entity.unwrap_or_default(),
            iuv: e.iuv.unwrap_or_default(),
            outcome: e.outcome,
            fault: e.fault_code.unwrap_or_default(),
            duration_ms: e.duration_ms,
            correlation_id: e.correlation_id,
        }
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage<'a> {
    nav: Nav,
    q: &'a JournalQuery,
    rows: Vec<EventView>,
    entities: Vec<(i64, String, bool)>,
    next: Option<String>,
    first: Option<String>,
    error: Option<String>,
}

/// `GET /admin/events`.
pub async fn page(
    State(app): State<AppState>,
    auth: Authenticated,
    Query(q): Query<JournalQuery>,
) -> Result<Response, WebError> {
    let wanted = q.filter();
    let before = text(&q.prima).and_then(|p| p.parse::<i64>().ok());
    let f = wanted.clone().ok();
    let (rows, entities) = auth
        .query(&app, move |c, scope| {
            let rows = match &f {
                Some(f) => event_search::page(c, scope, f, before, PAGE_SIZE + 1)?,
                None => Vec::new(),
            };
            Ok((rows, registry::list_entities(c, scope)?))
        })
        .await?;
    let carried = q.carried();
    let more = rows.len() as i64 > PAGE_SIZE;
    let rows: Vec<EventView> = rows
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(EventView::new)
        .collect();
    let next = match (more, rows.last()) {
        (true, Some(last)) => Some(format!("?{carried}prima={}", last.id)),
        _ => None,
    };
    let chosen = text(&q.ente);
    let page = EventsPage {
        nav: Nav::new(&auth, "events"),
        q: &q,
        rows,
        entities: entities
            .into_iter()
            .map(|e| {
                let on = chosen.as_deref() == Some(e.id.to_string().as_str());
                (e.id, e.name, on)
            })
            .collect(),
        next,
        first: before.map(|_| format!("?{carried}")),
        error: wanted.err(),
    };
    let status = match page.error {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    nav: Nav,
    id: i64,
    facts: Vec<(&'static str, String)>,
    request: String,
    response: String,
}

/// `GET /admin/events/{id}`.
pub async fn detail(
    State(app): State<AppState>,
    auth: Authenticated,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (d, entity, operator) = auth
        .query(&app, move |c, scope| event_search::detail(c, scope, id))
        .await?
        .ok_or(WebError::NotFound)?;
    let e = d.entry;
    let or_dash = |v: Option<String>| v.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into());
    let facts = vec![
        ("Quando", rome_time(&e.occurred_at)),
        ("Interfaccia", e.interface),
        ("Operazione", e.operation),
        ("Verso", e.direction),
        ("Ente", or_dash(entity)),
        ("Codice fiscale dell'ente", or_dash(e.entity_fiscal_code)),
        ("IUV", or_dash(e.iuv)),
        ("Codice avviso", or_dash(e.notice_number)),
        ("Esito", e.outcome),
        ("Fault", or_dash(e.fault_code)),
        ("Durata (ms)", e.duration_ms.to_string()),
        ("Indirizzo", or_dash(e.remote_addr)),
        ("Operatore", or_dash(operator)),
        ("Correlazione", e.correlation_id),
    ];
    let page = EventPage {
        nav: Nav::new(&auth, "events"),
        id: d.id,
        facts,
        request: e
            .request
            .map(|r| super::payload_view::shown(&r))
            .unwrap_or_default(),
        response: e
            .response
            .map(|r| super::payload_view::shown(&r))
            .unwrap_or_default(),
    };
    Ok(Html(page.render()?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_a_filter() {
        let q = JournalQuery {
            dal: Some("2026-07-01".into()),
            iuv: Some("301000000000024408".into()),
            esito: Some("ko".into()),
            operazione: Some(" paGetPaymentV2 ".into()),
            ..JournalQuery::default()
        };
        let f = q.filter().unwrap();
        assert_eq!(f.from.unwrap().to_string(), "2026-06-30 22:00:00");
        assert_eq!(f.iuv.as_deref(), Some("01000000000024408"), "notice → IUV");
        assert_eq!(f.outcome.as_deref(), Some("KO"));
        assert_eq!(f.operation.as_deref(), Some("paGetPaymentV2"));
        let bad = JournalQuery {
            esito: Some("forse".into()),
            ..JournalQuery::default()
        };
        assert!(bad.filter().is_err());
    }
}
