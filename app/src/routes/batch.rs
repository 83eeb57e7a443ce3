//! The batch calculator: paste or open a CSV of machines, get per-row results, a fleet summary
//! and a CSV export, computed in the browser by `mining::batch`. Bad cells are reported by row
//! and column; the good rows still compute.

use leptos::prelude::*;
use leptos_meta::Title;
use mining::batch::{
    BatchDefaults, BatchError, BatchReport, RowErrorCode, calculate_batch_csv, to_csv,
};

use crate::catalogue::AsicModel;
use crate::components::with_catalogue::WithCatalogue;
use crate::i18n::{t, t_string, use_i18n};
use crate::scenario::percent_encode;
use crate::timing::now_ms;

/// Rows the results table shows; the summary and the export always cover every row.
const MAX_ROWS_SHOWN: usize = 500;

/// The original system's batch template (reference §3.3), as a starting point.
const EXAMPLE_CSV: &str =
    "model,quantity,hashrate_ths,power_w,price_usd,electricity_usd_kwh,decay_pct_month
Antminer S19 Pro,10,110,3250,2500,0.08,0.5
Whatsminer M53S,5,226,6554,4500,0.07,0.3
Antminer S21,8,200,3550,3200,0.08,0.4
Antminer S19 XP,12,140,3010,2800,0.08,0.5
Whatsminer M50S,6,126,3276,2200,0.08,0.6
Antminer T19,15,84,3150,1800,0.08,0.4
Antminer S21 Pro,3,234,3531,3800,0.08,0.3
Whatsminer M56S,7,212,5550,4200,0.08,0.4
Antminer S19j Pro,9,100,3068,2300,0.08,0.5
Antminer S21 XP,4,,,,0.06,0.3
";

#[component]
pub fn BatchPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, batch_title) />
        <h1>{t!(i18n, batch_title)}</h1>
        <p class="muted">{t!(i18n, batch_intro)}</p>
        <WithCatalogue render=|models| view! { <Batch models /> } />
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().replace(',', "").parse::<f64>().ok()
}

#[component]
fn Batch(models: Vec<AsicModel>) -> impl IntoView {
    let i18n = use_i18n();
    let csv = RwSignal::new(EXAMPLE_CSV.to_owned());
    let btc_price = RwSignal::new("90000".to_owned());
    let difficulty = RwSignal::new("1.5e14".to_owned());
    let months = RwSignal::new("36".to_owned());
    let specs: Vec<(String, (f64, f64))> = models
        .iter()
        .map(|m| (m.name.to_lowercase(), (m.hashrate_hs, m.power_w)))
        .collect();
    let specs = StoredValue::new(specs);

    let timed = Memo::new(move |_| -> (Result<BatchReport, String>, f64) {
        let start = now_ms();
        let defaults = BatchDefaults {
            btc_price_usd: btc_price.with(|t| number(t)).unwrap_or(f64::NAN),
            difficulty: difficulty.with(|t| number(t)).unwrap_or(f64::NAN),
            subsidy_btc: crate::calculate::DEFAULT_SUBSIDY_BTC,
            fees_per_block_btc: 0.0,
            pool_fee_pct: crate::calculate::DEFAULT_POOL_FEE_PCT,
            electricity_usd_per_kwh: 0.06,
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // range-checked by the engine
            months: months.with(|t| number(t)).filter(|m| *m >= 0.0).map_or(0, |m| m as u32),
            difficulty_growth_pct_per_retarget: 0.0,
            start_height: mining::projection::DEFAULT_START_HEIGHT,
        };
        let report = specs
            .with_value(|specs| {
                let lookup = |name: &str| {
                    let name = name.trim().to_lowercase();
                    specs.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
                };
                csv.with(|text| calculate_batch_csv(text, &defaults, &lookup))
            })
            .map_err(|err| batch_error_text(i18n, &err));
        (report, now_ms() - start)
    });
    let report = Memo::new(move |_| timed.with(|(report, _)| report.clone()));
    let compute_ms = move || timed.with(|(_, ms)| format!("{ms:.3}"));

    let export_href = move || {
        report.with(|r| {
            r.as_ref().ok().map(|r| {
                format!(
                    "data:text/csv;charset=utf-8,{}",
                    percent_encode(&to_csv(&r.results))
                )
            })
        })
    };

    view! {
        <section class="card" id="batch-inputs" data-compute-ms=compute_ms>
            <div class="form-grid">
                <label>
                    <span>{t!(i18n, field_btc_price_usd)}</span>
                    <input id="batch-price" type="text" inputmode="decimal" value=btc_price.get_untracked() bind:value=btc_price />
                </label>
                <label>
                    <span>{t!(i18n, field_difficulty)}</span>
                    <input id="batch-difficulty" type="text" inputmode="decimal" value=difficulty.get_untracked() bind:value=difficulty />
                </label>
                <label>
                    <span>{t!(i18n, field_months)}</span>
                    <input id="batch-months" type="text" inputmode="numeric" value=months.get_untracked() bind:value=months />
                </label>
            </div>
            <label class="stacked">
                <span>{t!(i18n, batch_csv_label)}</span>
                <textarea id="batch-csv" rows="12" spellcheck="false" prop:value=move || csv.get() on:input=move |ev| csv.set(event_target_value(&ev))>
                    {csv.get_untracked()}
                </textarea>
            </label>
            <FileOpener csv />
            <p class="muted small">{t!(i18n, batch_columns_hint)}</p>
        </section>
        {move || report.with(|r| match r {
            Err(text) => view! { <section class="card error" role="alert"><p id="batch-error">{text.clone()}</p></section> }.into_any(),
            Ok(r) => view! { <BatchResults report=r.clone() export_href=export_href() /> }.into_any(),
        })}
    }
}

/// Opens a CSV file from the device into the text area (browser only).
#[component]
fn FileOpener(csv: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            leptos::task::spawn_local(async move {
                if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await
                    && let Some(text) = text.as_string()
                {
                    csv.set(text);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, csv);
    };
    view! {
        <label class="file-open">
            <span>{t!(i18n, batch_open_file)}</span>
            <input id="batch-file" type="file" accept=".csv,text/csv" on:change=on_change />
        </label>
    }
}

#[component]
fn BatchResults(report: BatchReport, export_href: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let s = &report.summary;
    let payback = match s.payback_month {
        Some(month) => t_string!(i18n, out_payback_month, month).to_string(),
        None => t_string!(i18n, out_payback_never, months = report.months).to_string(),
    };
    let errors = report
        .errors
        .iter()
        .map(|e| {
            let text = t_string!(
                i18n,
                batch_row_error,
                row = e.row,
                column = e.column.name(),
                reason = row_code_text(i18n, e.code),
            )
            .to_string();
            view! { <li>{text}</li> }
        })
        .collect_view();
    let shown = report.results.len().min(MAX_ROWS_SHOWN);
    let truncated = (report.results.len() > MAX_ROWS_SHOWN).then(|| {
        let text =
            t_string!(i18n, batch_rows_shown, shown, total = report.results.len()).to_string();
        view! { <p class="muted small" id="batch-rows-shown">{text}</p> }
    });
    let rows = report.results[..shown]
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td class="num">{r.row}</td>
                    <th scope="row">{r.model.clone()}</th>
                    <td class="num">{r.quantity}</td>
                    <td class="num">{format!("{:.1}", r.hashrate_ths)}</td>
                    <td class="num">{format!("{:.2}", r.efficiency_j_th)}</td>
                    <td class="num">{format!("{:.2}", r.daily_profit_usd)}</td>
                    <td class="num">{format!("{:.0}", r.investment_usd)}</td>
                    <td class="num">{r.payback_month.map_or_else(|| "—".to_owned(), |m| m.to_string())}</td>
                    <td class="num">{r.roi_pct.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}"))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="batch-summary-title">
            <h2 id="batch-summary-title">{t!(i18n, batch_summary)}</h2>
            <dl class="figures" id="batch-summary">
                <div><dt>{t!(i18n, batch_miners)}</dt><dd id="batch-miners">{s.miners}</dd></div>
                <div><dt>{t!(i18n, batch_hashrate)}</dt><dd id="batch-hashrate">{format!("{:.1}", s.hashrate_ths)}</dd></div>
                <div><dt>{t!(i18n, batch_power)}</dt><dd id="batch-power">{format!("{:.1}", s.power_kw)}</dd></div>
                <div><dt>{t!(i18n, out_daily_profit)}</dt><dd id="batch-daily-profit">{format!("{:.2}", s.daily_profit_usd)}</dd></div>
                <div><dt>{t!(i18n, field_investment_usd)}</dt><dd id="batch-investment">{format!("{:.0}", s.investment_usd)}</dd></div>
                <div><dt>{t!(i18n, out_payback)}</dt><dd id="batch-payback">{payback}</dd></div>
            </dl>
            <ul class="field-errors" id="batch-errors">{errors}</ul>
            {export_href.map(|href| view! {
                <a class="button" id="batch-export" href=href download="hashinsight-batch.csv">{t!(i18n, batch_export_csv)}</a>
            })}
        </section>
        <section class="card">
            {truncated}
            <div class="table-scroll">
                <table class="data-table" id="batch-table">
                    <thead>
                        <tr>
                            <th scope="col" class="num">{t!(i18n, batch_row)}</th>
                            <th scope="col">{t!(i18n, compare_model)}</th>
                            <th scope="col" class="num">{t!(i18n, batch_quantity)}</th>
                            <th scope="col" class="num">{t!(i18n, catalogue_hashrate)}</th>
                            <th scope="col" class="num">{t!(i18n, compare_efficiency)}</th>
                            <th scope="col" class="num">{t!(i18n, compare_daily_profit)}</th>
                            <th scope="col" class="num">{t!(i18n, field_investment_usd)}</th>
                            <th scope="col" class="num">{t!(i18n, compare_payback)}</th>
                            <th scope="col" class="num">{t!(i18n, compare_roi)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn row_code_text(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    code: RowErrorCode,
) -> &'static str {
    match code {
        RowErrorCode::Missing => t_string!(i18n, code_required),
        RowErrorCode::NotANumber | RowErrorCode::NotAWholeNumber => {
            t_string!(i18n, code_not_a_number)
        }
        RowErrorCode::UnknownModel => t_string!(i18n, code_unknown_model),
        RowErrorCode::NotFinite => t_string!(i18n, code_not_finite),
        RowErrorCode::MustBePositive => t_string!(i18n, code_must_be_positive),
        RowErrorCode::MustBeNonNegative => t_string!(i18n, code_must_be_non_negative),
        RowErrorCode::OutOfRange => t_string!(i18n, code_out_of_range),
        RowErrorCode::TooLarge => t_string!(i18n, code_too_large),
    }
}

fn batch_error_text(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    err: &BatchError,
) -> String {
    match err {
        BatchError::Defaults(_) => t_string!(i18n, batch_error_defaults).to_owned(),
        BatchError::NoHeader | BatchError::NoKnownColumn => {
            t_string!(i18n, batch_error_header).to_owned()
        }
        BatchError::DuplicateColumn(column) => {
            t_string!(i18n, batch_error_duplicate, column = column.name()).to_string()
        }
        BatchError::TooManyRows => t_string!(i18n, batch_error_too_many).to_owned(),
        _ => t_string!(i18n, batch_error_file).to_owned(),
    }
}
