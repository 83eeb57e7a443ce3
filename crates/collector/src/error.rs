//! Why a miner gave no sample in a cycle.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PollErrorKind {
    /// No answer within the per-miner timeout (host silent, or a miner that accepts
    /// connections and never replies). A dead host on a real LAN usually lands here too,
    /// since its connects hang rather than being refused.
    Timeout,
    /// Every miner port refused the connection: nothing listening (powered off, rebooting).
    Unreachable,
    /// Something answers on a miner port but asic-rs does not recognise it as a miner.
    Unidentified,
    /// An identified miner answered, but none of its replies could be read.
    ReadError,
}

/// One miner's failure in one cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{ip}: {kind:?}: {message}")]
pub struct PollError {
    pub ip: Ipv4Addr,
    pub kind: PollErrorKind,
    pub message: String,
}

impl PollError {
    pub fn new(ip: Ipv4Addr, kind: PollErrorKind, message: impl Into<String>) -> Self {
        Self {
            ip,
            kind,
            message: message.into(),
        }
    }
}

/// Why a URL cannot be the collector's server (see [`crate::uplink::ServerUrl`]). Every uplink
/// request carries the site's collector key, so the URL decides who gets to read it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerUrlError {
    /// Not a URL at all. The input is not echoed: it may hold a password.
    #[error("the server URL is not a valid URL: {0}")]
    Invalid(String),
    /// Neither `https://` nor `http://`.
    #[error(
        "the server URL must start with https:// (or http:// for a loopback address), \
         not {scheme}://"
    )]
    Scheme { scheme: String },
    /// `user:pass@host`: the collector key is the only credential the uplink sends.
    #[error(
        "the server URL must not carry a user name or password (user:pass@…): the collector \
         key is the collector's only credential"
    )]
    Userinfo,
    /// `http://` to a host beyond this machine: the key would cross the network in clear text.
    #[error(
        "refusing plain http:// to {host}: the collector key would cross the network \
         unencrypted; use https:// (http:// is allowed only for 127.0.0.0/8, [::1] and \
         localhost)"
    )]
    PlainHttp { host: String },
    /// A query or fragment, which the API paths appended to the URL would end up inside.
    #[error("the server URL must be the server's base address, without ?query or #fragment")]
    QueryOrFragment,
}

/// The server answered an uplink request with a redirect (3xx). The uplink never follows one:
/// the collector key would go along to wherever the answer points.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the server answered HTTP {status} redirecting to {location}; not followed, since the \
     collector key would go there too: if that is the real server, set the server URL \
     (--server) to it"
)]
pub struct Redirected {
    pub status: u16,
    /// Where the answer pointed, resolved against the request's URL, or a note that it named
    /// nowhere.
    pub location: String,
}
