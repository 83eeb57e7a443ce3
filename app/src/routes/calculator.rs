//! The profitability calculator. Inputs live in the URL; every change recomputes in the
//! browser with `app::calculate` (the engine of the REST API and the CLI), charts included.
//! Roles that may see host figures (`Module::HostFigures`) also get the host's inputs (site
//! energy cost, markup) and the host's side of the money; everyone else sees the client view,
//! where a link's markup is folded into the electricity price they pay.

use leptos::prelude::*;
use leptos_meta::Script;
use leptos_router::hooks::use_query_map;
use mining::heatmap::{Heatmap, HeatmapAxes, heatmap};
use mining::projection::scenarios;

use crate::access::Viewer;
use crate::api::market::current_market;
use crate::calculate::{
    CalcContext, CalcFieldError, CalcRequest, CalcResponse, ModelSpecs, Resolved, evaluate,
    find_in, resolve,
};
use crate::catalogue::AsicModel;
use crate::chart_options::{self, ChartText};
use crate::components::charts::{BarChart, CumulativeChart};
use crate::components::echart::{ECHARTS_SCRIPT, EChart};
use crate::components::error_view::Refusal;
use crate::components::market_origin::{origin_class, origin_text};
use crate::components::page_title::PageTitle;
use crate::components::session::use_viewer;
use crate::components::with_catalogue::WithCatalogue;
use crate::i18n::{t, t_string, use_i18n};
use crate::market::{MarketNow, MarketValue, Provenance, iso_date};
use crate::routes::saved_scenarios::{SavedData, SavedScenarios};
use crate::scenario::{FIELDS, HOST_FIELDS, MARKET_FIELDS, Scenario};
use crate::timing::now_ms;

lazy_page!(CalculatorRoute, CalculatorPage);

#[component]
pub fn CalculatorPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=|i18n| t_string!(i18n, calc_title) />
        <Script src=ECHARTS_SCRIPT defer="defer" />
        <h1>{t!(i18n, calc_title)}</h1>
        <p class="muted">{t!(i18n, calc_intro)}</p>
        <WithCatalogue render=|models| view! { <Calculator models /> } />
    }
}

type Outcome = Result<(Resolved, CalcResponse), Vec<CalcFieldError>>;

fn compute(scenario: &Scenario, specs: &[(String, ModelSpecs)], context: CalcContext) -> Outcome {
    let request = scenario.to_request()?;
    let find = |name: &str| find_in(specs.iter().map(|(n, s)| (n.as_str(), *s)), name);
    let resolved = resolve(&request, context, &find)?;
    let response = evaluate(&resolved)?;
    Ok((resolved, response))
}

/// Loads the market values the inputs start from and who is asking, then the calculator.
#[component]
fn Calculator(models: Vec<AsicModel>) -> impl IntoView {
    let market = Resource::new(|| (), |()| current_market());
    let viewer = use_viewer().0;
    let saved = SavedData::default();
    let models = StoredValue::new(models);
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                // Without market data the calculator still works from its defaults.
                let market = market.await.unwrap_or_default();
                // Who is asking decides whether host figures show. When that cannot be read
                // (the database is down), the page says so and shows the client view, the one
                // that reveals nothing, rather than passing for a visitor's page.
                let (viewer, lookup_failed) = match viewer.await {
                    Ok(viewer) => (viewer, None),
                    Err(error) => {
                        leptos::logging::error!("calculator: the session lookup failed: {error}");
                        (None, Some(view! { <Refusal error /> }))
                    }
                };
                view! {
                    {lookup_failed}
                    <CalculatorForm models=models.get_value() market viewer saved />
                }
            })}
        </Suspense>
    }
}

#[component]
#[allow(clippy::too_many_lines)] // the page's layout in one place: inputs, then every output
fn CalculatorForm(
    models: Vec<AsicModel>,
    market: MarketNow,
    viewer: Option<Viewer>,
    saved: SavedData,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let host_view = viewer.as_ref().is_some_and(|v| v.role.sees_host_figures());
    let signed_in = viewer.is_some();
    // The chain tip places the halvings and picks the subsidy, as the REST API does.
    let context = CalcContext {
        next_block_height: market.height.map(|height| height + 1),
    };
    let as_seen = move |scenario: Scenario| {
        if host_view {
            (scenario, false)
        } else {
            scenario.into_client_view()
        }
    };
    let (initial, folded_host_fields) = as_seen(query.with_untracked(|q| {
        Scenario::from_query_or(
            |key| q.get(key),
            |key| market.for_field(key).map(|v| v.field_text(key)),
        )
    }));
    // The notice speaks of the values it filled in: none when the address set them all.
    let prefilled_from_snapshot = query.with_untracked(|q| {
        MARKET_FIELDS.iter().any(|key| {
            q.get(key).is_none()
                && market.for_field(key).is_some_and(|v| {
                    matches!(v.provenance, Provenance::Snapshot | Provenance::Stored)
                })
        })
    });
    let offline_since = market
        .offline_since_ms()
        .filter(|_| prefilled_from_snapshot);
    let market = StoredValue::new(market);
    let fields: [RwSignal<String>; FIELDS.len()] =
        std::array::from_fn(|i| RwSignal::new(initial.values[i].clone()));
    let scenario = Memo::new(move |_| Scenario {
        values: fields.iter().map(|f| f.get()).collect(),
    });

    Effect::new(move |previous: Option<()>| {
        let query = scenario.with(Scenario::to_query);
        // The first run only reads; later runs keep the address in step with the inputs.
        if previous.is_some() {
            replace_address(&query);
        }
    });

    let specs: Vec<(String, ModelSpecs)> = models
        .iter()
        .map(|m| (m.name.clone(), (m.hashrate_hs, m.power_w)))
        .collect();
    let specs = StoredValue::new(specs);
    let outcome =
        Memo::new(move |_| scenario.with(|s| specs.with_value(|specs| compute(s, specs, context))));
    let load = Callback::new(move |query: String| {
        if let Some(saved) = Scenario::parse_query(&query) {
            let (saved, _) = as_seen(saved);
            for (field, value) in fields.iter().zip(saved.values) {
                field.set(value);
            }
        }
    });
    let response = Memo::new(move |_| outcome.with(|o| o.as_ref().ok().map(|(_, r)| r.clone())));

    let model_names: Vec<String> = models.iter().map(|m| m.name.clone()).collect();
    let model_field = fields[0];

    view! {
        <div class="calculator">
            <section class="card" aria-labelledby="inputs-title">
                <h2 id="inputs-title">{t!(i18n, calc_inputs)}</h2>
                {offline_since.map(|since| {
                    let date = iso_date(since);
                    view! {
                        <p class="notice" id="market-offline" role="status">
                            {move || t_string!(i18n, market_offline, date = date.clone()).to_string()}
                        </p>
                    }
                })}
                {folded_host_fields.then(|| view! {
                    <p class="notice" id="client-view-notice" role="status">{t!(i18n, calc_client_view_notice)}</p>
                })}
                <div class="form-grid">
                    <label>
                        <span>{t!(i18n, field_model)}</span>
                        <select
                            id="field-model"
                            on:change=move |ev| model_field.set(event_target_value(&ev))
                            prop:value=move || model_field.get()
                        >
                            <option value="" selected=move || model_field.with(String::is_empty)>
                                {t!(i18n, field_custom_model)}
                            </option>
                            {model_names
                                .into_iter()
                                .map(|name| {
                                    let selected = {
                                        let name = name.clone();
                                        move || model_field.with(|m| *m == name)
                                    };
                                    view! {
                                        <option value=name.clone() selected=selected>
                                            {name.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    {FIELDS
                        .iter()
                        .enumerate()
                        .skip(1)
                        .filter(|(_, (key, _))| host_view || !HOST_FIELDS.contains(key))
                        .map(|(i, (key, _))| {
                            let signal = fields[i];
                            let badge = market
                                .with_value(|m| m.for_field(key).cloned())
                                .map(|value| view! { <MarketBadge key value field=signal /> });
                            view! {
                                <label>
                                    <span>{move || field_label(i18n, key)}</span>
                                    <input
                                        id=format!("field-{key}")
                                        name=*key
                                        type="text"
                                        inputmode="decimal"
                                        value=signal.get_untracked()
                                        bind:value=signal
                                    />
                                    {badge}
                                    {HOST_FIELDS.contains(key).then(|| view! {
                                        <small class="host-only">{t!(i18n, calc_host_only)}</small>
                                    })}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
                <ul class="field-errors" id="calc-errors" role="status" aria-live="polite">
                    {move || {
                        outcome
                            .get()
                            .err()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|e| {
                                let text = format!(
                                    "{}: {}",
                                    field_label(i18n, &e.field),
                                    code_text(i18n, &e.code),
                                );
                                view! { <li>{text}</li> }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
            <Figures response />
            {host_view.then(|| view! { <HostSide response /> })}
            <SavedScenarios scenario signed_in data=saved load />
            <Scenarios outcome />
            <Charts response />
            <SensitivityHeatmap outcome />
            <Comparison models scenario context />
        </div>
    }
}

/// Where a prefilled value came from and how old it is, with a way back to it once edited.
#[component]
fn MarketBadge(key: &'static str, value: MarketValue, field: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let market_text = value.field_text(key);
    let class = origin_class(&value);
    let origin = move || origin_text(i18n, &value);
    let edited = {
        let market_text = market_text.clone();
        move || field.with(|text| text.trim() != market_text)
    };
    view! {
        <small class=class id=format!("market-{key}")>
            {origin}
            <Show when=edited>
                " · "
                <button type="button" class="link" on:click={
                    let market_text = market_text.clone();
                    move |_| field.set(market_text.clone())
                }>{t!(i18n, market_use_value)}</button>
            </Show>
        </small>
    }
}

fn field_label(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, key: &str) -> &'static str {
    match key {
        "model" => t_string!(i18n, field_model),
        "count" => t_string!(i18n, field_count),
        "hashrate_ths" => t_string!(i18n, field_hashrate_ths),
        "power_w" => t_string!(i18n, field_power_w),
        "electricity_usd_kwh" => t_string!(i18n, field_electricity_usd_kwh),
        "btc_price_usd" => t_string!(i18n, field_btc_price_usd),
        "difficulty" => t_string!(i18n, field_difficulty),
        "fees_per_block_btc" => t_string!(i18n, field_fees_per_block_btc),
        "pool_fee_pct" => t_string!(i18n, field_pool_fee_pct),
        "months" => t_string!(i18n, field_months),
        "difficulty_growth_pct_month" => t_string!(i18n, field_difficulty_growth_pct_month),
        "investment_usd" => t_string!(i18n, field_investment_usd),
        "maintenance_usd_month" => t_string!(i18n, field_maintenance_usd_month),
        "uptime_pct" => t_string!(i18n, field_uptime_pct),
        "hosting_usd_per_miner_month" => t_string!(i18n, field_hosting_usd_per_miner_month),
        "hosting_usd_per_kw_month" => t_string!(i18n, field_hosting_usd_per_kw_month),
        "hosting_markup_usd_kwh" => t_string!(i18n, field_hosting_markup_usd_kwh),
        "host_site_cost_usd_kwh" => t_string!(i18n, field_host_site_cost_usd_kwh),
        _ => t_string!(i18n, field_other),
    }
}

fn code_text(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, code: &str) -> &'static str {
    match code {
        "required" => t_string!(i18n, code_required),
        "not_a_number" => t_string!(i18n, code_not_a_number),
        "not_finite" => t_string!(i18n, code_not_finite),
        "must_be_positive" => t_string!(i18n, code_must_be_positive),
        "must_be_non_negative" => t_string!(i18n, code_must_be_non_negative),
        "out_of_range" => t_string!(i18n, code_out_of_range),
        "too_large" => t_string!(i18n, code_too_large),
        "unknown_model" => t_string!(i18n, code_unknown_model),
        _ => t_string!(i18n, code_other),
    }
}

fn usd(value: f64) -> String {
    let rounded = format!("{:.2}", value.abs());
    let (whole, cents) = rounded.split_once('.').unwrap_or((&rounded, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 { "−" } else { "" };
    format!("{sign}{grouped}.{cents}")
}

fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1} %"))
}

#[component]
fn Figures(response: Memo<Option<CalcResponse>>) -> impl IntoView {
    let i18n = use_i18n();
    let show = move |f: fn(&CalcResponse) -> String| {
        move || response.with(|r| r.as_ref().map_or_else(|| "—".to_owned(), f))
    };
    let payback = move || {
        response.with(|r| match r {
            None => "—".to_owned(),
            Some(r) => match r.payback_months {
                Some(month) => t_string!(i18n, out_payback_month, month).to_string(),
                None if r.investment_usd <= 0.0 => t_string!(i18n, out_payback_none).to_string(),
                None => t_string!(i18n, out_payback_never, months = r.months).to_string(),
            },
        })
    };
    view! {
        <section class="card" aria-label=move || t_string!(i18n, calc_title)>
            <dl class="figures" id="calc-figures">
                <div><dt>{t!(i18n, out_daily_btc)}</dt><dd id="out-daily-btc">{show(|r| format!("{:.8}", r.daily_btc))}</dd></div>
                <div><dt>{t!(i18n, out_daily_revenue)}</dt><dd id="out-daily-revenue">{show(|r| usd(r.daily_revenue_usd))}</dd></div>
                <div><dt>{t!(i18n, out_daily_electricity)}</dt><dd id="out-daily-electricity">{show(|r| usd(r.daily_electricity_usd))}</dd></div>
                <div><dt>{t!(i18n, out_daily_hosting_fees)}</dt><dd id="out-daily-hosting-fees">{show(|r| usd(r.daily_hosting_fees_usd))}</dd></div>
                <div><dt>{t!(i18n, out_daily_profit)}</dt><dd id="out-daily-profit">{show(|r| usd(r.daily_profit_usd))}</dd></div>
                <div><dt>{t!(i18n, out_payback)}</dt><dd id="out-payback">{payback}</dd></div>
                <div><dt>{t!(i18n, out_total_profit)}</dt><dd id="out-total-profit">{show(|r| usd(r.total_profit_usd))}</dd></div>
                <div><dt>{t!(i18n, out_roi)}</dt><dd id="out-roi">{show(|r| pct(r.roi_pct))}</dd></div>
                <div><dt>{t!(i18n, out_npv)}</dt><dd id="out-npv">{show(|r| usd(r.npv_usd))}</dd></div>
                <div><dt>{t!(i18n, out_irr)}</dt><dd id="out-irr">{show(|r| pct(r.irr_pct_year))}</dd></div>
                <div><dt>{t!(i18n, out_breakeven_electricity)}</dt><dd id="out-breakeven-electricity">{show(|r| format!("{:.4}", r.breakeven_electricity_usd_kwh))}</dd></div>
                <div><dt>{t!(i18n, out_breakeven_price)}</dt><dd id="out-breakeven-price">{show(|r| r.breakeven_btc_price_usd.map_or_else(|| "—".to_owned(), usd))}</dd></div>
                <div><dt>{t!(i18n, out_hashprice)}</dt><dd id="out-hashprice">{show(|r| format!("{:.4}", r.hashprice_usd_th_day))}</dd></div>
                <div><dt>{t!(i18n, out_hashcost)}</dt><dd id="out-hashcost">{show(|r| format!("{:.4}", r.hashcost_usd_th_day))}</dd></div>
            </dl>
        </section>
    }
}

/// The host's side of the contract: what the client pays, what the site's energy costs, and
/// the difference. Shown only to roles that see host figures.
#[component]
fn HostSide(response: Memo<Option<CalcResponse>>) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || {
        response.with(|r| {
            let host = r.as_ref().and_then(|r| r.host.clone());
            match host {
                None => view! {
                    <p class="muted" id="host-enter-site-cost">{t!(i18n, host_enter_site_cost)}</p>
                }
                .into_any(),
                Some(host) => view! {
                    <dl class="figures" id="host-figures">
                        <div><dt>{t!(i18n, host_client_pays)}</dt><dd id="out-host-client-pays">{usd(host.daily_client_pays_usd)}</dd></div>
                        <div><dt>{t!(i18n, host_site_cost)}</dt><dd id="out-host-site-cost">{usd(host.daily_site_cost_usd)}</dd></div>
                        <div><dt>{t!(i18n, host_profit)}</dt><dd id="out-host-profit">{usd(host.daily_host_profit_usd)}</dd></div>
                        <div><dt>{t!(i18n, host_margin)}</dt><dd id="out-host-margin">{pct(host.host_margin_pct)}</dd></div>
                        <div><dt>{t!(i18n, host_total_profit)}</dt><dd id="out-host-total-profit">{usd(host.total_host_profit_usd)}</dd></div>
                    </dl>
                }
                .into_any(),
            }
        })
    };
    view! {
        <section class="card" id="host-side" aria-labelledby="host-title">
            <h2 id="host-title">{t!(i18n, host_title)}</h2>
            <p class="muted small">{t!(i18n, host_hint)}</p>
            {body}
        </section>
    }
}

#[component]
fn Scenarios(outcome: Memo<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        let cases = outcome.with(|o| {
            o.as_ref()
                .ok()
                .and_then(|(resolved, _)| scenarios(&resolved.input, &resolved.params).ok())
        })?;
        let months = cases.base.months.len();
        let row = move |name: &'static str, p: &mining::Projection| {
            let payback = p.payback_month.map_or_else(
                || t_string!(i18n, out_payback_never, months).to_string(),
                |month| t_string!(i18n, out_payback_month, month).to_string(),
            );
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td class="num">{usd(p.total_profit_usd)}</td>
                    <td class="num">{pct(p.roi_pct)}</td>
                    <td>{payback}</td>
                </tr>
            }
        };
        Some(view! {
            {row(t_string!(i18n, scen_bear), &cases.bear)}
            {row(t_string!(i18n, scen_base), &cases.base)}
            {row(t_string!(i18n, scen_bull), &cases.bull)}
        })
    };
    view! {
        <section class="card" aria-labelledby="scenarios-title">
            <h2 id="scenarios-title">{t!(i18n, scen_title)}</h2>
            <div class="table-scroll">
                <table class="data-table" id="scenarios-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, scen_case)}</th>
                            <th scope="col" class="num">{t!(i18n, out_total_profit)}</th>
                            <th scope="col" class="num">{t!(i18n, out_roi)}</th>
                            <th scope="col">{t!(i18n, out_payback)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Charts(response: Memo<Option<CalcResponse>>) -> impl IntoView {
    let i18n = use_i18n();
    let cumulative = Signal::derive(move || -> Vec<f64> {
        response.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.projection
                        .iter()
                        .map(|m| m.cumulative_profit_usd)
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let monthly = Signal::derive(move || -> Vec<f64> {
        response.with(|r| {
            r.as_ref()
                .map(|r| r.projection.iter().map(|m| m.profit_usd).collect())
                .unwrap_or_default()
        })
    });
    let payback =
        Signal::derive(move || response.with(|r| r.as_ref().and_then(|r| r.payback_months)));
    let cumulative_label = Signal::derive(move || t_string!(i18n, chart_cumulative).to_owned());
    let monthly_label = Signal::derive(move || t_string!(i18n, chart_monthly).to_owned());
    let text = Memo::new(move |_| chart_text(i18n));
    let cumulative_chart = Signal::derive(move || {
        text.with(|text| {
            cumulative.with(|values| chart_options::cumulative_profit(values, payback.get(), text))
        })
    });
    let monthly_chart = Signal::derive(move || {
        text.with(|text| monthly.with(|values| chart_options::monthly_profit(values, text)))
    });
    view! {
        <section class="card charts">
            <figure id="chart-cumulative">
                <figcaption>{t!(i18n, chart_cumulative)}</figcaption>
                <EChart id="echart-cumulative" chart=cumulative_chart>
                    <CumulativeChart values=cumulative payback_month=payback label=cumulative_label />
                </EChart>
            </figure>
            <figure id="chart-monthly">
                <figcaption>{t!(i18n, chart_monthly)}</figcaption>
                <EChart id="echart-monthly" chart=monthly_chart>
                    <BarChart values=monthly label=monthly_label />
                </EChart>
            </figure>
        </section>
    }
}

fn chart_text(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>) -> ChartText {
    ChartText {
        month: t_string!(i18n, chart_month).to_owned(),
        usd: t_string!(i18n, chart_usd).to_owned(),
        payback: t_string!(i18n, out_payback).to_owned(),
        btc_price_usd: t_string!(i18n, field_btc_price_usd).to_owned(),
        electricity_usd_per_kwh: t_string!(i18n, field_electricity_usd_kwh).to_owned(),
    }
}

/// Rewrites the address bar without a navigation: the router has nothing to load, and the
/// back button should not step through every keystroke.
fn replace_address(query: &str) {
    #[cfg(feature = "hydrate")]
    {
        let url = if query.is_empty() {
            "/calculator".to_owned()
        } else {
            format!("/calculator?{query}")
        };
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(
                &leptos::wasm_bindgen::JsValue::NULL,
                "",
                Some(&url),
            );
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = query;
}

#[component]
fn SensitivityHeatmap(outcome: Memo<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let timed = Memo::new(move |_| {
        let start = now_ms();
        let grid: Option<Heatmap> = outcome.with(|o| {
            let (resolved, _) = o.as_ref().ok()?;
            let axes = HeatmapAxes::default_around(&resolved.input).ok()?;
            heatmap(&resolved.input, &resolved.params, &axes).ok()
        });
        (grid, now_ms() - start)
    });
    let header = move || {
        timed.with(|(grid, _)| {
            grid.as_ref().map(|grid| {
                grid.electricity_usd_per_kwh
                    .iter()
                    .map(|e| view! { <th scope="col" class="num">{format!("{e:.3}")}</th> })
                    .collect_view()
            })
        })
    };
    let rows =
        move || {
            timed.with(|(grid, _)| {
                let grid = grid.as_ref()?;
                let extreme = grid
                    .total_profit_usd
                    .iter()
                    .flatten()
                    .fold(1.0_f64, |m, v| m.max(v.abs()));
                Some(
                    grid.btc_prices_usd
                        .iter()
                        .zip(&grid.total_profit_usd)
                        .map(|(price, row)| {
                            let cells = row
                            .iter()
                            .map(|profit| {
                                // Green for profit, red for loss, stronger with the amount.
                                let alpha = (profit.abs() / extreme).clamp(0.08, 1.0);
                                let rgb =
                                    if *profit >= 0.0 { "22, 163, 74" } else { "220, 38, 38" };
                                let style = format!("background: rgba({rgb}, {alpha:.2})");
                                view! { <td style=style title=usd(*profit)>{compact(*profit)}</td> }
                            })
                            .collect_view();
                            view! {
                                <tr>
                                    <th scope="row" class="num">{format!("{price:.0}")}</th>
                                    {cells}
                                </tr>
                            }
                        })
                        .collect_view(),
                )
            })
        };
    let chart = Signal::derive(move || {
        let text = chart_text(i18n);
        timed.with(|(grid, _)| {
            grid.as_ref().map_or_else(charming::Chart::new, |grid| {
                chart_options::sensitivity(grid, &text)
            })
        })
    });
    view! {
        <section class="card" aria-labelledby="heatmap-title">
            <h2 id="heatmap-title">{t!(i18n, heatmap_title)}</h2>
            <p class="muted small">{t!(i18n, heatmap_hint)}</p>
            <EChart id="echart-heatmap" chart>
            <div class="table-scroll">
                <table
                    class="heatmap"
                    id="heatmap"
                    data-compute-ms=move || timed.with(|(_, ms)| format!("{ms:.3}"))
                >
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, heatmap_corner)}</th>
                            {header}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            </EChart>
        </section>
    }
}

/// 12,345 → "12k", −1,234,567 → "−1.2M": heatmap cells are small.
fn compact(value: f64) -> String {
    let abs = value.abs();
    let sign = if value < 0.0 { "−" } else { "" };
    if abs >= 1e6 {
        format!("{sign}{:.1}M", abs / 1e6)
    } else if abs >= 1e3 {
        format!("{sign}{:.0}k", abs / 1e3)
    } else {
        format!("{sign}{abs:.0}")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Profit,
    Roi,
    Payback,
    Efficiency,
}

#[derive(Debug, Clone, PartialEq)]
struct ComparisonRow {
    name: String,
    efficiency_j_th: f64,
    daily_profit_usd: f64,
    roi_pct: Option<f64>,
    payback_months: Option<u32>,
}

#[component]
fn Comparison(
    models: Vec<AsicModel>,
    scenario: Memo<Scenario>,
    context: CalcContext,
) -> impl IntoView {
    let i18n = use_i18n();
    let sort = RwSignal::new(SortKey::Profit);
    let models = StoredValue::new(models);
    let rows = Memo::new(move |_| {
        let Ok(base) = scenario.with(Scenario::to_request) else {
            return Vec::new();
        };
        let count = base.count.unwrap_or(1);
        let mut rows: Vec<ComparisonRow> = models.with_value(|models| {
            models
                .iter()
                .filter_map(|model| {
                    #[allow(clippy::cast_precision_loss)] // fleet sizes are far below 2^52
                    let investment_usd = model.price_usd.map(|price| price * count as f64);
                    let request = CalcRequest {
                        model: None,
                        hashrate_ths: Some(model.hashrate_hs / 1e12),
                        power_w: Some(model.power_w),
                        investment_usd: investment_usd.or(Some(0.0)),
                        ..base.clone()
                    };
                    let resolved = resolve(&request, context, &|_| None).ok()?;
                    let response = evaluate(&resolved).ok()?;
                    Some(ComparisonRow {
                        name: model.name.clone(),
                        efficiency_j_th: response.efficiency_j_th,
                        daily_profit_usd: response.daily_profit_usd,
                        roi_pct: investment_usd.and(response.roi_pct),
                        payback_months: investment_usd.and(response.payback_months),
                    })
                })
                .collect()
        });
        let key = sort.get();
        // Best first; unknown ROI or payback last.
        rows.sort_by(|a, b| match key {
            SortKey::Profit => b.daily_profit_usd.total_cmp(&a.daily_profit_usd),
            SortKey::Roi => b
                .roi_pct
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.roi_pct.unwrap_or(f64::NEG_INFINITY)),
            SortKey::Payback => a
                .payback_months
                .unwrap_or(u32::MAX)
                .cmp(&b.payback_months.unwrap_or(u32::MAX)),
            SortKey::Efficiency => a.efficiency_j_th.total_cmp(&b.efficiency_j_th),
        });
        rows
    });
    let header = move |key: SortKey, label: &'static str, id: &'static str| {
        view! {
            <th scope="col" class="num" aria-sort=move || if sort.get() == key { "descending" } else { "none" }>
                <button type="button" class="sort" id=id on:click=move |_| sort.set(key)>
                    {label}
                </button>
            </th>
        }
    };
    view! {
        <section class="card" aria-labelledby="compare-title">
            <h2 id="compare-title">{t!(i18n, compare_title)}</h2>
            <p class="muted small">{t!(i18n, compare_hint)}</p>
            <div class="table-scroll">
                <table class="data-table" id="compare-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, compare_model)}</th>
                            {move || header(SortKey::Efficiency, t_string!(i18n, compare_efficiency), "sort-efficiency")}
                            {move || header(SortKey::Profit, t_string!(i18n, compare_daily_profit), "sort-profit")}
                            {move || header(SortKey::Roi, t_string!(i18n, compare_roi), "sort-roi")}
                            {move || header(SortKey::Payback, t_string!(i18n, compare_payback), "sort-payback")}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            rows.get()
                                .into_iter()
                                .map(|row| {
                                    view! {
                                        <tr>
                                            <th scope="row">{row.name}</th>
                                            <td class="num">{format!("{:.2}", row.efficiency_j_th)}</td>
                                            <td class="num">{usd(row.daily_profit_usd)}</td>
                                            <td class="num">{row.roi_pct.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}"))}</td>
                                            <td class="num">{row.payback_months.map_or_else(|| "—".to_owned(), |m| m.to_string())}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usd_groups_thousands_and_signs_losses() {
        assert_eq!(usd(1_234_567.891), "1,234,567.89");
        assert_eq!(usd(-42.5), "−42.50");
        assert_eq!(usd(0.0), "0.00");
    }

    #[test]
    fn compact_shortens_large_values() {
        assert_eq!(compact(12_345.0), "12k");
        assert_eq!(compact(-1_234_567.0), "−1.2M");
        assert_eq!(compact(999.0), "999");
    }
}
