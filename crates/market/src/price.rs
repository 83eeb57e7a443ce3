//! BTC spot price in USD: `CoinGecko` → Binance → OKX. (The caller's stored value is the last
//! resort; the service keeps it and marks it stale when every source here fails.)

use serde::{Deserialize, Serialize};

use crate::{
    HttpClient, MarketEndpoints, Source, Sourced,
    error::{AllSourcesFailed, FetchError},
    fallback::Chain,
    http::join,
    validate,
};

/// A BTC price quote.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PriceQuote {
    /// Spot price in USD (USDT on the exchanges, which tracks USD within a fraction of a
    /// percent): `CoinGecko` `bitcoin.usd`, Binance `lastPrice`, OKX `last`.
    pub price_usd: f64,
    /// Change over the last 24 h in percent: `CoinGecko` `usd_24h_change`, Binance
    /// `priceChangePercent`, OKX derived from `open24h`.
    pub change_24h_pct: Option<f64>,
}

impl PriceQuote {
    fn validated(self, url: &str) -> Result<Self, FetchError> {
        validate::price_usd(self.price_usd).map_err(|e| FetchError::implausible(url, e))?;
        if let Some(change) = self.change_24h_pct {
            validate::change_pct(change).map_err(|e| FetchError::implausible(url, e))?;
        }
        Ok(self)
    }
}

/// The first good price from `CoinGecko`, Binance, OKX in that order.
pub async fn fetch_price(
    client: &HttpClient,
    endpoints: &MarketEndpoints,
) -> Result<Sourced<PriceQuote>, AllSourcesFailed> {
    let mut chain = Chain::new("BTC price");
    if let Some(v) = chain.attempt(
        Source::CoinGecko,
        coingecko(client, &endpoints.coingecko).await,
    ) {
        return Ok(v);
    }
    if let Some(v) = chain.attempt(Source::Binance, binance(client, &endpoints.binance).await) {
        return Ok(v);
    }
    if let Some(v) = chain.attempt(Source::Okx, okx(client, &endpoints.okx).await) {
        return Ok(v);
    }
    Err(chain.failed())
}

#[derive(Deserialize)]
struct CoinGeckoSimplePrice {
    bitcoin: CoinGeckoCoin,
}

#[derive(Deserialize)]
struct CoinGeckoCoin {
    usd: f64,
    usd_24h_change: Option<f64>,
}

/// `CoinGecko` `/api/v3/simple/price`: `{"bitcoin":{"usd":…,"usd_24h_change":…}}`.
pub async fn coingecko(client: &HttpClient, base: &str) -> Result<PriceQuote, FetchError> {
    let url = join(
        base,
        "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd&include_24hr_change=true",
    );
    let body: CoinGeckoSimplePrice = client.get_json(&url).await?;
    PriceQuote {
        price_usd: body.bitcoin.usd,
        change_24h_pct: body.bitcoin.usd_24h_change,
    }
    .validated(&url)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Binance24hTicker {
    symbol: String,
    last_price: String,
    price_change_percent: String,
}

/// Binance `/api/v3/ticker/24hr?symbol=BTCUSDT`; prices arrive as decimal strings.
pub async fn binance(client: &HttpClient, base: &str) -> Result<PriceQuote, FetchError> {
    let url = join(base, "/api/v3/ticker/24hr?symbol=BTCUSDT");
    let body: Binance24hTicker = client.get_json(&url).await?;
    if body.symbol != "BTCUSDT" {
        return Err(FetchError::malformed(
            &url,
            format!("symbol {}", body.symbol),
        ));
    }
    PriceQuote {
        price_usd: parse_decimal(&url, "lastPrice", &body.last_price)?,
        change_24h_pct: Some(parse_decimal(
            &url,
            "priceChangePercent",
            &body.price_change_percent,
        )?),
    }
    .validated(&url)
}

#[derive(Deserialize)]
struct OkxResponse {
    code: String,
    msg: String,
    data: Vec<OkxTicker>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OkxTicker {
    inst_id: String,
    last: String,
    open24h: String,
}

/// OKX `/api/v5/market/ticker?instId=BTC-USDT`: `{"code":"0","data":[{"last":"…",…}]}`; a
/// non-zero `code` is OKX's way of reporting an error with HTTP 200.
pub async fn okx(client: &HttpClient, base: &str) -> Result<PriceQuote, FetchError> {
    let url = join(base, "/api/v5/market/ticker?instId=BTC-USDT");
    let body: OkxResponse = client.get_json(&url).await?;
    if body.code != "0" {
        return Err(FetchError::malformed(
            &url,
            format!("OKX code {}: {}", body.code, body.msg),
        ));
    }
    let Some(ticker) = body.data.into_iter().find(|t| t.inst_id == "BTC-USDT") else {
        return Err(FetchError::malformed(&url, "no BTC-USDT ticker in data"));
    };
    let last = parse_decimal(&url, "last", &ticker.last)?;
    let open = parse_decimal(&url, "open24h", &ticker.open24h)?;
    let change_24h_pct = (open > 0.0).then(|| (last / open - 1.0) * 100.0);
    PriceQuote {
        price_usd: last,
        change_24h_pct,
    }
    .validated(&url)
}

/// A decimal sent as a JSON string, as Binance and OKX do to keep precision.
pub(crate) fn parse_decimal(url: &str, field: &str, text: &str) -> Result<f64, FetchError> {
    text.trim()
        .parse::<f64>()
        .map_err(|e| FetchError::malformed(url, format!("{field} {text:?}: {e}")))
}
