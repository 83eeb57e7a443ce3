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
