//! Alerts in the running server: every ingested batch goes through the `fleet` engine of its
//! site, whose changes are stored with the engine's state in one transaction and mailed to the
//! site's owner and the configured addresses. A sweep each minute turns miners whose collector
//! went quiet into offline readings, so a dead collector raises alerts too.

mod notify;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use domain::telemetry::TelemetrySample;
use fleet::alerts::{AlertBook, AlertRules, Reading};
use serde::{Deserialize, Serialize};
use store::Store;
use store::alerts::AlertContext;

use crate::mail::SmtpMailer;

/// How often the engine state is saved when nothing opened or resolved: streaks lost in a
/// crash only delay an alert by a few readings, so there is no need to write it every cycle.
const BOOK_SAVE_EVERY_MS: i64 = 5 * 60_000;
/// How old an unsent alert mail must be before the upkeep sends it again.
pub const MAIL_RETRY_AFTER_MS: i64 = 2 * 60_000;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertSettings {
    /// Thresholds, debounce, resolve and cooldown (defaults: reference §8.4).
    pub rules: AlertRules,
    /// Addresses that get every site's alert mails, besides each site's owner.
    pub mail_to: Vec<String>,
    /// The address of the web UI in mails (`https://farm.example.com`); defaults to
    /// `[auth] public_url`.
    pub public_url: Option<String>,
}

/// One site's engine state and when it was last saved.
struct SiteBook {
    book: AlertBook,
    /// The recorded version this state started from (0: none recorded).
    version: i64,
    saved_at_ms: i64,
}

/// The engine of every site, shared by the ingest handler and the sweep.
pub struct Alerting {
    store: Arc<dyn Store>,
    rules: AlertRules,
    /// One lock per site, so two sites' batches are processed side by side and one site's are
    /// processed in order. `None` until the site's book is loaded.
    sites: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<Option<SiteBook>>>>>,
    notifier: Option<Arc<notify::Notifier>>,
    /// Told when a site's alerts moved, so open pages show it at once.
    live: crate::live::LiveHub,
}

impl Alerting {
    /// `rules` must have passed [`AlertRules::validate`].
    pub fn new(
        store: Arc<dyn Store>,
        settings: &AlertSettings,
        mailer: Option<Arc<SmtpMailer>>,
        public_url: Option<String>,
        live: crate::live::LiveHub,
    ) -> Self {
        let notifier = mailer.map(|mailer| {
            Arc::new(notify::Notifier {
                store: store.clone(),
                mailer,
                mail_to: settings.mail_to.clone(),
                public_url: settings.public_url.clone().or(public_url),
            })
        });
        Self {
            store,
            rules: settings.rules,
            sites: Mutex::new(HashMap::new()),
            notifier,
            live,
        }
    }

    /// Runs a stored batch of the site through its engine. Failures are the caller's to log:
    /// the samples are stored either way, and the engine reloads its last saved state.
    /// The temperature thresholds every page counts hot and critical miners with.
    pub fn temperature_limits(&self) -> domain::fleet::TemperatureLimits {
        self.rules.temperature_limits()
    }

    pub async fn observe_samples(
        &self,
        site_id: i64,
        samples: &[TelemetrySample],
        now_ms: i64,
    ) -> anyhow::Result<()> {
        if samples.is_empty() {
            return Ok(());
        }
        let context: HashMap<i64, AlertContext> = self
            .store
            .alert_context(site_id)
            .await?
            .into_iter()
            .map(|c| (c.miner_id, c))
            .collect();
        let mut ordered: Vec<&TelemetrySample> = samples
            .iter()
            .filter(|s| context.contains_key(&s.miner_id))
            .collect();
        // A buffered batch may mix times; the engine wants each miner's readings in order.
        ordered.sort_by_key(|s| (s.taken_at_ms, s.miner_id));
        let readings: Vec<Reading> = ordered
            .into_iter()
            .map(|s| reading_of(s, &context[&s.miner_id]))
            .collect();
        self.observe(site_id, &readings, now_ms).await
    }

    /// Sends again the mail of open alerts whose first attempt failed (SMTP down, a refused
    /// message), one mail per site; returns how many alerts went out. Only alerts older than
    /// [`MAIL_RETRY_AFTER_MS`], so a first attempt still under way is not doubled.
    pub async fn retry_unsent_mail(&self, now_ms: i64) -> anyhow::Result<usize> {
        let Some(notifier) = &self.notifier else {
            return Ok(0);
        };
        let unsent = self
            .store
            .unnotified_alerts(now_ms - MAIL_RETRY_AFTER_MS)
            .await?;
        let mut by_site = std::collections::BTreeMap::<i64, Vec<i64>>::new();
        for (site_id, alert_id) in unsent {
            by_site.entry(site_id).or_default().push(alert_id);
        }
        let mut sent = 0;
        for (site_id, alert_ids) in by_site {
            // A site whose mail fails again is retried next round; the others still go.
            match notifier.notify(site_id, &alert_ids).await {
                Ok(mailed) => sent += mailed,
                Err(error) => tracing::warn!(site_id, %error, "alert mail not sent again"),
            }
        }
        Ok(sent)
    }

    /// Offline readings, at `now_ms`, for miners polled before but silent for the offline time.
    pub async fn sweep_silent(&self, now_ms: i64) -> anyhow::Result<usize> {
        let silent = self
            .store
            .silent_miners(now_ms - self.rules.offline_after_ms)
            .await?;
        let mut by_site: HashMap<i64, Vec<Reading>> = HashMap::new();
        for miner in &silent {
            by_site.entry(miner.site_id).or_default().push(Reading {
                last_seen_ms: miner.last_seen_ms,
                ..offline_reading(miner.miner_id, now_ms)
            });
        }
        for (site_id, readings) in by_site {
            self.observe(site_id, &readings, now_ms).await?;
        }
        Ok(silent.len())
    }

    async fn observe(&self, site_id: i64, readings: &[Reading], now_ms: i64) -> anyhow::Result<()> {
        let lock = self
            .sites
            .lock()
            .expect("the site map is never poisoned: nothing panics under it")
            .entry(site_id)
            .or_default()
            .clone();
        let mut slot = lock.lock().await;
        // Another server (or an earlier run) may have moved the state on: start from the
        // newest, and once more if it moves again before this cycle is recorded.
        for attempt in 0..2 {
            let stored = self.store.alert_book_version(site_id).await?;
            if slot.as_ref().is_none_or(|site| site.version != stored) {
                *slot = Some(self.load(site_id).await?);
            }
            let site = slot.as_mut().expect("loaded above");
            let mut events = Vec::new();
            for reading in readings {
                site.book.observe_into(&self.rules, reading, &mut events);
            }
            if events.is_empty() && now_ms - site.saved_at_ms < BOOK_SAVE_EVERY_MS {
                return Ok(());
            }
            let changes = events;
            let book = serde_json::to_string(&site.book)?;
            match self
                .store
                .record_alert_changes(site_id, &changes, &book, site.version, now_ms)
                .await
            {
                Ok((notify, version)) => {
                    site.version = version;
                    site.saved_at_ms = now_ms;
                    if !changes.is_empty() {
                        self.live
                            .publish(site_id, crate::live::Change::Alerts, now_ms);
                    }
                    if let Some(notifier) = &self.notifier
                        && !notify.is_empty()
                    {
                        notifier.clone().spawn(site_id, notify);
                    }
                    return Ok(());
                }
                Err(store::StoreError::Conflict { .. }) if attempt == 0 => *slot = None,
                Err(error) => {
                    // The stored rows are the truth: start again from the last recorded state.
                    *slot = None;
                    return Err(error.into());
                }
            }
        }
        Ok(())
    }

    async fn load(&self, site_id: i64) -> anyhow::Result<SiteBook> {
        let (book, version) = match self.store.load_alert_book(site_id).await? {
            Some((json, version)) => {
                let book = serde_json::from_str(&json).unwrap_or_else(|error| {
                    tracing::warn!(site_id, %error, "alert state unreadable; starting afresh");
                    AlertBook::new()
                });
                (book, version)
            }
            None => (AlertBook::new(), 0),
        };
        Ok(SiteBook {
            book,
            version,
            saved_at_ms: i64::MIN / 2,
        })
    }
}

fn reading_of(sample: &TelemetrySample, context: &AlertContext) -> Reading {
    Reading {
        miner_id: sample.miner_id,
        at_ms: sample.taken_at_ms,
        online: sample.online,
        is_mining: sample.is_mining,
        hashrate_hs: sample.hashrate_hs,
        // Firmware that does not say what it expects is held to its model's nominal rate.
        expected_hashrate_hs: sample.expected_hashrate_hs.or(context.nominal_hashrate_hs),
        temp_max_c: sample.temp_max_c,
        fan_min_rpm: sample.fan_min_rpm,
        boards_total: sample.boards_total.map(u32::from),
        boards_active: sample.boards_active.map(u32::from),
        hardware_errors: sample.hardware_errors,
        last_seen_ms: if sample.online {
            Some(sample.taken_at_ms)
        } else {
            context.last_seen_ms
        },
    }
}

fn offline_reading(miner_id: i64, at_ms: i64) -> Reading {
    Reading {
        miner_id,
        at_ms,
        online: false,
        is_mining: false,
        hashrate_hs: None,
        expected_hashrate_hs: None,
        temp_max_c: None,
        fan_min_rpm: None,
        boards_total: None,
        boards_active: None,
        hardware_errors: None,
        last_seen_ms: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_falls_back_on_the_model_and_the_last_answer() {
        let context = AlertContext {
            miner_id: 7,
            last_seen_ms: Some(1_000),
            nominal_hashrate_hs: Some(200e12),
        };
        let offline = reading_of(&TelemetrySample::offline(7, 400_000), &context);
        assert_eq!(offline.last_seen_ms, Some(1_000));
        assert_eq!(offline.expected_hashrate_hs, Some(200e12));
        let online = TelemetrySample {
            miner_id: 7,
            taken_at_ms: 500_000,
            online: true,
            expected_hashrate_hs: Some(190e12),
            ..TelemetrySample::default()
        };
        let reading = reading_of(&online, &context);
        assert_eq!(reading.last_seen_ms, Some(500_000));
        assert_eq!(reading.expected_hashrate_hs, Some(190e12));
    }
}
