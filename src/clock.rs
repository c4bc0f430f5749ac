//! The one source of "now": every timestamp the gateway stores, compares or shows comes from a
//! [`Clock`] handed in, so a test (or a rehearsal with recorded data) can run the whole gateway
//! on a chosen day. `Utc::now()` is called here and nowhere else.

use chrono::{DateTime, NaiveDateTime, Utc};

/// A clock: the system's, one shifted to start at a chosen instant and run at real speed, or
/// one frozen at an instant. Cheap to copy, so it travels with jobs, handlers and the simulator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    kind: Kind,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Kind {
    #[default]
    System,
    /// Real time plus an offset.
    Shifted(chrono::Duration),
    /// Always this instant.
    Frozen(DateTime<Utc>),
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { kind: Kind::System }
    }

    /// A clock that reads `start` now and then moves at real speed (timeouts, leases and
    /// expiries keep working, while dates are the chosen ones).
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            kind: Kind::Shifted(start - Utc::now()),
        }
    }

    /// A clock that always reads `at` (for pure unit tests; a server on it never sees a lease
    /// or a token expire).
    pub fn frozen(at: DateTime<Utc>) -> Self {
        Self {
            kind: Kind::Frozen(at),
        }
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        match self.kind {
            Kind::System => Utc::now(),
            Kind::Shifted(offset) => Utc::now() + offset,
            Kind::Frozen(at) => at,
        }
    }

    /// The current instant as the naive UTC timestamp stored in the database.
    pub fn now_naive(&self) -> NaiveDateTime {
        self.now().naive_utc()
    }

    /// Today's date in Italy (Europe/Rome), the day every Italian-facing rule speaks of.
    pub fn today_in_rome(&self) -> chrono::NaiveDate {
        self.now()
            .with_timezone(&chrono_tz::Europe::Rome)
            .date_naive()
    }

    /// Whether this clock is the system's.
    pub fn is_system(&self) -> bool {
        self.kind == Kind::System
    }
}

/// Parses the instant a shifted clock starts at: RFC 3339 (`2027-03-31T09:00:00Z`) or a bare
/// date (`2027-03-31`, taken as 09:00 in Rome so that it is that day in Italy and in UTC).
pub fn parse_start(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Some(at.with_timezone(&Utc));
    }
    let day = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    let local = day.and_hms_opt(9, 0, 0)?;
    local
        .and_local_timezone(chrono_tz::Europe::Rome)
        .single()
        .map(|at| at.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_starts_at_its_instant_and_moves() {
        let start = parse_start("2028-02-29").unwrap();
        let clock = Clock::starting_at(start);
        let read = clock.now();
        assert!(read >= start && read - start < chrono::Duration::seconds(5));
        assert_eq!(clock.today_in_rome().to_string(), "2028-02-29");
        assert!(!clock.is_system());
    }

    #[test]
    fn a_frozen_clock_never_moves() {
        let at = parse_start("2026-12-31T23:30:00Z").unwrap();
        let clock = Clock::frozen(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.now(), clock.now());
        // 23:30 UTC on 31 December is already New Year's Day in Rome.
        assert_eq!(clock.today_in_rome().to_string(), "2027-01-01");
    }

    #[test]
    fn starts_parse_or_are_refused() {
        assert!(parse_start("2027-03-31T09:00:00+02:00").is_some());
        assert!(parse_start("2027-02-29").is_none());
        assert!(parse_start("tomorrow").is_none());
    }
}
