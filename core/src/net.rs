//! Lists of networks (`writers`, `admin.allow`, `trusted_proxies`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A list of networks. Each entry in a policy file is a CIDR (`10.0.0.0/8`, `2001:db8::/32`), a
/// single address (`192.0.2.7`, taken as `/32` or `/128`), or one of the names `loopback`,
/// `private` (RFC 1918 and IPv6 unique-local), `linklocal`, `any`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct NetList {
    nets: Vec<IpNet>,
    source: Vec<String>,
}

/// Expands a keyword into its networks.
fn keyword(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "loopback" => &["127.0.0.0/8", "::1/128"],
        "private" => &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
        "linklocal" => &["169.254.0.0/16", "fe80::/10"],
        "any" => &["0.0.0.0/0", "::/0"],
        _ => return None,
    })
}

/// Why an entry of a network list is not a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetParseError {
    /// The entry as written.
    pub entry: String,
}

impl fmt::Display for NetParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a network: write a CIDR such as `10.0.0.0/8` or `2001:db8::/32`, a single \
             address, or one of `loopback`, `private`, `linklocal`, `any`",
            self.entry
        )
    }
}

impl std::error::Error for NetParseError {}

impl NetList {
    /// Parses a list of entries.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, NetParseError> {
        let mut list = NetList::default();
        for e in entries {
            list.push(e.as_ref())?;
        }
        Ok(list)
    }

    /// Adds one entry.
    pub fn push(&mut self, entry: &str) -> Result<(), NetParseError> {
        let trimmed = entry.trim();
        let err = || NetParseError {
            entry: entry.to_owned(),
        };
        if let Some(nets) = keyword(trimmed) {
            for n in nets {
                self.nets.push(n.parse().map_err(|_| err())?);
            }
        } else if trimmed.contains('/') {
            let net: IpNet = trimmed.parse().map_err(|_| err())?;
            // An IPv4-mapped IPv6 network (`::ffff:10.0.0.0/104`) becomes the IPv4 network it
            // spells, because addresses are compared in canonical (IPv4) form.
            let net = match net {
                IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.network().to_ipv4_mapped() {
                    Some(v4) => {
                        IpNet::V4(Ipv4Net::new(v4, v6.prefix_len() - 96).map_err(|_| err())?)
                    }
                    None => net,
                },
                other => other,
            };
            self.nets.push(net.trunc());
        } else {
            let ip: IpAddr = trimmed.parse().map_err(|_| err())?;
            self.nets.push(match canonical(ip) {
                IpAddr::V4(a) => IpNet::V4(Ipv4Net::from(a)),
                IpAddr::V6(a) => IpNet::V6(Ipv6Net::from(a)),
            });
        }
        self.source.push(trimmed.to_owned());
        Ok(())
    }

    /// Whether `ip` is inside one of the networks. IPv4-mapped IPv6 addresses match IPv4 entries.
    #[inline]
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|n| n.contains(&ip))
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// The entries as written.
    pub fn entries(&self) -> &[String] {
        &self.source
    }
}

impl fmt::Debug for NetList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.source).finish()
    }
}

/// IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes the IPv4 address; everything else is unchanged.
#[inline]
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// The unspecified address, used where no client address could be determined.
pub const UNSPECIFIED: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

impl<'de> Deserialize<'de> for NetList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = Vec::<String>::deserialize(d)?;
        NetList::parse(&entries).map_err(serde::de::Error::custom)
    }
}

impl Serialize for NetList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.source.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_matches() {
        let l = NetList::parse(&["10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "loopback"]).unwrap();
        assert!(l.contains("10.1.2.3".parse().unwrap()));
        assert!(l.contains("192.0.2.7".parse().unwrap()));
        assert!(!l.contains("192.0.2.8".parse().unwrap()));
        assert!(l.contains("::ffff:10.9.9.9".parse().unwrap()));
        assert!(l.contains("2001:db8::1".parse().unwrap()));
        assert!(l.contains("::1".parse().unwrap()));
        assert!(!l.contains("203.0.113.1".parse().unwrap()));
        let mapped = NetList::parse(&["::ffff:10.0.0.0/104"]).unwrap();
        assert!(mapped.contains("10.2.3.4".parse().unwrap()));
        assert!(mapped.contains("::ffff:10.2.3.4".parse().unwrap()));
        assert!(!mapped.contains("11.0.0.1".parse().unwrap()));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "10.0.0.0/33",
            "10.0.0",
            "example.com",
            "",
            "1.2.3.4/",
            "::g",
        ] {
            let e = NetList::parse(&[bad]).unwrap_err();
            assert_eq!(e.entry, bad);
        }
    }
}
