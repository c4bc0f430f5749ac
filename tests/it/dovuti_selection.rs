//! A selection of dovuti from the search list: their notices in one zip (the unprintable
//! listed with the reason), and their cancellation after a confirmation page, each row
//! with its outcome; empty, oversized and unknown requests are refused.

use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::{dovuti, due_types, entities, events};

/// Ids of `n` dovuti of `cod_ipa` in `state` with a notice, outside any instalment plan,
/// on due types that print notices.
fn some(s: &TestServer, cod_ipa: &str, state: &str, n: i64) -> Vec<String> {
    let mut c = s.state.db.get().unwrap();
    let ids: Vec<i64> = dovuti::table
        .inner_join(entities::table)
        .inner_join(due_types::table)
        .filter(entities::cod_ipa.eq(cod_ipa))
        .filter(dovuti::state.eq(state))
        .filter(dovuti::notice_number.is_not_null())
        .filter(dovuti::plan_code.is_null())
        .filter(due_types::notice_printing.eq(true))
        .select(dovuti::id)
        .order(dovuti::id)
        .limit(n)
        .load(&mut *c)
        .unwrap();
    assert_eq!(ids.len() as i64, n, "demo data has {n} {state}");
    ids.iter().map(i64::to_string).collect()
}

/// Ids of the open options of one instalment plan of `cod_ipa`.
fn one_plan(s: &TestServer, cod_ipa: &str) -> Vec<String> {
    let mut c = s.state.db.get().unwrap();
    let rows: Vec<(i64, String)> = dovuti::table
        .inner_join(entities::table)
        .filter(entities::cod_ipa.eq(cod_ipa))
        .filter(dovuti::state.eq("PREDISPOSTO"))
        .filter(dovuti::notice_number.is_not_null())
        .select((dovuti::id, dovuti::plan_code.assume_not_null()))
        .filter(dovuti::plan_code.is_not_null())
        .order(dovuti::id)
        .load(&mut *c)
        .unwrap();
    let plan = rows[0].1.clone();
    let ids: Vec<String> = rows
        .iter()
        .filter(|r| r.1 == plan)
        .map(|r| r.0.to_string())
        .collect();
    assert!(ids.len() > 1, "demo plan {plan} has options");
    ids
}

fn state_of(s: &TestServer, id: &str) -> String {
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .find(id.parse::<i64>().unwrap())
        .select(dovuti::state)
        .first(&mut *c)
        .unwrap()
}

fn form<'a>(csrf: &'a str, action: &'a str, ids: &'a [String]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![("csrf", csrf), ("azione", action)];
    f.extend(ids.iter().map(|i| ("id", i.as_str())));
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_prints_and_cancels_a_selection() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let list = op.get("/admin/dovuti").await;
    assert!(
        list.body.contains("name=\"id\"") && list.body.contains("value=\"avvisi\""),
        "{}",
        list.body
    );
    let csrf = csrf_of(&list.body);
    let open = some(&s, "c_demo", "PREDISPOSTO", 2);
    let paid = some(&s, "c_demo", "COMPLETATO", 1);
    let chosen = [open.clone(), paid.clone()].concat();

    let zip = op
        .post("/admin/dovuti/selezione", &form(&csrf, "avvisi", &chosen))
        .await;
    assert_eq!(zip.status, 200, "{}", zip.body);
    let files = crate::avvisi_bulk::entries(&zip.bytes);
    let pdfs = files.iter().filter(|(n, _)| n.ends_with(".pdf")).count();
    assert_eq!(pdfs, 2, "{files:?}");
    let rejects = &files
        .iter()
        .find(|(n, _)| n == "AVVISI_NON_GENERATI.csv")
        .expect("the rejects list")
        .1;
    let rejects = String::from_utf8_lossy(rejects);
    assert!(
        rejects.contains(&format!("{};il dovuto è già pagato", paid[0])),
        "{rejects}"
    );

    let plan = one_plan(&s, "c_demo");
    let zip = op
        .post("/admin/dovuti/selezione", &form(&csrf, "avvisi", &plan))
        .await;
    let files = crate::avvisi_bulk::entries(&zip.bytes);
    assert!(
        files.len() == 1 && files[0].0.ends_with(".pdf"),
        "one notice per plan"
    );

    let to_cancel = [open[0].clone(), paid[0].clone()];
    let confirm = op
        .post(
            "/admin/dovuti/selezione",
            &form(&csrf, "annulla", &to_cancel),
        )
        .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm.body.contains("value=\"conferma-annulla\""));
    assert_eq!(
        state_of(&s, &open[0]),
        "PREDISPOSTO",
        "nothing before confirming"
    );

    let done = op
        .post(
            "/admin/dovuti/selezione",
            &form(&csrf, "conferma-annulla", &to_cancel),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("data-cancelled=\"1\""), "{}", done.body);
    assert!(
        done.body.contains("data-ok=\"false\""),
        "the paid one refused"
    );
    assert_eq!(state_of(&s, &open[0]), "ANNULLATO");
    assert_eq!(state_of(&s, &open[1]), "PREDISPOSTO");
    assert_eq!(state_of(&s, &paid[0]), "COMPLETATO");
    s.state.journal.flush().await;
    let mut c = s.state.db.get().unwrap();
    let outcomes: Vec<String> = events::table
        .filter(events::operation.eq("dovuto.annulla"))
        .select(events::outcome)
        .order(events::id)
        .load(&mut *c)
        .unwrap();
    assert_eq!(outcomes, ["OK", "KO"]);
}

#[tokio::test]
async fn empty_oversized_and_unknown_selections_are_refused() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let csrf = csrf_of(&op.get("/admin/dovuti").await.body);
    let open = some(&s, "c_demo", "PREDISPOSTO", 1);
    let many: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
    for (action, ids, why) in [
        ("avvisi", vec![], "Nessun dovuto selezionato"),
        ("annulla", many, "Al massimo 100"),
        ("cancella", open.clone(), "Azione sconosciuta"),
        ("avvisi", vec!["uno".to_owned()], "Selezione non valida"),
    ] {
        let page = op
            .post("/admin/dovuti/selezione", &form(&csrf, action, &ids))
            .await;
        assert_eq!(page.status, 400, "{why}");
        assert!(page.body.contains(why), "{}", page.body);
    }
    assert_eq!(state_of(&s, &open[0]), "PREDISPOSTO");
}
