//! The client's address, as far as it can be trusted.
//!
//! Behind a reverse proxy every TCP connection comes from the proxy, and the
//! client's own address is only in a header the proxy adds (`X-Forwarded-For`
//! or RFC 7239 `Forwarded`). Anyone can send those headers, so they count
//! only when the TCP peer is one of the configured trusted proxies. The list
//! in the header is then read from the right (the entry the nearest proxy
//! appended) leftwards, skipping further trusted proxies; the first address
//! that is not trusted is the client. Entries left of it were written by the
//! client or by proxies we know nothing about, and are never read.
//!
//! With no trusted proxies configured (the default) the headers are ignored
//! and the client is the TCP peer.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// At most this many trusted hops are walked through; a longer chain of
/// trusted proxies is not a real set-up, and the walk stops there.
const MAX_HOPS: usize = 16;

/// Which header the trusted proxies write the client's address to. Only one
/// is read: a proxy that appends to `X-Forwarded-For` usually passes a
/// client's own `Forwarded` header through untouched (and the other way
/// round), so reading the other header would let clients choose their address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProxyHeader {
    #[default]
    XForwardedFor,
    Forwarded,
}

impl ProxyHeader {
    fn name(self) -> &'static str {
        match self {
            ProxyHeader::XForwardedFor => "x-forwarded-for",
            ProxyHeader::Forwarded => "forwarded",
        }
    }
}

impl FromStr for ProxyHeader {
    type Err = BadProxySetting;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(ProxyHeader::XForwardedFor),
            "forwarded" => Ok(ProxyHeader::Forwarded),
            _ => Err(BadProxySetting(s.to_string())),
        }
    }
}

/// A trusted-proxy entry that is neither an address nor a CIDR network, or
/// an unknown header name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an IP address, CIDR network or proxy header: {0:?}")]
pub struct BadProxySetting(pub String);

/// The reverse proxies whose forwarding header is believed, and which header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ProxyHeader,
}

impl TrustedProxies {
    pub fn new(nets: Vec<IpNet>, header: ProxyHeader) -> Self {
        TrustedProxies { nets, header }
    }

    /// A comma-separated list of addresses and CIDR networks, e.g.
    /// `10.0.0.0/8, 192.0.2.7, ::1`. Blank entries are skipped; anything
    /// else that is not an address or network is refused.
    pub fn parse(list: &str, header: ProxyHeader) -> Result<Self, BadProxySetting> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let net = match item.parse::<IpNet>() {
                Ok(net) => net.trunc(),
                Err(_) => item
                    .parse::<IpAddr>()
                    .map(|ip| IpNet::from(ip.to_canonical()))
                    .map_err(|_| BadProxySetting(item.to_string()))?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies { nets, header })
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    pub fn header(&self) -> ProxyHeader {
        self.header
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.nets.iter().any(|n| n.contains(&ip))
    }

    /// The client's address for a request from TCP peer `peer`.
    pub fn client_addr(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut addr = peer.to_canonical();
        if !self.trusts(addr) {
            return addr;
        }
        // Several header lines form one list, in order.
        let mut lines = Vec::new();
        for v in headers.get_all(self.header.name()) {
            match v.to_str() {
                Ok(s) => lines.push(s),
                // A value we cannot read: believe nothing beyond the peer.
                Err(_) => return addr,
            }
        }
        let hops = lines.iter().rev().flat_map(|line| {
            let entries: Vec<Option<IpAddr>> = match self.header {
                ProxyHeader::XForwardedFor => line.split(',').map(xff_entry).collect(),
                ProxyHeader::Forwarded => split_unquoted(line, ',').into_iter().map(forwarded_for).collect(),
            };
            entries.into_iter().rev()
        });
        for hop in hops.take(MAX_HOPS) {
            match hop {
                Some(ip) => {
                    addr = ip.to_canonical();
                    if !self.trusts(addr) {
                        return addr;
                    }
                }
                // Unreadable ("unknown", obfuscated, garbage): the nearest
                // trusted hop is as far as we can see.
                None => return addr,
            }
        }
        // Every hop is trusted (a client inside the trusted network): the
        // furthest one reached.
        addr
    }
}

/// One `X-Forwarded-For` entry: an address, optionally with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`) or in brackets.
fn xff_entry(raw: &str) -> Option<IpAddr> {
    let s = raw.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    s.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|r| r.parse::<IpAddr>().ok())
}

/// The `for=` node of one `Forwarded` element (`for=192.0.2.60;proto=http`,
/// `for="[2001:db8:cafe::17]:4711"`). `unknown`, obfuscated identifiers and
/// anything unreadable are `None`.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    let mut found = None;
    for pair in split_unquoted(element, ';') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("for") {
            // A repeated `for` makes the element ambiguous.
            if found.is_some() {
                return None;
            }
            found = Some(value.trim());
        }
    }
    let node = unquote(found?)?;
    if let Some(rest) = node.strip_prefix('[') {
        let (inner, after) = rest.split_once(']')?;
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return if port_ok { inner.parse().ok() } else { None };
    }
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    let (host, port) = node.split_once(':')?;
    if !is_port(port) {
        return None;
    }
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// RFC 7239 ports: digits, or an obfuscated `_name`.
fn is_port(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 32
        && (p.bytes().all(|b| b.is_ascii_digit())
            || (p.starts_with('_')
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')))
}

/// A token or a quoted-string without its quotes and escapes; `None` for an
/// unterminated quote.
fn unquote(v: &str) -> Option<String> {
    let Some(inner) = v.strip_prefix('"') else {
        return Some(v.to_string());
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return chars.as_str().is_empty().then_some(out),
            c => out.push(c),
        }
    }
    None
}

/// Splits at `sep` outside double-quoted strings (which may hold escaped
/// quotes).
fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn headers(name: &'static str, values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(name, HeaderValue::from_str(v).expect("header value"));
        }
        h
    }

    fn xff(trusted: &str) -> TrustedProxies {
        TrustedProxies::parse(trusted, ProxyHeader::XForwardedFor).expect("list")
    }

    #[test]
    fn parses_lists_of_addresses_and_networks() {
        let t = xff(" 10.0.0.0/8, 192.0.2.7 ,, ::1, 2001:db8::/32, 172.16.5.9/12");
        assert_eq!(t.nets.len(), 5);
        assert!(t.trusts(ip("10.200.3.4")));
        assert!(t.trusts(ip("192.0.2.7")));
        assert!(!t.trusts(ip("192.0.2.8")));
        assert!(t.trusts(ip("::1")));
        assert!(t.trusts(ip("2001:db8:ffff::1")));
        // Host bits of a network are ignored.
        assert!(t.trusts(ip("172.31.0.1")));
        assert!(xff("").is_empty());
        for bad in ["10.0.0.0/33", "example.org", "10.0.0", "10.0.0.1/", "*", "::1/129"] {
            assert_eq!(
                TrustedProxies::parse(bad, ProxyHeader::Forwarded),
                Err(BadProxySetting(bad.to_string())),
                "{bad}"
            );
        }
        assert_eq!("Forwarded".parse(), Ok(ProxyHeader::Forwarded));
        assert_eq!("x-forwarded-for".parse(), Ok(ProxyHeader::XForwardedFor));
        assert!("x-real-ip".parse::<ProxyHeader>().is_err());
    }

    #[test]
    fn headers_of_untrusted_peers_are_ignored() {
        let t = xff("10.0.0.0/8");
        let h = headers("x-forwarded-for", &["198.51.100.1"]);
        assert_eq!(t.client_addr(ip("203.0.113.9"), &h), ip("203.0.113.9"));
        // With no trusted proxies nobody's header counts.
        assert_eq!(xff("").client_addr(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn walks_from_the_right_past_trusted_proxies() {
        let t = xff("10.0.0.0/8");
        let peer = ip("10.0.0.2");
        let cases: &[(&[&str], &str)] = &[
            (&["198.51.100.1"], "198.51.100.1"),
            // The client wrote the left entry itself; the proxy appended the right one.
            (&["1.2.3.4, 198.51.100.1"], "198.51.100.1"),
            (&["1.2.3.4, 198.51.100.1, 10.1.1.1"], "198.51.100.1"),
            // Several header lines are one list.
            (&["1.2.3.4", "198.51.100.1, 10.1.1.1"], "198.51.100.1"),
            (&["198.51.100.1:4711"], "198.51.100.1"),
            (&["[2001:db8::7]:4711"], "2001:db8::7"),
            (&[" 2001:db8::7 "], "2001:db8::7"),
            (&["::ffff:198.51.100.1"], "198.51.100.1"),
            // Unreadable entries: the nearest trusted hop.
            (&["198.51.100.1, unknown"], "10.0.0.2"),
            (&["198.51.100.1, garbage, 10.1.1.1"], "10.1.1.1"),
            (&[""], "10.0.0.2"),
            // All trusted: the furthest.
            (&["10.9.9.9, 10.1.1.1"], "10.9.9.9"),
        ];
        for (values, want) in cases {
            assert_eq!(
                t.client_addr(peer, &headers("x-forwarded-for", values)),
                ip(want),
                "{values:?}"
            );
        }
        assert_eq!(t.client_addr(peer, &HeaderMap::new()), peer);
        // A dual-stack listener reports IPv4 peers as mapped addresses.
        let h = headers("x-forwarded-for", &["198.51.100.1"]);
        assert_eq!(t.client_addr(ip("::ffff:10.0.0.2"), &h), ip("198.51.100.1"));
        // The other header is not read.
        let h = headers("forwarded", &["for=198.51.100.1"]);
        assert_eq!(t.client_addr(peer, &h), peer);
    }

    #[test]
    fn reads_rfc7239_forwarded() {
        let t = TrustedProxies::parse("10.0.0.0/8", ProxyHeader::Forwarded).expect("list");
        let peer = ip("10.0.0.2");
        let cases: &[(&[&str], &str)] = &[
            (&["for=198.51.100.1"], "198.51.100.1"),
            (&["For=198.51.100.1;proto=https;by=10.0.0.2"], "198.51.100.1"),
            (&["for=1.2.3.4, for=198.51.100.1"], "198.51.100.1"),
            (&["for=1.2.3.4", "for=198.51.100.1, for=10.3.3.3"], "198.51.100.1"),
            (&["for=\"[2001:db8:cafe::17]:4711\""], "2001:db8:cafe::17"),
            (&["for=\"[2001:db8:cafe::17]\""], "2001:db8:cafe::17"),
            (&["for=\"198.51.100.1:4711\""], "198.51.100.1"),
            (&["for=\"198.51.100.1:_hidden\""], "198.51.100.1"),
            // A quoted comma does not split the element.
            (&["for=198.51.100.1;x=\"a,b\""], "198.51.100.1"),
            (&["for=unknown"], "10.0.0.2"),
            (&["for=_hidden"], "10.0.0.2"),
            (&["proto=https"], "10.0.0.2"),
            (&["for=1.2.3.4;for=198.51.100.1"], "10.0.0.2"),
            (&["for=\"198.51.100.1"], "10.0.0.2"),
            (&["for=\"[2001:db8::1]:x\""], "10.0.0.2"),
        ];
        for (values, want) in cases {
            assert_eq!(
                t.client_addr(peer, &headers("forwarded", values)),
                ip(want),
                "{values:?}"
            );
        }
    }

    #[test]
    fn a_long_chain_of_trusted_hops_stops() {
        let t = xff("10.0.0.0/8");
        let mut list = vec!["198.51.100.1".to_string()];
        list.extend((0..100).map(|i| format!("10.0.0.{}", i % 250)));
        let h = headers("x-forwarded-for", &[&list.join(",")]);
        assert!(t.trusts(t.client_addr(ip("10.0.0.2"), &h)));
    }

    proptest! {
        /// Hostile header values never panic; from a peer that is not
        /// trusted they never change the answer.
        #[test]
        fn hostile_headers_never_panic(
            values in prop::collection::vec("[ -~]{0,80}", 0..4),
            forwarded in any::<bool>(),
        ) {
            let header = if forwarded { ProxyHeader::Forwarded } else { ProxyHeader::XForwardedFor };
            let mut h = HeaderMap::new();
            for v in &values {
                if let Ok(v) = HeaderValue::from_str(v) {
                    h.append(header.name(), v);
                }
            }
            let everything = TrustedProxies::parse("0.0.0.0/0, ::/0", header).expect("list");
            let _ = everything.client_addr(ip("10.0.0.2"), &h);
            let some = TrustedProxies::parse("10.0.0.0/8", header).expect("list");
            prop_assert_eq!(some.client_addr(ip("192.0.2.1"), &h), ip("192.0.2.1"));
        }

        /// Arbitrary bytes (not only text) in the header never panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..120)) {
            for header in [ProxyHeader::Forwarded, ProxyHeader::XForwardedFor] {
                let t = TrustedProxies::parse("0.0.0.0/0, ::/0", header).expect("list");
                let mut h = HeaderMap::new();
                if let Ok(v) = HeaderValue::from_bytes(&bytes) {
                    h.append(header.name(), v);
                }
                let _ = t.client_addr(ip("10.0.0.2"), &h);
            }
        }

        /// A real client's address written by the proxy is always found,
        /// whatever the client put in front of it.
        #[test]
        fn the_proxy_appended_address_wins(
            forged in "[ -~]{0,60}",
            a in any::<[u8; 4]>(),
        ) {
            let client = IpAddr::from(a);
            prop_assume!(a[0] != 10);
            let t = xff("10.0.0.0/8");
            let mut h = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_str(&format!("{forged}, {client}")) {
                h.append("x-forwarded-for", v);
                prop_assert_eq!(t.client_addr(ip("10.0.0.2"), &h), client);
            }
        }

        /// Any list of trusted-proxy settings parses or is refused, without panicking.
        #[test]
        fn proxy_lists_never_panic(list in "[0-9a-fA-F:./, ]{0,60}") {
            let _ = TrustedProxies::parse(&list, ProxyHeader::XForwardedFor);
        }
    }
}
