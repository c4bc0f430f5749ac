//! Back-office pages: dashboard, entities, due types, dovuti, event journal.
//! Every query runs inside the operator's [`Scope`]: an entity operator never sees
//! another entity's data.

use super::session::Authenticated;
use super::view::{date, euro, page_number, rome_time, url_encode, Pager};
use super::WebError;
use crate::app::AppState;
use crate::db::models::{dovuto, dovuto::DovutoFilter, event, registry, Page};
use crate::domain::DovutoState;
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

/// Search parameters of the dovuti list.
#[derive(Debug, Default, Deserialize)]
pub struct DovutiQuery {
    iuv: Option<String>,
    iud: Option<String>,
    cf: Option<String>,
    state: Option<String>,
    page: Option<String>,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

struct DovutoView {
    id: i64,
    entity: String,
    due_type: String,
    iud: String,
    iuv: String,
    notice: String,
    debtor: String,
    debtor_id: String,
    amount: String,
    due_date: String,
    state: &'static str,
    /// Link to the payment notice, when one can be printed.
    avviso: Option<String>,
    /// Link to the payment receipt, when paid.
    ricevuta: Option<String>,
}

impl DovutoView {
    fn new((d, entity, due_type): dovuto::DovutoRow) -> Self {
        let open = !matches!(d.state, DovutoState::Paid | DovutoState::Cancelled);
        Self {
            avviso: (d.notice_number.is_some() && open)
                .then(|| format!("/admin/dovuti/{}/avviso.pdf", d.id)),
            ricevuta: (d.state == DovutoState::Paid)
                .then(|| format!("/admin/dovuti/{}/ricevuta.pdf", d.id)),
            id: d.id,
            entity,
            due_type,
            iud: d.iud,
            iuv: d.iuv.unwrap_or_default(),
            notice: d.notice_number.unwrap_or_default(),
            debtor: d.debtor_name,
            debtor_id: d.debtor_id,
            amount: euro(d.amount_cents),
            due_date: date(&d.due_date),
            state: d.state.label(),
        }
    }
}

#[derive(Template)]
#[template(path = "dovuti.html")]
struct DovutiPage {
    nav: Nav,
    rows: Vec<DovutoView>,
    pager: Pager,
    iuv: String,
    iud: String,
    cf: String,
    states: Vec<(&'static str, &'static str, bool)>,
}

/// `GET /admin/dovuti`: search by IUV, IUD, debtor fiscal code and state; paginated.
pub async fn dovuti(
    State(app): State<AppState>,
    auth: Authenticated,
    Query(q): Query<DovutiQuery>,
) -> Result<Html<String>, WebError> {
    let filter = DovutoFilter {
        iuv: non_empty(&q.iuv),
        iud: non_empty(&q.iud),
        debtor_id: non_empty(&q.cf),
        state: non_empty(&q.state).and_then(|s| DovutoState::from_code(&s)),
        entity_id: None,
    };
    let page = Page::new(page_number(&q.page), PAGE_SIZE);
    let f = filter.clone();
    let paged = auth
        .query(&app, move |c, scope| dovuto::search(c, scope, &f, page))
        .await?;
    let query = [
        ("iuv", &filter.iuv),
        ("iud", &filter.iud),
        ("cf", &filter.debtor_id),
        ("state", &filter.state.map(|s| s.code().to_owned())),
    ]
    .iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}&", url_encode(v))))
    .collect::<String>();
    let pager = Pager::new(&paged, query);
    let rows = paged.rows.into_iter().map(DovutoView::new).collect();
    let states = DovutoState::ALL
        .iter()
        .map(|s| (s.code(), s.label(), filter.state == Some(*s)))
        .collect();
    let page = DovutiPage {
        states,
        nav: Nav::new(&auth, "dovuti"),
        rows,
        pager,
        iuv: filter.iuv.unwrap_or_default(),
        iud: filter.iud.unwrap_or_default(),
        cf: filter.debtor_id.unwrap_or_default(),
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
