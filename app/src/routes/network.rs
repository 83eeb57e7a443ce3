//! The network page: BTC price, difficulty, hashrate, hashprice, fees, the next difficulty
//! adjustment and the next halving, each with its source and age, from the values the server
//! keeps fresh (or its dated snapshot when offline, said plainly).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::market::current_market;
use crate::components::error_view::ErrorView;
use crate::components::market_origin::MarketOrigin;
use crate::i18n::{t, t_string, use_i18n};
use crate::market::{MarketNow, MarketValue, iso_date};
use crate::network::NetworkFigures;

lazy_page!(NetworkRoute, NetworkPage);

#[component]
pub fn NetworkPage() -> impl IntoView {
    let i18n = use_i18n();
    let market = Resource::new(|| (), |()| current_market());
    view! {
        <Title text=move || t_string!(i18n, network_title) />
        <h1>{t!(i18n, network_title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, network_loading)}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                {move || Suspend::new(async move {
                    market.await.map(|market| view! { <Network market /> })
                })}
            </ErrorBoundary>
        </Suspense>
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
