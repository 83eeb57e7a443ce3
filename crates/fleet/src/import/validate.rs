//! Row-by-row checks of an inventory file once its header is known.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;
use std::net::Ipv4Addr;

use mining::csv::CsvRecord;

use super::{
    Column, ImportError, ImportReport, ImportRow, MAX_ERROR_VALUE_CHARS, ModelCatalogue, Reason,
    RowError, cell,
};
use crate::MinerStatus;

/// Checks rows against the header's columns and the rows before them (duplicates).
pub(super) struct Validator<'c> {
    models: &'c ModelCatalogue,
    /// Field index of each column in [`Column::ALL`] order, if the file has it.
    field_of: [Option<usize>; Column::ALL.len()],
    /// First row of each serial (upper-cased: "ab12" and "AB12" are one machine typed twice),
    /// IP and MAC.
    serials: HashMap<String, usize>,
    ips: HashMap<Ipv4Addr, usize>,
    macs: HashMap<String, usize>,
    report: ImportReport,
}

impl<'c> Validator<'c> {
    /// A validator for files with this header, and the headers it does not know.
    pub(super) fn new(
        header: &CsvRecord<'_>,
        models: &'c ModelCatalogue,
        rows: usize,
    ) -> Result<(Self, Vec<String>), ImportError> {
        let mut field_of = [None; Column::ALL.len()];
        let mut unknown = Vec::new();
        for (index, name) in header.fields.iter().enumerate() {
            let Some(column) = Column::from_header(name) else {
                if !name.trim().is_empty() {
                    unknown.push(name.trim().to_owned());
                }
                continue;
            };
            let slot: &mut Option<usize> = &mut field_of[column as usize];
            if let Some(first) = *slot {
                return Err(ImportError::DuplicateColumn {
                    column,
                    first: header.fields[first].trim().to_owned(),
                    second: name.trim().to_owned(),
                });
            }
            *slot = Some(index);
        }
        let missing: Vec<Column> = Column::REQUIRED
            .into_iter()
            .filter(|column| field_of[*column as usize].is_none())
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns { columns: missing });
        }
        let validator = Self {
            models,
            field_of,
            serials: HashMap::with_capacity(rows),
            ips: HashMap::with_capacity(rows),
            macs: HashMap::new(),
            report: ImportReport {
                rows: Vec::with_capacity(rows),
                total_rows: 0,
                ..ImportReport::default()
            },
        };
        Ok((validator, unknown))
    }

    pub(super) fn finish(self) -> ImportReport {
        self.report
    }

    /// Checks one data row: keeps it if every cell is good, else reports each bad cell.
    pub(super) fn check_row(&mut self, row: usize, fields: &[Cow<'_, str>]) {
        self.report.total_rows += 1;
        let errors_before = self.report.errors.len();
        let cells: [&str; Column::ALL.len()] = std::array::from_fn(|index| {
            self.field_of[index]
                .and_then(|field| fields.get(field))
                .map_or("", |value| value.trim())
        });
        let cell_of = |column: Column| cells[column as usize];

        let model = self.model(row, cell_of(Column::Model));
        let serial = self.serial(row, cell_of(Column::Serial));
        let ip = self.ip(row, cell_of(Column::Ip));
        let mac = self.mac(row, cell_of(Column::Mac));
        let rack = self.optional_text(row, Column::Rack, cell_of(Column::Rack));
        let customer = self.optional_text(row, Column::Customer, cell_of(Column::Customer));
        let status = self.status(row, cell_of(Column::Status));

        // Optional cells are `None` when empty or refused; only the error count tells which.
        if self.report.errors.len() > errors_before {
            return;
        }
        if let (Some(model), Some(serial), Some(ip)) = (model, serial, ip) {
            self.report.rows.push(ImportRow {
                row,
                model,
                serial,
                ip,
                mac,
                rack,
                customer,
                status,
            });
        }
    }

    fn refuse(&mut self, row: usize, column: Column, reason: Reason, value: &str) {
        self.refuse_duplicate(row, column, reason, value, None);
    }

    fn refuse_duplicate(
        &mut self,
        row: usize,
        column: Column,
        reason: Reason,
        value: &str,
        first_row: Option<usize>,
    ) {
        self.report.errors.push(RowError {
            row,
            column,
            reason,
            value: value.chars().take(MAX_ERROR_VALUE_CHARS).collect(),
            first_row,
        });
    }

    /// A required cell's text, or `None` after reporting why not.
    fn required_text(&mut self, row: usize, column: Column, value: &str) -> Option<String> {
        if value.is_empty() {
            self.refuse(row, column, Reason::MissingValue, value);
            return None;
        }
        let max = column.max_chars().unwrap_or(usize::MAX);
        cell::text(value, max)
            .map_err(|reason| self.refuse(row, column, reason, value))
            .ok()
    }

    /// An optional cell's text: `None` when empty, or after reporting a bad value.
    fn optional_text(&mut self, row: usize, column: Column, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        let max = column.max_chars().unwrap_or(usize::MAX);
        cell::text(value, max)
            .map_err(|reason| self.refuse(row, column, reason, value))
            .ok()
    }

    fn model(&mut self, row: usize, value: &str) -> Option<String> {
        let text = self.required_text(row, Column::Model, value)?;
        let Some(canonical) = self.models.canonical(&text) else {
            self.refuse(row, Column::Model, Reason::UnknownModel, value);
            return None;
        };
        Some(canonical.to_owned())
    }

    fn serial(&mut self, row: usize, value: &str) -> Option<String> {
        let serial = self.required_text(row, Column::Serial, value)?;
        let key = serial.to_uppercase();
        let first = first_row(&mut self.serials, key, row);
        self.unique(row, Column::Serial, value, first)
            .then_some(serial)
    }

    fn ip(&mut self, row: usize, value: &str) -> Option<Ipv4Addr> {
        if value.is_empty() {
            self.refuse(row, Column::Ip, Reason::MissingValue, value);
            return None;
        }
        let ip = cell::ip(value)
            .map_err(|reason| self.refuse(row, Column::Ip, reason, value))
            .ok()?;
        let first = first_row(&mut self.ips, ip, row);
        self.unique(row, Column::Ip, value, first).then_some(ip)
    }

    fn mac(&mut self, row: usize, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        let mac = cell::mac(value)
            .map_err(|reason| self.refuse(row, Column::Mac, reason, value))
            .ok()?;
        let first = first_row(&mut self.macs, mac.clone(), row);
        self.unique(row, Column::Mac, value, first).then_some(mac)
    }

    fn status(&mut self, row: usize, value: &str) -> Option<MinerStatus> {
        if value.is_empty() {
            return None;
        }
        cell::text(value, usize::MAX)
            .and_then(|text| MinerStatus::parse(&text).ok_or(Reason::UnknownStatus))
            .map_err(|reason| self.refuse(row, Column::Status, reason, value))
            .ok()
    }

    /// Whether the value is the first of its kind in the file; reports it if not.
    fn unique(&mut self, row: usize, column: Column, value: &str, first: usize) -> bool {
        if first == row {
            return true;
        }
        self.refuse_duplicate(row, column, Reason::DuplicateInFile, value, Some(first));
        false
    }
}

/// The row that first had `key`, recording `row` as that row if none did.
fn first_row<K: Eq + Hash>(seen: &mut HashMap<K, usize>, key: K, row: usize) -> usize {
    match seen.entry(key) {
        Entry::Occupied(entry) => *entry.get(),
        Entry::Vacant(entry) => *entry.insert(row),
    }
}
