//! A quick TCP check that tells "nothing listening" from "listening but not making sense", for
//! the error kind. Only run after a failure, so healthy miners pay nothing for it.

use std::net::Ipv4Addr;
use std::time::Duration;

use tokio::net::TcpStream;

/// The ports asic-rs discovery tries (asic-rs `factory.rs` `MINER_PORTS`).
const MINER_PORTS: [u16; 4] = [80, 4028, 4029, 8889];

/// True when any miner port accepts a connection within `wait`.
pub async fn any_port_open(ip: Ipv4Addr, wait: Duration) -> bool {
    let connect = |port| async move {
        matches!(
            tokio::time::timeout(wait, TcpStream::connect((ip, port))).await,
            Ok(Ok(_))
        )
    };
    let (a, b, c, d) = tokio::join!(
        connect(MINER_PORTS[0]),
        connect(MINER_PORTS[1]),
        connect(MINER_PORTS[2]),
        connect(MINER_PORTS[3]),
    );
    a || b || c || d
}
