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
