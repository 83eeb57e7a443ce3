//! Reading the current market and network values.

use leptos::prelude::*;

use crate::error::AppError;
use crate::market::MarketNow;

/// The latest values the server holds, never waiting on a provider. Public: market data are
/// public, and reading them costs no outbound request.
#[allow(clippy::unused_async)] // a server function is async by contract
#[server(endpoint = "current_market")]
pub async fn current_market() -> Result<MarketNow, AppError> {
    Ok(use_context::<std::sync::Arc<dyn crate::ssr::MarketFeed>>()
        .map(|feed| feed.now())
        .unwrap_or_default())
}

/// The newest `days` days of stored network history (at most ten years), oldest first.
/// Public, like the live values.
#[server(endpoint = "network_history")]
pub async fn network_history(days: u32) -> Result<Vec<crate::market::NetworkDay>, AppError> {
    let days = usize::try_from(days.clamp(1, 3_650)).unwrap_or(3_650);
    let store = crate::ssr::store()?;
    // Everything stored (ten years at most is 3,650 small rows), then the newest days: the
    // history ends where the data end, not at today, when the server has been offline.
    let mut stored = store.list_network_days(i64::MIN).await?;
    let skip = stored.len().saturating_sub(days);
    stored.drain(..skip);
    Ok(stored)
}
