//! Live updates for open pages: `GET /api/v1/live` (`http::live`) is a server-sent event stream that says
//! when a site's figures or alerts changed, so the sites and miner pages read them again at
//! once instead of on a timer. An event is a nudge, never the data: the page reads the figures
//! through its usual, scoped server functions, so the stream can tell nobody more than which of
//! *their* sites moved.
//!
//! A site of 20,000 miners lands as four batches per cycle, and one page should not fetch four
//! times: each connection sends at most one event per [`MIN_GAP`], merging what came between.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use domain::telemetry::LiveUpdate;
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

/// Changes waiting for the slowest reader before it starts missing some (and is told
/// "anything may have changed" instead).
const BACKLOG: usize = 1024;
/// The shortest time between two events on one connection.
pub const MIN_GAP: Duration = Duration::from_secs(5);

/// What moved on a site; the app's server functions name the same kinds.
pub use domain::telemetry::SiteChange as Change;

#[derive(Debug, Clone, Copy)]
struct Published {
    site_id: i64,
    change: Change,
    at_ms: i64,
}

/// Where the ingest API, the server's pollers and the alert engine say what changed, and where
/// every open stream listens. Cheap to clone.
#[derive(Clone)]
pub struct LiveHub {
    changes: broadcast::Sender<Published>,
    closing: watch::Sender<bool>,
}

impl Default for LiveHub {
    fn default() -> Self {
        Self {
            changes: broadcast::channel(BACKLOG).0,
            closing: watch::channel(false).0,
        }
    }
}

impl LiveHub {
    /// Tells every open stream that may see `site_id`. Nobody listening is not an error.
    pub fn publish(&self, site_id: i64, change: Change, at_ms: i64) {
        let _ = self.changes.send(Published {
            site_id,
            change,
            at_ms,
        });
    }

    /// Ends every stream, so a graceful shutdown is not held open by pages left open.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    pub fn subscribe(&self, visible: Visible) -> Feed {
        Feed {
            changes: self.changes.subscribe(),
            closing: self.closing.subscribe(),
            visible,
            last_sent: None,
        }
    }
}

impl app::ssr::LiveNews for LiveHub {
    fn publish(&self, site_id: i64, change: Change, at_ms: i64) {
        LiveHub::publish(self, site_id, change, at_ms);
    }
}

/// The sites a stream reports on.
#[derive(Debug, Clone)]
pub enum Visible {
    Every,
    Only(HashSet<i64>),
}

impl Visible {
    fn contains(&self, site_id: i64) -> bool {
        match self {
            Self::Every => true,
            Self::Only(sites) => sites.contains(&site_id),
        }
    }
}

/// One connection's view of the hub.
pub struct Feed {
    changes: broadcast::Receiver<Published>,
    closing: watch::Receiver<bool>,
    visible: Visible,
    last_sent: Option<Instant>,
}

impl Feed {
    /// The next event to send, or `None` once the server is closing.
    pub async fn next(&mut self) -> Option<LiveUpdate> {
        let mut merged = Merged::default();
        merged.add(self.next_visible().await?);
        if let Some(last) = self.last_sent {
            tokio::select! {
                () = tokio::time::sleep_until(last + MIN_GAP) => {}
                _ = self.closing.wait_for(|closing| *closing) => return None,
            }
        }
        loop {
            match self.changes.try_recv() {
                Ok(change) if self.visible.contains(change.site_id) => {
                    merged.add(Some(change));
                }
                Ok(_) => {}
                Err(broadcast::error::TryRecvError::Lagged(_)) => merged.add(None),
                Err(_) => break,
            }
        }
        self.last_sent = Some(Instant::now());
        Some(merged.into_update())
    }

    /// Waits for a change the stream may report: `Some(None)` when some were missed.
    async fn next_visible(&mut self) -> Option<Option<Published>> {
        loop {
            tokio::select! {
                biased;
                _ = self.closing.wait_for(|closing| *closing) => return None,
                received = self.changes.recv() => match received {
                    Ok(change) if self.visible.contains(change.site_id) => {
                        return Some(Some(change));
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => return Some(None),
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    }
}

/// Changes gathered into one event. A missed change makes it "anything may have changed".
struct Merged {
    /// `None` once a change was missed: then every site may have moved.
    site_ids: Option<BTreeSet<i64>>,
    telemetry: bool,
    alerts: bool,
    inventory: bool,
    at_ms: i64,
}

impl Default for Merged {
    fn default() -> Self {
        Self {
            site_ids: Some(BTreeSet::new()),
            telemetry: false,
            alerts: false,
            inventory: false,
            at_ms: 0,
        }
    }
}

impl Merged {
    fn add(&mut self, change: Option<Published>) {
        let Some(change) = change else {
            self.site_ids = None;
            self.telemetry = true;
            self.alerts = true;
            self.inventory = true;
            self.at_ms = self.at_ms.max(domain::clock::unix_now_ms());
            return;
        };
        if let Some(site_ids) = &mut self.site_ids {
            site_ids.insert(change.site_id);
        }
        match change.change {
            Change::Telemetry => self.telemetry = true,
            Change::Alerts => self.alerts = true,
            Change::Inventory => self.inventory = true,
        }
        self.at_ms = self.at_ms.max(change.at_ms);
    }

    fn into_update(self) -> LiveUpdate {
        LiveUpdate {
            site_ids: self
                .site_ids
                .map(|ids| ids.into_iter().collect())
                .unwrap_or_default(),
            telemetry: self.telemetry,
            alerts: self.alerts,
            inventory: self.inventory,
            at_ms: self.at_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_cycle_of_batches_becomes_one_event_per_gap() {
        let hub = LiveHub::default();
        let mut feed = hub.subscribe(Visible::Every);
        hub.publish(1, Change::Telemetry, 10);
        let first = feed.next().await.unwrap();
        assert_eq!(first.site_ids, vec![1]);
        assert!(first.telemetry && !first.alerts);
        // Four more batches and an alert inside the gap arrive as one event, after the gap.
        let started = Instant::now();
        for at_ms in 11..15 {
            hub.publish(1, Change::Telemetry, at_ms);
        }
        hub.publish(2, Change::Alerts, 20);
        let second = feed.next().await.unwrap();
        assert!(Instant::now() - started >= MIN_GAP);
        assert_eq!(second.site_ids, vec![1, 2]);
        assert!(second.telemetry && second.alerts);
        assert_eq!(second.at_ms, 20);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_hears_only_the_sites_it_may_see() {
        let hub = LiveHub::default();
        let mut feed = hub.subscribe(Visible::Only(HashSet::from([2])));
        hub.publish(1, Change::Alerts, 5);
        hub.publish(2, Change::Telemetry, 6);
        hub.publish(1, Change::Telemetry, 7);
        let update = feed.next().await.unwrap();
        assert_eq!(update.site_ids, vec![2]);
        assert!(
            update.telemetry && !update.alerts,
            "site 1's alert is not told"
        );
        assert_eq!(update.at_ms, 6);
    }

    #[tokio::test(start_paused = true)]
    async fn a_reader_that_fell_behind_is_told_to_read_everything() {
        let hub = LiveHub::default();
        let mut feed = hub.subscribe(Visible::Only(HashSet::from([3])));
        for (_, at_ms) in (0..BACKLOG + 10).zip(0_i64..) {
            hub.publish(3, Change::Telemetry, at_ms);
        }
        let update = feed.next().await.unwrap();
        assert!(update.site_ids.is_empty());
        assert!(update.concerns(99));
    }

    #[tokio::test(start_paused = true)]
    async fn closing_the_hub_ends_every_stream() {
        let hub = LiveHub::default();
        let mut idle = hub.subscribe(Visible::Every);
        let mut waiting = hub.subscribe(Visible::Every);
        hub.publish(1, Change::Telemetry, 1);
        assert!(waiting.next().await.is_some());
        hub.publish(1, Change::Telemetry, 2);
        let waiting = tokio::spawn(async move { waiting.next().await });
        let idle_next = tokio::spawn(async move {
            // Drain the one change, then wait for a next that never comes.
            idle.next().await;
            idle.next().await
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        hub.close();
        assert_eq!(waiting.await.unwrap(), None, "closing beats the gap");
        assert_eq!(idle_next.await.unwrap(), None);
    }
}
