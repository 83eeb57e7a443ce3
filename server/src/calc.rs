//! `hashinsight calc` and `POST /api/v1/calculate`: both resolve a `CalcRequest` against the
//! catalogue and evaluate it with `domain::calculate`, so the CLI and the API cannot disagree.

use std::io::Write as _;
use std::sync::Arc;

use app::ssr::auth::Caller;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::access::{Access, Module};
use domain::calculate::{CalcContext, CalcFieldError, CalcRequest, CalcResponse, find_in, resolve};
use serde::Serialize;
use store::Store;

use crate::cli::CalcArgs;
use crate::config::Settings;
use crate::state::AppState;

/// Why a calculation was refused.
#[derive(Debug, Serialize)]
pub struct CalcErrors {
    pub errors: Vec<CalcFieldError>,
}

/// Resolves against the catalogue (read only when the request names a model) and evaluates.
pub async fn run(
    request: &CalcRequest,
    store: Option<&Arc<dyn Store>>,
    context: CalcContext,
) -> anyhow::Result<Result<CalcResponse, Vec<CalcFieldError>>> {
    let catalogue = match (&request.model, store) {
        (Some(_), Some(store)) => store.list_asic_models().await?,
        _ => Vec::new(),
    };
    let specs: Vec<(&str, (f64, f64))> = catalogue
        .iter()
        .map(|m| (m.name.as_str(), (m.hashrate_hs, m.power_w)))
        .collect();
    let find = |name: &str| find_in(specs.iter().copied(), name);
    Ok(
        resolve(request, context, &find)
            .and_then(|resolved| domain::calculate::evaluate(&resolved)),
    )
}

/// The CLI command. Exit code 2 and one line per refused field on bad input.
pub async fn command(
    settings: &Settings,
    args: &CalcArgs,
) -> anyhow::Result<std::process::ExitCode> {
    let request = args.request();
    let store = match request.model {
        Some(_) => Some(crate::db::open(&settings.database).await?),
        None => None,
    };
    // The CLI works offline: without a known height the subsidy is the current epoch's.
    match run(&request, store.as_ref(), CalcContext::default()).await? {
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

/// `POST /api/v1/calculate`: JSON in, JSON out; 422 with every field error on bad input. The
/// host side (markup, site cost) is for the roles that may see it; others get 401/403.
pub async fn calculate_handler(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    body: Bytes,
) -> Response {
    let request: CalcRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => {
            let error = CalcFieldError {
                field: "body".to_owned(),
                code: "invalid_json".to_owned(),
                message: err.to_string(),
            };
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(CalcErrors {
                    errors: vec![error],
                }),
            )
                .into_response();
        }
    };
    if request.has_host_fields() {
        let caller = caller.map(|Extension(caller)| caller).unwrap_or_default();
        if let Err(error) = caller.require(Module::HostFigures, Access::Read) {
            return crate::auth::error_response(error);
        }
    }
    // The chain tip places the halvings and picks the subsidy, as in the browser.
    let context = CalcContext {
        next_block_height: state.market.network().map(|r| r.sourced.value.height + 1),
    };
    match run(&request, Some(&state.store), context).await {
        Ok(Ok(response)) => Json(response).into_response(),
        Ok(Err(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(CalcErrors { errors }),
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "calculate: catalogue unavailable");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
