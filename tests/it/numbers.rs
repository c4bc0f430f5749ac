//! "I numeri del portale": the year's payments per month, due type and channel, on the
//! page (tables and charts) and in its CSV, counted within what the operator sees.

use crate::support::{Browser, TestServer};
use chrono::{Datelike, TimeZone};
use diesel::prelude::*;
use mypay::accounts::{self, NewAccount, Role};
use mypay::db::schema::{dovuti, entities, receipts};

/// Positive receipts of dovuti of `cod_ipa` (every entity: `None`) received in the Rome
/// year of `now`.
fn expected(s: &TestServer, cod_ipa: Option<&str>, year: i32) -> i64 {
    let start = |y: i32| {
        chrono_tz::Europe::Rome
            .with_ymd_and_hms(y, 1, 1, 0, 0, 0)
            .unwrap()
            .naive_utc()
    };
    let mut c = s.state.db.get().unwrap();
    let mut q = receipts::table
        .inner_join(dovuti::table)
        .inner_join(entities::table.on(entities::id.eq(receipts::entity_id)))
        .filter(receipts::outcome.eq("OK"))
        .filter(receipts::received_at.ge(start(year)))
        .filter(receipts::received_at.lt(start(year + 1)))
        .into_boxed();
    if let Some(cod) = cod_ipa {
        q = q.filter(entities::cod_ipa.eq(cod));
    }
    q.count().get_result(&mut *c).unwrap()
}

fn total(body: &str) -> i64 {
    let at = body.find("data-total=\"").expect("the year's total") + 12;
    body[at..body[at..].find('"').unwrap() + at]
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_numbers_of_the_year_within_what_one_sees() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    crate::exports_web::pay_one(&s).await;
    let now = s.state.clock.now_naive();
    let year = chrono_tz::Europe::Rome.from_utc_datetime(&now).year();
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let page = admin.get("/admin/numeri").await;
    assert_eq!(page.status, 200);
    let all = expected(&s, None, year);
    assert!(all >= 1, "the payment just made");
    assert_eq!(total(&page.body), all, "{}", page.body);
    assert!(page.body.contains("<svg class=\"chart\"") && page.body.contains("Per canale"));
    assert!(page.body.contains("data-state=\"ESERCIZIO\""));

    let csv = admin.get(&format!("/admin/numeri.csv?anno={year}")).await;
    assert_eq!(csv.status, 200);
    let months: Vec<(String, i64)> = csv
        .body
        .lines()
        .filter(|l| l.starts_with("mese;"))
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[1].to_owned(), f[2].parse().unwrap())
        })
        .collect();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0].0, format!("{year}-01"));
    assert_eq!(months.iter().map(|m| m.1).sum::<i64>(), all);
    let due_types: i64 = csv
        .body
        .lines()
        .filter(|l| l.starts_with("tipo_dovuto;"))
        .map(|l| l.split(';').nth(2).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(due_types, all, "every payment in one due type");
    let last_year = admin.get(&format!("/admin/numeri?anno={}", year - 1)).await;
    assert_eq!(total(&last_year.body), expected(&s, None, year - 1));

    // An operator of the other entity counts its own payments only.
    let temporary = {
        let mut c = s.state.db.get().unwrap();
        let a = NewAccount {
            username: "ulss.numeri",
            full_name: "Numeri ULSS",
            email: None,
            role: Role::EntityOperator,
            entity: Some("aulss_demo"),
            due_types: &[],
        };
        accounts::create_with_temporary_password(&mut c, &a, &mypay::random::OsRandom, now).unwrap()
    };
    let ulss = crate::operators::first_login(&s, "ulss.numeri", &temporary).await;
    let mut ulss = ulss;
    let theirs = ulss.get("/admin/numeri").await;
    assert_eq!(total(&theirs.body), expected(&s, Some("aulss_demo"), year));
    assert!(total(&theirs.body) < all, "the Borgo payment is not theirs");
}
