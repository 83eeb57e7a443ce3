//! The steady loop: one cycle per interval until shutdown, each report handed to a channel.

use std::future::Future;
use std::net::Ipv4Addr;

use tokio::sync::{mpsc, watch};
use tokio::time::MissedTickBehavior;

use crate::collector::{Collector, CycleReport};

/// Why [`Collector::run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// The shutdown future completed.
    Shutdown,
    /// Nobody listens for reports any more.
    ReceiverGone,
}

impl Collector {
    /// Poll the miners in `farm` every `config.interval` until `shutdown` completes or the
    /// receiver of `reports` is dropped.
    ///
    /// `farm` is read at the start of each cycle, so miners added or removed take effect on the
    /// next one. A cycle longer than the interval delays the next instead of bunching cycles up.
    /// Shutdown during a cycle abandons it (in-flight reads are aborted); no report is sent
    /// for it.
    pub async fn run(
        &mut self,
        mut farm: watch::Receiver<Vec<Ipv4Addr>>,
        reports: mpsc::Sender<CycleReport>,
        shutdown: impl Future<Output = ()>,
    ) -> RunEnd {
        let mut ticks = tokio::time::interval(self.config().interval);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return RunEnd::Shutdown,
                _ = ticks.tick() => {}
            }
            let ips = farm.borrow_and_update().clone();
            self.retain(&ips);
            let report = tokio::select! {
                () = &mut shutdown => return RunEnd::Shutdown,
                report = self.poll_cycle(&ips) => report,
            };
            tokio::select! {
                () = &mut shutdown => return RunEnd::Shutdown,
                sent = reports.send(report) => {
                    if sent.is_err() {
                        return RunEnd::ReceiverGone;
                    }
                }
            }
        }
    }
}
