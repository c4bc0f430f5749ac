//! `GET /admin/numeri`: "I numeri del portale" — entities by state, and for a year the
//! payments collected and their amount per month, per due type and per payment channel,
//! each as a table with its bar chart (SVG drawn on the server); `/admin/numeri.csv` holds
//! the same figures. Every figure stays within what the operator sees.

use super::admin::Nav;
use super::session::Authenticated;
use super::view::rome_midnight;
use super::WebError;
use crate::app::AppState;
use crate::db::models::stats::{self, Collected};
use crate::db::models::{registry, Scope};
use crate::db::{AnyConnection, DbError};
use crate::domain::EntityState;
use crate::format::euro;
use crate::http::attachment;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Deserialize;

/// Month names, as the page shows them.
const MONTHS: [&str; 12] = [
    "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
];

/// The year asked for.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    anno: Option<String>,
}

/// Every figure of a year.
struct Figures {
    year: i32,
    entities: Vec<(&'static str, i64)>,
    months: Vec<(String, Collected)>,
    due_types: Vec<(String, Collected)>,
    channels: Vec<(String, Collected)>,
}

/// The Rome year `q` asks for (this year when none or not a year), from `now` (UTC).
fn year_of(q: &YearQuery, now: NaiveDateTime) -> i32 {
    let this = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Rome, &now).year();
    q.anno
        .as_deref()
        .and_then(|a| a.trim().parse::<i32>().ok())
        .filter(|y| (2000..=this + 1).contains(y))
        .unwrap_or(this)
}

/// The first instant (UTC) of month `m` (1–13: 13 is January of the next year).
fn month_start(year: i32, m: u32) -> NaiveDateTime {
    let (y, m) = if m > 12 { (year + 1, 1) } else { (year, m) };
    rome_midnight(NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default())
}

fn figures(c: &mut AnyConnection, scope: &Scope, year: i32) -> Result<Figures, DbError> {
    let list = registry::list_entities(c, scope)?;
    let entities = EntityState::ALL
        .iter()
        .map(|s| {
            (
                s.code(),
                list.iter().filter(|e| e.state == *s).count() as i64,
            )
        })
        .collect();
    let ranges: Vec<_> = (1..=12)
        .map(|m| (month_start(year, m), month_start(year, m + 1)))
        .collect();
    let per_month = stats::per_range(c, scope, &ranges)?;
    let whole = (month_start(year, 1), month_start(year, 13));
    Ok(Figures {
        year,
        entities,
        months: MONTHS
            .iter()
            .map(|m| m.to_string())
            .zip(per_month)
            .collect(),
        due_types: stats::per_due_type(c, scope, whole)?,
        channels: stats::per_channel(c, scope, whole)?,
    })
}

/// One bar of a chart: its label, its figures as shown, and its length in 0–100 %.
struct Bar {
    label: String,
    payments: i64,
    amount: String,
    length: i64,
}

/// The bars of `rows`, lengths relative to the largest amount.
fn bars(rows: &[(String, Collected)]) -> Vec<Bar> {
    let top = rows.iter().map(|r| r.1.cents).max().unwrap_or(0).max(1);
    rows.iter()
        .map(|(label, c)| Bar {
            label: label.clone(),
            payments: c.payments,
            amount: euro(c.cents),
            length: c.cents * 100 / top,
        })
        .collect()
}

/// One breakdown of the year: its heading, its caption and its bars.
struct Section {
    title: &'static str,
    caption: &'static str,
    rows: Vec<Bar>,
}

#[derive(Template)]
#[template(path = "numeri.html")]
struct NumbersPage {
    nav: Nav,
    year: i32,
    years: Vec<(i32, bool)>,
    entities: Vec<(&'static str, i64)>,
    sections: Vec<Section>,
    total: (i64, String),
}

/// `GET /admin/numeri`.
pub async fn page(
    State(app): State<AppState>,
    auth: Authenticated,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    let now = app.now();
    let year = year_of(&q, now);
    let f = auth
        .query(&app, move |c, scope| figures(c, scope, year))
        .await?;
    let this = year_of(&YearQuery::default(), now);
    let total = f
        .months
        .iter()
        .fold((0, 0), |(n, s), (_, c)| (n + c.payments, s + c.cents));
    let page = NumbersPage {
        nav: Nav::new(&auth, "numeri"),
        year: f.year,
        years: (this - 4..=this).rev().map(|y| (y, y == f.year)).collect(),
        sections: vec![
            Section {
                title: "Per mese",
                caption: "Pagamenti e importi per mese",
                rows: bars(&f.months),
            },
            Section {
                title: "Per tipo dovuto",
                caption: "Pagamenti e importi per tipo dovuto",
                rows: bars(&f.due_types),
            },
            Section {
                title: "Per canale di pagamento",
                caption: "Pagamenti e importi per canale",
                rows: bars(&f.channels),
            },
        ],
        entities: f.entities,
        total: (total.0, euro(total.1)),
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /admin/numeri.csv`: the same figures, one per line (`sezione;voce;pagamenti;importo`).
pub async fn csv(
    State(app): State<AppState>,
    auth: Authenticated,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    let year = year_of(&q, app.now());
    let f = auth
        .query(&app, move |c, scope| figures(c, scope, year))
        .await?;
    let mut out = String::from("sezione;voce;pagamenti;importo_euro\n");
    for (state, n) in &f.entities {
        out += &format!("enti;{state};{n};\n");
    }
    let amount = |c: &Collected| format!("{}.{:02}", c.cents / 100, c.cents % 100);
    for (section, rows) in [
        ("mese", &f.months),
        ("tipo_dovuto", &f.due_types),
        ("canale", &f.channels),
    ] {
        for (i, (label, c)) in rows.iter().enumerate() {
            let key = match section {
                "mese" => format!("{}-{:02}", f.year, i + 1),
                _ => label.replace(';', ","),
            };
            out += &format!("{section};{key};{};{}\n", c.payments, amount(c));
        }
    }
    let name = format!("MYPAY_NUMERI_{}.csv", f.year);
    Ok(attachment(&name, "text/csv; charset=utf-8", out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_start_at_rome_midnight_and_bars_scale_to_the_largest() {
        assert_eq!(month_start(2026, 1).to_string(), "2025-12-31 23:00:00");
        assert_eq!(month_start(2026, 7).to_string(), "2026-06-30 22:00:00");
        assert_eq!(month_start(2026, 13).to_string(), "2026-12-31 23:00:00");
        let c = |cents| Collected { payments: 1, cents };
        let b = bars(&[
            ("a".into(), c(5000)),
            ("b".into(), c(1250)),
            ("c".into(), c(0)),
        ]);
        assert_eq!(b.iter().map(|b| b.length).collect::<Vec<_>>(), [100, 25, 0]);
        let now = NaiveDate::from_ymd_opt(2026, 12, 31)
            .unwrap()
            .and_hms_opt(23, 30, 0)
            .unwrap();
        assert_eq!(
            year_of(&YearQuery::default(), now),
            2027,
            "Rome is past midnight"
        );
        let asked = YearQuery {
            anno: Some("1999".into()),
        };
        assert_eq!(year_of(&asked, now), 2027, "out of range");
    }
}
