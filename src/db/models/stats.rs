//! "I numeri del portale": what was collected — the positive receipts of dovuti, counted
//! and summed per time range, per due type and per payment channel — within what an
//! operator sees.

use super::Scope;
use crate::db::schema::{dovuti, due_types, receipts};
use crate::db::{AnyConnection, DbError};
use chrono::NaiveDateTime;
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use std::collections::HashMap;

/// Payments and their amount.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Collected {
    /// Positive receipts.
    pub payments: i64,
    /// Their amount, in cents.
    pub cents: i64,
}

type Range = (NaiveDateTime, NaiveDateTime);

/// Their amount summed, as a BIGINT on both backends (PostgreSQL sums to NUMERIC).
fn cents() -> diesel::expression::SqlLiteral<Nullable<BigInt>> {
    sql::<Nullable<BigInt>>("CAST(SUM(receipts.amount_cents) AS BIGINT)")
}

/// `$base` (a select on receipts joined to their dovuti) boxed, kept to the positive
/// receipts received in `$range` that `$scope` sees.
macro_rules! seen {
    ($base:expr, $scope:expr, $range:expr) => {{
        let mut q = $base
            .into_boxed()
            .filter(receipts::outcome.eq("OK"))
            .filter(receipts::received_at.ge($range.0))
            .filter(receipts::received_at.lt($range.1));
        if let Scope::Limited {
            entity_ids,
            due_type_ids,
        } = $scope
        {
            q = q
                .filter(receipts::entity_id.eq_any(entity_ids.clone()))
                .filter(dovuti::due_type_id.eq_any(due_type_ids.clone()));
        }
        q
    }};
}

/// What was collected in each of `ranges`, in order.
pub fn per_range(
    conn: &mut AnyConnection,
    scope: &Scope,
    ranges: &[Range],
) -> Result<Vec<Collected>, DbError> {
    let mut out = Vec::with_capacity(ranges.len());
    for range in ranges {
        let base = receipts::table
            .inner_join(dovuti::table)
            .select((count_star(), cents()));
        let (payments, cents): (i64, Option<i64>) = seen!(base, scope, range).first(conn)?;
        out.push(Collected {
            payments,
            cents: cents.unwrap_or(0),
        });
    }
    Ok(out)
}

/// What was collected in `range` per due type (code), most first.
pub fn per_due_type(
    conn: &mut AnyConnection,
    scope: &Scope,
    range: Range,
) -> Result<Vec<(String, Collected)>, DbError> {
    let base = receipts::table
        .inner_join(dovuti::table)
        .group_by(dovuti::due_type_id)
        .select((dovuti::due_type_id, count_star(), cents()));
    let rows: Vec<(i64, i64, Option<i64>)> = seen!(base, scope, range).load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let codes: HashMap<i64, String> = due_types::table
        .filter(due_types::id.eq_any(ids))
        .select((due_types::id, due_types::code))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok(most_first(rows.into_iter().map(|(id, n, s)| {
        let code = codes.get(&id).cloned().unwrap_or_else(|| id.to_string());
        (code, n, s)
    })))
}

/// What was collected in `range` per payment channel (the receipt's payment method).
pub fn per_channel(
    conn: &mut AnyConnection,
    scope: &Scope,
    range: Range,
) -> Result<Vec<(String, Collected)>, DbError> {
    let base = receipts::table
        .inner_join(dovuti::table)
        .group_by(receipts::payment_method)
        .select((receipts::payment_method, count_star(), cents()));
    let rows: Vec<(Option<String>, i64, Option<i64>)> = seen!(base, scope, range).load(conn)?;
    Ok(most_first(rows.into_iter().map(|(method, n, s)| {
        (method.unwrap_or_else(|| "(non indicato)".into()), n, s)
    })))
}

/// Groups of (name, payments, cents) added up by name, the largest amount first.
fn most_first(
    groups: impl Iterator<Item = (String, i64, Option<i64>)>,
) -> Vec<(String, Collected)> {
    let mut named: HashMap<String, Collected> = HashMap::new();
    for (name, payments, cents) in groups {
        let c = named.entry(name).or_default();
        c.payments += payments;
        c.cents += cents.unwrap_or(0);
    }
    let mut v: Vec<(String, Collected)> = named.into_iter().collect();
    v.sort_by(|a, b| b.1.cents.cmp(&a.1.cents).then_with(|| a.0.cmp(&b.0)));
    v
}
