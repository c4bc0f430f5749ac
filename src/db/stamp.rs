//! Dates and times bound to bulk inserts already formatted. SQLite stores them as text,
//! and diesel formats a `NaiveDateTime` / `NaiveDate` through chrono's `strftime` on every
//! bind: for a million imported rows that was 9 % of the import. [`Stamp`] and [`Day`]
//! carry the text, formatted once by hand exactly as diesel writes it (so that stored
//! values compare as before), and bind the chrono value on PostgreSQL.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Date, Timestamp};
use diesel::sqlite::Sqlite;
use diesel::AsExpression;
use std::sync::Arc;

/// Appends `YYYY-MM-DD` (years clamped to 0–9999).
pub fn push_date(out: &mut String, d: &NaiveDate) {
    let y = d.year().clamp(0, 9999) as u32;
    push_parts(out, &[(y / 100, ""), (y % 100, "-"), (d.month(), "-")]);
    push_parts(out, &[(d.day(), "")]);
}

/// Appends `YYYY-MM-DD<sep>HH:MM:SS`.
pub fn push_date_time(out: &mut String, t: &NaiveDateTime, sep: &str) {
    push_date(out, &t.date());
    out.push_str(sep);
    push_parts(out, &[(t.hour(), ":"), (t.minute(), ":"), (t.second(), "")]);
}

fn push_parts(out: &mut String, parts: &[(u32, &str)]) {
    for (v, sep) in parts {
        out.push(char::from(b'0' + (v / 10 % 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
        out.push_str(sep);
    }
}

/// diesel's SQLite text of a timestamp (`%F %T%.f`: no fraction, or 3, 6 or 9 digits).
fn sqlite_text(t: &NaiveDateTime) -> String {
    let mut out = String::with_capacity(29);
    push_date_time(&mut out, t, " ");
    let nanos = t.nanosecond();
    let (value, digits) = match nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    };
    if digits > 0 {
        out.push('.');
        out.push_str(&format!("{value:0digits$}"));
    }
    out
}

/// A timestamp, formatted once; cloning shares the text.
#[derive(Debug, Clone, AsExpression)]
#[diesel(sql_type = Timestamp)]
pub struct Stamp {
    at: NaiveDateTime,
    text: Arc<str>,
}

impl Stamp {
    /// `at`, formatted for SQLite.
    pub fn new(at: NaiveDateTime) -> Self {
        // Years outside 0–9999 (never stored) keep chrono's own text.
        let text = if (0..=9999).contains(&at.year()) {
            sqlite_text(&at)
        } else {
            at.format("%F %T%.f").to_string()
        };
        Self {
            at,
            text: text.into(),
        }
    }
}

impl ToSql<Timestamp, Sqlite> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(&*self.text);
        Ok(IsNull::No)
    }
}

impl ToSql<Timestamp, Pg> for Stamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.at, &mut out.reborrow())
    }
}

/// A date, formatted once.
#[derive(Debug, Clone, AsExpression)]
#[diesel(sql_type = Date)]
pub struct Day {
    day: NaiveDate,
    text: String,
}

impl Day {
    /// `day`, formatted for SQLite.
    pub fn new(day: NaiveDate) -> Self {
        let text = if (0..=9999).contains(&day.year()) {
            let mut s = String::with_capacity(10);
            push_date(&mut s, &day);
            s
        } else {
            day.format("%F").to_string()
        };
        Self { day, text }
    }
}

impl ToSql<Date, Sqlite> for Day {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.text.as_str());
        Ok(IsNull::No)
    }
}

impl ToSql<Date, Pg> for Day {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDate as ToSql<Date, Pg>>::to_sql(&self.day, &mut out.reborrow())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn texts_are_diesels(secs in -62_000_000_000i64..253_402_300_799, nanos in 0u32..1_000_000_000, round in 0u8..4) {
            let nanos = match round { 0 => 0, 1 => nanos / 1_000_000 * 1_000_000, 2 => nanos / 1_000 * 1_000, _ => nanos };
            let t = chrono::DateTime::from_timestamp(secs, nanos).unwrap().naive_utc();
            prop_assert_eq!(&*Stamp::new(t).text, t.format("%F %T%.f").to_string());
            prop_assert_eq!(Day::new(t.date()).text, t.date().format("%F").to_string());
        }
    }
}
