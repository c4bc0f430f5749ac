//! The dovuti search against a brute-force reading of every row: each filter alone and
//! some together, page after page by cursor, finds exactly the rows that match, newest
//! first, each once; the count is capped.

use crate::support::TestServer;
use diesel::prelude::*;
use mypay::db::models::dovuto::Dovuto;
use mypay::db::models::dovuto_cursor::Cursor;
use mypay::db::models::dovuto_search::{search, Search};
use mypay::db::models::Scope;
use mypay::db::schema::dovuti;
use mypay::domain::DovutoState;

/// Every match of `s`, following the cursor with pages of `size`.
fn all_pages(
    c: &mut mypay::db::AnyConnection,
    scope: &Scope,
    s: &Search,
    size: i64,
) -> (Vec<i64>, i64) {
    let mut through_text = false;
    let (mut ids, mut before, mut count) = (Vec::new(), None, -1);
    loop {
        let found = search(c, scope, s, before, size).unwrap();
        assert!(found.rows.len() as i64 <= size);
        if count < 0 {
            count = found.count;
        }
        ids.extend(found.rows.iter().map(|r| r.0.id));
        match found.next {
            // Every other cursor goes through its URL text.
            Some(n) if through_text => before = Cursor::decode(&n.encode()),
            Some(n) => before = Some(n),
            None => return (ids, count),
        }
        through_text = !through_text;
    }
}

fn matches(d: &Dovuto, email_name: &str, s: &Search) -> bool {
    let within = |v: i64, (lo, hi): (Option<i64>, Option<i64>)| {
        lo.is_none_or(|l| v >= l) && hi.is_none_or(|h| v <= h)
    };
    s.iuv.as_ref().is_none_or(|v| d.iuv.as_ref() == Some(v))
        && s.iud.as_ref().is_none_or(|v| &d.iud == v)
        && s.debtor_id
            .as_ref()
            .is_none_or(|v| d.debtor_id == v.to_uppercase())
        && s.debtor_name
            .as_ref()
            .is_none_or(|v| email_name.to_uppercase().starts_with(&v.to_uppercase()))
        && s.state.is_none_or(|v| d.state == v)
        && s.due_type_id.is_none_or(|v| d.due_type_id == v)
        && s.created.0.is_none_or(|v| d.created_at >= v)
        && s.created.1.is_none_or(|v| d.created_at < v)
        && s.due.0.is_none_or(|v| d.due_date.is_some_and(|x| x >= v))
        && s.due.1.is_none_or(|v| d.due_date.is_some_and(|x| x <= v))
        && s.paid.0.is_none_or(|v| d.paid_at.is_some_and(|x| x >= v))
        && s.paid.1.is_none_or(|v| d.paid_at.is_some_and(|x| x < v))
        && within(d.amount_cents, s.amount)
}

#[tokio::test]
async fn every_filter_finds_exactly_the_matching_rows_page_after_page() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let mut c = s.state.db.get().unwrap();
    let rows: Vec<Dovuto> = dovuti::table
        .select(Dovuto::as_select())
        .order(dovuti::id.desc())
        .load(&mut *c)
        .unwrap();
    let pick = &rows[rows.len() / 3];
    let paid = rows
        .iter()
        .find(|d| d.paid_at.is_some())
        .expect("a paid one");
    let due = rows.iter().find_map(|d| d.due_date).expect("a due date");
    let day = chrono::Duration::days(1);
    let name3: String = pick.debtor_name.chars().take(3).collect();
    let searches = [
        Search::default(),
        Search {
            iuv: pick.iuv.clone(),
            ..Search::default()
        },
        Search {
            iud: Some(pick.iud.clone()),
            ..Search::default()
        },
        Search {
            debtor_id: Some(pick.debtor_id.to_lowercase()),
            ..Search::default()
        },
        Search {
            debtor_name: Some(name3.to_lowercase()),
            ..Search::default()
        },
        Search {
            state: Some(DovutoState::Paid),
            ..Search::default()
        },
        Search {
            state: Some(DovutoState::Payable),
            due_type_id: Some(pick.due_type_id),
            ..Search::default()
        },
        Search {
            created: (Some(pick.created_at), Some(pick.created_at + day)),
            ..Search::default()
        },
        Search {
            created: (Some(pick.created_at + day), None),
            ..Search::default()
        },
        Search {
            due: (Some(due), Some(due + day * 30)),
            ..Search::default()
        },
        Search {
            paid: (paid.paid_at, paid.paid_at.map(|p| p + day)),
            ..Search::default()
        },
        Search {
            amount: (Some(2000), Some(6000)),
            ..Search::default()
        },
        Search {
            amount: (Some(2000), None),
            state: Some(DovutoState::Payable),
            debtor_name: Some(name3.clone()),
            ..Search::default()
        },
    ];
    for wanted in &searches {
        let mut hits: Vec<&Dovuto> = rows
            .iter()
            .filter(|d| matches(d, &d.debtor_name, wanted))
            .collect();
        // Payment and due date ranges come latest first; the rest newest first.
        if wanted.paid != (None, None) {
            hits.sort_by_key(|d| std::cmp::Reverse((d.paid_at, d.id)));
        } else if wanted.due != (None, None) {
            hits.sort_by_key(|d| std::cmp::Reverse((d.due_date, d.id)));
        }
        let expected: Vec<i64> = hits.iter().map(|d| d.id).collect();
        for size in [7, 25] {
            let (got, count) = all_pages(&mut c, &Scope::All, wanted, size);
            assert_eq!(got, expected, "{wanted:?} by {size}");
            assert_eq!(count, expected.len().min(1000) as i64, "{wanted:?}");
        }
    }
    assert!(searches.len() > 10);
    // An operator's due types: the same, restricted to them.
    let mine = vec![pick.due_type_id, rows[0].due_type_id];
    let scope = Scope::Limited {
        entity_ids: vec![pick.entity_id, rows[0].entity_id],
        due_type_ids: mine.clone(),
    };
    for wanted in &searches[..6] {
        let expected: Vec<i64> = rows
            .iter()
            .filter(|d| mine.contains(&d.due_type_id) && matches(d, &d.debtor_name, wanted))
            .map(|d| d.id)
            .collect();
        assert_eq!(
            all_pages(&mut c, &scope, wanted, 10).0,
            expected,
            "{wanted:?}"
        );
    }
}
