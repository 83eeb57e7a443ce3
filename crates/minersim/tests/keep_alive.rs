//! The web interface closes idle keep-alive connections as a stock Antminer's lighttpd does, so
//! a collector's pooled connections do not pile up across thousands of miners.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use minersim::{Farm, SimConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_five_seconds() {
    let farm = Farm::start(SimConfig {
        count: 1,
        base: Ipv4Addr::new(127, 76, 0, 1),
        ..SimConfig::default()
    })
    .await
    .expect("farm binds");
    let mut stream = tokio::net::TcpStream::connect((farm.ips()[0], 80))
        .await
        .expect("port 80 open");
    stream
        .write_all(b"GET /cgi-bin/get_system_info.cgi HTTP/1.1\r\nHost: miner\r\n\r\n")
        .await
        .expect("request sent");
    let mut first = [0_u8; 512];
    let read = stream.read(&mut first).await.expect("an answer");
    let head = String::from_utf8_lossy(&first[..read]).into_owned();
    assert!(
        head.starts_with("HTTP/1.1 401"),
        "digest challenge first: {head}"
    );

    // The connection stays open for the next request, then closes once idle too long.
    let idle_from = Instant::now();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut rest))
        .await
        .expect("closed within 15 s");
    let idle = idle_from.elapsed();
    assert!(closed.is_ok(), "a clean close, not an error: {closed:?}");
    assert!(
        idle >= Duration::from_secs(4) && idle < Duration::from_secs(8),
        "closed after {idle:?} of idleness"
    );
    farm.shutdown().await;
}
