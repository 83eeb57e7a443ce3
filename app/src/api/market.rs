//! Reading the current market and network values.

use leptos::prelude::*;

use crate::error::AppError;
use crate::market::MarketNow;

/// The latest values the server holds, never waiting on a provider. Open to every role that may
/// use the calculator (visitors included); reading costs no outbound request.
#[server(endpoint = "current_market")]
pub async fn current_market() -> Result<MarketNow, AppError> {
    use crate::market::{
        DAY_MS, GROWTH_WINDOW_DAYS, MarketValue, Provenance, difficulty_growth_pct_month,
    };
    crate::ssr::auth::guard(
        crate::access::Module::Calculator,
        crate::access::Access::Read,
    )?;
    let mut now = use_context::<std::sync::Arc<dyn crate::ssr::MarketFeed>>()
        .map(|feed| feed.now())
        .unwrap_or_default();
    // The difficulty trend of the stored history (a few hundred small rows): the calculator's
    // growth default when there is enough of it.
    let store = crate::ssr::store()?;
    let today = crate::market::day_start_ms(crate::market::unix_now_ms());
    let days = store
        .list_network_days(today - (GROWTH_WINDOW_DAYS + 1) * DAY_MS)
        .await?;
    if let (Some((growth, span_days)), Some(last)) =
        (difficulty_growth_pct_month(&days), days.last())
    {
        now.difficulty_growth_pct_month = Some(MarketValue {
            value: growth,
            source: span_days.to_string(),
            provenance: Provenance::Trend,
            fetched_at_ms: last.day_ms,
            age_ms: crate::market::unix_now_ms() - last.updated_at_ms,
            stale: false,
        });
    }
    Ok(now)
}

/// The newest `days` days of stored network history (at most ten years), oldest first.
/// Members whose role includes network analytics.
#[server(endpoint = "network_history")]
pub async fn network_history(days: u32) -> Result<Vec<crate::market::NetworkDay>, AppError> {
    crate::ssr::auth::guard(crate::access::Module::Network, crate::access::Access::Read)?;
    let days = usize::try_from(days.clamp(1, 3_650)).unwrap_or(3_650);
    let store = crate::ssr::store()?;
    // Everything stored (ten years at most is 3,650 small rows), then the newest days: the
    // history ends where the data end, not at today, when the server has been offline.
    let mut stored = store.list_network_days(i64::MIN).await?;
    let skip = stored.len().saturating_sub(days);
    stored.drain(..skip);
    Ok(stored)
}
