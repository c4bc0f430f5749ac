//! The back office's dovuti search on a large table (default 10M rows), one filter at a
//! time, beside the same run's baseline: the bare indexed query each filter rests on (the
//! first page of ids, no joins, no count). Prints one line per filter with p50 / p95 of
//! the search and of the baseline; checks that both find the same first page.
//!
//!   MYPAY_BENCH_BACKEND=sqlite|postgres MYPAY_BENCH_ROWS=10000000 \
//!     cargo bench --bench dovuti_search
//!
//! PostgreSQL: `PG_ADMIN_URL` (default postgres://postgres@127.0.0.1:5432/postgres); a
//! scratch database is created and dropped. SQLite: a file in a temp directory.
//! `MYPAY_BENCH_KEEP=1` keeps the seeded database (under `target/`, or a PostgreSQL
//! database named after the row count) and reuses it on the next run of as many rows.

#[path = "dovuti_search/seed.rs"]
mod seed;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use mypay::db::models::dovuto_search::{search, Search};
use mypay::db::models::Scope;
use mypay::db::AnyConnection;
use mypay::domain::DovutoState;
use seed::Seeded;
use std::time::{Duration, Instant};

/// Queries per filter (after a warm-up of a tenth as many).
const RUNS: usize = 30;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// One filter: what the search is asked, and the bare query it rests on.
struct Case {
    name: &'static str,
    search: Search,
    scope: Scope,
    baseline: Baseline,
}

/// The bare indexed query of a case: SQL with `?` placeholders and its values.
enum Baseline {
    Key(&'static str, i64, String),
    Text(&'static str, String),
    Texts(&'static str, String, String),
    Ints(&'static str, i64, i64),
    Times(&'static str, chrono::NaiveDateTime, chrono::NaiveDateTime),
    Days(&'static str, chrono::NaiveDate, chrono::NaiveDate),
}

fn placeholders(pg: bool, sql: &str) -> String {
    if !pg {
        return sql.to_owned();
    }
    let mut n = 0;
    sql.chars()
        .map(|c| match c {
            '?' => {
                n += 1;
                format!("${n}")
            }
            c => c.to_string(),
        })
        .collect()
}

fn run_baseline(c: &mut AnyConnection, b: &Baseline) -> Vec<i64> {
    let pg = matches!(c, AnyConnection::Postgresql(_));
    let q = |s: &str| diesel::sql_query(placeholders(pg, s));
    let rows: Vec<Id> = match b {
        Baseline::Key(s, e, k) => q(s).bind::<BigInt, _>(*e).bind::<Text, _>(k).load(c),
        Baseline::Text(s, v) => q(s).bind::<Text, _>(v).load(c),
        Baseline::Texts(s, a, z) => q(s).bind::<Text, _>(a).bind::<Text, _>(z).load(c),
        Baseline::Ints(s, a, z) => q(s).bind::<BigInt, _>(*a).bind::<BigInt, _>(*z).load(c),
        Baseline::Times(s, a, z) => q(s)
            .bind::<Timestamp, _>(*a)
            .bind::<Timestamp, _>(*z)
            .load(c),
        Baseline::Days(s, a, z) => q(s)
            .bind::<diesel::sql_types::Date, _>(*a)
            .bind::<diesel::sql_types::Date, _>(*z)
            .load(c),
    }
    .expect("baseline query");
    rows.into_iter().map(|r| r.id).collect()
}

fn quantiles(mut d: Vec<Duration>) -> (f64, f64) {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    (ms(d[d.len() / 2]), ms(d[(d.len() * 95).div_ceil(100) - 1]))
}

/// Times `cases` made by `make` (one per run, values drawn by the run number).
fn measure(c: &mut AnyConnection, name: &str, make: &dyn Fn(usize) -> Case) -> String {
    let (mut ours, mut bare) = (Vec::new(), Vec::new());
    let mut matched = 0usize;
    for i in 0..RUNS + RUNS / 10 {
        let case = make(i);
        let t = Instant::now();
        let found = search(c, &case.scope, &case.search, None, 25).expect("search");
        let ours_t = t.elapsed();
        let t = Instant::now();
        let ids = run_baseline(c, &case.baseline);
        let bare_t = t.elapsed();
        let page: Vec<i64> = found.rows.iter().map(|r| r.0.id).collect();
        let mut want = ids;
        want.truncate(25);
        assert_eq!(page, want, "{}: {:?}", case.name, case.search);
        matched += usize::from(!page.is_empty());
        if i >= RUNS / 10 {
            ours.push(ours_t);
            bare.push(bare_t);
        }
    }
    let (p50, p95) = quantiles(ours);
    let (b50, b95) = quantiles(bare);
    format!(
        "| {name} | {p50:.2} | **{p95:.2}** | {b50:.2} | {b95:.2} | {:.1} | {} | {matched}/{} |",
        p95 / b95.max(0.001),
        if p95 < 100.0 { "yes" } else { "no" },
        RUNS + RUNS / 10
    )
}

fn main() -> anyhow::Result<()> {
    let backend = std::env::var("MYPAY_BENCH_BACKEND").unwrap_or_else(|_| "sqlite".into());
    let rows: usize = std::env::var("MYPAY_BENCH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10_000_000);
    let keep = std::env::var("MYPAY_BENCH_KEEP").is_ok_and(|v| v == "1");
    let (db, _scratch) = seed::open(&backend, rows, keep)?;
    let s = match seed::seeded(&db, rows)? {
        Some(s) if keep => s,
        _ => {
            let t = Instant::now();
            let s = seed::seed(&db, rows)?;
            eprintln!("seeded {rows} rows in {:.1} s", t.elapsed().as_secs_f64());
            s
        }
    };
    let mut c = db.get()?;
    println!(
        "backend {backend}, {rows} dovuti, {} runs per filter after {} warm-up",
        RUNS,
        RUNS / 10
    );
    println!("| filter | p50 ms | p95 ms | baseline p50 | baseline p95 | p95 ratio | p95 < 100 ms | runs with rows |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, make) in cases(&s) {
        println!("{}", measure(&mut c, name, make.as_ref()));
    }
    Ok(())
}

type Maker<'a> = Box<dyn Fn(usize) -> Case + 'a>;

fn case(name: &'static str, search: Search, baseline: Baseline) -> Case {
    Case {
        name,
        search,
        scope: Scope::All,
        baseline,
    }
}

fn cases(s: &Seeded) -> Vec<(&'static str, Maker<'_>)> {
    let pick = move |i: usize| s.row(i * 7_919 + 13);
    let mut v: Vec<(&'static str, Maker<'_>)> = vec![
        (
            "IUV (or notice number)",
            Box::new(move |i| {
                let r = pick(i);
                let b = Baseline::Key(
                    "SELECT id FROM dovuti WHERE entity_id = ? AND iuv = ?",
                    r.entity_id,
                    r.iuv.clone(),
                );
                case(
                    "iuv",
                    Search {
                        iuv: Some(r.iuv),
                        ..Search::default()
                    },
                    b,
                )
            }),
        ),
        (
            "IUD",
            Box::new(move |i| {
                let r = pick(i);
                let b = Baseline::Key(
                    "SELECT id FROM dovuti WHERE entity_id = ? AND iud = ?",
                    r.entity_id,
                    r.iud.clone(),
                );
                case(
                    "iud",
                    Search {
                        iud: Some(r.iud),
                        ..Search::default()
                    },
                    b,
                )
            }),
        ),
        (
            "debtor fiscal code",
            Box::new(move |i| {
                let r = pick(i);
                let b = Baseline::Text(
                    "SELECT id FROM dovuti WHERE debtor_id = ? ORDER BY id DESC LIMIT 26",
                    r.debtor_id.clone(),
                );
                case(
                    "cf",
                    Search {
                        debtor_id: Some(r.debtor_id),
                        ..Search::default()
                    },
                    b,
                )
            }),
        ),
    ];
    v.extend(more_cases(s));
    v
}

fn more_cases(s: &Seeded) -> Vec<(&'static str, Maker<'_>)> {
    let states = [
        DovutoState::Payable,
        DovutoState::Paid,
        DovutoState::Cancelled,
        DovutoState::Expired,
        DovutoState::Error,
    ];
    let v: Vec<(&'static str, Maker<'_>)> = vec![
        (
            "debtor name, surname prefix (3 letters)",
            Box::new(move |i| {
                let p = s.surname(i)[..3].to_owned();
                let b = s.name_baseline(&p);
                case(
                    "name",
                    Search {
                        debtor_name: Some(p.to_lowercase()),
                        ..Search::default()
                    },
                    b,
                )
            }),
        ),
        (
            "debtor name, whole",
            Box::new(move |i| {
                let p = s.row(i * 104_729).debtor_name;
                let b = s.name_baseline(&p);
                case(
                    "name",
                    Search {
                        debtor_name: Some(p),
                        ..Search::default()
                    },
                    b,
                )
            }),
        ),
        (
            "state (5 states in turn)",
            Box::new(move |i| {
                let st = states[i % states.len()];
                let b = Baseline::Text(
                    "SELECT id FROM dovuti WHERE state = ? ORDER BY id DESC LIMIT 26",
                    st.code().to_owned(),
                );
                case(
                    "state",
                    Search {
                        state: Some(st),
                        ..Search::default()
                    },
                    b,
                )
            }),
        ),
        (
            "due type",
            Box::new(move |i| {
                let dt = s.due_type_ids[i % s.due_type_ids.len()];
                let b = Baseline::Ints("SELECT id FROM dovuti WHERE due_type_id = ? AND id > ? ORDER BY id DESC LIMIT 26", dt, 0);
                case(
                    "due type",
                    Search {
                        due_type_id: Some(dt),
                        ..Search::default()
                    },
                    b,
                )
            }),
        ),
    ];
    v.into_iter().chain(seed::range_cases(s)).collect()
}
