//! Port 4028: the cgminer-style JSON RPC. One request per connection, reply ended by a NUL byte
//! and the connection closed, as bmminer does.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::replies;
use crate::state::MinerShared;

/// Requests are a few dozen bytes; anything larger is not a client we simulate for.
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// A client that connects and says nothing is dropped after this long.
const READ_DEADLINE: Duration = Duration::from_secs(10);

/// Bytes a `garbage` fault sends instead of JSON.
pub const GARBAGE: &[u8] = b"\x7f\x01 bmminer: segfault at 0000 ip 0000 sp 0000 {{{ not json";

pub(crate) async fn serve_connection(miner: Arc<MinerShared>, mut stream: TcpStream) {
    let (timeout, garbage) = {
        let state = miner.lock();
        (state.timeout, state.garbage)
    };
    if timeout {
        // Hold the socket open without answering; the runner aborts this task on shutdown/reboot.
        std::future::pending::<()>().await;
    }
    let Ok(Some(request)) = tokio::time::timeout(READ_DEADLINE, read_request(&mut stream)).await
    else {
        return;
    };
    miner.requests.fetch_add(1, Ordering::Relaxed);
    let reply = if garbage {
        GARBAGE.to_vec()
    } else {
        let mut bytes = handle(&miner, &request).to_string().into_bytes();
        bytes.push(0);
        bytes
    };
    // The client may already be gone; there is nobody to tell.
    let _ = stream.write_all(&reply).await;
    let _ = stream.shutdown().await;
}

/// Read until the bytes so far parse as one JSON value. Discovery sends no trailing newline and
/// keeps the socket open, so waiting for EOF or '\n' alone would stall.
async fn read_request(stream: &mut TcpStream) -> Option<Value> {
    let mut buf = Vec::with_capacity(128);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return serde_json::from_slice(trim_request(&buf)).ok();
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Ok(value) = serde_json::from_slice(trim_request(&buf)) {
            return Some(value);
        }
        if buf.len() > MAX_REQUEST_BYTES {
            return None;
        }
    }
}

fn trim_request(buf: &[u8]) -> &[u8] {
    let end = buf
        .iter()
        .rposition(|b| !matches!(b, b'\0' | b'\n' | b'\r' | b' '))
        .map_or(0, |i| i + 1);
    &buf[..end]
}

/// The reply to one request: `{"command": "...", "new_api": true?}`.
pub(crate) fn handle(miner: &MinerShared, request: &Value) -> Value {
    let command = request.get("command").and_then(Value::as_str).unwrap_or("");
    let new_api = request
        .get("new_api")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let telemetry = || miner.telemetry(Instant::now());
    match command {
        "version" => replies::version(miner),
        "summary" if new_api => replies::summary_new_api(&telemetry()),
        "summary" => replies::summary(&telemetry()),
        "stats" if new_api => replies::stats_new_api(&telemetry()),
        "stats" => replies::stats(miner, &telemetry()),
        "pools" => {
            let pools = miner.lock().pools.clone();
            replies::pools(&pools, &telemetry())
        }
        "devs" => replies::devs(&telemetry()),
        _ => replies::invalid_command(),
    }
}
