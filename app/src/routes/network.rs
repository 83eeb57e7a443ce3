//! The network page: BTC price, difficulty, hashrate, hashprice, fees, the next difficulty
//! adjustment and the next halving, each with its source and age, from the values the server
//! keeps fresh (or its dated snapshot when offline, said plainly).

use leptos::prelude::*;
use leptos_meta::Script;

use crate::api::market::{current_market, network_history};
use crate::chart_options;
use crate::components::echart::{ECHARTS_SCRIPT, EChart};
use crate::components::error_view::ErrorView;
use crate::components::market_origin::MarketOrigin;
use crate::components::page_title::PageTitle;
use crate::i18n::{t, t_string, use_i18n};
use crate::market::{MarketNow, MarketValue, NetworkDay, Sentiment, iso_date};
use crate::network::NetworkFigures;

use crate::access::{Access, Module};
use crate::components::session::RequireAccess;

lazy_page!(NetworkRoute, NetworkPage);

/// Market analytics are for members whose role includes them (matrix: analytics:network).
#[component]
pub fn NetworkPage() -> impl IntoView {
    view! {
        <PageTitle text=|i18n| t_string!(i18n, network_title) />
        <RequireAccess module=Module::Network need=Access::Read>
            <NetworkContent />
        </RequireAccess>
    }
}

#[component]
fn NetworkContent() -> impl IntoView {
    let i18n = use_i18n();
    let market = Resource::new(|| (), |()| current_market());
    view! {
        <PageTitle text=|i18n| t_string!(i18n, network_title) />
        <Script src=ECHARTS_SCRIPT defer="defer" />
        <h1>{t!(i18n, network_title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, network_loading)}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                {move || Suspend::new(async move {
                    market.await.map(|market| view! { <Network market /> })
                })}
            </ErrorBoundary>
        </Suspense>
        <History />
    }
}

/// Days of history shown.
const HISTORY_DAYS: u32 = 365;
/// Rows of the table shown without JavaScript (and until the charts are drawn).
const TABLE_DAYS: usize = 14;

/// The stored daily history as charts, with the latest days as a table.
#[component]
fn History() -> impl IntoView {
    let i18n = use_i18n();
    let history = Resource::new(|| (), |()| network_history(HISTORY_DAYS));
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">{t!(i18n, network_history)}</h2>
            <Suspense fallback=move || view! { <p>{t!(i18n, network_loading)}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                    {move || Suspend::new(async move {
                        history.await.map(|days| view! { <HistoryCharts days /> })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

#[component]
fn HistoryCharts(days: Vec<NetworkDay>) -> impl IntoView {
    let i18n = use_i18n();
    if days.is_empty() {
        return view! { <p class="muted" id="history-empty">{t!(i18n, network_history_empty)}</p> }
            .into_any();
    }
    let price = chart_options::history_line(&days, |d| d.price_usd, "USD");
    let difficulty = chart_options::history_line(&days, |d| d.difficulty.map(|v| v / 1e12), "T");
    let hashrate = chart_options::history_line(&days, |d| d.hashrate_hs.map(|v| v / 1e18), "EH/s");
    let none = || t_string!(i18n, out_none).to_owned();
    let latest: Vec<NetworkDay> = days.iter().rev().take(TABLE_DAYS).cloned().collect();
    let table = view! {
        <div class="table-scroll">
            <table class="data-table" id="history-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, network_day)}</th>
                        <th scope="col" class="num">{t!(i18n, field_btc_price_usd)}</th>
                        <th scope="col" class="num">{t!(i18n, field_difficulty)}</th>
                        <th scope="col" class="num">{t!(i18n, network_hashrate)}</th>
                    </tr>
                </thead>
                <tbody>
                    {latest
                        .into_iter()
                        .map(|d| view! {
                            <tr>
                                <th scope="row">{iso_date(d.day_ms)}</th>
                                <td class="num">{d.price_usd.map_or_else(none, |p| format!("{p:.0}"))}</td>
                                <td class="num">{d.difficulty.map_or_else(none, difficulty_text)}</td>
                                <td class="num">{d.hashrate_hs.map_or_else(none, exahash)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    };
    view! {
        <figure id="history-price">
            <figcaption>{t!(i18n, field_btc_price_usd)}</figcaption>
            <EChart id="echart-history-price" chart=Signal::stored(price)>{table}</EChart>
        </figure>
        <figure id="history-difficulty">
            <figcaption>{t!(i18n, field_difficulty)}</figcaption>
            <EChart id="echart-history-difficulty" chart=Signal::stored(difficulty) />
        </figure>
        <figure id="history-hashrate">
            <figcaption>{t!(i18n, network_hashrate)}</figcaption>
            <EChart id="echart-history-hashrate" chart=Signal::stored(hashrate) />
        </figure>
    }
    .into_any()
}

fn sentiment_text(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    sentiment: Sentiment,
) -> &'static str {
    match sentiment {
        Sentiment::ExtremeFear => t_string!(i18n, sentiment_extreme_fear),
        Sentiment::Fear => t_string!(i18n, sentiment_fear),
        Sentiment::Neutral => t_string!(i18n, sentiment_neutral),
        Sentiment::Greed => t_string!(i18n, sentiment_greed),
        Sentiment::ExtremeGreed => t_string!(i18n, sentiment_extreme_greed),
    }
}

/// 1.1056e21 H/s → "1,105.6 EH/s".
fn exahash(hashrate_hs: f64) -> String {
    format!("{:.1} EH/s", hashrate_hs / 1e18)
}

/// 149301205959699.88 → "149.30 T" (the unit is a display choice; the value stays raw).
fn difficulty_text(difficulty: f64) -> String {
    format!("{:.2} T", difficulty / 1e12)
}

#[component]
fn Network(market: MarketNow) -> impl IntoView {
    let i18n = use_i18n();
    let figures = NetworkFigures::of(&market);
    let figure = |id: &'static str, label: String, text: String, origin: Option<MarketValue>| {
        view! {
            <div>
                <dt>{label}</dt>
                <dd id=id>{text}</dd>
                {origin.map(|value| view! { <MarketOrigin value /> })}
            </div>
        }
    };
    let none = || t_string!(i18n, out_none).to_owned();
    let price = market.btc_price_usd.clone();
    let price_text = price.as_ref().map_or_else(none, |p| {
        let change = market
            .price_change_24h_pct
            .map(|c| format!(" ({c:+.1} % 24 h)"))
            .unwrap_or_default();
        format!("{:.0}{change}", p.value)
    });
    let difficulty = market.difficulty.clone();
    let hashrate = market.network_hashrate_hs.clone();
    let fees = market.fees_per_block_btc.clone();
    let offline = market.offline_since_ms().map(|since| {
        let date = iso_date(since);
        view! {
            <p class="notice" id="market-offline" role="status">
                {move || t_string!(i18n, network_offline, date = date.clone()).to_string()}
            </p>
        }
    });
    let retarget = market.retarget.map(|r| {
        let change = r
            .estimated_change_pct
            .map_or_else(none, |c| format!("{c:+.2} %"));
        view! {
            <section class="card" aria-labelledby="retarget-title">
                <h2 id="retarget-title">{t!(i18n, network_retarget)}</h2>
                <dl class="figures">
                    <div><dt>{t!(i18n, network_retarget_height)}</dt><dd id="net-retarget-height">{r.next_retarget_height}</dd></div>
                    <div><dt>{t!(i18n, network_retarget_change)}</dt><dd id="net-retarget-change">{change}</dd></div>
                    <div><dt>{t!(i18n, network_retarget_date)}</dt><dd id="net-retarget-date">{iso_date(r.estimated_retarget_at_ms)}</dd></div>
                </dl>
            </section>
        }
    });
    view! {
        {offline}
        <section class="card" aria-labelledby="now-title">
            <h2 id="now-title">{t!(i18n, network_now)}</h2>
            <dl class="figures">
                {figure("net-price", t_string!(i18n, field_btc_price_usd).to_owned(), price_text, price)}
                {figure(
                    "net-difficulty",
                    t_string!(i18n, field_difficulty).to_owned(),
                    difficulty.as_ref().map_or_else(none, |d| difficulty_text(d.value)),
                    difficulty.clone(),
                )}
                {figure(
                    "net-hashrate",
                    t_string!(i18n, network_hashrate).to_owned(),
                    hashrate.as_ref().map_or_else(none, |h| exahash(h.value)),
                    hashrate,
                )}
                {figure(
                    "net-hashprice",
                    t_string!(i18n, out_hashprice).to_owned(),
                    figures.hashprice_usd_th_day.map_or_else(none, |h| format!("{h:.4}")),
                    None,
                )}
                {figure(
                    "net-fees",
                    t_string!(i18n, field_fees_per_block_btc).to_owned(),
                    fees.as_ref().map_or_else(none, |f| format!("{:.4}", f.value)),
                    fees,
                )}
                {figure(
                    "net-fear-greed",
                    t_string!(i18n, network_fear_greed).to_owned(),
                    market.fear_greed.as_ref().map_or_else(none, |f| {
                        format!("{:.0} ({})", f.value, sentiment_text(i18n, Sentiment::of(f.value)))
                    }),
                    market.fear_greed.clone(),
                )}
                {figure(
                    "net-height",
                    t_string!(i18n, network_height).to_owned(),
                    market.height.map_or_else(none, |h| h.to_string()),
                    None,
                )}
            </dl>
        </section>
        {retarget}
        <section class="card" aria-labelledby="halving-title">
            <h2 id="halving-title">{t!(i18n, network_halving)}</h2>
            <dl class="figures">
                <div><dt>{t!(i18n, network_halving_height)}</dt><dd id="net-halving-height">{figures.next_halving_height.map_or_else(none, |h| h.to_string())}</dd></div>
                <div><dt>{t!(i18n, network_halving_blocks)}</dt><dd id="net-halving-blocks">{figures.blocks_to_halving.map_or_else(none, |b| b.to_string())}</dd></div>
                <div><dt>{t!(i18n, network_halving_date)}</dt><dd id="net-halving-date">{figures.halving_at_ms.map_or_else(none, iso_date)}</dd></div>
                <div><dt>{t!(i18n, network_subsidy)}</dt><dd id="net-subsidy">{figures.subsidy_btc.map_or_else(none, |s| format!("{s}"))}</dd></div>
            </dl>
            <p class="muted small">{t!(i18n, network_halving_hint)}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_shown_as_operators_read_them() {
        assert_eq!(exahash(1.105_632_409_811_384_7e21), "1105.6 EH/s");
        assert_eq!(difficulty_text(149_301_205_959_699.88), "149.30 T");
    }
}
