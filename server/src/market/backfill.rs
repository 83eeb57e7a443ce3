//! `hashinsight market backfill --days N`: fills `network_day` from the providers' history
//! endpoints (mempool.space hashrate and difficulty, Binance daily klines), with a progress bar.
//! Resumable: it starts at the first day in the range that is not complete, so a second run
//! after an interruption fetches only what is missing, and a run over a complete range fetches
//! nothing.

use std::io::Write as _;
use std::process::ExitCode;

use domain::market::{DAY_MS, NetworkDay, day_start_ms, iso_date};
use indicatif::{ProgressBar, ProgressStyle};
use market::{HttpClient, fetch_daily_klines, fetch_network_history, now_ms};

use super::history::days_from_history;
use crate::config::Settings;
use crate::db;

/// Most candles Binance returns per request.
const KLINES_PER_REQUEST: u16 = 1_000;
/// Difficulty changes every ~2 weeks: history starts this much earlier so that the first day
/// knows the difficulty in force.
const DIFFICULTY_LOOKBACK_MS: i64 = 15 * DAY_MS;

fn complete(day: &NetworkDay) -> bool {
    day.difficulty.is_some() && day.hashrate_hs.is_some() && day.price_usd.is_some()
}

/// Runs the backfill of `days` days ending with `last_day_ms` (00:00 UTC).
pub async fn run(settings: &Settings, days: u32, last_day_ms: i64) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout();
    let store = db::open(&settings.database).await?;
    let first_day_ms = last_day_ms - (i64::from(days.max(1)) - 1) * DAY_MS;
    let stored = store.list_network_days(first_day_ms).await?;
    let start_ms = (0..i64::from(days.max(1)))
        .map(|i| first_day_ms + i * DAY_MS)
        .find(|day| !stored.iter().any(|s| s.day_ms == *day && complete(s)));
    let Some(start_ms) = start_ms else {
        writeln!(
            out,
            "network history {} … {} is complete: nothing to fetch",
            iso_date(first_day_ms),
            iso_date(last_day_ms)
        )?;
        return Ok(ExitCode::SUCCESS);
    };

    let endpoints = &settings.market.feed.endpoints;
    let client = HttpClient::new(settings.market.feed.http.clone())?;
    let span_days = (last_day_ms - start_ms) / DAY_MS + 1;
    let kline_pages = span_days.div_euclid(i64::from(KLINES_PER_REQUEST)) + 1;
    let steps = u64::try_from(kline_pages + 2).unwrap_or(u64::MAX);
    let bar = ProgressBar::new(steps).with_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    bar.set_message("mempool.space hashrate and difficulty");
    let history = fetch_network_history(
        &client,
        &endpoints.mempool,
        start_ms - DIFFICULTY_LOOKBACK_MS,
    )
    .await?;
    bar.inc(1);

    let mut candles = Vec::new();
    let mut next_ms = start_ms;
    while next_ms <= last_day_ms {
        bar.set_message(format!("Binance daily prices from {}", iso_date(next_ms)));
        let page =
            fetch_daily_klines(&client, &endpoints.binance, next_ms, KLINES_PER_REQUEST).await?;
        bar.inc(1);
        let Some(last) = page.last() else { break };
        next_ms = day_start_ms(last.open_time_ms) + DAY_MS;
        let full = page.len() >= usize::from(KLINES_PER_REQUEST);
        candles.extend(page);
        if !full {
            break;
        }
    }

    bar.set_message("writing");
    let rows = days_from_history(&history, &candles, start_ms, last_day_ms, now_ms());
    let written = store.upsert_network_days(&rows).await?;
    bar.inc(1);
    bar.finish_and_clear();
    writeln!(
        out,
        "backfilled {written} days of network history, {} … {} ({} requests)",
        iso_date(start_ms),
        iso_date(last_day_ms),
        client.outbound_requests(),
    )?;
    Ok(ExitCode::SUCCESS)
}
