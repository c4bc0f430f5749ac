//! Back-office pages: dashboard, entities, due types, dovuti, event journal.
//! Every query runs inside the operator's [`Scope`]: an entity operator never sees
//! another entity's data.

use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::db::models::{dovuto, registry};
use askama::Template;
use axum::extract::State;
use axum::response::Html;

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
