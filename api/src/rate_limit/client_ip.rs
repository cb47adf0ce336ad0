//! Who the client is, as far as the network says: the socket peer, or — only when the peer is one of our trusted
//! proxies (`COGO_TRUSTED_PROXIES`) — the right-most `X-Forwarded-For` address that is not itself a trusted proxy.
//! Anyone can write `X-Forwarded-For`; only the addresses our own proxies appended can be believed.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use ipnet::IpNet;

/// The client's address for rate limiting, in the request data of every GraphQL request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The address the rate-limit middleware resolved for this request (the socket peer if it did not run).
    pub fn of(req: &poem::Request) -> ClientIp {
        req.extensions().get::<ClientIp>().copied().unwrap_or_else(|| ClientIp(peer_of(req)))
    }

    /// The bucket name: the address, or its /64 network for IPv6 (one subscriber line gets a whole /64, so
    /// limiting single IPv6 addresses would limit nothing).
    pub fn bucket_name(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match IpNet::new(IpAddr::V6(v6), 64) {
                Ok(net) => net.trunc().to_string(),
                Err(_) => v6.to_string(),
            },
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed: addresses and CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma- or space-separated list such as `10.0.0.0/8, 127.0.0.1, ::1`.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split([',', ' '])
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("COGO_TRUSTED_PROXIES: '{item}' is neither an IP address nor a CIDR range"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The client of a request that reached us from `peer` with these `X-Forwarded-For` header values.
    pub fn client_ip<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> ClientIp {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return ClientIp(peer);
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|value| value.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            // An unreadable hop was not written by a proxy of ours: stop at the last address we can vouch for.
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        ClientIp(client)
    }
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let ip = hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))?;
    Some(ip.to_canonical())
}

/// The address of a client whose address is not known (a TCP listener always knows it).
pub const UNKNOWN: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

/// The socket peer's address.
pub fn peer_of(req: &poem::Request) -> IpAddr {
    req.remote_addr().as_socket_addr().map_or(UNKNOWN, |addr| addr.ip().to_canonical())
}

/// The client of `req` under `trusted`.
pub fn resolve(req: &poem::Request, trusted: &TrustedProxies) -> ClientIp {
    let forwarded = req.headers().get_all("x-forwarded-for").into_iter().filter_map(|value| value.to_str().ok());
    trusted.client_ip(peer_of(req), forwarded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(trusted.client_ip(ip("203.0.113.9"), ["1.1.1.1"].into_iter()), ClientIp(ip("203.0.113.9")));
        let nobody = TrustedProxies::default();
        assert_eq!(nobody.client_ip(ip("10.0.0.1"), ["1.1.1.1"].into_iter()), ClientIp(ip("10.0.0.1")));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap();
        // The client forged the first entry; our proxies appended the rest.
        let header = ["6.6.6.6, 198.51.100.4", "192.0.2.7 , 10.1.2.3"];
        assert_eq!(trusted.client_ip(ip("10.0.0.1"), header.into_iter()), ClientIp(ip("198.51.100.4")));
    }

    #[test]
    fn a_chain_of_only_proxies_or_garbage_stops_at_the_last_address_we_trust() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(trusted.client_ip(ip("10.0.0.1"), ["10.9.9.9"].into_iter()), ClientIp(ip("10.9.9.9")));
        assert_eq!(trusted.client_ip(ip("10.0.0.1"), ["1.2.3.4, nonsense"].into_iter()), ClientIp(ip("10.0.0.1")));
        assert_eq!(trusted.client_ip(ip("10.0.0.1"), std::iter::empty()), ClientIp(ip("10.0.0.1")));
    }

    #[test]
    fn hops_with_ports_and_mapped_addresses_are_read() {
        let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
        assert_eq!(trusted.client_ip(ip("::ffff:127.0.0.1"), ["1.2.3.4:80"].into_iter()), ClientIp(ip("1.2.3.4")));
        let v6 = trusted.client_ip(ip("127.0.0.1"), ["[2001:db8::1]:443"].into_iter());
        assert_eq!(v6, ClientIp(ip("2001:db8::1")));
        assert_eq!(v6.bucket_name(), "2001:db8::/64");
    }

    #[test]
    fn a_bad_proxy_list_is_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.internal").is_err());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }
}
