//! Network-level protection of the node endpoint: an IP allow-list and TLS (optionally
//! mutual) on its dedicated listener.

pub mod allow;
pub mod tls;
