//! The batch calculator: paste or open a CSV or spreadsheet of machines, get per-row results
//! and a fleet summary computed in the browser by `mining::batch`, export them as CSV or XLSX.
//! Bad cells are reported by row and column; the good rows still compute.

use std::sync::Arc;

use leptos::prelude::*;
use mining::batch::{BatchError, BatchReport, RowErrorCode, RowResult};

use crate::batch::{EXPORT_PATH, SpecIndex, batch_defaults, compute};
#[cfg(feature = "hydrate")]
use crate::batch::{IMPORT_PATH, ImportErrorCode, ImportedRows};
use crate::catalogue::AsicModel;
use crate::components::page_title::PageTitle;
use crate::components::with_catalogue::WithCatalogue;
use crate::i18n::{t, t_string, use_i18n};
use crate::timing::now_ms;

/// Rows per page of the results table: the DOM stays small whatever the file's size (the
/// summary and the exports always cover every row).
const PAGE_ROWS: usize = 100;

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

use crate::access::{Access, Module};
use crate::components::session::RequireAccess;

lazy_page!(BatchRoute, BatchPage);

#[component]
pub fn BatchPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=|i18n| t_string!(i18n, batch_title) />
        <h1>{t!(i18n, batch_title)}</h1>
        <p class="muted">{t!(i18n, batch_intro)}</p>
        <RequireAccess module=Module::BatchCalculator need=Access::Read>
            <WithCatalogue render=|models| view! { <Batch models /> } />
        </RequireAccess>
    }
}

#[component]
fn Batch(models: Vec<AsicModel>) -> impl IntoView {
    let i18n = use_i18n();
    let csv = RwSignal::new(EXAMPLE_CSV.to_owned());
    let btc_price = RwSignal::new("90000".to_owned());
    let difficulty = RwSignal::new("1.5e14".to_owned());
    let months = RwSignal::new("36".to_owned());
    let specs = StoredValue::new(SpecIndex::new(&models));
    let import_error = RwSignal::new(None::<String>);

    let timed = Memo::new(move |_| -> (Result<Arc<BatchReport>, String>, f64) {
        let start = now_ms();
        let defaults = btc_price.with(|price| {
            difficulty.with(|difficulty| months.with(|m| batch_defaults(price, difficulty, m)))
        });
        let report = csv
            .with(|text| specs.with_value(|specs| compute(text, &defaults, specs)))
            .map(Arc::new)
            .map_err(|err| batch_error_text(i18n, &err));
        (report, now_ms() - start)
    });
    let compute_ms = move || timed.with(|(_, ms)| format!("{ms:.3}"));

    view! {
        // A real form: the export buttons post it to the server, which computes the same rows
        // with the same engine, so the downloads also work without JavaScript.
        <form class="card" id="batch-inputs" method="post" action=EXPORT_PATH data-compute-ms=compute_ms>
            <div class="form-grid">
                <label>
                    <span>{t!(i18n, field_btc_price_usd)}</span>
                    <input id="batch-price" name="btc_price_usd" type="text" inputmode="decimal" value=btc_price.get_untracked() bind:value=btc_price />
                </label>
                <label>
                    <span>{t!(i18n, field_difficulty)}</span>
                    <input id="batch-difficulty" name="difficulty" type="text" inputmode="decimal" value=difficulty.get_untracked() bind:value=difficulty />
                </label>
                <label>
                    <span>{t!(i18n, field_months)}</span>
                    <input id="batch-months" name="months" type="text" inputmode="numeric" value=months.get_untracked() bind:value=months />
                </label>
            </div>
            <label class="stacked">
                <span>{t!(i18n, batch_csv_label)}</span>
                <textarea id="batch-csv" name="csv" rows="12" spellcheck="false" prop:value=move || csv.get() on:input=move |ev| csv.set(event_target_value(&ev))>
                    {csv.get_untracked()}
                </textarea>
            </label>
            <FileOpener csv import_error />
            {move || import_error.get().map(|text| view! { <p class="field-error" id="batch-import-error" role="alert">{text}</p> })}
            <p class="muted small">{t!(i18n, batch_columns_hint)}</p>
            <div class="actions">
                <button class="button" id="batch-export-csv" type="submit" name="format" value="csv">{t!(i18n, batch_export_csv)}</button>
                <button class="button" id="batch-export-xlsx" type="submit" name="format" value="xlsx">{t!(i18n, batch_export_xlsx)}</button>
            </div>
        </form>
        {move || timed.with(|(r, _)| match r {
            Err(text) => view! { <section class="card error" role="alert"><p id="batch-error">{text.clone()}</p></section> }.into_any(),
            Ok(r) => view! { <BatchResults report=Arc::clone(r) /> }.into_any(),
        })}
    }
}

/// Opens a file from the device into the text area (browser only): CSV is read here; a
/// spreadsheet (XLSX, XLS, ODS) is converted to CSV by the server, so the rows stay visible
/// and editable before they compute.
#[component]
fn FileOpener(csv: RwSignal<String>, import_error: RwSignal<Option<String>>) -> impl IntoView {
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
            import_error.set(None);
            leptos::task::spawn_local(async move {
                match read_file(&file).await {
                    Ok((text, error_cells)) => {
                        csv.set(text);
                        if !error_cells.is_empty() {
                            let cells = error_cells.join(", ");
                            import_error
                                .set(Some(t_string!(i18n, import_error_cells, cells).to_string()));
                        }
                    }
                    Err(code) => import_error.set(Some(import_error_text(i18n, code))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, csv, import_error);
    };
    view! {
        <label class="file-open">
            <span>{t!(i18n, batch_open_file)}</span>
            <input id="batch-file" type="file" accept=".csv,.txt,.xlsx,.xlsm,.xls,.ods,text/csv" on:change=on_change />
        </label>
    }
}

/// The file's rows as CSV text: read locally when it is CSV, converted by the server otherwise.
#[cfg(feature = "hydrate")]
async fn read_file(file: &web_sys::File) -> Result<(String, Vec<String>), ImportErrorCode> {
    use wasm_bindgen_futures::JsFuture;
    let name = file.name();
    let extension = std::path::Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if matches!(extension.as_deref(), Some("csv" | "txt")) || file.type_() == "text/csv" {
        return JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|text| text.as_string())
            .map(|text| (text, Vec::new()))
            .ok_or(ImportErrorCode::Unreadable);
    }
    let response = gloo_net::http::Request::post(IMPORT_PATH)
        .header("content-type", "application/octet-stream")
        .body(leptos::wasm_bindgen::JsValue::from(file.clone()))
        .map_err(|_| ImportErrorCode::Unreadable)?
        .send()
        .await
        .map_err(|_| ImportErrorCode::Unreachable)?;
    if response.ok() {
        let imported: ImportedRows = response
            .json()
            .await
            .map_err(|_| ImportErrorCode::Unreadable)?;
        Ok((imported.csv, imported.error_cells))
    } else {
        let refused: domain::error_body::ErrorBody = response
            .json()
            .await
            .map_err(|_| ImportErrorCode::Unreadable)?;
        Err(ImportErrorCode::from_code(&refused.error.code))
    }
}

#[cfg(feature = "hydrate")]
fn import_error_text(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    code: ImportErrorCode,
) -> String {
    match code {
        ImportErrorCode::NotASpreadsheet => t_string!(i18n, import_not_a_spreadsheet),
        ImportErrorCode::LegacyFormat => t_string!(i18n, import_legacy),
        ImportErrorCode::OpenDocument => t_string!(i18n, import_open_document),
        ImportErrorCode::TooLarge => t_string!(i18n, import_too_large),
        ImportErrorCode::TooManyRows => t_string!(i18n, batch_error_too_many),
        ImportErrorCode::Empty => t_string!(i18n, import_empty),
        ImportErrorCode::Unreadable => t_string!(i18n, import_unreadable),
        ImportErrorCode::Unreachable => t_string!(i18n, import_unreachable),
    }
    .to_owned()
}

#[component]
fn BatchResults(report: Arc<BatchReport>) -> impl IntoView {
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
    let total = report.results.len();
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    let page = RwSignal::new(0_usize);
    let rows = {
        let report = Arc::clone(&report);
        move || {
            let first = page.get() * PAGE_ROWS;
            report.results[first..total.min(first + PAGE_ROWS)]
                .iter()
                .map(result_row)
                .collect_view()
        }
    };
    let pager = (pages > 1).then(|| {
        let range = move || {
            let first = page.get() * PAGE_ROWS;
            t_string!(i18n, batch_rows_range, first = first + 1, last = total.min(first + PAGE_ROWS), total)
                .to_string()
        };
        view! {
            <nav class="pager" aria-label=move || t_string!(i18n, batch_pages)>
                <button type="button" class="button" id="batch-prev" disabled={move || page.get() == 0}
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{t!(i18n, batch_prev)}</button>
                <span id="batch-rows-shown" aria-live="polite">{range}</span>
                <button type="button" class="button" id="batch-next" disabled={move || page.get() + 1 >= pages}
                    on:click=move |_| page.update(|p| *p = (*p + 1).min(pages - 1))>{t!(i18n, batch_next)}</button>
            </nav>
        }
    });
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
        </section>
        <section class="card">
            {pager}
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

fn result_row(r: &RowResult) -> impl IntoView + use<> {
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
