//! One calculation as people ask for it — per-miner TH/s, EH/s, USD/kWh, a model name — turned
//! into `mining` inputs and back into flat figures. The REST API (`POST /api/v1/calculate`),
//! the CLI (`hashinsight calc`) and the browser all go through here, so a scenario gives the
//! same numbers wherever it is computed.

use mining::calculator::{CalcInput, DailyFigures, calculate};
use mining::costs::{HostingFees, Tariff};
use mining::projection::{MonthFigures, ProjectionParams, project};
use mining::units::DAYS_PER_MONTH;
use mining::{Breakevens, FieldError, breakevens};
use serde::{Deserialize, Serialize};

/// Block subsidy of the current epoch (heights 840,000–1,049,999), used when neither the flag
/// nor a known chain height says otherwise.
pub const DEFAULT_SUBSIDY_BTC: f64 = 3.125;
/// Pool fee of the large full-pay-per-share pools (Antpool, `F2Pool`, Binance), percent.
pub const DEFAULT_POOL_FEE_PCT: f64 = 2.5;
/// Retargets in an average month at the 600 s target: 30.4375 × 144 / 2016.
const RETARGETS_PER_MONTH: f64 = DAYS_PER_MONTH * 144.0 / 2016.0;

/// A calculation request. Every field is optional on the wire so that a missing one is
/// reported by name, like any other field error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalcRequest {
    /// Catalogue model; fills hashrate and power unless they are given.
    pub model: Option<String>,
    /// Number of miners (default 1).
    pub count: Option<u64>,
    /// Hashrate of one miner, TH/s.
    pub hashrate_ths: Option<f64>,
    /// Power of one miner, W.
    pub power_w: Option<f64>,
    pub electricity_usd_kwh: Option<f64>,
    pub btc_price_usd: Option<f64>,
    /// Network difficulty, raw (e.g. 1.19e14).
    pub difficulty: Option<f64>,
    /// Block subsidy, BTC (default: from the current height when known, else 3.125).
    pub block_reward_btc: Option<f64>,
    pub fees_per_block_btc: Option<f64>,
    /// Pool fee, percent (default 2.5).
    pub pool_fee_pct: Option<f64>,
    /// Network hashrate, EH/s, for the network-share cross-check.
    pub network_hashrate_ehs: Option<f64>,
    pub maintenance_usd_month: Option<f64>,
    pub investment_usd: Option<f64>,
    /// Projection horizon, months (default 36, at most 120).
    pub months: Option<u32>,
    /// Difficulty growth per month, percent (default 0).
    pub difficulty_growth_pct_month: Option<f64>,
    /// Share of the time the miners run, percent (default 100).
    pub uptime_pct: Option<f64>,
    /// Site overhead factor (default 1.0).
    pub pue: Option<f64>,
    pub hashrate_decay_pct_month: Option<f64>,
    pub electricity_escalation_pct_month: Option<f64>,
    pub resale_value_usd: Option<f64>,
    pub discount_rate_pct_year: Option<f64>,
    /// Hosting fee per miner per month the client pays, USD (default 0).
    pub hosting_usd_per_miner_month: Option<f64>,
    /// Hosting fee per kW of contracted capacity per month the client pays, USD (default 0).
    pub hosting_usd_per_kw_month: Option<f64>,
    /// Host side: markup the host adds to every kWh, USD/kWh (default 0).
    pub hosting_markup_usd_kwh: Option<f64>,
    /// Host side: what the host pays for a kWh at the site, USD/kWh. When given, the answer
    /// carries the host's figures (`host`).
    pub host_site_cost_usd_kwh: Option<f64>,
}

impl CalcRequest {
    /// Whether the request asks for host-side figures, which only some roles may see
    /// (`Module::HostFigures`).
    pub fn has_host_fields(&self) -> bool {
        self.hosting_markup_usd_kwh.is_some_and(|m| m != 0.0)
            || self.host_site_cost_usd_kwh.is_some()
    }
}

/// What the caller knows besides the request.
#[derive(Debug, Clone, Copy, Default)]
pub struct CalcContext {
    /// Height of the next block, when market data know the chain tip.
    pub next_block_height: Option<u64>,
}

/// One refused field, with a stable code for translation and an English message for API users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalcFieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl CalcFieldError {
    fn new(field: &str, code: &str, message: &str) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }

    fn from_mining(err: FieldError) -> Self {
        let field = wire_field(err.field);
        let code = match err.code {
            mining::FieldErrorCode::NotFinite => "not_finite",
            mining::FieldErrorCode::MustBePositive => "must_be_positive",
            mining::FieldErrorCode::MustBeNonNegative => "must_be_non_negative",
            mining::FieldErrorCode::OutOfRange => "out_of_range",
            mining::FieldErrorCode::TooLarge => "too_large",
            mining::FieldErrorCode::Empty => "empty",
        };
        Self::new(field, code, &format!("{field} {}", err.code))
    }
}

/// The request's name for a field of `mining`'s inputs.
fn wire_field(mining_field: &str) -> &str {
    match mining_field {
        "hashrate_hs" => "hashrate_ths",
        "network_hashrate_hs" => "network_hashrate_ehs",
        "subsidy_btc" => "block_reward_btc",
        "tariff" | "tariff.usd_per_kwh" => "electricity_usd_kwh",
        "difficulty_growth_pct_per_retarget" => "difficulty_growth_pct_month",
        "hashrate_decay_pct_per_month" => "hashrate_decay_pct_month",
        "electricity_escalation_pct_per_month" => "electricity_escalation_pct_month",
        "discount_rate_pct_per_year" => "discount_rate_pct_year",
        "hosting.markup_usd_per_kwh" => "hosting_markup_usd_kwh",
        "hosting.usd_per_miner_month" => "hosting_usd_per_miner_month",
        "hosting.usd_per_kw_month" => "hosting_usd_per_kw_month",
        "host_site_cost_usd_per_kwh" => "host_site_cost_usd_kwh",
        other => other,
    }
}

/// Where the block subsidy came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubsidySource {
    Request,
    CurrentHeight,
    Default,
}

/// Where the network hashrate of the cross-check came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkHashrateSource {
    Request,
    /// D · 2³² / 600: the hashrate the difficulty implies, so both methods agree exactly.
    ImpliedByDifficulty,
}

/// Everything a calculation answers, flat, in the units of the names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalcResponse {
    pub model: Option<String>,
    pub count: u64,
    pub hashrate_ths: f64,
    pub power_w: f64,
    pub efficiency_j_th: f64,
    pub subsidy_btc: f64,
    pub subsidy_source: SubsidySource,
    /// BTC per day for the fleet, net of the pool fee.
    pub daily_btc: f64,
    pub daily_btc_gross: f64,
    pub daily_revenue_usd: f64,
    pub daily_electricity_usd: f64,
    /// Hosting fees and maintenance per day.
    pub daily_other_costs_usd: f64,
    /// The hosting fees alone (markup, per miner, per kW) per day.
    pub daily_hosting_fees_usd: f64,
    pub daily_profit_usd: f64,
    pub daily_energy_kwh: f64,
    /// Revenue after pool fee ÷ kWh.
    pub breakeven_electricity_usd_kwh: f64,
    /// Electricity cost ÷ BTC mined; null when nothing is mined.
    pub breakeven_btc_price_usd: Option<f64>,
    pub hashprice_usd_th_day: f64,
    pub hashvalue_btc_th_day: f64,
    pub hashcost_usd_th_day: f64,
    /// BTC per day from the share of the network hashrate, before pool fee.
    pub network_method_daily_btc: f64,
    pub network_method_difference_pct: f64,
    pub network_hashrate_ehs: f64,
    pub network_hashrate_source: NetworkHashrateSource,
    pub months: u32,
    /// The up-front investment the projection recovers, USD (0 when none was given).
    pub investment_usd: f64,
    /// First month whose cumulative profit covers the investment; null when not within the
    /// horizon (never an estimate beyond it) or without an investment.
    pub payback_months: Option<u32>,
    pub roi_pct: Option<f64>,
    pub npv_usd: f64,
    pub irr_pct_year: Option<f64>,
    pub total_btc: f64,
    pub total_revenue_usd: f64,
    pub total_costs_usd: f64,
    pub total_profit_usd: f64,
    /// All-in break-evens (every cost, not only electricity) and the first loss-making month.
    pub breakeven_all_in: Breakevens,
    /// The host's side when the request gives the site cost; null otherwise.
    pub host: Option<HostFigures>,
    pub projection: Vec<MonthFigures>,
}

/// The host's money on this contract (definitions in `mining::hosting`), USD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostFigures {
    /// Energy at the client's price plus every hosting fee, per day.
    pub daily_client_pays_usd: f64,
    /// Energy at the site's cost, per day.
    pub daily_site_cost_usd: f64,
    pub daily_host_profit_usd: f64,
    /// Host profit ÷ what the client pays × 100; null when the client pays nothing.
    pub host_margin_pct: Option<f64>,
    /// Sum of the months' host profit over the horizon.
    pub total_host_profit_usd: f64,
}

/// A request resolved into the engine's inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub model: Option<String>,
    pub input: CalcInput,
    pub params: ProjectionParams,
    pub subsidy_source: SubsidySource,
    pub network_hashrate_source: NetworkHashrateSource,
}

/// A catalogue model's per-miner figures: (hashrate H/s, power W).
pub type ModelSpecs = (f64, f64);

/// Fills defaults, looks up the model, converts units, and reports every bad field at once.
#[allow(clippy::too_many_lines)] // one line per request field: split, the mapping is harder to check
pub fn resolve(
    request: &CalcRequest,
    context: CalcContext,
    find_model: &dyn Fn(&str) -> Option<(String, ModelSpecs)>,
) -> Result<Resolved, Vec<CalcFieldError>> {
    let mut errors = Vec::new();
    let mut required = |field: &str, value: Option<f64>| {
        if value.is_none() {
            errors.push(CalcFieldError::new(
                field,
                "required",
                &format!("{field} is required"),
            ));
        }
        value.unwrap_or(f64::NAN)
    };
    let electricity_usd_kwh = required("electricity_usd_kwh", request.electricity_usd_kwh);
    let btc_price_usd = required("btc_price_usd", request.btc_price_usd);
    let difficulty = required("difficulty", request.difficulty);

    let model = match request.model.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(name) => find_model(name).or_else(|| {
            errors.push(CalcFieldError::new(
                "model",
                "unknown_model",
                &format!("no model named {name:?} in the catalogue"),
            ));
            None
        }),
    };
    let hashrate_hs = request
        .hashrate_ths
        .map(|ths| ths * 1e12)
        .or_else(|| model.as_ref().map(|(_, (h, _))| *h));
    let power_w = request
        .power_w
        .or_else(|| model.as_ref().map(|(_, (_, p))| *p));
    if hashrate_hs.is_none() && request.model.is_none() {
        errors.push(CalcFieldError::new(
            "hashrate_ths",
            "required",
            "hashrate_ths is required when no model is given",
        ));
    }
    if power_w.is_none() && request.model.is_none() {
        errors.push(CalcFieldError::new(
            "power_w",
            "required",
            "power_w is required when no model is given",
        ));
    }

    let (subsidy_btc, subsidy_source) = match (request.block_reward_btc, context.next_block_height)
    {
        (Some(btc), _) => (btc, SubsidySource::Request),
        (None, Some(height)) => (
            mining::subsidy_btc_at_height(height),
            SubsidySource::CurrentHeight,
        ),
        (None, None) => (DEFAULT_SUBSIDY_BTC, SubsidySource::Default),
    };
    let network_hashrate_hs = request.network_hashrate_ehs.map(|ehs| ehs * 1e18);
    let network_hashrate_source = if network_hashrate_hs.is_some() {
        NetworkHashrateSource::Request
    } else {
        NetworkHashrateSource::ImpliedByDifficulty
    };

    let growth_month_pct = request.difficulty_growth_pct_month.unwrap_or(0.0);
    // Monthly growth compounds over ~2.17 retargets: (1 + g_month) = (1 + g_retarget)^2.17.
    let growth_retarget_pct =
        ((1.0 + growth_month_pct / 100.0).powf(1.0 / RETARGETS_PER_MONTH) - 1.0) * 100.0;

    let input = CalcInput {
        hashrate_hs: hashrate_hs.unwrap_or(f64::NAN),
        power_w: power_w.unwrap_or(f64::NAN),
        count: request.count.unwrap_or(1),
        difficulty,
        subsidy_btc,
        fees_per_block_btc: request.fees_per_block_btc.unwrap_or(0.0),
        pool_fee_pct: request.pool_fee_pct.unwrap_or(DEFAULT_POOL_FEE_PCT),
        btc_price_usd,
        network_hashrate_hs,
        tariff: Tariff::Flat {
            usd_per_kwh: electricity_usd_kwh,
        },
        pue: request.pue.unwrap_or(1.0),
        uptime_pct: request.uptime_pct.unwrap_or(100.0),
        maintenance_usd_month: request.maintenance_usd_month.unwrap_or(0.0),
        hosting: HostingFees {
            markup_usd_per_kwh: request.hosting_markup_usd_kwh.unwrap_or(0.0),
            usd_per_miner_month: request.hosting_usd_per_miner_month.unwrap_or(0.0),
            usd_per_kw_month: request.hosting_usd_per_kw_month.unwrap_or(0.0),
        },
        host_site_cost_usd_per_kwh: request.host_site_cost_usd_kwh,
        investment_usd: request.investment_usd.unwrap_or(0.0),
    };
    let params = ProjectionParams {
        months: request.months.unwrap_or(mining::projection::DEFAULT_MONTHS),
        difficulty_growth_pct_per_retarget: growth_retarget_pct,
        start_height: context
            .next_block_height
            .unwrap_or(mining::projection::DEFAULT_START_HEIGHT),
        hashrate_decay_pct_per_month: request.hashrate_decay_pct_month.unwrap_or(0.0),
        electricity_escalation_pct_per_month: request
            .electricity_escalation_pct_month
            .unwrap_or(0.0),
        resale_value_usd: request.resale_value_usd.unwrap_or(0.0),
        discount_rate_pct_per_year: request
            .discount_rate_pct_year
            .unwrap_or(mining::projection::DEFAULT_DISCOUNT_RATE_PCT_PER_YEAR),
        ..ProjectionParams::default()
    };

    // Fields already reported as missing would only repeat themselves as "not finite"; so
    // would hashrate and power when the model that should have filled them is unknown.
    let mut missing: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
    if missing.iter().any(|field| field == "model") {
        missing.extend(["hashrate_ths".to_owned(), "power_w".to_owned()]);
    }
    for err in input.validate().into_iter().chain(params.validate()) {
        let err = CalcFieldError::from_mining(err);
        if !missing.contains(&err.field) && !errors.contains(&err) {
            errors.push(err);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Resolved {
        model: model.map(|(name, _)| name),
        input,
        params,
        subsidy_source,
        network_hashrate_source,
    })
}

/// Computes every figure of a resolved request.
pub fn evaluate(resolved: &Resolved) -> Result<CalcResponse, Vec<CalcFieldError>> {
    let input = &resolved.input;
    let fail = |text: String| vec![CalcFieldError::new("request", "not_computable", &text)];
    let daily: DailyFigures = calculate(input).map_err(|e| fail(e.to_string()))?;
    let projection = project(input, &resolved.params).map_err(|e| fail(e.to_string()))?;
    let breakeven_all_in = breakevens(input, &resolved.params).map_err(|e| fail(e.to_string()))?;
    let implied_network_hs = input.difficulty * mining::revenue::HASHES_PER_DIFFICULTY / 600.0;
    let network_hashrate_hs = input.network_hashrate_hs.unwrap_or(implied_network_hs);
    // With the implied hashrate the network method equals the gross difficulty method.
    let network_method_daily_btc = daily
        .network_method_daily_btc
        .unwrap_or(daily.daily_btc_gross);
    let network_method_difference_pct = daily.network_method_difference_pct.unwrap_or(0.0);
    Ok(CalcResponse {
        model: resolved.model.clone(),
        count: input.count,
        hashrate_ths: input.hashrate_hs / 1e12,
        power_w: input.power_w,
        efficiency_j_th: daily.efficiency_j_th,
        subsidy_btc: input.subsidy_btc,
        subsidy_source: resolved.subsidy_source,
        daily_btc: daily.daily_btc,
        daily_btc_gross: daily.daily_btc_gross,
        daily_revenue_usd: daily.daily_revenue_usd,
        daily_electricity_usd: daily.daily_electricity_usd,
        daily_other_costs_usd: daily.daily_other_costs_usd,
        daily_hosting_fees_usd: daily.daily_hosting_fees_usd,
        daily_profit_usd: daily.daily_profit_usd,
        daily_energy_kwh: daily.daily_energy_kwh,
        breakeven_electricity_usd_kwh: daily.breakeven_electricity_usd_kwh,
        breakeven_btc_price_usd: daily.breakeven_btc_price_usd,
        hashprice_usd_th_day: daily.hashprice_usd_th_day,
        hashvalue_btc_th_day: daily.hashvalue_btc_th_day,
        hashcost_usd_th_day: daily.hashcost_usd_th_day,
        network_method_daily_btc,
        network_method_difference_pct,
        network_hashrate_ehs: network_hashrate_hs / 1e18,
        network_hashrate_source: resolved.network_hashrate_source,
        months: resolved.params.months,
        investment_usd: input.investment_usd,
        payback_months: projection.payback_month,
        roi_pct: projection.roi_pct,
        npv_usd: projection.npv_usd,
        irr_pct_year: projection.irr_pct_year,
        total_btc: projection.total_btc,
        total_revenue_usd: projection.total_revenue_usd,
        total_costs_usd: projection.total_costs_usd,
        total_profit_usd: projection.total_profit_usd,
        breakeven_all_in,
        host: daily.hosting_split.map(|split| HostFigures {
            daily_client_pays_usd: split.client_pays_usd,
            daily_site_cost_usd: split.host_site_cost_usd,
            daily_host_profit_usd: split.host_profit_usd,
            host_margin_pct: (split.client_pays_usd > 0.0)
                .then(|| split.host_profit_usd / split.client_pays_usd * 100.0),
            total_host_profit_usd: projection.total_host_profit_usd.unwrap_or(0.0),
        }),
        projection: projection.months,
    })
}

/// Case-insensitive lookup of a model name in a list of (name, specs).
pub fn find_in<'a>(
    models: impl IntoIterator<Item = (&'a str, ModelSpecs)>,
    name: &str,
) -> Option<(String, ModelSpecs)> {
    models
        .into_iter()
        .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name.trim()))
        .map(|(candidate, specs)| (candidate.to_owned(), specs))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: [(&str, ModelSpecs); 2] = [
        ("Antminer S19 Pro", (110e12, 3250.0)),
        ("Antminer S21", (200e12, 3500.0)),
    ];

    fn lookup(name: &str) -> Option<(String, ModelSpecs)> {
        find_in(CATALOGUE, name)
    }

    fn s19_request() -> CalcRequest {
        CalcRequest {
            model: Some("antminer s19 pro".into()),
            electricity_usd_kwh: Some(0.05),
            btc_price_usd: Some(80_000.0),
            difficulty: Some(119.12e12),
            ..CalcRequest::default()
        }
    }

    #[test]
    fn a_model_fills_hashrate_and_power_and_defaults_apply() {
        let resolved = resolve(&s19_request(), CalcContext::default(), &lookup).unwrap();
        assert_eq!(resolved.model.as_deref(), Some("Antminer S19 Pro"));
        assert!((resolved.input.hashrate_hs - 110e12).abs() < 1.0);
        assert!((resolved.input.pool_fee_pct - 2.5).abs() < 1e-12);
        assert_eq!(resolved.subsidy_source, SubsidySource::Default);
        let response = evaluate(&resolved).unwrap();
        // 110e12 · 86400 · 3.125 / (119.12e12 · 2³²) · 0.975
        assert!(
            (response.daily_btc - 5.805_129e-5 * 0.975).abs() < 1e-10,
            "{}",
            response.daily_btc
        );
        assert!((response.daily_electricity_usd - 3.9).abs() < 1e-9);
        assert_eq!(response.projection.len(), 36);
    }

    #[test]
    fn explicit_flags_override_the_catalogue() {
        let request = CalcRequest {
            hashrate_ths: Some(100.0),
            power_w: Some(3000.0),
            ..s19_request()
        };
        let resolved = resolve(&request, CalcContext::default(), &lookup).unwrap();
        assert!((resolved.input.hashrate_hs - 100e12).abs() < 1.0);
        assert!((resolved.input.power_w - 3000.0).abs() < 1e-9);
    }

    #[test]
    fn the_subsidy_follows_a_known_height() {
        let context = CalcContext {
            next_block_height: Some(1_050_001),
        };
        let resolved = resolve(&s19_request(), context, &lookup).unwrap();
        assert!((resolved.input.subsidy_btc - 1.5625).abs() < 1e-12);
        assert_eq!(resolved.subsidy_source, SubsidySource::CurrentHeight);
    }

    #[test]
    fn every_bad_field_is_reported_by_its_wire_name() {
        let request = CalcRequest {
            model: Some("Antminer Z99".into()),
            difficulty: Some(-1.0),
            pool_fee_pct: Some(150.0),
            btc_price_usd: None,
            ..s19_request()
        };
        let errors = resolve(&request, CalcContext::default(), &lookup).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"model"), "{errors:?}");
        assert!(fields.contains(&"btc_price_usd"), "{errors:?}");
        assert!(fields.contains(&"difficulty"), "{errors:?}");
        assert!(fields.contains(&"pool_fee_pct"), "{errors:?}");
        let missing = errors.iter().find(|e| e.field == "btc_price_usd").unwrap();
        assert_eq!(missing.code, "required");
    }

    #[test]
    fn no_model_and_no_hashrate_is_refused() {
        let request = CalcRequest {
            model: None,
            ..s19_request()
        };
        let errors = resolve(&request, CalcContext::default(), &lookup).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.field == "hashrate_ths" && e.code == "required")
        );
        assert!(
            errors
                .iter()
                .any(|e| e.field == "power_w" && e.code == "required")
        );
    }

    #[test]
    fn monthly_difficulty_growth_compounds_to_the_same_month() {
        let request = CalcRequest {
            difficulty_growth_pct_month: Some(4.0),
            ..s19_request()
        };
        let resolved = resolve(&request, CalcContext::default(), &lookup).unwrap();
        let per_retarget = resolved.params.difficulty_growth_pct_per_retarget / 100.0;
        let per_month = (1.0 + per_retarget).powf(RETARGETS_PER_MONTH) - 1.0;
        assert!((per_month - 0.04).abs() < 1e-12);
    }

    #[test]
    fn hosting_fees_and_the_host_side_follow_the_request() {
        let request = CalcRequest {
            count: Some(10),
            hosting_usd_per_miner_month: Some(30.4375),
            hosting_markup_usd_kwh: Some(0.01),
            host_site_cost_usd_kwh: Some(0.04),
            ..s19_request()
        };
        assert!(request.has_host_fields());
        let response =
            evaluate(&resolve(&request, CalcContext::default(), &lookup).unwrap()).unwrap();
        // 10 S19 Pro: 780 kWh a day; markup 7.80 USD, per-miner fee 10 × 1 USD a day.
        assert!((response.daily_hosting_fees_usd - 17.8).abs() < 1e-9);
        let host = response.host.unwrap();
        // The client pays 0.06 USD/kWh and the fees; the host pays 0.04 USD/kWh.
        assert!((host.daily_client_pays_usd - (780.0 * 0.06 + 10.0)).abs() < 1e-9);
        assert!((host.daily_site_cost_usd - 780.0 * 0.04).abs() < 1e-9);
        assert!((host.daily_host_profit_usd - (780.0 * 0.02 + 10.0)).abs() < 1e-9);
        assert!(host.total_host_profit_usd > 30.0 * host.daily_host_profit_usd);
        assert!(!s19_request().has_host_fields());
        let plain = evaluate(&resolve(&s19_request(), CalcContext::default(), &lookup).unwrap());
        assert_eq!(plain.unwrap().host, None);
    }

    #[test]
    fn a_bad_hosting_fee_is_named_by_its_wire_field() {
        let request = CalcRequest {
            hosting_usd_per_kw_month: Some(-5.0),
            host_site_cost_usd_kwh: Some(f64::NAN),
            ..s19_request()
        };
        let errors = resolve(&request, CalcContext::default(), &lookup).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"hosting_usd_per_kw_month"), "{errors:?}");
        assert!(fields.contains(&"host_site_cost_usd_kwh"), "{errors:?}");
    }

    #[test]
    fn payback_is_null_when_the_investment_is_never_recovered() {
        let request = CalcRequest {
            investment_usd: Some(1e9),
            ..s19_request()
        };
        let resolved = resolve(&request, CalcContext::default(), &lookup).unwrap();
        assert_eq!(evaluate(&resolved).unwrap().payback_months, None);
    }
}
