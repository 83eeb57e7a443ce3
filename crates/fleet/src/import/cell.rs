//! Checks on single cells: why a cell is refused ([`Reason`]) and how IPs, MACs and free text
//! are read.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

/// Why a cell is refused. The codes are stable: the app translates them into messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A required cell (model, serial, IP) is empty.
    MissingValue,
    /// Not an IPv4 dotted quad.
    InvalidIp,
    /// Not six hex bytes in one of the usual spellings.
    InvalidMac,
    /// Longer than the column allows ([`super::Column::max_chars`]).
    TooLong,
    /// The serial, IP or MAC of an earlier row of the same file.
    DuplicateInFile,
    /// Not one of the statuses [`crate::MinerStatus::parse`] reads.
    UnknownStatus,
    /// Not a model of the catalogue passed to the import.
    UnknownModel,
    /// Starts like a spreadsheet formula (`=`, `+`, `-`, `@`), or holds control characters:
    /// refused so an export can never carry an injected formula back into a spreadsheet.
    FormulaOrControlChars,
}

impl Reason {
    pub const fn code(self) -> &'static str {
        match self {
            Self::MissingValue => "missing_value",
            Self::InvalidIp => "invalid_ip",
            Self::InvalidMac => "invalid_mac",
            Self::TooLong => "too_long",
            Self::DuplicateInFile => "duplicate_in_file",
            Self::UnknownStatus => "unknown_status",
            Self::UnknownModel => "unknown_model",
            Self::FormulaOrControlChars => "formula_or_control_chars",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Characters that make a spreadsheet read a cell as a formula.
pub(crate) const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// A free-text cell, trimmed. The export writes text that starts like a formula behind an
/// apostrophe (as the batch export does); that escaped form reads back as the text itself, so
/// export → import round-trips, while a bare formula is refused.
pub(crate) fn text(cell: &str, max_chars: usize) -> Result<String, Reason> {
    let cell = cell.trim();
    let value = if cell.starts_with(FORMULA_STARTS) {
        return Err(Reason::FormulaOrControlChars);
    } else if is_escaped(cell) {
        &cell[1..]
    } else {
        cell
    };
    if value.chars().any(char::is_control) {
        return Err(Reason::FormulaOrControlChars);
    }
    if value.chars().count() > max_chars {
        return Err(Reason::TooLong);
    }
    Ok(value.to_owned())
}

/// Whether the export would put an apostrophe before this text: it starts like a formula once
/// any apostrophes of its own are passed (so a text that itself begins "'=" gets one more, and
/// the import's removal of exactly one gives it back).
fn needs_escape(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

fn is_escaped(text: &str) -> bool {
    text.starts_with('\'') && needs_escape(text)
}

/// A text cell as the export writes it: behind an apostrophe when a spreadsheet would run it.
pub(crate) fn export_text(value: &str) -> std::borrow::Cow<'_, str> {
    if needs_escape(value) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// An IPv4 address in strict dotted-quad form (no leading zeros, which some tools read as
/// octal, so "010.0.0.1" is refused rather than guessed).
pub(crate) fn ip(cell: &str) -> Result<Ipv4Addr, Reason> {
    cell.trim().parse().map_err(|_| Reason::InvalidIp)
}

/// A MAC address as lower-case, colon-separated hex ("aa:bb:cc:dd:ee:ff"), from the spellings
/// miners, switches and spreadsheets use: colons or hyphens between bytes, Cisco's dotted
/// "aabb.ccdd.eeff", or twelve bare hex digits.
pub(crate) fn mac(cell: &str) -> Result<String, Reason> {
    let cell = cell.trim();
    let digits: String = match cell.len() {
        17 => {
            let separator = cell.as_bytes()[2];
            if !matches!(separator, b':' | b'-') {
                return Err(Reason::InvalidMac);
            }
            let parts: Vec<&str> = cell.split(char::from(separator)).collect();
            if parts.len() != 6 || parts.iter().any(|part| part.len() != 2) {
                return Err(Reason::InvalidMac);
            }
            parts.concat()
        }
        14 => {
            let parts: Vec<&str> = cell.split('.').collect();
            if parts.len() != 3 || parts.iter().any(|part| part.len() != 4) {
                return Err(Reason::InvalidMac);
            }
            parts.concat()
        }
        12 => cell.to_owned(),
        _ => return Err(Reason::InvalidMac),
    };
    if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Reason::InvalidMac);
    }
    let lower = digits.to_ascii_lowercase();
    let mut out = String::with_capacity(17);
    for (index, pair) in lower.as_bytes().chunks(2).enumerate() {
        if index > 0 {
            out.push(':');
        }
        out.extend(pair.iter().map(|&b| char::from(b)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mac_spelling_normalises_to_lower_case_colons() {
        for spelling in [
            "AA:BB:CC:0d:0E:ff",
            "aa-bb-cc-0d-0e-ff",
            "aabb.cc0d.0eff",
            "AABBCC0D0EFF",
            " aa:bb:cc:0d:0e:ff ",
        ] {
            assert_eq!(
                mac(spelling).as_deref(),
                Ok("aa:bb:cc:0d:0e:ff"),
                "{spelling}"
            );
        }
    }

    #[test]
    fn malformed_macs_are_refused() {
        for bad in [
            "",
            "aa:bb:cc:dd:ee",
            "aa:bb:cc:dd:ee:gg",
            "aa:bb-cc:dd:ee:ff",
            "aabbccddeef",
            "aab.bccdd.eeff",
            "aa::bbccddeeff00",
            "ａａ:bb:cc:dd:ee:f",
        ] {
            assert_eq!(mac(bad), Err(Reason::InvalidMac), "{bad}");
        }
    }

    #[test]
    fn ips_must_be_plain_dotted_quads() {
        assert_eq!(ip(" 10.0.1.7 "), Ok(Ipv4Addr::new(10, 0, 1, 7)));
        for bad in [
            "10.0.1",
            "10.0.1.256",
            "010.0.0.1",
            "host",
            "::1",
            "10.0.0.1/24",
        ] {
            assert_eq!(ip(bad), Err(Reason::InvalidIp), "{bad}");
        }
    }

    #[test]
    fn formulas_and_control_characters_are_refused_but_the_escaped_form_reads_as_text() {
        for bad in ["=1+1", "+cmd", "-2", "@SUM(A1)", "ab\u{7}c", "line\nbreak"] {
            assert_eq!(
                text(bad, 100),
                Err(Reason::FormulaOrControlChars),
                "{bad:?}"
            );
        }
        assert_eq!(text("'=1+1", 100).as_deref(), Ok("=1+1"));
        assert_eq!(text("'plain", 100).as_deref(), Ok("'plain"));
        assert_eq!(export_text("=1+1"), "'=1+1");
        assert_eq!(export_text("S19"), "S19");
        assert_eq!(export_text("'=x"), "''=x");
        assert_eq!(text("''=x", 100).as_deref(), Ok("'=x"));
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert_eq!(
            text(&"机".repeat(40), 40).as_deref(),
            Ok("机".repeat(40).as_str())
        );
        assert_eq!(text(&"a".repeat(41), 40), Err(Reason::TooLong));
    }
}
