//! Export → import gives back the same rows, whatever text the cells hold.

// Test helpers outside #[test] fns may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::net::Ipv4Addr;

use fleet::MinerStatus;
use fleet::import::{ImportRow, InventoryFile, ModelCatalogue, import, inventory_csv};
use proptest::prelude::*;

const MODELS: [&str; 3] = ["Antminer S21", "Whatsminer M50S", "=Formula Model"];

/// Text a cell can hold after import: trimmed, no control characters, within `max` chars,
/// including ones that start like formulas.
fn cell_text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[=+@a-zA-Z0-9,;\"' 机架-]{{1,{max}}}"))
        .unwrap()
        .prop_map(|text| text.trim().to_owned())
        .prop_filter("non-empty once trimmed", |text| !text.is_empty())
}

fn status() -> impl Strategy<Value = Option<MinerStatus>> {
    prop_oneof![
        Just(None),
        proptest::sample::select(MinerStatus::ALL.to_vec()).prop_map(Some)
    ]
}

fn rows() -> impl Strategy<Value = Vec<ImportRow>> {
    let row = (
        proptest::sample::select(MODELS.to_vec()),
        cell_text(60), // plus the index digits, within the 64 allowed
        proptest::option::of(any::<[u8; 6]>()),
        proptest::option::of(cell_text(40)),
        proptest::option::of(cell_text(120)),
        status(),
    );
    proptest::collection::vec(row, 0..40).prop_map(|cells| {
        cells
            .into_iter()
            .enumerate()
            .map(
                |(index, (model, serial, mac, rack, customer, status))| ImportRow {
                    row: index + 2,
                    model: model.to_owned(),
                    // The index keeps serials, IPs and MACs unique within the file.
                    serial: format!("{serial}{index}"),
                    ip: Ipv4Addr::from(u32::try_from(index).unwrap() + 0x0A00_0001),
                    mac: mac.map(|bytes| {
                        let [a, b, c, d, ..] = bytes;
                        let [_, _, hi, lo] = u32::try_from(index).unwrap().to_be_bytes();
                        format!("{a:02x}:{b:02x}:{c:02x}:{d:02x}:{hi:02x}:{lo:02x}")
                    }),
                    rack,
                    customer,
                    status,
                },
            )
            .collect()
    })
}

proptest! {
    #[test]
    fn exported_rows_import_back_unchanged(rows in rows()) {
        let text = inventory_csv(&rows);
        let report = import(InventoryFile::Csv(text.as_bytes()), &ModelCatalogue::new(MODELS)).unwrap();
        prop_assert_eq!(report.errors, vec![]);
        prop_assert_eq!(report.rows, rows);
    }
}

#[test]
fn formula_looking_text_is_written_behind_an_apostrophe() {
    let row = ImportRow {
        row: 2,
        model: "=Formula Model".into(),
        serial: "-7".into(),
        ip: Ipv4Addr::new(10, 0, 0, 1),
        mac: None,
        rack: Some("@r".into()),
        customer: Some("+c".into()),
        status: Some(MinerStatus::Retired),
    };
    let text = inventory_csv([&row]);
    assert_eq!(
        text,
        "model,serial,ip,mac,rack,customer,status\r\n'=Formula Model,'-7,10.0.0.1,,'@r,'+c,retired\r\n"
    );
}
