//! Dovuti from the back office: an operator loads one on a due type it works on (the
//! rules of paaSILImportaDovuto), finds it with its history from the journal, pays it
//! through the node, changes and cancels another; what it does not see is 404.

use crate::support::{csrf_of, Browser, Page, TestServer};
use diesel::prelude::*;
use mypay::db::schema::{dovuti, due_types};

async fn post(b: &mut Browser, page: &str, action: &str, form: &[(&str, &str)]) -> Page {
    let csrf = csrf_of(&b.get(page).await.body);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(form);
    b.post(action, &all).await
}

fn due_type(s: &TestServer, code: &str) -> String {
    let mut c = s.state.db.get().unwrap();
    due_types::table
        .filter(due_types::code.eq(code))
        .select(due_types::id)
        .first::<i64>(&mut *c)
        .unwrap()
        .to_string()
}

fn position(s: &TestServer, id: &str) -> (String, String, i64) {
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .find(id.parse::<i64>().unwrap())
        .select((
            dovuti::state,
            dovuti::notice_number.assume_not_null(),
            dovuti::amount_cents,
        ))
        .first(&mut *c)
        .unwrap()
}

#[tokio::test]
async fn an_operator_loads_finds_pays_changes_and_cancels_dovuti() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let form = op.get("/admin/dovuti/nuovo").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("MENSA") && !form.body.contains("TICKET"),
        "own due types only"
    );
    let mensa = due_type(&s, "MENSA");
    let fields = |cf: &'static str, amount: &'static str| {
        vec![
            ("due_type", mensa.clone()),
            ("debtor_kind", "F".into()),
            ("debtor_id", cf.into()),
            ("debtor_name", "Mario Rossi".into()),
            ("amount", amount.into()),
            ("due_date", "2026-12-31".into()),
            ("causale", "Mensa di dicembre".into()),
        ]
    };
    let as_refs =
        |v: &[(&'static str, String)]| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    for (cf, amount, why) in [
        ("RSSMRA85T10A562X", "52,00", "codice fiscale"),
        ("RSSMRA85T10A562S", "0", "importo"),
    ] {
        let f = as_refs(&fields(cf, amount));
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = post(&mut op, "/admin/dovuti/nuovo", "/admin/dovuti", &f).await;
        assert_eq!(refused.status, 422, "{why}");
        assert!(
            refused.body.contains(why) && refused.body.contains("Mensa di dicembre"),
            "{}",
            refused.body
        );
    }
    let good = as_refs(&fields("rssmra85t10a562s", "52,00"));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = post(&mut op, "/admin/dovuti/nuovo", "/admin/dovuti", &good).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page_path = created.location.clone().unwrap();
    let id = page_path.rsplit('/').next().unwrap().to_owned();
    let (state, notice, cents) = position(&s, &id);
    assert_eq!((state.as_str(), cents), ("PREDISPOSTO", 5200));
    s.state.journal.flush().await;
    let page = op.get(&page_path).await;
    assert!(page.body.contains(&notice) && page.body.contains("RSSMRA85T10A562S"));
    assert!(
        page.body.contains("web · dovuto.inserisci"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Operatore Comune di Borgo Demo"));
    assert!(page.body.contains("avviso.pdf"));

    crate::node::pay(&s, "c_demo", &notice).await;
    s.state.journal.flush().await;
    let page = op.get(&page_path).await;
    assert!(
        page.body.contains("data-state=\"COMPLETATO\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("ricevuta.pdf") && !page.body.contains("Salva le modifiche"));
    for operation in ["paVerifyPaymentNotice", "paGetPaymentV2", "paSendRTV2"] {
        assert!(
            page.body.contains(&format!("paForNode · {operation}")),
            "{operation}"
        );
    }
    let late = post(&mut op, &page_path, &page_path, &good).await;
    assert!(
        late.status == 422 && late.body.contains("non si può più cambiare"),
        "{}",
        late.body
    );

    let again = post(&mut op, "/admin/dovuti/nuovo", "/admin/dovuti", &good).await;
    let second = again.location.unwrap();
    let mut changed: Vec<(&str, &str)> = good.clone();
    changed.retain(|(k, _)| *k != "amount");
    changed.push(("amount", "60"));
    assert_eq!(post(&mut op, &second, &second, &changed).await.status, 303);
    let second_id = second.rsplit('/').next().unwrap().to_owned();
    assert_eq!(position(&s, &second_id).2, 6000);
    let annul = format!("{second}/annulla");
    assert_eq!(post(&mut op, &second, &annul, &[]).await.status, 303);
    assert_eq!(position(&s, &second_id).0, "ANNULLATO");
}

#[tokio::test]
async fn dovuti_of_other_entities_are_not_found() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let other: i64 = {
        let mut c = s.state.db.get().unwrap();
        dovuti::table
            .inner_join(mypay::db::schema::entities::table)
            .filter(mypay::db::schema::entities::cod_ipa.eq("aulss_demo"))
            .select(dovuti::id)
            .first(&mut *c)
            .unwrap()
    };
    let path = format!("/admin/dovuti/{other}");
    assert_eq!(op.get(&path).await.status, 404);
    let csrf = csrf_of(&op.get("/admin/dovuti").await.body);
    let ticket = due_type(&s, "TICKET");
    let form = [
        ("csrf", csrf.as_str()),
        ("due_type", ticket.as_str()),
        ("debtor_id", "RSSMRA85T10A562S"),
        ("debtor_name", "X"),
        ("amount", "1"),
        ("causale", "X"),
    ];
    assert_eq!(op.post("/admin/dovuti", &form).await.status, 404);
    assert_eq!(op.post(&path, &form).await.status, 404);
    assert_eq!(op.post(&format!("{path}/annulla"), &form).await.status, 404);
}
