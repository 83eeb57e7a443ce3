//! Telemetry upkeep in the background: closed 5-minute buckets and days are rolled up every
//! minute, and data past its retention (raw 24 h, 5-minute 90 days, daily 365 days) is purged
//! every hour. Both jobs are idempotent, so several server replicas may run them. Each minute
//! also sweeps for miners whose collector went quiet, so they raise offline alerts, and every
//! five minutes alert mail that could not be sent goes out again. Every hour, sign-in material
//! that can no longer be used (ended sessions, used or expired links, expired wallet nonces) is
//! deleted, so anonymous callers cannot grow those tables for ever.

use std::sync::Arc;
use std::time::Duration;

use store::Store;
use tokio::task::JoinHandle;

const ROLL_UP_EVERY: Duration = Duration::from_mins(1);
/// Purges run on every n-th roll-up tick.
const PURGE_EVERY_TICKS: u32 = 60;
/// Alert mail that failed is tried again every n-th tick: often enough that nobody misses an
/// alert for long, seldom enough not to hammer a mail server that is down.
const MAIL_RETRY_EVERY_TICKS: u32 = 5;

/// Runs until the handle is aborted (at shutdown).
pub fn spawn(
    store: Arc<dyn Store>,
    alerts: Arc<crate::alerts::Alerting>,
    session_idle: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(ROLL_UP_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut tick = 0_u32;
        loop {
            ticks.tick().await;
            let purge = tick.is_multiple_of(PURGE_EVERY_TICKS);
            run_once(&*store, purge).await;
            if purge {
                purge_auth(&*store, session_idle).await;
            }
            match alerts.sweep_silent(domain::clock::unix_now_ms()).await {
                Ok(0) => {}
                Ok(silent) => tracing::debug!(silent, "silent miners swept for offline alerts"),
                Err(error) => tracing::warn!(%error, "offline sweep failed; retrying next minute"),
            }
            if tick.is_multiple_of(MAIL_RETRY_EVERY_TICKS) {
                match alerts.retry_unsent_mail(domain::clock::unix_now_ms()).await {
                    Ok(0) => {}
                    Ok(sent) => tracing::info!(sent, "unsent alert mail sent"),
                    Err(error) => tracing::warn!(%error, "alert mail retry failed"),
                }
            }
            tick = tick.wrapping_add(1);
        }
    })
}

/// Deletes what no sign-in can use any more. Failures are retried next hour.
pub async fn purge_auth(store: &dyn Store, session_idle: Duration) {
    let now_ms = domain::clock::unix_now_ms();
    let idle_ms = i64::try_from(session_idle.as_millis()).unwrap_or(i64::MAX);
    match store
        .purge_auth(now_ms, now_ms.saturating_sub(idle_ms))
        .await
    {
        Ok(counts) => tracing::info!(?counts, "ended sessions, links and nonces purged"),
        Err(error) => tracing::warn!(%error, "sign-in purge failed; retrying next hour"),
    }
}

/// One round: roll up, and purge when asked. Failures are logged and retried next round;
/// nothing is lost by waiting, since raw samples are never purged before they are rolled up.
pub async fn run_once(store: &dyn Store, purge: bool) {
    let now_ms = domain::clock::unix_now_ms();
    match store.roll_up(now_ms).await {
        Ok(counts) => tracing::debug!(?counts, "telemetry rolled up"),
        Err(error) => tracing::warn!(%error, "telemetry roll-up failed; retrying next minute"),
    }
    if purge {
        match store.purge(now_ms).await {
            Ok(counts) => tracing::info!(?counts, "telemetry purged past retention"),
            Err(error) => tracing::warn!(%error, "telemetry purge failed; retrying next hour"),
        }
    }
}
