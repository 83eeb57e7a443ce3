//! One miner at `/sites/miners/:miner_id?range=24h`: its inventory record, the newest reading
//! in full (pool, fans, boards, shares, firmware), hashrate, temperature and power over the
//! last hour to the last 30 days, and its alerts. Clients reach their own miners only.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Script;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::access::{Access, Module};
use crate::api::fleet::{MinerOverview, miner_detail};
use crate::chart_options;
use crate::components::echart::{ECHARTS_SCRIPT, EChart};
use crate::components::error_view::Refusal;
use crate::components::live::live_tick;
use crate::components::page_title::PageTitle;
use crate::components::session::{RequireAccess, use_viewer};
use crate::error::AppError;
use crate::fleet::{Alert, AlertList};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::market::format_time;
use crate::routes::sites::alerts::{kind_text, severity_text};
use crate::routes::sites::hashrate_text;
use crate::routes::sites::miner_form::{MinerEdit, MinerEditor};
use crate::telemetry::{ChartRange, HistoryPoint, LiveReading};

lazy_page!(MinerRoute, MinerPage);

const HASHRATE_COLOR: &str = "#2563eb";
const TEMP_COLOR: &str = "#dc2626";
const POWER_COLOR: &str = "#7c3aed";

#[component]
pub fn MinerPage() -> impl IntoView {
    view! {
        <PageTitle text=|i18n| t_string!(i18n, miner_title) />
        <Script src=ECHARTS_SCRIPT defer="defer" />
        <RequireAccess module=Module::StatusMonitor need=Access::Read>
            <Detail />
        </RequireAccess>
    }
}

#[component]
fn Detail() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let tick = live_tick();
    let edit = MinerEdit::new();
    let viewer = use_viewer().0;
    let may_edit = move || {
        viewer
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|v| v.may(Module::SiteManagement, Access::Full))
    };
    // A removed miner has no page left: back to its site's table.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(edit.delete.value().get(), Some(Ok(()))) {
            let site = edit.site.get_untracked().unwrap_or_default();
            navigate(&format!("/sites?site={site}"), NavigateOptions::default());
        }
    });
    // The page holds still while the miner is being edited, so the form is not redrawn
    // under the cursor.
    let shown_tick = Memo::new(move |previous: Option<&u32>| {
        if edit.site.with(Option::is_none) {
            tick.get()
        } else {
            previous.copied().unwrap_or_default()
        }
    });
    let detail = Resource::new(
        move || {
            let id = params
                .read()
                .get("miner_id")
                .and_then(|s| s.parse::<i64>().ok());
            let range = query
                .read()
                .get("range")
                .and_then(|r| ChartRange::from_code(&r))
                .unwrap_or_default();
            (id, range, shown_tick.get(), edit.save.version().get())
        },
        |(id, range, ..)| async move {
            match id {
                Some(id) => miner_detail(id, range).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, sites_loading)}</p> }>
            {move || {
                detail
                    .get()
                    .map(|found| match found {
                        Ok(detail) => {
                            let edit = may_edit().then_some(edit);
                            view! { <MinerView detail edit /> }.into_any()
                        }
                        Err(error) => view! { <Refusal error /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn MinerView(detail: MinerOverview, edit: Option<MinerEdit>) -> impl IntoView {
    let i18n = use_i18n();
    let MinerOverview {
        miner,
        site_name,
        live,
        online,
        range,
        points,
        alerts,
        ..
    } = detail;
    let back = format!(
        "/sites?site={}&q={}",
        miner.site_id,
        crate::scenario::percent_encode(&miner.serial)
    );
    let miner_id = miner.miner_id;
    let site = site_name;
    let none = move || t_string!(i18n, out_none).to_owned();
    view! {
        <h1 id="miner-serial">{miner.serial.clone()}</h1>
        <p class="muted">
            <a href=back id="miner-back">{t!(i18n, miner_back, site)}</a>
        </p>
        <section class="card" id="miner-record" aria-labelledby="miner-record-title">
            <h2 id="miner-record-title" class="visually-hidden">{t!(i18n, miner_title)}</h2>
            <dl class="figures">
                <div><dt>{t!(i18n, sites_col_model)}</dt><dd>{miner.model_name.clone()}</dd></div>
                <div><dt>{t!(i18n, sites_col_ip)}</dt><dd id="miner-ip">{miner.ip.clone()}</dd></div>
                <div><dt>{t!(i18n, miner_mac)}</dt><dd>{miner.mac.clone().unwrap_or_else(none)}</dd></div>
                <div><dt>{t!(i18n, sites_col_rack)}</dt><dd>{miner.rack.clone()}</dd></div>
            </dl>
            {edit.map(|edit| view! { <EditMiner miner=miner.clone() edit /> })}
        </section>
        <LiveCard live online />
        <nav class="range-picker" aria-label=move || t_string!(i18n, miner_range) id="miner-range">
            {ChartRange::ALL
                .into_iter()
                .map(|r| {
                    let href = format!("/sites/miners/{miner_id}?range={}", r.code());
                    let current = (r == range).then_some("page");
                    view! { <a href=href aria-current=current data-range=r.code()>{r.code()}</a> }
                })
                .collect_view()}
        </nav>
        <Charts points />
        <MinerAlerts alerts />
    }
}

/// "Edit" for those who may change the site, and the form once it is pressed.
#[component]
fn EditMiner(miner: crate::fleet::Miner, edit: MinerEdit) -> impl IntoView {
    let i18n = use_i18n();
    let open = move || edit.site.with(Option::is_some);
    let saved = move || !open() && matches!(edit.save.value().get(), Some(Ok(_)));
    view! {
        <Show
            when=open
            fallback=move || {
                let miner = miner.clone();
                view! {
                    <p>
                        <button type="button" class="button" id="miner-edit-open" on:click=move |_| edit.open_edit(&miner)>
                            {t!(i18n, miner_form_edit)}
                        </button>
                        <Show when=saved>
                            " "
                            <span class="muted" role="status" id="miner-updated">{t!(i18n, site_setup_saved)}</span>
                        </Show>
                    </p>
                }
            }
        >
            <MinerEditor edit />
        </Show>
    }
}

/// The newest reading in full; `None` for a miner never polled.
#[component]
fn LiveCard(live: Option<LiveReading>, online: bool) -> impl IntoView {
    let i18n = use_i18n();
    let none = move || t_string!(i18n, out_none).to_owned();
    let Some(LiveReading {
        sample,
        last_seen_ms,
    }) = live
    else {
        return view! { <p class="notice" id="miner-never">{t!(i18n, miner_never_polled)}</p> }
            .into_any();
    };
    let state = move || {
        if online {
            t_string!(i18n, sites_online)
        } else {
            t_string!(i18n, sites_offline)
        }
    };
    let hashrate = match (sample.hashrate_hs, sample.expected_hashrate_hs) {
        (Some(h), Some(e)) if e > 0.0 => format!(
            "{} / {} ({:.0} %)",
            hashrate_text(h),
            hashrate_text(e),
            h / e * 100.0
        ),
        (Some(h), _) => hashrate_text(h),
        _ => none(),
    };
    let power = sample.power_w.map_or_else(none, |w| format!("{w:.0} W"));
    // The same mark, with the same explanation, as in the site's miner table.
    let estimated = sample.power_estimated.then(|| {
        view! { <abbr title=move || t_string!(i18n, sites_estimated)>" ≈"</abbr> }
    });
    let temps = match (sample.temp_max_c, sample.temp_avg_c) {
        (Some(max), Some(avg)) => format!("{max:.0} °C ({avg:.0} °C)"),
        (Some(max), None) => format!("{max:.0} °C"),
        _ => none(),
    };
    let fans = match (sample.fan_min_rpm, sample.fan_max_rpm) {
        (Some(min), Some(max)) => format!("{min}–{max} rpm"),
        (Some(min), None) => format!("{min} rpm"),
        _ => none(),
    };
    let boards = match (sample.boards_active, sample.boards_total) {
        (Some(active), Some(total)) => format!("{active} / {total}"),
        _ => none(),
    };
    let pool = sample
        .pool_url
        .clone()
        .map_or_else(none, |url| match &sample.pool_user {
            Some(user) => format!("{url} · {user}"),
            None => url,
        });
    let shares = match (sample.accepted_shares, sample.rejected_shares) {
        (Some(a), Some(r)) => format!("{a} / {r}"),
        (Some(a), None) => a.to_string(),
        _ => none(),
    };
    let uptime = sample
        .uptime_s
        .map_or_else(none, |uptime_s| uptime_text(i18n, uptime_s));
    view! {
        <section class="card" id="miner-live" aria-labelledby="miner-live-title">
            <h2 id="miner-live-title">{t!(i18n, miner_live)}</h2>
            <dl class="figures">
                <div><dt>{t!(i18n, sites_col_state)}</dt><dd id="miner-state">{state}</dd></div>
                <div><dt>{t!(i18n, sites_col_hashrate)}</dt><dd id="miner-hashrate">{hashrate}</dd></div>
                <div><dt>{t!(i18n, sites_col_power)}</dt><dd id="miner-power">{power}{estimated}</dd></div>
                <div><dt>{t!(i18n, sites_col_temp)}</dt><dd id="miner-temp">{temps}</dd></div>
                <div><dt>{t!(i18n, miner_fans)}</dt><dd>{fans}</dd></div>
                <div><dt>{t!(i18n, miner_boards)}</dt><dd id="miner-boards">{boards}</dd></div>
                <div><dt>{t!(i18n, miner_pool)}</dt><dd class="wrap">{pool}</dd></div>
                <div><dt>{t!(i18n, miner_shares)}</dt><dd>{shares}</dd></div>
                <div><dt>{t!(i18n, miner_hw_errors)}</dt><dd>{sample.hardware_errors.map_or_else(none, |e| e.to_string())}</dd></div>
                <div><dt>{t!(i18n, miner_uptime)}</dt><dd>{uptime}</dd></div>
                <div><dt>{t!(i18n, miner_firmware)}</dt><dd>{sample.firmware_version.clone().unwrap_or_else(none)}</dd></div>
                <div><dt>{t!(i18n, sites_col_last_seen)}</dt><dd>{last_seen_ms.map_or_else(none, format_time)}</dd></div>
            </dl>
            {sample.message.clone().map(|m| view! { <p class="muted" id="miner-message">{t!(i18n, miner_message)} ": " {m}</p> })}
        </section>
    }
    .into_any()
}

/// An uptime in its two largest units.
#[derive(Debug, PartialEq, Eq)]
enum Uptime {
    Days { days: u64, hours: u64 },
    Hours { hours: u64, minutes: u64 },
    Minutes(u64),
}

impl Uptime {
    fn of(uptime_s: u64) -> Self {
        let (days, hours, minutes) = (
            uptime_s / 86_400,
            uptime_s % 86_400 / 3_600,
            uptime_s % 3_600 / 60,
        );
        if days > 0 {
            Self::Days { days, hours }
        } else if hours > 0 {
            Self::Hours { hours, minutes }
        } else {
            Self::Minutes(minutes)
        }
    }
}

/// "3 d 4 h", "5 h 12 min", "7 min", in the reader's language.
fn uptime_text(i18n: I18nContext<Locale>, uptime_s: u64) -> String {
    match Uptime::of(uptime_s) {
        Uptime::Days { days, hours } => t_string!(i18n, miner_uptime_days, days, hours).to_string(),
        Uptime::Hours { hours, minutes } => {
            t_string!(i18n, miner_uptime_hours, hours, minutes).to_string()
        }
        Uptime::Minutes(minutes) => t_string!(i18n, miner_uptime_minutes, minutes).to_string(),
    }
}

/// Hashrate, hottest sensor and power of the chosen range, each as an ECharts line over an
/// SVG of the same points (what shows without JavaScript).
#[component]
fn Charts(points: Vec<HistoryPoint>) -> impl IntoView {
    let i18n = use_i18n();
    if points.len() < 2 {
        return view! { <p class="muted" id="miner-no-points">{t!(i18n, miner_no_points)}</p> }
            .into_any();
    }
    let times: Vec<i64> = points.iter().map(|p| p.at_ms).collect();
    let hashrate: Vec<Option<f64>> = points
        .iter()
        .map(|p| (p.online_ratio > 0.0).then_some(p.hashrate_hs / 1e12))
        .collect();
    let temps: Vec<Option<f64>> = points.iter().map(|p| p.temp_max_c).collect();
    let power: Vec<Option<f64>> = points.iter().map(|p| p.power_w).collect();
    let series = [
        (
            "miner-chart-hashrate",
            "echart-miner-hashrate",
            hashrate,
            "TH/s",
            HASHRATE_COLOR,
            0,
        ),
        (
            "miner-chart-temp",
            "echart-miner-temp",
            temps,
            "°C",
            TEMP_COLOR,
            1,
        ),
        (
            "miner-chart-power",
            "echart-miner-power",
            power,
            "W",
            POWER_COLOR,
            2,
        ),
    ];
    let figures = series
        .into_iter()
        .map(|(id, canvas, values, unit, color, which)| {
            let caption = move || match which {
                0 => t_string!(i18n, miner_chart_hashrate),
                1 => t_string!(i18n, miner_chart_temp),
                _ => t_string!(i18n, miner_chart_power),
            };
            let fallback = polyline(&values, 300.0, 80.0);
            let range = value_range(&values, unit);
            let times = times.clone();
            let chart = Signal::derive(move || {
                chart_options::miner_series(&times, &values, caption(), unit, color)
            });
            view! {
                <figure id=id>
                    <figcaption>{caption} " · " {range}</figcaption>
                    <EChart id=canvas chart>
                        <svg viewBox="0 0 300 80" class="sparkline" role="img" preserveAspectRatio="none"
                            aria-label=caption>
                            <polyline points=fallback fill="none" stroke=color stroke-width="1.5" />
                        </svg>
                    </EChart>
                </figure>
            }
        })
        .collect_view();
    view! { <section class="card charts" id="miner-charts">{figures}</section> }.into_any()
}

/// "61.2 – 64.0 TH/s" over the values present.
fn value_range(values: &[Option<f64>], unit: &str) -> String {
    let present = values.iter().flatten().copied();
    let (low, high) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if low > high {
        return String::new();
    }
    format!("{low:.1} – {high:.1} {unit}")
}

/// SVG polyline points of `values` in a `width` × `height` box, evenly spaced, lowest at the
/// bottom; missing values are skipped.
fn polyline(values: &[Option<f64>], width: f64, height: f64) -> String {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let low = present.iter().copied().fold(f64::INFINITY, f64::min);
    let high = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    #[allow(clippy::cast_precision_loss)] // at most a few thousand points
    let step = width / (values.len().max(2) - 1) as f64;
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let v = (*v)?;
            let y = if high > low {
                height - (v - low) / (high - low) * height
            } else {
                height / 2.0
            };
            #[allow(clippy::cast_precision_loss)]
            let x = i as f64 * step;
            Some(format!("{x:.1},{y:.1}"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The miner's alerts, open first, then the latest resolved.
#[component]
fn MinerAlerts(alerts: AlertList) -> impl IntoView {
    let i18n = use_i18n();
    let body = if alerts.alerts.is_empty() {
        view! { <p class="muted" id="miner-alerts-none">{t!(i18n, miner_alerts_none)}</p> }
            .into_any()
    } else {
        let rows = alerts
            .alerts
            .into_iter()
            .map(|alert| view! { <MinerAlertRow alert /> })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="data-table" id="miner-alerts-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, alerts_col_severity)}</th>
                            <th scope="col">{t!(i18n, alerts_col_alert)}</th>
                            <th scope="col">{t!(i18n, alerts_col_since)}</th>
                            <th scope="col">{t!(i18n, miner_alert_until)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card" id="miner-alerts" aria-labelledby="miner-alerts-title">
            <h2 id="miner-alerts-title">{t!(i18n, miner_alerts)}</h2>
            {body}
        </section>
    }
}

#[component]
fn MinerAlertRow(alert: Alert) -> impl IntoView {
    let i18n = use_i18n();
    let (kind, severity) = (alert.kind, alert.severity);
    let until = alert.resolved_at_ms.map(format_time);
    view! {
        <tr data-kind=kind.code() data-open=alert.is_open().then_some("1")>
            <td>{move || severity_text(i18n, severity)}</td>
            <td>{move || kind_text(i18n, kind)}</td>
            <td>{format_time(alert.opened_at_ms)}</td>
            <td>{until.unwrap_or_else(|| t_string!(i18n, miner_alert_open).to_owned())}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_reads_in_the_largest_units() {
        assert_eq!(
            Uptime::of(3 * 86_400 + 4 * 3_600 + 59),
            Uptime::Days { days: 3, hours: 4 }
        );
        assert_eq!(
            Uptime::of(5 * 3_600 + 12 * 60),
            Uptime::Hours {
                hours: 5,
                minutes: 12
            }
        );
        assert_eq!(Uptime::of(420), Uptime::Minutes(7));
    }

    #[test]
    fn the_fallback_line_skips_gaps_and_spans_the_box() {
        let line = polyline(&[Some(1.0), None, Some(3.0)], 300.0, 80.0);
        assert_eq!(line, "0.0,80.0 300.0,0.0");
        assert_eq!(
            value_range(&[Some(61.24), None, Some(64.0)], "TH/s"),
            "61.2 – 64.0 TH/s"
        );
        assert_eq!(value_range(&[None], "W"), "");
    }

    #[test]
    fn every_range_round_trips_through_its_address_name() {
        for range in ChartRange::ALL {
            assert_eq!(ChartRange::from_code(range.code()), Some(range));
        }
        assert_eq!(ChartRange::from_code("2y"), None);
    }
}
