//! A site's inventory file: export it as CSV, import a CSV or XLSX with live progress and a
//! report of every refused cell (row, column, reason; the good rows are stored as drafts).
//! The import's state lives outside the re-rendered page, so a live refresh mid-import does
//! not lose the progress or the report.

use std::fmt::Write as _;

use leptos::prelude::*;

use crate::fleet::import::{
    ImportProblem, ImportReason, ImportRefusal, MinerImportReport, export_url,
};
use crate::i18n::{Locale, t, t_string, use_i18n};
use leptos_i18n::I18nContext;

/// Where an import stands. Only the browser moves it past `Idle`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImportState {
    Idle,
    NoFile,
    Sending,
    Checking {
        done: usize,
        total: usize,
    },
    Storing {
        rows: usize,
    },
    Done(MinerImportReport),
    Refused {
        code: ImportRefusal,
        detail: String,
    },
    /// The server refused the request itself (its status), or the answer was cut off.
    Failed {
        status: Option<u16>,
    },
}

impl ImportState {
    const fn busy(&self) -> bool {
        matches!(
            self,
            Self::Sending | Self::Checking { .. } | Self::Storing { .. }
        )
    }
}

/// The import of one page: its state, and a version the table follows to show new miners.
#[derive(Clone, Copy)]
pub(crate) struct Inventory {
    pub state: RwSignal<ImportState>,
    pub version: RwSignal<u32>,
}

impl Inventory {
    pub fn new() -> Self {
        Self {
            state: RwSignal::new(ImportState::Idle),
            version: RwSignal::new(0),
        }
    }
}

/// The export link, and for those who may change the site the import form and its report.
#[component]
pub(crate) fn InventoryCard(
    site_id: i64,
    /// `None` for readers who may only export.
    inventory: Option<Inventory>,
) -> impl IntoView {
    let i18n = use_i18n();
    let import = inventory.map(|inventory| view! { <ImportForm inventory site_id /> }.into_any());
    view! {
        <section class="card" id="inventory" aria-labelledby="inventory-title">
            <h2 id="inventory-title">{t!(i18n, inventory_title)}</h2>
            <p>
                <a class="button" id="inventory-export" href=export_url(site_id) download="" rel="external">
                    {t!(i18n, inventory_export)}
                </a>
            </p>
            {import}
        </section>
    }
}

#[component]
fn ImportForm(inventory: Inventory, site_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let state = inventory.state;
    let file_input = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if state.with_untracked(ImportState::busy) {
            return;
        }
        #[cfg(feature = "hydrate")]
        {
            let file = file_input
                .get_untracked()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            let Some(file) = file else {
                state.set(ImportState::NoFile);
                return;
            };
            state.set(ImportState::Sending);
            let version = inventory.version;
            leptos::task::spawn_local(async move {
                let last = browser::upload(site_id, file, state).await;
                if matches!(last, ImportState::Done(_)) {
                    version.update(|v| *v += 1);
                }
                state.set(last);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (file_input, site_id);
    };
    view! {
        <form id="inventory-import" class="inventory-import" on:submit=on_submit>
            <label class="file-open">
                <span>{t!(i18n, inventory_import_file)}</span>
                <input id="inventory-file" type="file" node_ref=file_input
                    accept=".csv,.txt,.xlsx,.xlsm,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
            </label>
            <button type="submit" class="button" id="inventory-import-start"
                disabled=move || state.with(ImportState::busy)>
                {t!(i18n, inventory_import_start)}
            </button>
            <p class="muted">{t!(i18n, inventory_import_hint)}</p>
        </form>
        <div id="inventory-outcome" aria-live="polite">
            {move || state.with(|s| import_state_view(i18n, s))}
        </div>
    }
}

fn import_state_view(i18n: I18nContext<Locale>, state: &ImportState) -> AnyView {
    match state {
        ImportState::Idle => ().into_any(),
        ImportState::NoFile => {
            view! { <p class="error" role="alert">{t!(i18n, inventory_choose_file)}</p> }.into_any()
        }
        ImportState::Sending => view! {
            <p data-phase="sending">{t!(i18n, inventory_sending)}</p>
            <progress></progress>
        }
        .into_any(),
        &ImportState::Checking { done, total } => view! {
            <p data-phase="checking">{t!(i18n, inventory_checking, done, total)}</p>
            <progress max=total.max(1).to_string() value=done.to_string()></progress>
        }
        .into_any(),
        &ImportState::Storing { rows } => view! {
            <p data-phase="storing">{t!(i18n, inventory_storing, rows)}</p>
            <progress></progress>
        }
        .into_any(),
        ImportState::Done(report) => {
            view! { <ImportReportView report=report.clone() /> }.into_any()
        }
        ImportState::Refused { code, detail } => {
            let text = refusal_text(i18n, *code, detail);
            view! { <p class="error" role="alert" data-refused=refusal_code(*code)>{text}</p> }
                .into_any()
        }
        ImportState::Failed { status } => {
            let text = match status {
                Some(413) => t_string!(i18n, inventory_refused_file_too_large).to_owned(),
                Some(404) => t_string!(i18n, inventory_failed_site).to_owned(),
                Some(status) => t_string!(i18n, inventory_failed, status).to_string(),
                None => t_string!(i18n, inventory_cut_off).to_owned(),
            };
            view! { <p class="error" role="alert" data-refused="failed">{text}</p> }.into_any()
        }
    }
}

/// How many problems the page lists itself; the download has all of the report's.
const SHOWN_PROBLEMS: usize = 200;

#[component]
fn ImportReportView(report: MinerImportReport) -> impl IntoView {
    let i18n = use_i18n();
    let (imported, total, refused) = (report.imported, report.total_rows, report.refused_rows);
    let shown = report.problems.len().min(SHOWN_PROBLEMS);
    let more = (report.problem_count > shown).then(|| {
        let count = report.problem_count;
        view! { <p class="muted">{t!(i18n, inventory_problems_more, shown, count)}</p> }
    });
    let download = (!report.problems.is_empty()).then(|| {
        let href = format!(
            "data:text/csv;charset=utf-8,{}",
            percent_encode(&format!("\u{feff}{}", report.problems_csv()))
        );
        view! {
            <p>
                <a id="inventory-problems-download" href=href download="hashinsight-import-problems.csv">
                    {t!(i18n, inventory_problems_download)}
                </a>
            </p>
        }
    });
    let ignored = (!report.ignored_headers.is_empty()).then(|| {
        let headers = report.ignored_headers.join(", ");
        view! { <p class="warning">{t!(i18n, inventory_ignored_headers, headers)}</p> }
    });
    let excel = (report.excel_error_cells > 0).then(|| {
        let count = report.excel_error_cells;
        view! { <p class="warning">{t!(i18n, inventory_excel_errors, count)}</p> }
    });
    let problems = (!report.problems.is_empty()).then(|| {
        let rows = report.problems[..shown]
            .iter()
            .map(|problem| problem_row(i18n, problem))
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="data-table" id="inventory-problems">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, inventory_col_row)}</th>
                            <th scope="col">{t!(i18n, inventory_col_column)}</th>
                            <th scope="col">{t!(i18n, inventory_col_reason)}</th>
                            <th scope="col">{t!(i18n, inventory_col_value)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <p id="inventory-report" data-imported=imported.to_string() data-refused=refused.to_string()
            data-total=total.to_string()>
            {t!(i18n, inventory_done, imported, total, refused)}
        </p>
        {ignored}
        {excel}
        {problems}
        {more}
        {download}
    }
}

fn problem_row(i18n: I18nContext<Locale>, problem: &ImportProblem) -> impl IntoView + use<> {
    let reason = match problem.first_row {
        Some(first) if problem.reason == ImportReason::DuplicateInFile => {
            t_string!(i18n, inventory_reason_duplicate_of, first).to_string()
        }
        _ => reason_text(i18n, problem.reason).to_owned(),
    };
    view! {
        <tr data-row=problem.row.to_string() data-column=problem.column.clone()
            data-reason=problem.reason.code()>
            <td class="num">{problem.row}</td>
            <td>{column_text(i18n, &problem.column)}</td>
            <td>{reason}</td>
            <td><code>{problem.value.clone()}</code></td>
        </tr>
    }
}

/// A column's name in the reader's language; an unknown code as it is.
pub(crate) fn column_text(i18n: I18nContext<Locale>, code: &str) -> String {
    match code {
        "model" => t_string!(i18n, inventory_column_model).to_owned(),
        "serial" => t_string!(i18n, inventory_column_serial).to_owned(),
        "ip" => t_string!(i18n, inventory_column_ip).to_owned(),
        "mac" => t_string!(i18n, inventory_column_mac).to_owned(),
        "rack" => t_string!(i18n, inventory_column_rack).to_owned(),
        "customer" => t_string!(i18n, inventory_column_customer).to_owned(),
        "status" => t_string!(i18n, inventory_column_status).to_owned(),
        other => other.to_owned(),
    }
}

fn reason_text(i18n: I18nContext<Locale>, reason: ImportReason) -> &'static str {
    match reason {
        ImportReason::MissingValue => t_string!(i18n, inventory_reason_missing_value),
        ImportReason::InvalidIp => t_string!(i18n, inventory_reason_invalid_ip),
        ImportReason::ReservedIp => t_string!(i18n, inventory_reason_reserved_ip),
        ImportReason::InvalidMac => t_string!(i18n, inventory_reason_invalid_mac),
        ImportReason::TooLong => t_string!(i18n, inventory_reason_too_long),
        ImportReason::DuplicateInFile => t_string!(i18n, inventory_reason_duplicate_in_file),
        ImportReason::UnknownStatus => t_string!(i18n, inventory_reason_unknown_status),
        ImportReason::UnknownModel => t_string!(i18n, inventory_reason_unknown_model),
        ImportReason::FormulaOrControlChars => t_string!(i18n, inventory_reason_formula),
        ImportReason::UnknownCustomer => t_string!(i18n, inventory_reason_unknown_customer),
        ImportReason::AlreadyStored => t_string!(i18n, inventory_reason_already_stored),
        ImportReason::Invalid => t_string!(i18n, inventory_reason_invalid),
    }
}

const fn refusal_code(code: ImportRefusal) -> &'static str {
    match code {
        ImportRefusal::FileTooLarge => "file_too_large",
        ImportRefusal::NotUtf8 => "not_utf8",
        ImportRefusal::NoHeader => "no_header",
        ImportRefusal::MissingColumns => "missing_columns",
        ImportRefusal::DuplicateColumn => "duplicate_column",
        ImportRefusal::TooManyRows => "too_many_rows",
        ImportRefusal::UnterminatedQuote => "unterminated_quote",
        ImportRefusal::UnreadableWorkbook => "unreadable_workbook",
        ImportRefusal::StoreFailed => "store_failed",
    }
}

fn refusal_text(i18n: I18nContext<Locale>, code: ImportRefusal, detail: &str) -> String {
    let columns = || {
        detail
            .split(", ")
            .map(|c| column_text(i18n, c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match code {
        ImportRefusal::FileTooLarge => t_string!(i18n, inventory_refused_file_too_large).to_owned(),
        ImportRefusal::NotUtf8 => t_string!(i18n, inventory_refused_not_utf8).to_owned(),
        ImportRefusal::NoHeader => t_string!(i18n, inventory_refused_no_header).to_owned(),
        ImportRefusal::MissingColumns => {
            t_string!(i18n, inventory_refused_missing_columns, columns = columns()).to_string()
        }
        ImportRefusal::DuplicateColumn => {
            t_string!(i18n, inventory_refused_duplicate_column, column = columns()).to_string()
        }
        ImportRefusal::TooManyRows => t_string!(i18n, inventory_refused_too_many_rows).to_owned(),
        ImportRefusal::UnterminatedQuote => t_string!(i18n, inventory_refused_quote).to_owned(),
        ImportRefusal::UnreadableWorkbook => t_string!(i18n, inventory_refused_workbook).to_owned(),
        ImportRefusal::StoreFailed => t_string!(i18n, inventory_refused_store).to_owned(),
    }
}

/// `text` for a `data:` address: everything but the unreserved characters as `%XX`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::ImportState;
    use crate::fleet::import::{ImportEvent, import_url};

    /// Sends the file and follows the server's events into `state`; answers the last state.
    pub async fn upload(
        site_id: i64,
        file: web_sys::File,
        state: RwSignal<ImportState>,
    ) -> ImportState {
        let request = gloo_net::http::Request::post(&import_url(site_id))
            .header("content-type", "application/octet-stream")
            .body(JsValue::from(file));
        let Ok(request) = request else {
            return ImportState::Failed { status: None };
        };
        let Ok(response) = request.send().await else {
            return ImportState::Failed { status: None };
        };
        if !response.ok() {
            return ImportState::Failed {
                status: Some(response.status()),
            };
        }
        let Some(body) = response.body() else {
            return ImportState::Failed { status: None };
        };
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut buffer = Vec::new();
        loop {
            let Ok(chunk) = JsFuture::from(reader.read()).await else {
                return ImportState::Failed { status: None };
            };
            let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))
                .ok()
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if let Ok(value) = js_sys::Reflect::get(&chunk, &JsValue::from_str("value"))
                && let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>()
            {
                buffer.extend(bytes.to_vec());
            }
            while let Some(event) = next_event(&mut buffer) {
                match event {
                    ImportEvent::Checking { done, total } => {
                        state.set(ImportState::Checking { done, total });
                    }
                    ImportEvent::Storing { rows } => state.set(ImportState::Storing { rows }),
                    ImportEvent::Done { report } => return ImportState::Done(report),
                    ImportEvent::Refused { code, detail } => {
                        return ImportState::Refused { code, detail };
                    }
                }
            }
            if done {
                // The stream ended before its report.
                return ImportState::Failed { status: None };
            }
        }
    }

    /// The next complete event of the stream, taken off the front of `buffer`.
    fn next_event(buffer: &mut Vec<u8>) -> Option<ImportEvent> {
        loop {
            let end = buffer.windows(2).position(|w| w == b"\n\n")?;
            let block: Vec<u8> = buffer.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&block);
            let data: String = text
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            if let Ok(event) = serde_json::from_str(&data) {
                return Some(event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_address_keeps_only_unreserved_characters_bare() {
        assert_eq!(percent_encode("row,ip\n2 é"), "row%2Cip%0A2%20%C3%A9");
    }
}
