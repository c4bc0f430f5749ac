//! The range filters of the benchmark, each beside the plain ordered query on the same
//! range, and the operator's view.

use super::{Seeded, DUE_TYPES, ENTITIES};
use crate::{case, Baseline, Case, Maker};
use chrono::{Duration, NaiveDateTime};
use mypay::db::models::dovuto_search::Search;

/// The range filters, each with the plain ordered query on the same range.
pub fn range_cases(s: &Seeded) -> Vec<(&'static str, Maker<'_>)> {
    let day = Duration::days(1);
    let at = move |i: usize| {
        s.row(i * 65_537 + 101)
            .created_at
            .date()
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
    };
    vec![
        (
            "created on one day",
            Box::new(move |i| created(at(i), at(i) + day)) as Maker<'_>,
        ),
        (
            "created in one month",
            Box::new(move |i| created(at(i), at(i) + day * 30)),
        ),
        (
            "due in one month",
            Box::new(move |i| {
                let (a, z) = (at(i).date(), at(i).date() + day * 30);
                let b = Baseline::Days("SELECT id FROM dovuti WHERE due_date >= ? AND due_date <= ? ORDER BY due_date DESC, id DESC LIMIT 26", a, z);
                case(
                    "due",
                    Search {
                        due: (Some(a), Some(z)),
                        ..Search::default()
                    },
                    b,
                )
            }),
        ),
        (
            "paid on one day",
            Box::new(move |i| paid(at(i), at(i) + day)),
        ),
        (
            "paid in one month",
            Box::new(move |i| paid(at(i), at(i) + day * 30)),
        ),
        (
            "amount 10–20 €",
            Box::new(move |_| {
                let b = Baseline::Ints("SELECT id FROM dovuti WHERE amount_cents >= ? AND amount_cents <= ? ORDER BY id DESC LIMIT 26", 1000, 2000);
                case(
                    "amount",
                    Search {
                        amount: (Some(1000), Some(2000)),
                        ..Search::default()
                    },
                    b,
                )
            }),
        ),
        (
            "one entity's operator, no filter",
            Box::new(move |i| {
                let e = i % ENTITIES;
                let ids: Vec<i64> = s.due_type_ids[e * DUE_TYPES..(e + 1) * DUE_TYPES].to_vec();
                let b = Baseline::Ints("SELECT id FROM dovuti WHERE due_type_id >= ? AND due_type_id <= ? ORDER BY id DESC LIMIT 26", ids[0], ids[DUE_TYPES - 1]);
                let scope = mypay::db::models::Scope::Limited {
                    entity_ids: vec![s.entity_ids[e]],
                    due_type_ids: ids,
                };
                Case {
                    scope,
                    ..case("operator", Search::default(), b)
                }
            }),
        ),
    ]
}

fn created(a: NaiveDateTime, z: NaiveDateTime) -> Case {
    let b = Baseline::Times(
        "SELECT id FROM dovuti WHERE created_at >= ? AND created_at < ? ORDER BY id DESC LIMIT 26",
        a,
        z,
    );
    case(
        "created",
        Search {
            created: (Some(a), Some(z)),
            ..Search::default()
        },
        b,
    )
}

fn paid(a: NaiveDateTime, z: NaiveDateTime) -> Case {
    let b = Baseline::Times(
        "SELECT id FROM dovuti WHERE paid_at >= ? AND paid_at < ? ORDER BY paid_at DESC, id DESC LIMIT 26",
        a,
        z,
    );
    case(
        "paid",
        Search {
            paid: (Some(a), Some(z)),
            ..Search::default()
        },
        b,
    )
}
