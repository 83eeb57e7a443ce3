//! `hashinsight calc`: one calculation from the flags, prefilled from the market data where
//! they leave the price or the difficulty out.

use std::io::Write as _;

use domain::calculate::{CalcContext, CalcRequest, CalcResponse};
use domain::market::{MarketValue, Provenance};

use crate::calculate::run;
use crate::cli::CalcArgs;
use crate::config::Settings;

/// The CLI command. Exit code 2 and one line per refused field on bad input.
pub async fn command(
    settings: &Settings,
    args: &CalcArgs,
) -> anyhow::Result<std::process::ExitCode> {
    let mut request = args.request();
    let store = match request.model {
        Some(_) => Some(crate::db::open(&settings.database).await?),
        None => None,
    };
    let context = prefill(settings, &mut request).await?;
    match run(&request, store.as_ref(), context).await? {
        Ok(response) if args.json => {
            // The command's output is its stdout, not a log line.
            writeln!(
                std::io::stdout().lock(),
                "{}",
                serde_json::to_string_pretty(&response)?
            )?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Ok(response) => {
            write!(std::io::stdout().lock(), "{}", summary(&response))?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Err(errors) => {
            for error in &errors {
                eprintln!(
                    "error: --{}: {}",
                    error.field.replace('_', "-"),
                    error.message
                );
            }
            Ok(std::process::ExitCode::from(2))
        }
    }
}

/// Fills the market values the flags leave out when the BTC price or the difficulty is left
/// out (then the fees per block too, unless given), as the calculator page prefills them: live from the providers when `[market] enabled` and one
/// answers within its timeouts, else from the shipped dated snapshot; each filled value is
/// said on stderr with where it came from, so a script's stdout stays the answer. The chain
/// tip that came with the network values places the halvings, as on the page.
async fn prefill(settings: &Settings, request: &mut CalcRequest) -> anyhow::Result<CalcContext> {
    let wants_price = request.btc_price_usd.is_none();
    let wants_network = request.difficulty.is_none();
    if !wants_price && !wants_network {
        // Price and difficulty given: a what-if on the caller's figures, fees 0 unless given,
        // and no market read (the command works offline).
        return Ok(CalcContext::default());
    }
    let service = market::MarketService::new(settings.market.feed.clone())?;
    service.seed(&market::Snapshot::from_json(
        crate::market::SHIPPED_SNAPSHOT,
    )?);
    if settings.market.enabled {
        // A failed refresh leaves the snapshot in place; the line below says which was used.
        let price = async {
            if wants_price {
                let _ = service.refresh_price().await;
            }
        };
        let network = async {
            if wants_network {
                let _ = service.refresh_network().await;
            }
        };
        tokio::join!(price, network);
    }
    let now = crate::market::market_now(&service, domain::clock::unix_now_ms());
    let mut err = std::io::stderr().lock();
    let mut fill = |field: &str, slot: &mut Option<f64>, value: Option<&MarketValue>| {
        if slot.is_some() {
            return Ok::<_, std::io::Error>(());
        }
        let Some(value) = value else { return Ok(()) };
        *slot = Some(value.value);
        writeln!(err, "{field} = {} ({})", value.value, provenance(value))
    };
    fill(
        "btc_price_usd",
        &mut request.btc_price_usd,
        now.btc_price_usd.as_ref(),
    )?;
    fill(
        "difficulty",
        &mut request.difficulty,
        now.difficulty.as_ref(),
    )?;
    fill(
        "fees_per_block_btc",
        &mut request.fees_per_block_btc,
        now.fees_per_block_btc.as_ref(),
    )?;
    Ok(CalcContext {
        next_block_height: now.height.map(|height| height + 1),
    })
}

/// "CoinGecko, live" or "snapshot of 2026-11-30".
fn provenance(value: &MarketValue) -> String {
    match value.provenance {
        Provenance::Snapshot => format!(
            "snapshot of {}",
            domain::market::iso_date(value.fetched_at_ms)
        ),
        Provenance::Stored => format!("{}, stored", value.source),
        Provenance::Trend => format!("trend of {}", value.source),
        Provenance::Live => format!("{}, live", value.source),
    }
}

/// A few lines a person reads in a terminal.
fn summary(r: &CalcResponse) -> String {
    let payback = match r.payback_months {
        Some(month) => format!("month {month}"),
        None if r.investment_usd <= 0.0 => "none (no investment)".to_owned(),
        None => format!("not within {} months", r.months),
    };
    let model = r.model.as_deref().unwrap_or("custom machine");
    format!(
        "{model} × {count}: {ths:.1} TH/s, {w:.0} W each ({eff:.2} J/TH)\n\
         per day:  {btc:.8} BTC net of pool fee · revenue {rev:.2} USD · electricity {elec:.2} USD · profit {profit:.2} USD\n\
         break-even: electricity {be_e:.4} USD/kWh · BTC price {be_p} USD\n\
         hashprice {hp:.4} USD/TH/day · hashcost {hc:.4} USD/TH/day\n\
         {months} months: profit {total:.2} USD · payback {payback}\n",
        count = r.count,
        ths = r.hashrate_ths,
        w = r.power_w,
        eff = r.efficiency_j_th,
        btc = r.daily_btc,
        rev = r.daily_revenue_usd,
        elec = r.daily_electricity_usd,
        profit = r.daily_profit_usd,
        be_e = r.breakeven_electricity_usd_kwh,
        be_p = r
            .breakeven_btc_price_usd
            .map_or_else(|| "—".to_owned(), |p| format!("{p:.0}")),
        hp = r.hashprice_usd_th_day,
        hc = r.hashcost_usd_th_day,
        months = r.months,
        total = r.total_profit_usd,
    )
}
