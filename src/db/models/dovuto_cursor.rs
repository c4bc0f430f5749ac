//! Where a page of the dovuti search starts: after the last row shown, in the page's order
//! (`db::models::dovuto_search`), written into the next page's URL.

use chrono::{NaiveDate, NaiveDateTime};

/// The order of a page: newest first, or — when the search names a payment or a due date
/// range — latest paid or latest due first (each read in the order of its index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// By id.
    Id,
    /// By payment time, with the last row's.
    Paid(NaiveDateTime),
    /// By due date, with the last row's.
    Due(NaiveDate),
}

/// Where the next page starts: after the row with this id (and key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The last row's id.
    pub id: i64,
    /// The last row's place in the order.
    pub key: Key,
}

impl Cursor {
    /// As a URL parameter: `ID`, `ID_pTIME` or `ID_dDAY`.
    pub fn encode(&self) -> String {
        match self.key {
            Key::Id => self.id.to_string(),
            Key::Paid(t) => format!("{}_p{}", self.id, t.format("%Y-%m-%dT%H:%M:%S%.f")),
            Key::Due(d) => format!("{}_d{d}", self.id),
        }
    }

    /// Reads [`Cursor::encode`]'s text.
    pub fn decode(s: &str) -> Option<Self> {
        let (id, key) = s.split_once('_').unwrap_or((s, ""));
        let key = match key.split_at_checked(1) {
            None | Some(("", _)) => Key::Id,
            Some(("p", t)) => {
                Key::Paid(NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok()?)
            }
            Some(("d", d)) => Key::Due(d.parse().ok()?),
            Some(_) => return None,
        };
        Some(Self {
            id: id.parse().ok()?,
            key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cursors_read_back(id in 1i64..i64::MAX, secs in 0i64..4_000_000_000, nanos in 0u32..1_000_000_000, days in 0i64..3_000_000) {
            let t = chrono::DateTime::from_timestamp(secs, nanos).unwrap().naive_utc();
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Duration::days(days);
            for key in [Key::Id, Key::Paid(t), Key::Due(d)] {
                let c = Cursor { id, key };
                prop_assert_eq!(Cursor::decode(&c.encode()), Some(c));
            }
        }

        #[test]
        fn any_text_decodes_or_not_without_panic(s in "\\PC{0,40}") {
            let _ = Cursor::decode(&s);
        }
    }
}
