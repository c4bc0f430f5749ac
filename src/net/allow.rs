//! IP allow-list for the node endpoint: single addresses or CIDR ranges, IPv4 and IPv6
//! (IPv4-mapped IPv6 peers are matched as IPv4). Empty list = everyone.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// An allow-list entry that is neither an address nor a CIDR range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadRange(String);

/// One allowed range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    net: IpAddr,
    prefix: u8,
}

impl Range {
    fn parse(s: &str) -> Result<Self, BadRange> {
        let s = s.trim();
        let (ip, prefix) = match s.split_once('/') {
            Some((ip, p)) => (ip, Some(p)),
            None => (s, None),
        };
        let net: IpAddr = ip
            .parse()
            .map_err(|_| BadRange(format!("{s:?} is not an IP address or CIDR range")))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| BadRange(format!("{s:?}: prefix must be 0..={max}")))?,
        };
        Ok(Self { net, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                masked(u32::from(n).into(), u32::from(a).into(), 32, self.prefix)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                masked(u128::from(n), u128::from(a), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn masked(net: u128, addr: u128, bits: u8, prefix: u8) -> bool {
    let shift = u32::from(bits - prefix);
    // A zero prefix matches everything; `>> 128` would overflow.
    shift >= u32::from(bits) || (net >> shift) == (addr >> shift)
}

/// The allowed ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpAllowList {
    ranges: Vec<Range>,
}

impl IpAllowList {
    /// Parses `["1.2.3.4", "10.0.0.0/8", "::1"]`.
    pub fn parse(items: &[String]) -> Result<Self, BadRange> {
        Ok(Self {
            ranges: items
                .iter()
                .map(|s| Range::parse(s))
                .collect::<Result<_, _>>()?,
        })
    }

    /// True when the list is empty or some range holds `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.ranges.is_empty() || self.ranges.iter().any(|r| r.contains(ip))
    }
}

/// Middleware: refuses callers outside the list with 403 before anything is read.
pub async fn enforce(
    State(list): State<Arc<IpAllowList>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    if list.allows(peer.ip()) {
        next.run(request).await
    } else {
        tracing::warn!(peer = %peer.ip(), "node endpoint: caller not in the IP allow-list");
        (StatusCode::FORBIDDEN, "address not allowed\n").into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn list(items: &[&str]) -> IpAllowList {
        IpAllowList::parse(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn ranges_and_single_addresses() {
        let l = list(&["10.1.0.0/16", "192.0.2.7", "2001:db8::/32"]);
        for ok in [
            "10.1.255.3",
            "192.0.2.7",
            "::ffff:10.1.0.1",
            "2001:db8:1::5",
        ] {
            assert!(l.allows(ok.parse().unwrap()), "{ok}");
        }
        for no in ["10.2.0.1", "192.0.2.8", "2001:db9::1", "127.0.0.1"] {
            assert!(!l.allows(no.parse().unwrap()), "{no}");
        }
        assert!(list(&[]).allows("8.8.8.8".parse().unwrap()));
        assert!(list(&["0.0.0.0/0"]).allows("8.8.8.8".parse().unwrap()));
        assert!(list(&["::/0"]).allows("::1".parse().unwrap()));
        for bad in ["10.0.0.0/33", "nope", "1.2.3.4/x", "::/129"] {
            assert!(IpAllowList::parse(&[bad.to_string()]).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_v4_prefix_holds_exactly_the_addresses_sharing_it(a: u32, b: u32, p in 0u8..=32) {
            let net = std::net::Ipv4Addr::from(a);
            let l = list(&[&format!("{net}/{p}")]);
            let same = p == 0 || (a >> (32 - u32::from(p))) == (b >> (32 - u32::from(p)));
            prop_assert_eq!(l.allows(IpAddr::V4(b.into())), same);
        }
    }
}
