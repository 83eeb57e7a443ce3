//! The open alerts of the sites page: most urgent first, with who acknowledged each and
//! whether its mail went out; staff acknowledge from here (a plain form, so it works before
//! the WASM has loaded).

use leptos::prelude::*;

use crate::api::alerts::AcknowledgeAlert;
use crate::components::error_view::Refusal;
use crate::error::AppError;
use crate::fleet::alert::format_value;
use crate::fleet::{Alert, AlertKind, AlertList, Severity};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::market::format_time;
use leptos_i18n::I18nContext;

pub fn kind_text(i18n: I18nContext<Locale>, kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::Temperature => t_string!(i18n, alert_kind_temperature),
        AlertKind::Offline => t_string!(i18n, alert_kind_offline),
        AlertKind::HashrateLow => t_string!(i18n, alert_kind_hashrate_low),
        AlertKind::HardwareErrors => t_string!(i18n, alert_kind_hardware_errors),
        AlertKind::FanStopped => t_string!(i18n, alert_kind_fan_stopped),
        AlertKind::DeadBoards => t_string!(i18n, alert_kind_dead_boards),
    }
}

pub fn severity_text(i18n: I18nContext<Locale>, severity: Severity) -> &'static str {
    match severity {
        Severity::Warning => t_string!(i18n, alert_warning),
        Severity::Critical => t_string!(i18n, alert_critical),
    }
}

/// "91.2 °C · 85.0 °C": the reading and the threshold it crossed; boards as "2 / 3".
fn reading_text(alert: &Alert) -> String {
    if alert.kind == AlertKind::DeadBoards {
        return format!("{:.0} / {:.0}", alert.value, alert.threshold);
    }
    format!(
        "{} · {}",
        format_value(alert.kind, alert.value),
        format_value(alert.kind, alert.threshold)
    )
}

/// The card: `ack` is the action for callers who may acknowledge, `None` for the others.
#[component]
pub fn AlertsCard(
    found: Result<AlertList, AppError>,
    ack: Option<ServerAction<AcknowledgeAlert>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let body = match found {
        Err(error) => view! { <Refusal error /> }.into_any(),
        Ok(list) if list.alerts.is_empty() => {
            view! { <p class="muted" id="alerts-none">{t!(i18n, alerts_none)}</p> }.into_any()
        }
        Ok(list) => {
            let count = list.total;
            let shown = list.alerts.len();
            let more = (u64::try_from(shown).unwrap_or(u64::MAX) < count)
                .then(|| view! { <p class="muted small">{t!(i18n, alerts_shown, shown)}</p> });
            let rows = list
                .alerts
                .into_iter()
                .map(|alert| view! { <AlertRow alert ack /> })
                .collect_view();
            view! {
                <p id="alerts-total">{t!(i18n, alerts_total, count)}</p>
                {more}
                <div class="table-scroll">
                    <table class="data-table" id="alerts-table">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, alerts_col_severity)}</th>
                                <th scope="col">{t!(i18n, alerts_col_alert)}</th>
                                <th scope="col">{t!(i18n, alerts_col_miner)}</th>
                                <th scope="col">{t!(i18n, alerts_col_reading)}</th>
                                <th scope="col">{t!(i18n, alerts_col_since)}</th>
                                <th scope="col">{t!(i18n, alerts_col_handling)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    let error = Signal::derive(move || ack.and_then(|a| a.value().get().and_then(Result::err)));
    view! {
        <section class="card" id="alerts" aria-labelledby="alerts-title">
            <h2 id="alerts-title">{t!(i18n, alerts_title)}</h2>
            <crate::components::error_view::FormError error />
            {body}
        </section>
    }
}

#[component]
fn AlertRow(alert: Alert, ack: Option<ServerAction<AcknowledgeAlert>>) -> impl IntoView {
    let i18n = use_i18n();
    let severity_class = match alert.severity {
        Severity::Warning => "badge warning",
        Severity::Critical => "badge critical",
    };
    let severity = alert.severity;
    let kind = alert.kind;
    let reading = reading_text(&alert);
    let since = format_time(alert.escalated_at_ms.unwrap_or(alert.opened_at_ms));
    let handling = match (&alert.acknowledged_by, alert.acknowledged_at_ms) {
        (Some(who), Some(at)) => {
            let who = who.clone();
            let at = format_time(at);
            view! { <span class="muted" data-acked="1">{t!(i18n, alerts_acked_by, who, at)}</span> }
                .into_any()
        }
        (None, Some(at)) => {
            let at = format_time(at);
            view! { <span class="muted" data-acked="1">{t!(i18n, alerts_acked_at, at)}</span> }
                .into_any()
        }
        _ => match ack {
            Some(action) => {
                let id = alert.alert_id.to_string();
                view! {
                    <ActionForm action attr:class="inline-form">
                        <input type="hidden" name="alert_id" value=id />
                        <button type="submit" class="link-button" data-action="acknowledge">
                            {t!(i18n, alerts_acknowledge)}
                        </button>
                    </ActionForm>
                }
                .into_any()
            }
            None => ().into_any(),
        },
    };
    let mailed = alert.notified_at_ms.map(|at| {
        let at = format_time(at);
        view! { <small class="muted" data-mailed="1">{t!(i18n, alerts_mailed, at)}</small> }
    });
    let miner = format!("{} · {}", alert.miner_serial, alert.miner_ip);
    let rack = (!alert.rack.is_empty())
        .then(|| view! { <small class="muted">{alert.rack.clone()}</small> });
    view! {
        <tr data-alert=alert.alert_id.to_string() data-kind=kind.code()>
            <td><span class=severity_class>{move || severity_text(i18n, severity)}</span></td>
            <td>{move || kind_text(i18n, kind)}</td>
            <td>{miner} " " {rack}</td>
            <td class="num">{reading}</td>
            <td>{since}</td>
            <td>{handling} " " {mailed}</td>
        </tr>
    }
}
