//! The one clock: unix milliseconds (UTC), as every stored time and every API field is kept.

/// The current time, unix milliseconds. Not in the browser build: `SystemTime` is not there,
/// and the browser never decides a time the server keeps.
#[cfg(not(target_arch = "wasm32"))]
pub fn unix_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
