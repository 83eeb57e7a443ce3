//! A site's miner inventory in and out, as `http::inventory` serves it and the CLI shares:
//! - `POST /api/v1/miners/import?site_id=N` takes a CSV or XLSX file and answers an event
//!   stream: progress while the rows are read and checked, then one report (row, column,
//!   reason for every refused cell; the good rows are stored as drafts in one transaction);
//! - `GET /api/v1/miners/export?site_id=N` answers the inventory as CSV in the columns the
//!   import reads, so a file can go out, be edited in a spreadsheet, and come back.
//!
//! Both are site management (import: full, export: read), and a site owner reaches only their
//! own sites; any other site answers 404, as a site that does not exist.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use app::error::AppError;
use axum::body::Bytes;
use domain::fleet::import::{
    ImportEvent, ImportProblem, ImportReason, ImportRefusal, MAX_LISTED_PROBLEMS, MinerImportReport,
};
use domain::fleet::{Customer, InsertOutcome, MinerFieldError, NewMiner, UniqueField};
use fleet::address::AddressPolicy;
use fleet::import::{ImportReport, InventoryFile, ModelCatalogue};
use store::Store;
use tokio::sync::mpsc;

/// What an import will write, and what it refused before writing.
#[derive(Debug, Default)]
pub struct ImportPlan {
    pub miners: Vec<NewMiner>,
    /// The spreadsheet row of each of `miners`.
    pub rows: Vec<usize>,
    pub problems: Vec<ImportProblem>,
}

/// Turns the checked rows into miners: models get their catalogue id, customers are found by
/// name (case and surrounding spaces aside); a row naming no known customer is refused, since
/// storing it unassigned would hide it from that client's portal, and so is a row whose
/// address `addresses` refuses (loopback, link-local, … or the server's own).
pub fn plan(
    report: &ImportReport,
    models: &[domain::catalogue::AsicModel],
    customers: &[Customer],
    addresses: &AddressPolicy,
) -> ImportPlan {
    let model_ids: HashMap<&str, i64> = models
        .iter()
        .map(|m| (m.name.as_str(), m.asic_model_id))
        .collect();
    let customer_ids: HashMap<String, i64> = customers
        .iter()
        .map(|c| (c.name.trim().to_lowercase(), c.customer_id))
        .collect();
    let mut plan = ImportPlan {
        problems: report.errors.iter().map(cell_problem).collect(),
        ..ImportPlan::default()
    };
    for row in &report.rows {
        if addresses.check(row.ip).is_err() {
            plan.problems.push(ImportProblem {
                row: row.row,
                column: "ip".into(),
                reason: ImportReason::ReservedIp,
                value: row.ip.to_string(),
                first_row: None,
            });
            continue;
        }
        let customer_id = match &row.customer {
            None => None,
            Some(name) => {
                if let Some(id) = customer_ids.get(&name.trim().to_lowercase()) {
                    Some(*id)
                } else {
                    plan.problems.push(ImportProblem {
                        row: row.row,
                        column: "customer".into(),
                        reason: ImportReason::UnknownCustomer,
                        value: shorten(name),
                        first_row: None,
                    });
                    continue;
                }
            }
        };
        plan.rows.push(row.row);
        plan.miners.push(NewMiner {
            customer_id,
            asic_model_id: model_ids.get(row.model.as_str()).copied(),
            model_name: row.model.clone(),
            serial: row.serial.clone(),
            ip: row.ip.to_string(),
            mac: row.mac.clone(),
            rack: row.rack.clone().unwrap_or_default(),
            status: row.status.unwrap_or(domain::fleet::MinerStatus::Active),
        });
    }
    plan
}

/// The report of a planned import once the store has answered for each planned miner.
pub fn report(
    checked: &ImportReport,
    plan: ImportPlan,
    outcomes: &[InsertOutcome],
) -> (MinerImportReport, Vec<i64>) {
    let mut problems = plan.problems;
    let mut inserted = Vec::new();
    for ((row, miner), outcome) in plan.rows.iter().zip(&plan.miners).zip(outcomes) {
        let (column, reason, value) = match outcome {
            InsertOutcome::Inserted { miner_id } => {
                inserted.push(*miner_id);
                continue;
            }
            InsertOutcome::Duplicate { field } => {
                let (column, value) = match field {
                    UniqueField::Serial => ("serial", miner.serial.clone()),
                    UniqueField::Ip => ("ip", miner.ip.clone()),
                    UniqueField::Mac => ("mac", miner.mac.clone().unwrap_or_default()),
                };
                (column, ImportReason::AlreadyStored, value)
            }
            InsertOutcome::Invalid { error } => field_problem(*error, miner),
        };
        problems.push(ImportProblem {
            row: *row,
            column: column.into(),
            reason,
            value: shorten(&value),
            first_row: None,
        });
    }
    problems.sort_by_key(|p| p.row);
    let mut refused: Vec<usize> = problems.iter().map(|p| p.row).collect();
    refused.dedup();
    let problem_count = problems.len();
    problems.truncate(MAX_LISTED_PROBLEMS);
    let mut ignored_headers = Vec::new();
    let mut excel_error_cells = 0;
    for warning in &checked.warnings {
        match warning {
            fleet::import::ImportWarning::UnknownColumns { headers } => {
                ignored_headers.clone_from(headers);
            }
            fleet::import::ImportWarning::ExcelErrorCells { count } => excel_error_cells = *count,
        }
    }
    let report = MinerImportReport {
        total_rows: checked.total_rows,
        imported: inserted.len(),
        refused_rows: refused.len(),
        problems,
        problem_count,
        ignored_headers,
        excel_error_cells,
    };
    (report, inserted)
}

fn cell_problem(error: &fleet::import::RowError) -> ImportProblem {
    ImportProblem {
        row: error.row,
        column: error.column.code().into(),
        reason: error.reason,
        value: error.value.clone(),
        first_row: error.first_row,
    }
}

fn field_problem(error: MinerFieldError, miner: &NewMiner) -> (&'static str, ImportReason, String) {
    match error {
        MinerFieldError::ModelName => ("model", ImportReason::Invalid, miner.model_name.clone()),
        MinerFieldError::Serial => ("serial", ImportReason::Invalid, miner.serial.clone()),
        MinerFieldError::Ip => ("ip", ImportReason::InvalidIp, miner.ip.clone()),
        MinerFieldError::Mac => (
            "mac",
            ImportReason::InvalidMac,
            miner.mac.clone().unwrap_or_default(),
        ),
        MinerFieldError::Rack => ("rack", ImportReason::TooLong, miner.rack.clone()),
        MinerFieldError::UnknownCustomer => {
            ("customer", ImportReason::UnknownCustomer, String::new())
        }
        MinerFieldError::UnknownModel => (
            "model",
            ImportReason::UnknownModel,
            miner.model_name.clone(),
        ),
    }
}

fn shorten(value: &str) -> String {
    value
        .trim()
        .chars()
        .take(fleet::import::MAX_ERROR_VALUE_CHARS)
        .collect()
}

/// Where an upload goes: the site, the customers its rows may name and the addresses its
/// miners may have.
pub struct Destination {
    pub site_id: i64,
    pub customers: Vec<Customer>,
    pub addresses: std::sync::Arc<AddressPolicy>,
}

pub async fn import(
    store: &dyn Store,
    Destination {
        site_id,
        customers,
        addresses,
    }: Destination,
    body: Bytes,
    events: &mpsc::UnboundedSender<ImportEvent>,
) -> Result<MinerImportReport, ImportEvent> {
    let store_failed = |error: &dyn std::fmt::Display| {
        tracing::error!(site_id, error = %error, "miner import: the store failed");
        ImportEvent::Refused {
            code: ImportRefusal::StoreFailed,
            detail: String::new(),
        }
    };
    let models = store
        .list_asic_models()
        .await
        .map_err(|e| store_failed(&e))?;
    let catalogue = ModelCatalogue::new(models.iter().map(|m| m.name.clone()));
    let progress = events.clone();
    // Reading 20,000 rows is CPU work: off the async workers.
    let checked = tokio::task::spawn_blocking(move || {
        fleet::import::import_with_progress(
            InventoryFile::detect(&body),
            &catalogue,
            |done, total| {
                let _ = progress.send(ImportEvent::Checking { done, total });
            },
        )
    })
    .await
    .map_err(|e| store_failed(&e))?
    .map_err(|error| ImportEvent::Refused {
        code: ImportRefusal::from_code(error.code()),
        detail: refusal_detail(&error),
    })?;
    let plan = plan(&checked, &models, &customers, &addresses);
    let _ = events.send(ImportEvent::Storing {
        rows: plan.miners.len(),
    });
    let now_ms = domain::clock::unix_now_ms();
    let outcomes = if plan.miners.is_empty() {
        Vec::new()
    } else {
        store
            .insert_miners(site_id, &plan.miners, now_ms)
            .await
            .map_err(|e| store_failed(&e))?
    };
    let (report, _) = report(&checked, plan, &outcomes);
    tracing::info!(
        site_id,
        rows = report.total_rows,
        imported = report.imported,
        refused = report.refused_rows,
        "miner import"
    );
    Ok(report)
}

/// What the page shows beside a refusal's translated message: the column codes a header
/// lacks or repeats (the same in every language); otherwise the reader's own words, for API
/// callers and the log.
fn refusal_detail(error: &fleet::import::ImportError) -> String {
    use fleet::import::ImportError as E;
    match error {
        E::MissingColumns { columns } => columns
            .iter()
            .map(|c| c.code())
            .collect::<Vec<_>>()
            .join(", "),
        E::DuplicateColumn { column, .. } => column.code().to_owned(),
        other => other.to_string(),
    }
}

/// The site's miners as import rows, by serial, from one read of the store.
pub async fn inventory_rows(
    store: &dyn Store,
    site_id: i64,
) -> Result<Vec<fleet::import::ImportRow>, AppError> {
    let miners = store.site_inventory(site_id).await?;
    let mut rows = Vec::with_capacity(miners.len());
    for (miner, customer) in miners {
        // Stored IPs are canonical IPv4 (`NewMiner::validate`): anything else is a broken
        // store, and an export that quietly left a miner out would be worse than none.
        let Ok(ip) = miner.ip.parse::<Ipv4Addr>() else {
            tracing::error!(miner_id = miner.miner_id, "export: a stored IP is not IPv4");
            return Err(AppError::Internal);
        };
        rows.push(fleet::import::ImportRow {
            row: rows.len() + 2,
            model: miner.model_name,
            serial: miner.serial,
            ip,
            mac: miner.mac,
            rack: Some(miner.rack).filter(|r| !r.is_empty()),
            customer,
            status: Some(miner.status),
        });
    }
    Ok(rows)
}
