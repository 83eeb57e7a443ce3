//! Many miners at once: binding, answering at both ends of the range, and shutting down.
//! The default 1,000 keeps `cargo test` quick; `MINERSIM_SCALE_COUNT=9500 cargo test -p minersim
//! --test scale` checks a large farm. 20,000 miners need ~40,000 descriptors: `Farm::start` raises
//! the limit when the process may (`CAP_SYS_RESOURCE`), else fails with `SimError::FileLimit`.

use std::net::Ipv4Addr;
use std::time::Instant;

use minersim::{Farm, SimConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn rpc_version(ip: Ipv4Addr) -> String {
    let mut stream = tokio::net::TcpStream::connect((ip, 4028))
        .await
        .expect("4028 open");
    stream
        .write_all(br#"{"command":"version"}"#)
        .await
        .expect("request sent");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.expect("reply read");
    String::from_utf8_lossy(&reply).into_owned()
}

#[tokio::test]
async fn a_thousand_miners_bind_answer_and_shut_down() {
    let count = std::env::var("MINERSIM_SCALE_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(1_000);
    let started = Instant::now();
    let config = SimConfig {
        count,
        base: Ipv4Addr::new(127, 78, 0, 1),
        ..SimConfig::default()
    };
    let farm = Farm::start(config).await.expect("farm binds");
    let bound_in = started.elapsed();
    let ips = farm.ips();
    assert_eq!(ips.len(), count as usize);
    for ip in [ips[0], ips[ips.len() / 2], ips[ips.len() - 1]] {
        let reply = rpc_version(ip).await;
        assert!(reply.contains("Antminer S19 Pro"), "{ip}: {reply}");
        assert!(reply.ends_with('\0'), "cgminer replies end with NUL");
    }
    let stopping = Instant::now();
    farm.shutdown().await;
    eprintln!(
        "{count} miners bound in {bound_in:?}, shut down in {:?}",
        stopping.elapsed()
    );
}
