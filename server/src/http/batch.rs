//! The batch calculator's downloads and spreadsheet import:
//! - `POST /api/v1/batch/export` takes the page's form (also posted without JavaScript),
//!   computes the rows with the same `domain::batch::compute` the browser runs, and answers a CSV
//!   or an XLSX workbook with its headers in the reader's language;
//! - `POST /api/v1/batch/import` takes a spreadsheet's bytes and answers its first sheet as CSV
//!   rows, which the page shows in its text area before computing them.

use app::i18n::Locale;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use domain::batch::{
    BatchForm, EXPORT_PATH, ExportFormat, IMPORT_PATH, ImportErrorCode, ImportedRows, SpecIndex,
};
use mining::batch::{BatchError, to_csv};
use serde::Deserialize;

use crate::http::auth::guarded;
use crate::http::error::{internal, refuse, unavailable};
use crate::locale::{batch_labels, request_locale};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let limit = || DefaultBodyLimit::max(MAX_BODY_BYTES);
    Router::new()
        .route(
            EXPORT_PATH,
            guarded(EXPORT_PATH, post(export_handler).layer(limit())),
        )
        .route(
            IMPORT_PATH,
            guarded(IMPORT_PATH, post(import_handler).layer(limit())),
        )
}

/// Largest form or spreadsheet these endpoints read: 100,000 rows of CSV fit in well under it.
pub const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;

/// The export form: the page's fields and the button pressed.
#[derive(Debug, Deserialize)]
pub struct ExportForm {
    #[serde(flatten)]
    pub form: BatchForm,
    pub format: ExportFormat,
}

pub async fn export_handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(export): Form<ExportForm>,
) -> Response {
    let locale = request_locale(&headers);
    let models = match state.store.list_asic_models().await {
        Ok(models) => models,
        Err(err) => {
            tracing::error!(error = %err, "batch export: catalogue unavailable");
            return unavailable();
        }
    };
    let specs = SpecIndex::new(&models);
    // Computing 100,000 rows takes tens of milliseconds: off the async workers.
    let computed = tokio::task::spawn_blocking(move || {
        let form = &export.form;
        domain::batch::compute(&form.csv, &form.defaults(), &specs).map(|r| (r, export.format))
    })
    .await;
    let (report, format) = match computed {
        Ok(Ok(done)) => done,
        Ok(Err(err)) => return refused(locale, &headers, &err),
        Err(err) => {
            tracing::error!(error = %err, "batch export: the computation panicked");
            return internal();
        }
    };
    match format {
        ExportFormat::Csv => download(
            to_csv(&report.results).into_bytes(),
            "text/csv; charset=utf-8",
            "hashinsight-batch.csv",
        ),
        ExportFormat::Xlsx => match sheets::batch_report_xlsx(&report, &batch_labels(locale)) {
            Ok(bytes) => download(
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "hashinsight-batch.xlsx",
            ),
            Err(err) => {
                tracing::error!(error = %err, "batch export: writing the workbook failed");
                internal()
            }
        },
    }
}

pub async fn import_handler(body: Bytes) -> Response {
    let read = tokio::task::spawn_blocking(move || sheets::xlsx_to_csv(&body)).await;
    match read {
        Ok(Ok(sheet)) => Json(ImportedRows {
            error_cells: sheet
                .error_cells
                .iter()
                .map(|cell| format!("{}{}", cell.column, cell.row))
                .collect(),
            csv: sheet.csv,
            sheet: sheet.sheet_name,
            rows: sheet.rows,
        })
        .into_response(),
        Ok(Err(err)) => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &import_code(&err).code(),
            err.to_string(),
        ),
        Err(err) => {
            tracing::error!(error = %err, "batch import: the reader panicked");
            internal()
        }
    }
}

fn import_code(err: &sheets::SheetError) -> ImportErrorCode {
    use sheets::SheetError as E;
    match err {
        E::NotAWorkbook => ImportErrorCode::NotASpreadsheet,
        E::LegacyOrEncrypted => ImportErrorCode::LegacyFormat,
        E::OpenDocument => ImportErrorCode::OpenDocument,
        E::FileTooLarge { .. }
        | E::InflatedTooLarge { .. }
        | E::TooManyColumns { .. }
        | E::TextTooLarge { .. } => ImportErrorCode::TooLarge,
        E::TooManyRows { .. } => ImportErrorCode::TooManyRows,
        E::NoData => ImportErrorCode::Empty,
        _ => ImportErrorCode::Unreadable,
    }
}

/// A whole batch refused (a bad default, an unreadable header): 422 with the reason in the
/// reader's language, as plain text since the form may have been posted without JavaScript;
/// a program that asks for JSON gets the one error body.
fn refused(locale: Locale, headers: &HeaderMap, err: &BatchError) -> Response {
    use app::i18n::td_string;
    let (code, text) = match err {
        BatchError::Defaults(_) => (
            "defaults_invalid",
            td_string!(locale, batch_error_defaults).to_owned(),
        ),
        BatchError::NoHeader | BatchError::NoKnownColumn => (
            "header_invalid",
            td_string!(locale, batch_error_header).to_owned(),
        ),
        BatchError::DuplicateColumn(column) => (
            "duplicate_column",
            td_string!(locale, batch_error_duplicate, column = column.name()).to_string(),
        ),
        BatchError::TooManyRows => (
            "too_many_rows",
            td_string!(locale, batch_error_too_many).to_owned(),
        ),
        _ => (
            "file_unreadable",
            td_string!(locale, batch_error_file).to_owned(),
        ),
    };
    if wants_json(headers) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, code, text);
    }
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &'static str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
