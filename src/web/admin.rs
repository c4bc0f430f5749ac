//! Back-office pages: dashboard, entities, due types, dovuti, event journal.
//! Every query runs inside the operator's [`Scope`]: an entity operator never sees
//! another entity's data.

use super::session::Authenticated;
use super::view::{page_number, rome_time, Pager};
use super::WebError;
use crate::app::AppState;
use crate::db::models::{dovuto, event, registry, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

/// Rows per page in lists.
const PAGE_SIZE: i64 = 25;

/// What every back-office page shows in its header.
pub struct Nav {
    /// Operator's name.
    pub user: String,
    /// Whether the operator is a region admin.
    pub is_admin: bool,
    /// Whether the operator manages accounts.
    pub manages: bool,
    /// CSRF token for the logout form.
    pub csrf: String,
    /// Which menu entry is current.
    pub active: &'static str,
}

impl Nav {
    pub(super) fn new(auth: &Authenticated, active: &'static str) -> Self {
        Self {
            user: auth.operator.full_name.clone(),
            is_admin: auth.operator.is_admin(),
            manages: auth.manages,
            csrf: auth.csrf.clone(),
            active,
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Nav,
    entities: usize,
    due_types: usize,
    states: Vec<(&'static str, &'static str, i64)>,
    total: i64,
}

/// `GET /admin`.
pub async fn dashboard(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Html<String>, WebError> {
    let (entities, due_types, counts) = auth
        .query(&state, |c, scope| {
            Ok((
                registry::list_entities(c, scope)?.len(),
                registry::list_due_types(c, scope)?.len(),
                dovuto::count_by_state(c, scope)?,
            ))
        })
        .await?;
    let total = counts.iter().map(|(_, n)| n).sum();
    let states = counts
        .into_iter()
        .map(|(s, n)| (s.code(), s.label(), n))
        .collect();
    let page = DashboardPage {
        nav: Nav::new(&auth, "dashboard"),
        entities,
        due_types,
        states,
        total,
    };
    Ok(Html(page.render()?))
}

/// Paging parameter only.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

struct EventView {
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

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    nav: Nav,
    rows: Vec<EventView>,
    pager: Pager,
}

/// `GET /admin/events`: the event journal.
pub async fn events(
    State(app): State<AppState>,
    auth: Authenticated,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, WebError> {
    let page = Page::new(page_number(&q.page), PAGE_SIZE);
    let paged = auth
        .query(&app, move |c, scope| event::list(c, scope, page))
        .await?;
    let pager = Pager::new(&paged, String::new());
    let rows = paged
        .rows
        .into_iter()
        .map(|(e, entity)| EventView {
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
        })
        .collect();
    Ok(Html(
        EventsPage {
            nav: Nav::new(&auth, "events"),
            rows,
            pager,
        }
        .render()?,
    ))
}
