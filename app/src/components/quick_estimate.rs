//! A first taste of the calculator: hashrate, price and difficulty in, daily revenue out,
//! recomputed in the browser on every keystroke.

use leptos::prelude::*;

use crate::estimate::{EstimateError, estimate};
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn QuickEstimate() -> impl IntoView {
    let i18n = use_i18n();
    let hashrate_ths = RwSignal::new("200".to_owned());
    let btc_price_usd = RwSignal::new("90000".to_owned());
    let difficulty = RwSignal::new("1.5e14".to_owned());
    let result =
        Memo::new(move |_| estimate(&hashrate_ths.get(), &btc_price_usd.get(), &difficulty.get()));

    let error_text = move || {
        result.get().err().map(|err| match err {
            EstimateError::Hashrate => t_string!(i18n, error_hashrate),
            EstimateError::BtcPrice => t_string!(i18n, error_btc_price),
            EstimateError::Difficulty => t_string!(i18n, error_difficulty),
            EstimateError::Reward => t_string!(i18n, error_reward),
            EstimateError::PoolFee => t_string!(i18n, error_pool_fee),
        })
    };
    let figure = move |pick: fn(&crate::estimate::Estimate) -> String| {
        move || {
            result
                .get()
                .ok()
                .map_or_else(|| "—".to_owned(), |e| pick(&e))
        }
    };

    view! {
        <section class="card" id="quick-estimate" aria-labelledby="quick-estimate-title">
            <h2 id="quick-estimate-title">{t!(i18n, estimate_title)}</h2>
            <p class="muted">{t!(i18n, estimate_hint)}</p>
            <div class="form-grid">
                <label>
                    <span>{t!(i18n, estimate_hashrate_ths)}</span>
                    <input id="estimate-hashrate" type="text" inputmode="decimal" value=hashrate_ths.get_untracked()
                        bind:value=hashrate_ths />
                </label>
                <label>
                    <span>{t!(i18n, estimate_btc_price_usd)}</span>
                    <input id="estimate-price" type="text" inputmode="decimal" value=btc_price_usd.get_untracked()
                        bind:value=btc_price_usd />
                </label>
                <label>
                    <span>{t!(i18n, estimate_difficulty)}</span>
                    <input id="estimate-difficulty" type="text" inputmode="decimal" value=difficulty.get_untracked()
                        bind:value=difficulty />
                </label>
            </div>
            <p class="field-error" role="status" aria-live="polite">{error_text}</p>
            <dl class="figures">
                <div>
                    <dt>{t!(i18n, estimate_daily_btc)}</dt>
                    <dd id="estimate-daily-btc">{figure(|e| format!("{:.8}", e.daily_btc))}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, estimate_daily_revenue_usd)}</dt>
                    <dd id="estimate-daily-usd">{figure(|e| format!("{:.2}", e.daily_revenue_usd))}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, estimate_hashprice)}</dt>
                    <dd id="estimate-hashprice">
                        {figure(|e| format!("{:.4}", e.hashprice_usd_per_th_day))}
                    </dd>
                </div>
            </dl>
            <p class="muted small">{t!(i18n, estimate_assumptions)}</p>
        </section>
    }
}
