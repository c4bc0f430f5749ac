//! `GET /admin/dovuti`: search by IUV or notice number, IUD, debtor fiscal code or name,
//! state, due type, creation, due and payment dates and amount; newest first, page after
//! page by cursor (`prima`), the count capped (`db::models::dovuto_search`).

use super::admin::Nav;
use super::session::Authenticated;
use super::view::{carried, date, day, days, euro, text, url_encode};
use super::WebError;
use crate::app::AppState;
use crate::db::models::dovuto::DovutoRow;
use crate::db::models::dovuto_cursor::Cursor;
use crate::db::models::dovuto_search::{self, Search};
use crate::db::models::registry;
use crate::domain::{AmountCents, DovutoState, NoticeNumber};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

/// Rows per page.
pub const PAGE_SIZE: i64 = 25;

/// The search form, every field as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DovutiQuery {
    iuv: Option<String>,
    iud: Option<String>,
    cf: Option<String>,
    nome: Option<String>,
    state: Option<String>,
    tipo: Option<String>,
    dal: Option<String>,
    al: Option<String>,
    scadenza_dal: Option<String>,
    scadenza_al: Option<String>,
    pagato_dal: Option<String>,
    pagato_al: Option<String>,
    min: Option<String>,
    max: Option<String>,
    prima: Option<String>,
}

fn cents(v: &Option<String>, what: &str) -> Result<Option<i64>, String> {
    text(v)
        .map(|a| {
            AmountCents::parse_euro(&a)
                .map(AmountCents::cents)
                .map_err(|_| format!("{what}: importo non valido"))
        })
        .transpose()
}

impl DovutiQuery {
    /// What to look for, or what was typed wrong.
    pub fn search(&self) -> Result<Search, String> {
        // A notice number (18 digits) is searched by the IUV it carries.
        let iuv = text(&self.iuv).map(|v| match NoticeNumber::parse(&v) {
            Ok(n) => n.iuv().as_str().to_owned(),
            Err(_) => v,
        });
        Ok(Search {
            iuv,
            iud: text(&self.iud),
            debtor_id: text(&self.cf),
            debtor_name: text(&self.nome),
            state: text(&self.state).and_then(|s| DovutoState::from_code(&s)),
            due_type_id: text(&self.tipo).and_then(|t| t.parse().ok()),
            entity_id: None,
            created: days(day(&self.dal, "creato dal")?, day(&self.al, "creato al")?),
            due: (
                day(&self.scadenza_dal, "scadenza dal")?,
                day(&self.scadenza_al, "scadenza al")?,
            ),
            paid: days(
                day(&self.pagato_dal, "pagato dal")?,
                day(&self.pagato_al, "pagato al")?,
            ),
            amount: (
                cents(&self.min, "importo minimo")?,
                cents(&self.max, "importo massimo")?,
            ),
        })
    }

    /// The query string of every filter (not the cursor), to carry to the next page.
    fn carried(&self) -> String {
        carried(&[
            ("iuv", &self.iuv),
            ("iud", &self.iud),
            ("cf", &self.cf),
            ("nome", &self.nome),
            ("state", &self.state),
            ("tipo", &self.tipo),
            ("dal", &self.dal),
            ("al", &self.al),
            ("scadenza_dal", &self.scadenza_dal),
            ("scadenza_al", &self.scadenza_al),
            ("pagato_dal", &self.pagato_dal),
            ("pagato_al", &self.pagato_al),
            ("min", &self.min),
            ("max", &self.max),
        ])
    }
}

/// A dovuto as the lists show it.
pub(super) struct DovutoView {
    pub(super) id: i64,
    pub(super) entity: String,
    pub(super) due_type: String,
    pub(super) iud: String,
    pub(super) iuv: String,
    pub(super) notice: String,
    pub(super) debtor: String,
    pub(super) debtor_id: String,
    pub(super) amount: String,
    pub(super) due_date: String,
    pub(super) state: &'static str,
    pub(super) avviso: Option<String>,
    pub(super) ricevuta: Option<String>,
}

impl DovutoView {
    /// The row as shown, with links to the documents it has.
    pub(super) fn new((d, entity, due_type): DovutoRow) -> Self {
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
struct DovutiPage<'a> {
    nav: Nav,
    q: &'a DovutiQuery,
    rows: Vec<DovutoView>,
    count: String,
    next: Option<String>,
    first: Option<String>,
    states: Vec<(&'static str, &'static str, bool)>,
    due_types: Vec<(i64, String, bool)>,
    error: Option<String>,
}

/// `GET /admin/dovuti`.
pub async fn page(
    State(app): State<AppState>,
    auth: Authenticated,
    Query(q): Query<DovutiQuery>,
) -> Result<Response, WebError> {
    let wanted = q.search();
    let before = text(&q.prima).and_then(|p| Cursor::decode(&p));
    let s = wanted.clone().unwrap_or_default();
    let searched = wanted.is_ok();
    let (found, due_types) = auth
        .query(&app, move |c, scope| {
            let found = match searched {
                true => Some(dovuto_search::search(c, scope, &s, before, PAGE_SIZE)?),
                false => None,
            };
            Ok((found, registry::list_due_types(c, scope)?))
        })
        .await?;
    let carried = q.carried();
    let chosen = text(&q.tipo).and_then(|t| t.parse::<i64>().ok());
    let state = text(&q.state);
    let (rows, count, next) = match found {
        Some(f) => {
            let count = match f.more {
                true => format!("più di {} risultati", dovuto_search::COUNT_CAP),
                false => format!("{} risultati", f.count),
            };
            let next = f
                .next
                .map(|n| format!("?{carried}prima={}", url_encode(&n.encode())));
            (
                f.rows.into_iter().map(DovutoView::new).collect(),
                count,
                next,
            )
        }
        None => (Vec::new(), String::new(), None),
    };
    let page = DovutiPage {
        nav: Nav::new(&auth, "dovuti"),
        q: &q,
        rows,
        count,
        next,
        first: before.map(|_| format!("?{carried}")),
        states: DovutoState::ALL
            .iter()
            .map(|s| (s.code(), s.label(), state.as_deref() == Some(s.code())))
            .collect(),
        due_types: due_types
            .into_iter()
            .map(|(d, entity)| (d.id, format!("{entity} · {}", d.code), chosen == Some(d.id)))
            .collect(),
        error: wanted.err(),
    };
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_a_search() {
        let seg = crate::domain::SegregationCode::parse("01").unwrap();
        let iuv = crate::domain::Iuv::aux3(seg, 12345).unwrap();
        let n = NoticeNumber::from_iuv(crate::domain::AuxDigit::Three, None, &iuv).unwrap();
        let q = DovutiQuery {
            iuv: Some(format!(" {} ", n.as_str())),
            nome: Some("ross".into()),
            dal: Some("2026-07-01".into()),
            al: Some("2026-07-31".into()),
            min: Some("10".into()),
            max: Some("20,50".into()),
            ..DovutiQuery::default()
        };
        let s = q.search().unwrap();
        assert_eq!(s.iuv.as_deref(), Some(iuv.as_str()), "notice number → IUV");
        let (from, to) = s.created;
        assert_eq!(
            from.unwrap().to_string(),
            "2026-06-30 22:00:00",
            "Rome midnight, CEST"
        );
        assert_eq!(to.unwrap().to_string(), "2026-07-31 22:00:00");
        assert_eq!(s.amount, (Some(1000), Some(2050)));
        let carried = format!(
            "iuv={}&nome=ross&dal=2026-07-01&al=2026-07-31&min=10&max=20%2C50&",
            n.as_str()
        );
        assert_eq!(q.carried(), carried);
        let bad = DovutiQuery {
            pagato_al: Some("31/07/2026".into()),
            ..DovutiQuery::default()
        };
        assert_eq!(bad.search().unwrap_err(), "pagato al: data non valida");
    }
}
