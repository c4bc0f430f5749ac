//! Formatting for pages: Europe/Rome times, euro amounts, pagination links.

use crate::db::models::Paged;

pub use crate::format::{date, euro, rome_time};

/// Navigation state of a paged list.
#[derive(Debug, Clone)]
pub struct Pager {
    /// Current page.
    pub page: i64,
    /// Number of pages.
    pub pages: i64,
    /// Total rows.
    pub total: i64,
    /// Query string without `page` (already URL-encoded), to append `&page=N`.
    pub query: String,
}

impl Pager {
    /// From a page of results and the other query parameters.
    pub fn new<T>(paged: &Paged<T>, query: String) -> Self {
        Self {
            page: paged.page.number,
            pages: paged.pages(),
            total: paged.total,
            query,
        }
    }

    /// Whether there is a previous page.
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    /// Whether there is a next page.
    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }
}

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

/// Parses a page number from a query value; anything odd means page 1.
pub fn page_number(v: &Option<String>) -> i64 {
    v.as_deref().and_then(|s| s.parse().ok()).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links() {
        assert_eq!(url_encode("a b&c"), "a%20b%26c");
        assert_eq!(page_number(&Some("x".into())), 1);
    }
}
