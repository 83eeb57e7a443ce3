//! Alert mail: one mail per site and cycle listing what opened or escalated (a whole site
//! going dark is one mail, not six thousand), in English and Chinese, to the site's owner and
//! the configured addresses. Sent in the background so ingest never waits on SMTP.

use std::fmt::Write as _;
use std::sync::Arc;

use domain::fleet::{Alert, AlertKind, Severity, alert::format_value};
use store::Store;

use crate::mail::SmtpMailer;

/// Alerts listed in one mail; the rest are counted and are on the sites page.
const LISTED: usize = 50;

pub struct Notifier {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<SmtpMailer>,
    pub mail_to: Vec<String>,
    pub public_url: Option<String>,
}

impl Notifier {
    pub fn spawn(self: Arc<Self>, site_id: i64, alert_ids: Vec<i64>) {
        tokio::spawn(async move {
            if let Err(error) = self.notify(site_id, &alert_ids).await {
                // The alerts stay unmarked: the page shows that no mail went out, and the
                // upkeep tries again.
                tracing::warn!(site_id, alerts = alert_ids.len(), %error, "alert mail not sent");
            }
        });
    }

    /// Mails the alerts and marks them sent, and says how many; on failure they stay unmarked,
    /// for [`crate::alerts::Alerting::retry_unsent_mail`]. 0 when the site has nobody to tell.
    pub async fn notify(&self, site_id: i64, alert_ids: &[i64]) -> anyhow::Result<usize> {
        let mut to = self.store.alert_recipients(site_id).await?;
        to.extend(self.mail_to.iter().cloned());
        to.sort();
        to.dedup();
        if to.is_empty() {
            tracing::info!(
                site_id,
                "alerts opened, but the site has no owner address and [alerts] mail_to is empty"
            );
            return Ok(0);
        }
        let site = self.store.get_site(site_id).await?;
        let mut alerts = Vec::with_capacity(alert_ids.len().min(LISTED));
        for id in alert_ids.iter().take(LISTED) {
            alerts.push(self.store.get_alert(*id).await?);
        }
        let link = self
            .public_url
            .as_deref()
            .map(|url| format!("{}/sites?site={site_id}", url.trim_end_matches('/')));
        let (subject, body) = mail_text(&site.name, &alerts, alert_ids.len(), link.as_deref());
        self.mailer
            .send_to(&to, &subject, &body)
            .await
            .map_err(|err| anyhow::anyhow!(err))?;
        self.store
            .mark_alerts_notified(alert_ids, domain::clock::unix_now_ms())
            .await?;
        tracing::info!(
            site_id,
            alerts = alert_ids.len(),
            recipients = to.len(),
            "alert mail sent"
        );
        Ok(alert_ids.len())
    }
}

fn labels(kind: AlertKind) -> (&'static str, &'static str) {
    match kind {
        AlertKind::Temperature => ("temperature", "温度"),
        AlertKind::Offline => ("offline", "离线"),
        AlertKind::HashrateLow => ("low hashrate", "算力偏低"),
        AlertKind::HardwareErrors => ("hardware errors", "硬件错误"),
        AlertKind::FanStopped => ("fan stopped", "风扇停转"),
        AlertKind::DeadBoards => ("dead hashboards", "算力板故障"),
    }
}

fn severity_labels(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Warning => ("warning", "警告"),
        Severity::Critical => ("CRITICAL", "严重"),
    }
}

/// Subject and body; `total` counts every alert of the cycle, `alerts` the listed ones.
pub fn mail_text(
    site: &str,
    alerts: &[Alert],
    total: usize,
    link: Option<&str>,
) -> (String, String) {
    let critical = alerts
        .iter()
        .filter(|a| a.severity == Severity::Critical)
        .count();
    let subject = format!(
        "HashInsight: {total} alert(s) at {site}{} / {site} 有 {total} 条新告警",
        if critical > 0 {
            format!(", {critical} critical")
        } else {
            String::new()
        }
    );
    let mut body = format!("{total} alert(s) need attention at {site}:\n\n");
    for alert in alerts {
        let (kind, _) = labels(alert.kind);
        let (severity, _) = severity_labels(alert.severity);
        let _ = writeln!(
            body,
            "{severity:<8} {kind:<16} {} {} {}  {} (threshold {})  since {} UTC",
            alert.miner_serial,
            alert.miner_ip,
            alert.rack,
            format_value(alert.kind, alert.value),
            format_value(alert.kind, alert.threshold),
            domain::market::format_time(alert.opened_at_ms),
        );
    }
    if total > alerts.len() {
        let _ = writeln!(body, "… and {} more.", total - alerts.len());
    }
    if let Some(link) = link {
        let _ = writeln!(body, "\nOpen the site: {link}");
    }
    let _ = write!(body, "\n\n{site} 有 {total} 条告警需要处理：\n\n");
    for alert in alerts {
        let (_, kind) = labels(alert.kind);
        let (_, severity) = severity_labels(alert.severity);
        let _ = writeln!(
            body,
            "{severity} {kind} {} {} {}  {}（阈值 {}）  开始于 {} UTC",
            alert.miner_serial,
            alert.miner_ip,
            alert.rack,
            format_value(alert.kind, alert.value),
            format_value(alert.kind, alert.threshold),
            domain::market::format_time(alert.opened_at_ms),
        );
    }
    if total > alerts.len() {
        let _ = writeln!(body, "……另有 {} 条。", total - alerts.len());
    }
    if let Some(link) = link {
        let _ = writeln!(body, "\n打开站点：{link}");
    }
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(kind: AlertKind, severity: Severity, value: f64, threshold: f64) -> Alert {
        Alert {
            alert_id: 1,
            site_id: 1,
            miner_id: 1,
            miner_serial: "SN-0001".to_owned(),
            miner_ip: "10.0.0.5".to_owned(),
            rack: "A1".to_owned(),
            kind,
            severity,
            opened_at_ms: 1_764_655_260_000,
            escalated_at_ms: None,
            resolved_at_ms: None,
            value,
            threshold,
            acknowledged_by: None,
            acknowledged_at_ms: None,
            notified_at_ms: None,
        }
    }

    #[test]
    fn one_mail_lists_the_cycle_in_both_languages() {
        let alerts = [
            alert(AlertKind::Temperature, Severity::Critical, 91.24, 85.0),
            alert(AlertKind::Offline, Severity::Critical, 420_000.0, 300_000.0),
        ];
        let (subject, body) = mail_text(
            "North",
            &alerts,
            60,
            Some("https://farm.example/sites?site=1"),
        );
        assert_eq!(
            subject,
            "HashInsight: 60 alert(s) at North, 2 critical / North 有 60 条新告警"
        );
        assert!(body.contains("CRITICAL temperature      SN-0001 10.0.0.5 A1  91.2 °C (threshold 85.0 °C)  since 2025-12-02 06:01 UTC"), "{body}");
        assert!(body.contains("7 min (threshold 5 min)"), "{body}");
        assert!(body.contains("… and 58 more."), "{body}");
        assert!(body.contains("严重 温度 SN-0001"), "{body}");
        assert!(body.contains("……另有 58 条。"), "{body}");
        assert!(
            body.contains("打开站点：https://farm.example/sites?site=1"),
            "{body}"
        );
    }
}
