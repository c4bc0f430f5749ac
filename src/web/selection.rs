//! `POST /admin/dovuti/selezione`: what an operator does to the dovuti ticked in the search
//! list. `azione=avvisi` downloads their payment notices in one zip (one notice per
//! instalment plan, the unprintable listed with the reason); `azione=annulla` shows them
//! for confirmation and `azione=conferma-annulla` cancels each (azione A, the rules of
//! paaSILImportaDovuto), showing the outcome row by row. At most
//! [`MAX_SELECTED`] at a time; a dovuto the operator does not see makes the whole request 404.

use super::admin::Nav;
use super::dovuti::DovutoView;
use super::dovuto::changed;
use super::dovuto_form::DovutoForm;
use super::session::Authenticated;
use super::WebError;
use crate::app::AppState;
use crate::avviso::bulk::{self, MAX_SELECTED};
use crate::db::models::dovuto_page;
use crate::domain::Azione;
use crate::http::attachment;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;

/// What the list's form sends: the token, the action and the ticked ids.
#[derive(Debug, Default, PartialEq, Eq)]
struct Request {
    csrf: String,
    action: String,
    ids: Vec<i64>,
}

impl Request {
    /// Reads the pairs of the form; ids in the order sent, each once.
    fn parse(pairs: Vec<(String, String)>) -> Result<Self, WebError> {
        let mut r = Request::default();
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => r.csrf = v,
                "azione" => r.action = v,
                "id" => {
                    let id = v
                        .trim()
                        .parse::<i64>()
                        .map_err(|_| WebError::BadRequest("Selezione non valida.".into()))?;
                    if !r.ids.contains(&id) {
                        r.ids.push(id);
                    }
                }
                _ => {}
            }
        }
        Ok(r)
    }

    /// The ids, when there are some and not too many.
    fn checked_ids(&self) -> Result<&[i64], WebError> {
        match self.ids.len() {
            0 => Err(WebError::BadRequest("Nessun dovuto selezionato.".into())),
            n if n > MAX_SELECTED => Err(WebError::BadRequest(format!(
                "Al massimo {MAX_SELECTED} dovuti alla volta ({n} selezionati)."
            ))),
            _ => Ok(&self.ids),
        }
    }
}

/// One row of the confirmation or outcome page.
struct SelectedRow {
    d: DovutoView,
    outcome: Option<(bool, String)>,
}

#[derive(Template)]
#[template(path = "dovuti_selezione.html")]
struct SelectionPage {
    nav: Nav,
    rows: Vec<SelectedRow>,
    done: bool,
    cancelled: usize,
}

/// `POST /admin/dovuti/selezione`.
pub async fn act(
    State(app): State<AppState>,
    auth: Authenticated,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let r = Request::parse(pairs)?;
    auth.check_csrf(&r.csrf)?;
    let ids = r.checked_ids()?.to_vec();
    let wanted = ids.clone();
    let rows = auth
        .query(&app, move |c, scope| {
            dovuto_page::selected(c, scope, &wanted)
        })
        .await?;
    if rows.len() != ids.len() {
        return Err(WebError::NotFound);
    }
    match r.action.as_str() {
        "avvisi" => notices(&app, &auth, ids).await,
        "annulla" => {
            let rows = rows
                .into_iter()
                .map(|row| SelectedRow {
                    d: DovutoView::new(row),
                    outcome: None,
                })
                .collect();
            page(&auth, rows, false)
        }
        "conferma-annulla" => cancel(&app, &auth, ids).await,
        _ => Err(WebError::BadRequest("Azione sconosciuta.".into())),
    }
}

fn page(auth: &Authenticated, rows: Vec<SelectedRow>, done: bool) -> Result<Response, WebError> {
    let cancelled = rows
        .iter()
        .filter(|r| matches!(r.outcome, Some((true, _))))
        .count();
    let p = SelectionPage {
        nav: Nav::new(auth, "dovuti"),
        rows,
        done,
        cancelled,
    };
    Ok(Html(p.render()?).into_response())
}

/// Cancels each dovuto in turn (each in its own transaction, journalled), then shows them
/// as they are now with what happened to each.
async fn cancel(app: &AppState, auth: &Authenticated, ids: Vec<i64>) -> Result<Response, WebError> {
    let mut outcomes = Vec::with_capacity(ids.len());
    for &id in &ids {
        let outcome = match changed(app, auth, id, &DovutoForm::default(), Azione::Annul).await? {
            Ok(()) => (true, "Annullato".to_owned()),
            Err(reason) => (false, reason),
        };
        outcomes.push(outcome);
    }
    let rows = auth
        .query(app, move |c, scope| dovuto_page::selected(c, scope, &ids))
        .await?;
    let rows = rows
        .into_iter()
        .zip(outcomes)
        .map(|(row, outcome)| SelectedRow {
            d: DovutoView::new(row),
            outcome: Some(outcome),
        })
        .collect();
    page(auth, rows, true)
}

/// The selection's notices in one zip, `MYPAY_AVVISI_SELEZIONE_<time>.zip`.
async fn notices(
    app: &AppState,
    auth: &Authenticated,
    ids: Vec<i64>,
) -> Result<Response, WebError> {
    let now = app.now();
    let (bytes, _) = auth
        .query(app, move |c, scope| {
            Ok(bulk::zip_selected(c, scope, &ids, now))
        })
        .await?
        .map_err(WebError::internal)?;
    let name = format!("MYPAY_AVVISI_SELEZIONE_{}.zip", now.format("%Y%m%d%H%M%S"));
    Ok(attachment(&name, "application/zip", bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_form_becomes_a_request() {
        let r = Request::parse(pairs(&[
            ("csrf", "t"),
            ("id", "7"),
            ("azione", "avvisi"),
            ("id", " 3 "),
            ("id", "7"),
            ("other", "x"),
        ]))
        .unwrap();
        assert_eq!(
            r,
            Request {
                csrf: "t".into(),
                action: "avvisi".into(),
                ids: vec![7, 3]
            }
        );
        assert!(Request::parse(pairs(&[("id", "x")])).is_err());
        assert!(Request::default().checked_ids().is_err(), "none selected");
        let many = Request {
            ids: (0..=MAX_SELECTED as i64).collect(),
            ..Request::default()
        };
        assert!(many.checked_ids().is_err(), "over the limit");
        let max = Request {
            ids: (1..=MAX_SELECTED as i64).collect(),
            ..Request::default()
        };
        assert_eq!(max.checked_ids().unwrap().len(), MAX_SELECTED);
    }
}
