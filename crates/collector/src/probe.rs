//! A quick TCP check that tells "nothing listening" from "listening but not making sense", for
//! the error kind. Only run after a failure, so healthy miners pay nothing for it.

use std::io;
use std::net::Ipv4Addr;
use std::time::Duration;

use tokio::net::TcpStream;

/// The ports asic-rs discovery tries (asic-rs `factory.rs` `MINER_PORTS`).
const MINER_PORTS: [u16; 4] = [80, 4028, 4029, 8889];

#[derive(Debug)]
pub enum Ports {
    /// At least one miner port accepted a connection.
    Open,
    /// Every port refused, had no route, or stayed silent.
    Closed,
    /// The check itself failed on this host (typically out of file descriptors), so it says
    /// nothing about the miner.
    Unknown(io::Error),
}

/// Try every miner port at once, each for at most `wait`.
pub async fn check(ip: Ipv4Addr, wait: Duration) -> Ports {
    let connect = |port| async move {
        match tokio::time::timeout(wait, TcpStream::connect((ip, port))).await {
            Ok(Ok(_)) => Ports::Open,
            Ok(Err(error)) if is_local(&error) => Ports::Unknown(error),
            Ok(Err(_)) | Err(_) => Ports::Closed,
        }
    };
    let (a, b, c, d) = tokio::join!(
        connect(MINER_PORTS[0]),
        connect(MINER_PORTS[1]),
        connect(MINER_PORTS[2]),
        connect(MINER_PORTS[3]),
    );
    let mut result = Ports::Closed;
    for port in [a, b, c, d] {
        match port {
            Ports::Open => return Ports::Open,
            Ports::Unknown(error) => result = Ports::Unknown(error),
            Ports::Closed => {}
        }
    }
    result
}

/// Errors that come from this host's limits rather than from the network.
fn is_local(error: &io::Error) -> bool {
    // EMFILE (24) and ENFILE (23) on Linux: out of descriptors; ENOBUFS/ENOMEM similar.
    matches!(error.raw_os_error(), Some(23 | 24 | 12 | 105))
        || error.kind() == io::ErrorKind::OutOfMemory
}
