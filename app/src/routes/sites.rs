//! The hosting fleet at `/sites`: every site the caller may see with its live figures, the
//! chosen site's temperatures and last 24 hours, and its miner table, paged, sorted and
//! filtered by the server. Clients see their own miners only. Everything the table shows is
//! in the address (`?site=&q=&online=&sort=&desc=&page=`), so a link reproduces it and the
//! page works without JavaScript; with it, the figures refresh as soon as the server says they changed (`components::live`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use mining::units::Hashrate;

use crate::access::{Access, Module};
use crate::api::alerts::{AcknowledgeAlert, AlertFilter, list_alerts};
use crate::api::fleet::{MinerFilter, SiteSummary, list_site_miners, list_sites, my_fleet_totals};
use crate::components::error_view::Refusal;
use crate::components::live::live_tick;
use crate::components::market_origin::origin_text;
use crate::components::page_title::PageTitle;
use crate::components::session::{RequireAccess, use_viewer};
use crate::error::AppError;
use crate::fleet::{
    AlertList, CustomerTotals, MinerPage, MinerRow, MinerSort, OpenAlertCounts, Severity,
    TemperatureLimits,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::market::format_time;
use crate::telemetry::{SiteOverview, SitePoint, TEMP_BUCKET_C};

pub(crate) mod alerts;
mod inventory;
pub(crate) mod miner_form;
mod review;

lazy_page!(SitesRoute, SitesPage);

#[component]
pub fn SitesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=|i18n| t_string!(i18n, sites_title) />
        <h1>{t!(i18n, sites_title)}</h1>
        <SetupLink />
        <RequireAccess module=Module::StatusMonitor need=Access::Read>
            <Fleet />
        </RequireAccess>
    }
}

/// "Set up sites" for those who may change them.
#[component]
fn SetupLink() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer().0;
    view! {
        <Suspense fallback=|| ()>
            {move || {
                viewer
                    .get()
                    .and_then(Result::ok)
                    .flatten()
                    .filter(|v| v.may(Module::SiteManagement, Access::Full))
                    .map(|_| view! {
                        <p><a href="/sites/setup" class="button" id="sites-setup">{t!(i18n, sites_setup)}</a></p>
                    })
            }}
        </Suspense>
    }
}

/// Staff and site owners get the sites and a site's table; clients their own miners.
#[component]
fn Fleet() -> impl IntoView {
    let viewer = use_viewer().0;
    let tick = live_tick();
    move || {
        viewer.get().map(|found| {
            let sees_sites = found
                .ok()
                .flatten()
                .is_some_and(|v| v.may(Module::SiteManagement, Access::Read));
            if sees_sites {
                view! { <Sites tick /> }.into_any()
            } else {
                view! { <ClientMiners tick /> }.into_any()
            }
        })
    }
}

/// The table's state as the address gives it.
fn filter_from_query(query: &leptos_router::params::ParamsMap) -> MinerFilter {
    filter_from(|key| query.get(key))
}

/// The table's state from the address's parameters, read by `get` (decoded); anything
/// missing or unreadable takes its default.
fn filter_from(get: impl Fn(&str) -> Option<String>) -> MinerFilter {
    MinerFilter {
        site_id: get("site").and_then(|s| s.parse().ok()),
        search: get("q").unwrap_or_default(),
        online: match get("online").as_deref() {
            Some("1") => Some(true),
            Some("0") => Some(false),
            _ => None,
        },
        approval: get("approval").and_then(|a| crate::fleet::Approval::parse(&a)),
        sort: get("sort")
            .and_then(|s| sort_from_str(&s))
            .unwrap_or_default(),
        descending: get("desc").as_deref() == Some("1"),
        page: get("page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1),
    }
}

const SORTS: [(MinerSort, &str); 10] = [
    (MinerSort::Serial, "serial"),
    (MinerSort::Ip, "ip"),
    (MinerSort::Rack, "rack"),
    (MinerSort::Model, "model"),
    (MinerSort::Customer, "customer"),
    (MinerSort::Status, "status"),
    (MinerSort::Hashrate, "hashrate"),
    (MinerSort::TempMax, "temp"),
    (MinerSort::Power, "power"),
    (MinerSort::LastSeen, "last_seen"),
];

fn sort_from_str(s: &str) -> Option<MinerSort> {
    SORTS
        .iter()
        .find(|(_, name)| *name == s)
        .map(|(sort, _)| *sort)
}

fn sort_name(sort: MinerSort) -> &'static str {
    SORTS
        .iter()
        .find(|(s, _)| *s == sort)
        .map_or("serial", |(_, name)| name)
}

/// The address of the table in state `filter`.
fn sites_href(filter: &MinerFilter) -> String {
    use std::fmt::Write as _;
    let mut href = String::from("/sites?");
    // Writing to a String cannot fail.
    if let Some(site_id) = filter.site_id {
        let _ = write!(href, "site={site_id}&");
    }
    if !filter.search.is_empty() {
        let _ = write!(
            href,
            "q={}&",
            crate::scenario::percent_encode(&filter.search)
        );
    }
    if let Some(online) = filter.online {
        href.push_str(if online { "online=1&" } else { "online=0&" });
    }
    if let Some(approval) = filter.approval {
        let _ = write!(href, "approval={}&", approval.as_str());
    }
    let _ = write!(
        href,
        "sort={}&desc={}&page={}",
        sort_name(filter.sort),
        u8::from(filter.descending),
        filter.page
    );
    href
}

/// "1.23 PH/s", in the largest unit that keeps the number at least 1.
/// A temperature limit as the overview names it: "75", "82.5".
fn limits_text(limit_c: f64) -> String {
    let text = format!("{limit_c:.1}");
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

pub(crate) fn hashrate_text(hashrate_hs: f64) -> String {
    let hashrate = Hashrate { hashrate_hs };
    let unit = hashrate.best_unit();
    format!("{:.2} {}", hashrate.in_unit(unit), unit.symbol())
}

/// "845.3 kW" or "12.40 MW".
pub(crate) fn power_text(power_w: f64) -> String {
    if power_w >= 1e6 {
        format!("{:.2} MW", power_w / 1e6)
    } else {
        format!("{:.1} kW", power_w / 1e3)
    }
}

/// The chosen site's part of the staff view: the filter that asked, its table page and its
/// open alerts.
type ChosenSite = (
    MinerFilter,
    Result<MinerPage, AppError>,
    Result<AlertList, AppError>,
);

/// What the staff view shows: the sites, and the chosen site (`None` without any site).
type SitesView = (Result<Vec<SiteSummary>, AppError>, Option<ChosenSite>);

/// The sites and the chosen site's table page, read together: one resource per page state, so
/// the server renders and the browser hydrates the very same answer.
async fn sites_view(filter: MinerFilter) -> SitesView {
    let sites = list_sites().await;
    let table = match &sites {
        Ok(sites) if !sites.is_empty() => {
            let chosen = filter
                .site_id
                .filter(|id| sites.iter().any(|s| s.site.site_id == *id))
                .unwrap_or(sites[0].site.site_id);
            let filter = MinerFilter {
                site_id: Some(chosen),
                ..filter
            };
            let page = list_site_miners(filter.clone()).await;
            let alerts = list_alerts(AlertFilter {
                site_id: Some(chosen),
                history: false,
            })
            .await;
            Some((filter, page, alerts))
        }
        _ => None,
    };
    (sites, table)
}

#[component]
fn Sites(tick: ReadSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let ack = ServerAction::<AcknowledgeAlert>::new();
    let review = review::Review::new();
    let inventory = inventory::Inventory::new();
    let miner_edit = miner_form::MinerEdit::new();
    // While miners are ticked for review, or a miner is being typed in, the page holds still
    // (a refresh would redraw the form under the cursor); done, and it catches up.
    let shown_tick = Memo::new(move |previous: Option<&u32>| {
        if review.ticked.with(std::collections::BTreeSet::is_empty)
            && miner_edit.site.with(Option::is_none)
        {
            tick.get()
        } else {
            previous.copied().unwrap_or_default()
        }
    });
    let view_data = Resource::new(
        move || {
            (
                filter_from_query(&query.read()),
                shown_tick.get(),
                ack.version().get(),
                review.action.version().get(),
                inventory.version.get(),
                miner_edit.save.version().get(),
            )
        },
        |(filter, ..)| sites_view(filter),
    );
    // Ticks belong to the rows shown: another page, filter or site starts afresh.
    Effect::new(move |previous: Option<MinerFilter>| {
        let filter = filter_from_query(&query.read());
        if previous.is_some_and(|p| p != filter) {
            review.ticked.set(std::collections::BTreeSet::new());
        }
        filter
    });
    let viewer = use_viewer().0;
    let may_review = move || {
        viewer
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|v| v.may(Module::SiteManagement, Access::Full))
    };
    let may_ack = move || {
        viewer
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|v| v.may(Module::StatusMonitor, Access::Full))
    };
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, sites_loading)}</p> }>
            {move || {
                view_data
                    .get()
                    .map(|(sites, table)| match (sites, table) {
                        (Err(error), _) => view! { <Refusal error /> }.into_any(),
                        (Ok(sites), Some((filter, found, alerts))) => {
                            let chosen = sites
                                .iter()
                                .find(|s| Some(s.site.site_id) == filter.site_id)
                                .unwrap_or(&sites[0])
                                .clone();
                            let site_id = chosen.site.site_id;
                            view! {
                                <SiteCards sites chosen=site_id />
                                <SiteDetail summary=chosen />
                                <alerts::AlertsCard found=alerts ack=may_ack().then_some(ack) />
                                <MinerTable filter found review=may_review().then_some(review) />
                                {may_review().then(|| view! { <miner_form::AddMinerCard site_id edit=miner_edit /> })}
                                <inventory::InventoryCard
                                    site_id
                                    inventory=may_review().then_some(inventory)
                                />
                            }
                                .into_any()
                        }
                        (Ok(_), None) => {
                            view! {
                                <p class="muted" id="sites-none">
                                    {t!(i18n, sites_none)}
                                    {may_review().then(|| view! {
                                        " "
                                        <a href="/sites/setup" id="sites-none-setup">{t!(i18n, sites_setup_first)}</a>
                                    })}
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

/// One card per site, the chosen one marked; each opens its site.
#[component]
fn SiteCards(sites: Vec<SiteSummary>, chosen: i64) -> impl IntoView {
    let i18n = use_i18n();
    let cards = sites
        .into_iter()
        .map(|SiteSummary { site, overview, alerts }| {
            let href = sites_href(&MinerFilter {
                site_id: Some(site.site_id),
                page: 1,
                ..MinerFilter::default()
            });
            let current = (site.site_id == chosen).then_some("page");
            let online = overview.online;
            let total = overview.miners_total;
            view! {
                <li class="site-card card" data-site=site.site_id.to_string()>
                    <a href=href aria-current=current class="site-card-name">{site.name.clone()}</a>
                    <span class="muted">{site.location.clone()}</span>
                    <span class="site-card-online">{t!(i18n, sites_online_of, online, total)}</span>
                    <span>{hashrate_text(overview.hashrate_hs)}</span>
                    {open_alerts_badge(alerts)}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="site-cards" id="site-cards">{cards}</ul> }
}

/// "3 alerts, 1 critical" on a site card, or nothing when all is well.
fn open_alerts_badge(alerts: OpenAlertCounts) -> Option<impl IntoView> {
    let i18n = use_i18n();
    let count = alerts.warning + alerts.critical;
    (count > 0).then(|| {
        let class = if alerts.critical > 0 {
            "badge critical"
        } else {
            "badge warning"
        };
        view! { <span class=class data-open-alerts=count.to_string()>{t!(i18n, sites_card_alerts, count)}</span> }
    })
}

/// The chosen site at a glance: counts, hashrate against expectation, power, efficiency,
/// temperatures and the last 24 hours.
#[component]
fn SiteDetail(summary: SiteSummary) -> impl IntoView {
    let i18n = use_i18n();
    let SiteSummary {
        site,
        overview,
        alerts,
    } = summary;
    let SiteOverview {
        miners_total,
        online,
        offline,
        never_seen,
        sleeping,
        hashrate_hs,
        expected_hashrate_hs,
        power_w,
        power_estimated_share,
        j_per_th,
        temp_histogram,
        hot,
        critical,
        limits,
        sparkline,
    } = overview;
    let share = (expected_hashrate_hs > 0.0)
        .then(|| format!("{:.1} %", hashrate_hs / expected_hashrate_hs * 100.0));
    let none = move || t_string!(i18n, out_none).to_owned();
    let estimated = (power_estimated_share > 0.0).then(|| {
        let pct = format!("{:.0}", power_estimated_share * 100.0);
        view! { <small class="muted" id="power-estimated">{t!(i18n, sites_power_estimated, pct)}</small> }
    });
    let capacity_mw = format!("{:.1} MW", site.capacity_mw);
    view! {
        <section class="card" id="site-overview" aria-labelledby="site-name">
            <h2 id="site-name">{site.name.clone()}</h2>
            <p class="muted">{site.location.clone()} " · " {t!(i18n, sites_capacity)} " " {capacity_mw}</p>
            <dl class="figures">
                <div><dt>{t!(i18n, sites_miners)}</dt><dd id="fig-total">{miners_total}</dd></div>
                <div><dt>{t!(i18n, sites_online)}</dt><dd id="fig-online">{online}</dd></div>
                <div><dt>{t!(i18n, sites_offline)}</dt><dd id="fig-offline">{offline}</dd></div>
                <div><dt>{t!(i18n, sites_never_seen)}</dt><dd id="fig-never">{never_seen}</dd></div>
                <div><dt>{t!(i18n, sites_sleeping)}</dt><dd id="fig-sleeping">{sleeping}</dd></div>
                <div>
                    <dt>{t!(i18n, sites_hashrate)}</dt>
                    <dd id="fig-hashrate">{hashrate_text(hashrate_hs)}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, sites_expected)}</dt>
                    <dd id="fig-expected">
                        {hashrate_text(expected_hashrate_hs)} " (" {share.unwrap_or_else(none)} ")"
                    </dd>
                </div>
                <div><dt>{t!(i18n, sites_power)}</dt><dd id="fig-power">{power_text(power_w)} " " {estimated}</dd></div>
                <div>
                    <dt>{t!(i18n, sites_efficiency)}</dt>
                    <dd id="fig-efficiency">{j_per_th.map_or_else(none, |j| format!("{j:.1} J/TH"))}</dd>
                </div>
                <div><dt>{t!(i18n, sites_hot, warning = limits_text(limits.warning_c), critical = limits_text(limits.critical_c))}</dt><dd id="fig-hot">{hot}</dd></div>
                <div><dt>{t!(i18n, sites_critical, critical = limits_text(limits.critical_c))}</dt><dd id="fig-critical">{critical}</dd></div>
                <div>
                    <dt>{t!(i18n, alerts_title)}</dt>
                    <dd id="fig-alerts"><a href="#alerts">{alerts.warning + alerts.critical}</a></dd>
                </div>
            </dl>
            <TempHistogram buckets=temp_histogram />
            <Sparkline points=sparkline />
        </section>
    }
}

/// Miners per 5 °C of their hottest reading, as bars.
#[component]
fn TempHistogram(buckets: Vec<(i32, u32)>) -> impl IntoView {
    let i18n = use_i18n();
    if buckets.is_empty() {
        return ().into_any();
    }
    let most = buckets.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let rows = buckets
        .into_iter()
        .map(|(lower, count)| {
            let width = format!("width: {:.1}%", f64::from(count) / f64::from(most) * 100.0);
            let hot = if lower >= 85 {
                "bar critical"
            } else if lower >= 75 {
                "bar hot"
            } else {
                "bar"
            };
            view! {
                <tr>
                    <th scope="row">{format!("{lower}–{} °C", lower + TEMP_BUCKET_C)}</th>
                    <td class="bar-cell"><span class=hot style=width></span></td>
                    <td class="num">{count}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure id="temp-histogram">
            <figcaption>{t!(i18n, sites_temperatures)}</figcaption>
            <table class="histogram"><tbody>{rows}</tbody></table>
        </figure>
    }
    .into_any()
}

/// The site's hashrate over the last 24 hours as a line, with its range as text.
#[component]
fn Sparkline(points: Vec<SitePoint>) -> impl IntoView {
    let i18n = use_i18n();
    if points.len() < 2 {
        return view! { <p class="muted" id="sparkline-empty">{t!(i18n, sites_no_history)}</p> }
            .into_any();
    }
    let path = sparkline_path(&points, 300.0, 48.0);
    let low = points
        .iter()
        .map(|p| p.hashrate_hs)
        .fold(f64::INFINITY, f64::min);
    let high = points.iter().map(|p| p.hashrate_hs).fold(0.0, f64::max);
    let range = format!("{} – {}", hashrate_text(low), hashrate_text(high));
    view! {
        <figure id="sparkline">
            <figcaption>{t!(i18n, sites_last_day)} " · " {range}</figcaption>
            <svg viewBox="0 0 300 48" class="sparkline" role="img" preserveAspectRatio="none"
                aria-label=move || t_string!(i18n, sites_last_day)>
                <polyline points=path fill="none" stroke="currentColor" stroke-width="1.5" />
            </svg>
        </figure>
    }
    .into_any()
}

/// SVG polyline points for the hashrate of `points` in a `width` × `height` box, the lowest
/// value at the bottom and the highest at the top (a flat series in the middle).
fn sparkline_path(points: &[SitePoint], width: f64, height: f64) -> String {
    let (first, last) = match (points.first(), points.last()) {
        (Some(first), Some(last)) if last.at_ms > first.at_ms => (first.at_ms, last.at_ms),
        _ => return String::new(),
    };
    let low = points
        .iter()
        .map(|p| p.hashrate_hs)
        .fold(f64::INFINITY, f64::min);
    let high = points
        .iter()
        .map(|p| p.hashrate_hs)
        .fold(f64::NEG_INFINITY, f64::max);
    #[allow(clippy::cast_precision_loss)] // milliseconds within a day
    let span_ms = (last - first) as f64;
    points
        .iter()
        .map(|p| {
            #[allow(clippy::cast_precision_loss)]
            let x = (p.at_ms - first) as f64 / span_ms * width;
            let y = if high > low {
                height - (p.hashrate_hs - low) / (high - low) * height
            } else {
                height / 2.0
            };
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A client's own miners on every site: their totals and estimated earnings, then the table.
#[component]
fn ClientMiners(tick: ReadSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let totals = Resource::new(move || tick.get(), |_| my_fleet_totals());
    let page = Resource::new(
        move || {
            let filter = MinerFilter {
                site_id: None,
                ..filter_from_query(&query.read())
            };
            (filter, tick.get())
        },
        |(filter, _)| async move {
            let found = list_site_miners(filter.clone()).await;
            let alerts = list_alerts(AlertFilter::default()).await;
            (filter, found, alerts)
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || {
                totals
                    .get()
                    .map(|found| match found {
                        Ok(totals) => view! { <ClientTotals totals /> }.into_any(),
                        Err(AppError::NotFound) => {
                            view! { <p class="notice" id="client-unlinked">{t!(i18n, sites_client_unlinked)}</p> }
                                .into_any()
                        }
                        Err(error) => view! { <Refusal error /> }.into_any(),
                    })
            }}
        </Transition>
        <Transition fallback=move || view! { <p>{t!(i18n, sites_loading)}</p> }>
            {move || {
                page.get()
                    .map(|(filter, found, alerts)| {
                        view! {
                            <alerts::AlertsCard found=alerts ack=None />
                            <MinerTable filter found review=None />
                        }
                    })
            }}
        </Transition>
    }
}

/// The client's miners in sum, with what they earn today before pool fees and hosting.
#[component]
fn ClientTotals(totals: CustomerTotals) -> impl IntoView {
    let i18n = use_i18n();
    let none = move || t_string!(i18n, out_none).to_owned();
    let energy = format!("{:.0} kWh", totals.energy_kwh_day());
    let uptime = totals
        .last_day
        .uptime_pct()
        .map_or_else(none, |pct| format!("{pct:.1} %"));
    let energy_used = totals
        .last_day
        .energy_kwh()
        .map_or_else(none, |kwh| format!("{kwh:.1} kWh"));
    let expected = if totals.expected_hashrate_hs > 0.0 {
        hashrate_text(totals.expected_hashrate_hs)
    } else {
        none()
    };
    let estimated = totals.power_estimated.then(|| {
        view! { <abbr title=move || t_string!(i18n, sites_estimated)>" ≈"</abbr> }
    });
    let earnings = totals.earnings.as_ref().map(|e| {
        let btc = format!("{:.8} BTC", e.btc_day);
        let usd = format!("{:.2} USD", e.usd_day);
        view! {
            <div><dt>{t!(i18n, sites_earnings_btc)}</dt><dd id="client-btc-day">{btc}</dd></div>
            <div><dt>{t!(i18n, sites_earnings_usd)}</dt><dd id="client-usd-day">{usd}</dd></div>
        }
    });
    let basis = totals.earnings.as_ref().map(|e| {
        let hashprice = format!("{:.4}", e.hashprice_usd_th_day);
        let price = origin_text(i18n, &e.btc_price);
        let difficulty = origin_text(i18n, &e.difficulty);
        view! {
            <p class="muted small" id="client-earnings-basis">
                {t!(i18n, sites_earnings_basis, hashprice, price, difficulty)}
            </p>
        }
    });
    view! {
        <section class="card" id="client-totals" aria-labelledby="client-name">
            <h2 id="client-name">{totals.customer_name.clone()}</h2>
            <p class="muted">{t!(i18n, sites_client_intro)}</p>
            <dl class="figures">
                <div><dt>{t!(i18n, sites_miners)}</dt><dd id="client-miners">{totals.miners}</dd></div>
                <div><dt>{t!(i18n, sites_online)}</dt><dd id="client-online">{totals.online}</dd></div>
                <div><dt>{t!(i18n, sites_hashrate)}</dt><dd id="client-hashrate">{hashrate_text(totals.hashrate_hs)}</dd></div>
                <div>
                    <dt>{t!(i18n, sites_expected)}</dt>
                    <dd>{expected}</dd>
                </div>
                <div><dt>{t!(i18n, sites_power)}</dt><dd id="client-power">{power_text(totals.power_w)}{estimated}</dd></div>
                <div><dt>{t!(i18n, sites_uptime_day)}</dt><dd id="client-uptime">{uptime}</dd></div>
                <div><dt>{t!(i18n, sites_energy_used_day)}</dt><dd id="client-energy-used">{energy_used}</dd></div>
                <div><dt>{t!(i18n, sites_energy_day)}</dt><dd id="client-energy">{energy}</dd></div>
                {earnings}
            </dl>
            {basis}
        </section>
    }
}

/// The miner table for `filter` with the page the server found for it: search and state
/// filter, sortable columns, pages. Every link and form here is a new address, whose answer
/// replaces this one.
#[component]
fn MinerTable(
    filter: MinerFilter,
    found: Result<MinerPage, AppError>,
    /// The approval tools, for those who may review the site's miners.
    review: Option<review::Review>,
) -> impl IntoView {
    let i18n = use_i18n();
    let site_field = filter
        .site_id
        .map(|id| view! { <input type="hidden" name="site" value=id.to_string() /> });
    let online = filter.online;
    let approval = filter.approval;
    // The workflow concerns the staff's view of a site, not a client's own miners.
    let approval_filter = filter.site_id.map(|_| {
        let options = crate::fleet::Approval::ALL
            .into_iter()
            .map(|state| {
                view! {
                    <option value=state.as_str() selected=approval == Some(state)>
                        {move || review::approval_text(i18n, state)}
                    </option>
                }
            })
            .collect_view();
        view! {
            <select name="approval" id="miner-approval" aria-label=move || t_string!(i18n, review_state)>
                <option value="" selected=approval.is_none()>{t!(i18n, review_state_all)}</option>
                {options}
            </select>
        }
        .into_any()
    });
    let search = filter.search.clone();
    let review_form = review
        .zip(filter.site_id)
        .map(|(review, site_id)| view! { <review::ReviewForm review site_id /> }.into_any());
    let rows = match found {
        Err(error) => view! { <Refusal error /> }.into_any(),
        Ok(page) => view! { <MinerRows page filter review /> }.into_any(),
    };
    view! {
        <section class="card" id="miners" aria-labelledby="miners-title">
            <h2 id="miners-title">{t!(i18n, sites_miner_table)}</h2>
            <form method="get" action="/sites" class="search-form" role="search" id="miner-filter">
                {site_field}
                <input type="search" name="q" value=search id="miner-search" maxlength="100"
                    aria-label=move || t_string!(i18n, sites_search)
                    placeholder=move || t_string!(i18n, sites_search) />
                <select name="online" id="miner-online" aria-label=move || t_string!(i18n, sites_state)>
                    <option value="" selected=online.is_none()>{t!(i18n, sites_state_all)}</option>
                    <option value="1" selected=online == Some(true)>{t!(i18n, sites_online)}</option>
                    <option value="0" selected=online == Some(false)>{t!(i18n, sites_offline)}</option>
                </select>
                {approval_filter}
                <button type="submit" class="button">{t!(i18n, audit_filter)}</button>
            </form>
            {rows}
            {review_form}
        </section>
    }
}

#[component]
fn MinerRows(
    page: MinerPage,
    filter: MinerFilter,
    review: Option<review::Review>,
) -> impl IntoView {
    let i18n = use_i18n();
    if page.rows.is_empty() {
        return view! { <p class="muted" id="miners-none">{t!(i18n, sites_miners_none)}</p> }
            .into_any();
    }
    let per_page = u64::from(crate::fleet::query::DEFAULT_PER_PAGE);
    let pages = u32::try_from(page.total.div_ceil(per_page))
        .unwrap_or(u32::MAX)
        .max(1);
    let current = filter.page.min(pages);
    let total = page.total;
    let link = {
        let filter = filter.clone();
        move |to: u32| {
            sites_href(&MinerFilter {
                page: to,
                ..filter.clone()
            })
        }
    };
    let header = {
        let filter = filter.clone();
        move |sort: MinerSort, label: &'static str| {
            let descending = filter.sort == sort && !filter.descending;
            let href = sites_href(&MinerFilter {
                sort,
                descending,
                page: 1,
                ..filter.clone()
            });
            let marker = match (filter.sort == sort, filter.descending) {
                (true, false) => "ascending",
                (true, true) => "descending",
                _ => "none",
            };
            view! {
                <th scope="col" aria-sort=marker data-sort=sort_name(sort)>
                    <a href=href>{label}</a>
                </th>
            }
        }
    };
    let limits = page.limits;
    let rows = page
        .rows
        .into_iter()
        .map(|row| view! { <MinerLine row review limits /> })
        .collect_view();
    let tick_column = review.map(|_| {
        view! { <th scope="col" class="tick"><span class="visually-hidden">{t!(i18n, review_tick)}</span></th> }
            .into_any()
    });
    let prev = (current > 1).then(|| link(current - 1));
    let next = (current < pages).then(|| link(current + 1));
    view! {
        <p class="muted" id="miners-total">{t!(i18n, sites_miners_total, count = total)}</p>
        <div class="table-scroll">
            <table class="data-table" id="miner-table">
                <thead>
                    <tr>
                        {tick_column}
                        {header(MinerSort::Serial, t_string!(i18n, sites_col_serial))}
                        {header(MinerSort::Ip, t_string!(i18n, sites_col_ip))}
                        {header(MinerSort::Model, t_string!(i18n, sites_col_model))}
                        {header(MinerSort::Rack, t_string!(i18n, sites_col_rack))}
                        {header(MinerSort::Customer, t_string!(i18n, sites_col_customer))}
                        <th scope="col">{t!(i18n, sites_col_state)}</th>
                        {header(MinerSort::Hashrate, t_string!(i18n, sites_col_hashrate))}
                        {header(MinerSort::Power, t_string!(i18n, sites_col_power))}
                        {header(MinerSort::TempMax, t_string!(i18n, sites_col_temp))}
                        {header(MinerSort::LastSeen, t_string!(i18n, sites_col_last_seen))}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=move || t_string!(i18n, sites_miner_table)>
            {prev.map(|href| view! { <a class="button" href=href id="miners-prev">{t!(i18n, page_prev)}</a> })}
            <span id="miners-page">{t!(i18n, page_of, page = current, pages)}</span>
            {next.map(|href| view! { <a class="button" href=href id="miners-next">{t!(i18n, page_next)}</a> })}
        </nav>
    }
    .into_any()
}

#[component]
fn MinerLine(
    row: MinerRow,
    review: Option<review::Review>,
    /// The alert engine's temperatures, which colour the hottest reading.
    limits: TemperatureLimits,
) -> impl IntoView {
    let i18n = use_i18n();
    let none = move || t_string!(i18n, out_none).to_owned();
    let MinerRow {
        miner,
        customer_name,
        online,
        hashrate_hs,
        expected_hashrate_hs,
        power_w,
        power_estimated,
        temp_max_c,
        last_seen_ms,
    } = row;
    let state = move || match (online, last_seen_ms) {
        (true, _) => t_string!(i18n, sites_online),
        (false, Some(_)) => t_string!(i18n, sites_offline),
        (false, None) => t_string!(i18n, sites_never_seen),
    };
    let inventory = move || match miner.status {
        crate::fleet::MinerStatus::Active => None,
        crate::fleet::MinerStatus::Maintenance => Some(t_string!(i18n, sites_maintenance)),
        crate::fleet::MinerStatus::Retired => Some(t_string!(i18n, sites_retired)),
    };
    let state_class = match (online, last_seen_ms) {
        (true, _) => "state state-online",
        (false, Some(_)) => "state state-offline",
        (false, None) => "state",
    };
    let hashrate = match (hashrate_hs, expected_hashrate_hs) {
        (Some(h), Some(e)) if e > 0.0 => {
            format!("{} ({:.0} %)", hashrate_text(h), h / e * 100.0)
        }
        (Some(h), _) => hashrate_text(h),
        (None, _) => none(),
    };
    let power = power_w.map_or_else(none, |w| format!("{w:.0} W"));
    let estimated = power_estimated.then(|| {
        view! { <abbr title=move || t_string!(i18n, sites_estimated)>" ≈"</abbr> }
    });
    // Only a miner that is not yet (or not) approved says where it stands: approved is the
    // normal state of a running farm.
    let approval = miner.approval;
    let reason = miner.approval_note.clone();
    let workflow = (approval != crate::fleet::Approval::Approved).then(|| {
        view! {
            " · "
            <small class="approval" data-approval=approval.as_str() title=reason>
                {move || review::approval_text(i18n, approval)}
            </small>
        }
        .into_any()
    });
    let tick = review.map(|review| {
        view! { <review::ReviewTick review miner_id=miner.miner_id serial=miner.serial.clone() /> }
            .into_any()
    });
    let temp_class = match temp_max_c.and_then(|t| limits.severity(t)) {
        Some(Severity::Critical) => "num critical",
        Some(Severity::Warning) => "num hot",
        None => "num",
    };
    view! {
        <tr data-serial=miner.serial.clone()>
            {tick}
            <th scope="row"><a href=format!("/sites/miners/{}", miner.miner_id)>{miner.serial.clone()}</a></th>
            <td>{miner.ip.clone()}</td>
            <td>{miner.model_name.clone()}</td>
            <td>{miner.rack.clone()}</td>
            <td>{customer_name.unwrap_or_else(none)}</td>
            <td>
                <span class=state_class>{state}</span>
                {move || inventory().map(|text| view! { " · " <small>{text}</small> })}
                {workflow}
            </td>
            <td class="num">{hashrate}</td>
            <td class="num">{power}{estimated}</td>
            <td class=temp_class>{temp_max_c.map_or_else(none, |t| format!("{t:.0} °C"))}</td>
            <td>{last_seen_ms.map_or_else(none, format_time)}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(at_ms: i64, hashrate_hs: f64) -> SitePoint {
        SitePoint {
            at_ms,
            hashrate_hs,
            power_w: 0.0,
            online: 1,
        }
    }

    #[test]
    fn every_sort_round_trips_through_its_address_name() {
        for (sort, name) in SORTS {
            assert_eq!(sort_from_str(name), Some(sort));
            assert_eq!(sort_name(sort), name);
        }
        assert_eq!(sort_from_str("price"), None);
    }

    #[test]
    fn the_address_carries_the_whole_table_state() {
        let filter = MinerFilter {
            site_id: Some(3),
            search: "rack A".into(),
            online: Some(false),
            approval: Some(crate::fleet::Approval::Pending),
            sort: MinerSort::Hashrate,
            descending: true,
            page: 4,
        };
        let href = sites_href(&filter);
        assert_eq!(
            href,
            "/sites?site=3&q=rack%20A&online=0&approval=pending&sort=hashrate&desc=1&page=4"
        );
        let query: std::collections::BTreeMap<String, String> = href
            .trim_start_matches("/sites?")
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (k.to_owned(), v.replace("%20", " "))
            })
            .collect();
        assert_eq!(filter_from(|key| query.get(key).cloned()), filter);
    }

    #[test]
    fn a_bare_address_asks_for_the_first_page_by_serial() {
        let filter = filter_from(|_| None);
        assert_eq!(
            filter,
            MinerFilter {
                page: 1,
                ..MinerFilter::default()
            }
        );
    }

    #[test]
    fn hashrate_and_power_read_in_the_unit_an_operator_uses() {
        assert_eq!(hashrate_text(110e12), "110.00 TH/s");
        assert_eq!(hashrate_text(1.234e18), "1.23 EH/s");
        assert_eq!(power_text(845_300.0), "845.3 kW");
        assert_eq!(power_text(12_400_000.0), "12.40 MW");
    }

    #[test]
    fn the_sparkline_spans_its_box_from_lowest_to_highest() {
        let points = [point(0, 10.0), point(50, 30.0), point(100, 20.0)];
        assert_eq!(
            sparkline_path(&points, 100.0, 10.0),
            "0.0,10.0 50.0,0.0 100.0,5.0"
        );
        let flat = [point(0, 5.0), point(10, 5.0)];
        assert_eq!(sparkline_path(&flat, 100.0, 10.0), "0.0,5.0 100.0,5.0");
        assert_eq!(sparkline_path(&[point(0, 1.0)], 100.0, 10.0), "");
    }
}
