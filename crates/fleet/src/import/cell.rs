//! Checks on single cells: why a cell is refused ([`Reason`]) and how IPs, MACs and free text
//! are read.

use std::net::Ipv4Addr;

use mining::csv::{FORMULA_STARTS, is_defused};

/// Why a cell is refused: the one vocabulary the report, the page and its translations share.
pub use domain::fleet::import::ImportReason as Reason;

/// A free-text cell, trimmed. The export writes text that starts like a formula behind an
/// apostrophe (as the batch export does); that escaped form reads back as the text itself, so
/// export → import round-trips, while a bare formula is refused.
pub(crate) fn text(cell: &str, max_chars: usize) -> Result<String, Reason> {
    let cell = cell.trim();
    let value = if cell.starts_with(FORMULA_STARTS) {
        return Err(Reason::FormulaOrControlChars);
    } else if is_defused(cell) {
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

/// A text cell as the export writes it, as every export does ([`mining::csv::defused`]).
pub(crate) use mining::csv::defused as export_text;

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
