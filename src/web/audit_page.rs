//! `GET /admin/audit` and `/admin/audit.csv`: the audit trail, newest first, filtered by
//! Rome days, login name, action and entity; a page of 50 after another by id, or every
//! matching entry as CSV. Region administrators see every entry, entity administrators
//! those of the entities they administer; anyone else gets 403.

use super::admin::Nav;
use super::audit::{label, ACTIONS};
use super::operators::managed;
use super::session::Authenticated;
use super::view::{carried, day, days, rome_time, text};
use super::WebError;
use crate::accounts::Managed;
use crate::app::AppState;
use crate::db::models::audit::{self, AuditFilter, AuditRow};
use crate::db::models::registry;
use crate::http::attachment;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

/// Entries per page.
const PAGE_SIZE: i64 = 50;
/// Entries read per round when writing the CSV.
const CSV_ROUND: i64 = 1000;

/// The filter form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    dal: Option<String>,
    al: Option<String>,
    utente: Option<String>,
    azione: Option<String>,
    ente: Option<String>,
    prima: Option<String>,
}

impl AuditQuery {
    /// The filter, within what `m` sees, or what was typed wrong.
    fn filter(&self, m: &Managed) -> Result<AuditFilter, String> {
        let (from, to) = days(day(&self.dal, "dal")?, day(&self.al, "al")?);
        let entity_id = match text(&self.ente) {
            Some(e) => Some(e.parse::<i64>().map_err(|_| "ente non valido".to_owned())?),
            None => None,
        };
        let action = text(&self.azione);
        if action
            .as_deref()
            .is_some_and(|a| !ACTIONS.iter().any(|(c, _)| *c == a))
        {
            return Err("azione sconosciuta".into());
        }
        Ok(AuditFilter {
            from,
            to,
            username: text(&self.utente).map(|u| u.to_lowercase()),
            action,
            entity_id,
            within: m.entities().map(<[i64]>::to_vec),
        })
    }

    /// The filters as a query string prefix (`k=v&…`), for the next page and the CSV.
    fn carried(&self) -> String {
        carried(&[
            ("dal", &self.dal),
            ("al", &self.al),
            ("utente", &self.utente),
            ("azione", &self.azione),
            ("ente", &self.ente),
        ])
    }
}

/// One entry as the page shows it.
struct EntryView {
    at: String,
    username: String,
    action: String,
    code: String,
    entity: String,
    target: String,
    before: String,
    after: String,
    remote: String,
}

impl EntryView {
    fn new((row, entity): (AuditRow, Option<String>)) -> Self {
        let r = row.entry;
        Self {
            at: rome_time(&r.occurred_at),
            username: r.username,
            action: label(&r.action).to_owned(),
            code: r.action,
            entity: entity.unwrap_or_default(),
            target: r.target,
            before: r.before_json.unwrap_or_default(),
            after: r.after_json.unwrap_or_default(),
            remote: r.remote_addr.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    nav: Nav,
    q: &'a AuditQuery,
    rows: Vec<EntryView>,
    actions: Vec<(&'static str, &'static str, bool)>,
    entities: Vec<(i64, String, bool)>,
    next: Option<String>,
    csv: String,
    error: Option<String>,
}

/// `GET /admin/audit`.
pub async fn page(
    State(app): State<AppState>,
    auth: Authenticated,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let m = managed(&app, &auth).await?;
    let wanted = q.filter(&m);
    let before = text(&q.prima).and_then(|p| p.parse::<i64>().ok());
    let (f, scope) = (wanted.clone().ok(), m.scope());
    let (rows, entities) = app
        .db
        .run(move |c| {
            let rows = match &f {
                Some(f) => audit::page(c, f, before, PAGE_SIZE + 1)?,
                None => Vec::new(),
            };
            Ok((rows, registry::list_entities(c, &scope)?))
        })
        .await?;
    let carried = q.carried();
    let more = rows.len() as i64 > PAGE_SIZE;
    let rows: Vec<_> = rows.into_iter().take(PAGE_SIZE as usize).collect();
    let next = match (more, rows.last()) {
        (true, Some((last, _))) => Some(format!("?{carried}prima={}", last.id)),
        _ => None,
    };
    let (chosen_action, chosen_entity) = (text(&q.azione), text(&q.ente));
    let page = AuditPage {
        nav: Nav::new(&auth, "audit"),
        q: &q,
        rows: rows.into_iter().map(EntryView::new).collect(),
        actions: ACTIONS
            .iter()
            .map(|(c, l)| (*c, *l, chosen_action.as_deref() == Some(*c)))
            .collect(),
        entities: entities
            .into_iter()
            .map(|e| {
                let chosen = chosen_entity.as_deref() == Some(e.id.to_string().as_str());
                (e.id, e.name, chosen)
            })
            .collect(),
        next,
        csv: format!("/admin/audit.csv?{carried}"),
        error: wanted.err(),
    };
    let status = match page.error {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /admin/audit.csv`: every entry the filters match, newest first, `;`-separated.
pub async fn csv(
    State(app): State<AppState>,
    auth: Authenticated,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let m = managed(&app, &auth).await?;
    let f = q.filter(&m).map_err(WebError::BadRequest)?;
    let body = app
        .db
        .run(move |c| {
            let mut out = String::from(
                "quando;utente;azione;codice_azione;ente;oggetto;prima;dopo;indirizzo\n",
            );
            let mut before = None;
            loop {
                let rows = audit::page(c, &f, before, CSV_ROUND)?;
                let Some((last, _)) = rows.last() else { break };
                before = Some(last.id);
                for row in rows {
                    out += &csv_line(row);
                }
            }
            Ok(out)
        })
        .await?;
    let name = format!("MYPAY_AUDIT_{}.csv", app.now().format("%Y%m%d%H%M%S"));
    Ok(attachment(&name, "text/csv; charset=utf-8", body))
}

/// One CSV line: fields with `;`, `"` or a line break are quoted.
fn csv_line((row, entity): (AuditRow, Option<String>)) -> String {
    let r = row.entry;
    let quote = |v: &str| match v.contains([';', '"', '\n', '\r']) {
        true => format!("\"{}\"", v.replace('"', "\"\"")),
        false => v.to_owned(),
    };
    let at = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Rome, &r.occurred_at);
    let fields = [
        at.format("%Y-%m-%d %H:%M:%S").to_string(),
        r.username.clone(),
        label(&r.action).to_owned(),
        r.action.clone(),
        entity.unwrap_or_default(),
        r.target.clone(),
        r.before_json.clone().unwrap_or_default(),
        r.after_json.clone().unwrap_or_default(),
        r.remote_addr.clone().unwrap_or_default(),
    ];
    let quoted: Vec<String> = fields.iter().map(|v| quote(v)).collect();
    quoted.join(";") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_a_filter_within_what_one_manages() {
        let q = AuditQuery {
            dal: Some("2026-07-01".into()),
            al: Some("2026-07-31".into()),
            utente: Some(" Mario.Rossi ".into()),
            azione: Some("ente.stato".into()),
            ente: Some("7".into()),
            prima: Some("99".into()),
        };
        let f = q.filter(&Managed::Entities(vec![7, 8])).unwrap();
        assert_eq!(f.from.unwrap().to_string(), "2026-06-30 22:00:00");
        assert_eq!(f.to.unwrap().to_string(), "2026-07-31 22:00:00");
        assert_eq!(f.username.as_deref(), Some("mario.rossi"));
        assert_eq!((f.entity_id, f.within), (Some(7), Some(vec![7, 8])));
        assert_eq!(
            q.carried(),
            "dal=2026-07-01&al=2026-07-31&utente=Mario.Rossi&azione=ente.stato&ente=7&"
        );
        let bad = AuditQuery {
            azione: Some("drop".into()),
            ..AuditQuery::default()
        };
        assert_eq!(bad.filter(&Managed::All).unwrap_err(), "azione sconosciuta");
    }

    #[test]
    fn csv_fields_with_separators_are_quoted() {
        let entry = crate::db::models::audit::NewAudit {
            occurred_at: chrono::NaiveDate::from_ymd_opt(2026, 1, 2)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            operator_id: Some(1),
            username: "admin".into(),
            action: "ente.dettagli".into(),
            entity_id: Some(3),
            target: "Comune; di Prova".into(),
            before_json: Some(r#"{"name":"A"}"#.into()),
            after_json: None,
            remote_addr: None,
        };
        let line = csv_line((AuditRow { id: 1, entry }, Some("Comune".into())));
        assert_eq!(
            line,
            "2026-01-02 10:00:00;admin;Dati dell'ente;ente.dettagli;Comune;\"Comune; di Prova\";\"{\"\"name\"\":\"\"A\"\"}\";;\n"
        );
    }
}
