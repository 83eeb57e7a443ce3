//! The inventory as CSV, in the shape the import reads back.

use mining::csv::write_record;

use super::{Column, ImportRow, cell};

/// The rows as CSV with the import's own headers ([`Column::header`]), CRLF line ends and no
/// byte-order mark. Text that a spreadsheet would run as a formula is written behind an
/// apostrophe, which the import removes again, so export → import gives the same rows.
pub fn inventory_csv<'r>(rows: impl IntoIterator<Item = &'r ImportRow>) -> String {
    let mut out = String::new();
    write_record(&mut out, Column::ALL.map(Column::header));
    for row in rows {
        let ip = row.ip.to_string();
        let fields = [
            cell::export_text(&row.model),
            cell::export_text(&row.serial),
            ip.as_str().into(),
            row.mac.as_deref().unwrap_or_default().into(),
            cell::export_text(row.rack.as_deref().unwrap_or_default()),
            cell::export_text(row.customer.as_deref().unwrap_or_default()),
            row.status.map_or("", |status| status.code()).into(),
        ];
        write_record(&mut out, fields.iter().map(AsRef::as_ref));
    }
    out
}
