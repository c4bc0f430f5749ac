//! How times, dates and amounts are shown to Italian readers: pages, PDFs, the CLI.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Rome;

/// A UTC timestamp shown in Rome time: `28/11/2026 19:09`.
pub fn rome_time(t: &NaiveDateTime) -> String {
    Rome.from_utc_datetime(t)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// A date as `28/11/2026`, or an em dash.
pub fn date(d: &Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| "—".into())
}

/// Cents as `1.234,50 €`.
pub fn euro(cents: i64) -> String {
    match crate::domain::AmountCents::from_cents(cents) {
        Ok(a) => format!("{} €", a.to_italian()),
        Err(_) => format!("{cents} c"),
    }
}

/// Cents as a person types them back into a form: `1234,50` (no thousands separator:
/// what `AmountCents::parse_euro` reads).
pub fn euro_input(cents: i64) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let t = NaiveDate::from_ymd_opt(2026, 7, 1)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(rome_time(&t), "01/07/2026 12:00"); // CEST
        let t = NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(rome_time(&t), "01/01/2026 11:00"); // CET
        assert_eq!(euro(123450), "1.234,50 €");
        assert_eq!(date(&None), "—");
    }
}
