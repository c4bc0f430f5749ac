//! Formatting for pages and reading their filter forms: Europe/Rome times and days, euro
//! amounts, query strings.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Rome;

pub use crate::format::{date, euro, rome_time};

/// Minimal percent-encoding for query values we echo in links.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A form field as typed, trimmed; `None` when blank.
pub fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A `YYYY-MM-DD` field, or what is wrong with it (`what`: the field's name).
pub fn day(v: &Option<String>, what: &str) -> Result<Option<NaiveDate>, String> {
    text(v)
        .map(|d| {
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| format!("{what}: data non valida"))
        })
        .transpose()
}

/// The first instant (UTC) of a Rome day.
pub fn rome_midnight(d: NaiveDate) -> NaiveDateTime {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    Rome.from_local_datetime(&local)
        .earliest()
        .map_or(local, |t| t.naive_utc())
}

/// `[from, to]` Rome days as `[from 00:00, day after to 00:00)` in UTC.
pub fn days(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    (
        from.map(rome_midnight),
        to.and_then(|d| d.succ_opt()).map(rome_midnight),
    )
}

/// The filled-in `fields` of a filter form as a query string prefix (`k=v&…`), to carry
/// to the next page or to a download of the same filter.
pub fn carried(fields: &[(&str, &Option<String>)]) -> String {
    fields
        .iter()
        .filter_map(|(k, v)| text(v).map(|v| format!("{k}={}&", url_encode(&v))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links() {
        assert_eq!(url_encode("a b&c"), "a%20b%26c");
        let (typed, blank) = (Some(" a b ".to_owned()), Some("  ".to_owned()));
        assert_eq!(
            carried(&[("x", &typed), ("y", &blank), ("z", &None)]),
            "x=a%20b&"
        );
    }
}
