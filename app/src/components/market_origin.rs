//! "CoinGecko · 3 min ago" or "snapshot of 2026-11-25": where a market value came from and how
//! old it is, in the reader's language.

use leptos::prelude::*;

use crate::i18n::{Locale, t_string};
use crate::market::{Age, MarketValue, Provenance, iso_date};

pub fn origin_text(i18n: leptos_i18n::I18nContext<Locale>, value: &MarketValue) -> String {
    match value.provenance {
        Provenance::Snapshot => {
            t_string!(i18n, market_snapshot, date = iso_date(value.fetched_at_ms)).to_string()
        }
        Provenance::Trend => t_string!(i18n, market_trend, days = value.source.clone()).to_string(),
        Provenance::Live | Provenance::Stored => {
            let age = match Age::of(value.age_ms) {
                Age::JustNow => t_string!(i18n, age_just_now).to_owned(),
                Age::Minutes(n) => t_string!(i18n, age_minutes, n).to_string(),
                Age::Hours(n) => t_string!(i18n, age_hours, n).to_string(),
                Age::Days(n) => t_string!(i18n, age_days, n).to_string(),
            };
            format!("{} · {age}", value.source)
        }
    }
}

/// The badge's class: not live or stale values are shown as such.
pub fn origin_class(value: &MarketValue) -> &'static str {
    if value.stale || matches!(value.provenance, Provenance::Snapshot | Provenance::Stored) {
        "market-badge stale"
    } else {
        "market-badge"
    }
}

/// The origin of `value` as a small line under a figure.
#[component]
pub fn MarketOrigin(value: MarketValue) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let class = origin_class(&value);
    view! { <small class=class>{move || origin_text(i18n, &value)}</small> }
}
