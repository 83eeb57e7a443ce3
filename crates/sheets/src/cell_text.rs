//! Cell values as CSV text that the batch engine reads back to the same values.

use std::fmt::Write as _;

use calamine::ExcelDateTime;

/// Significant digits Excel keeps and shows; a stored number beyond them is float noise from
/// a formula (0.1 + 0.2 is stored as 0.30000000000000004 and shown as 0.3).
const EXCEL_DIGITS: usize = 15;

/// Appends a number as Excel shows it in General format, without its float noise: at most
/// 15 significant digits, no trailing ".0", plain notation from 10⁻⁶ to 10²¹ (so a difficulty
/// of 1.2e14 reads "120000000000000") and exponent notation beyond ("1e300").
///
/// Every number a user typed (Excel keeps 15 digits) parses back to the same `f64`; only a
/// formula result with noise beyond 15 digits reads back as its 15-digit rounding, as Excel
/// itself displays it.
pub(crate) fn push_number(out: &mut String, value: f64) {
    if value == 0.0 {
        // Also -0.0, which a user cannot type and "-0" would only confuse.
        out.push('0');
        return;
    }
    if !value.is_finite() {
        // Not writable by Excel; kept visible so the batch reports the cell as not a number.
        let _ = write!(out, "{value}");
        return;
    }
    let start = out.len();
    push_shortest(out, value);
    if significant_digits(&out[start..]) <= EXCEL_DIGITS {
        return;
    }
    out.truncate(start);
    // Rounding through the decimal text is exact: the nearest f64 to a 15-digit decimal
    // prints back as that decimal.
    let rounded = format!("{value:.*e}", EXCEL_DIGITS - 1)
        .parse::<f64>()
        .unwrap_or(value);
    push_shortest(out, rounded);
}

/// Rust's shortest round-trip text, in plain notation only where that stays short.
fn push_shortest(out: &mut String, value: f64) {
    let magnitude = value.abs();
    // `{}` never uses an exponent, so 1e300 would be 301 digits; `{:e}` is also shortest.
    let _ = if (1e-6..1e21).contains(&magnitude) {
        write!(out, "{value}")
    } else {
        write!(out, "{value:e}")
    };
}

/// Significant digits of a number's text: digits between the first and last non-zero one.
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let digits = mantissa.bytes().filter(u8::is_ascii_digit);
    let mut first = None;
    let mut last = 0;
    for (index, digit) in digits.enumerate() {
        if digit != b'0' {
            first.get_or_insert(index);
            last = index;
        }
    }
    first.map_or(0, |first| last - first + 1)
}

/// Appends a date or time cell in ISO 8601: "2024-03-01" for a date, "2024-03-01T08:30:00"
/// for a date and time, "08:30:00" for a time of day, and elapsed hours such as "26:30:00"
/// for a duration (`[h]:mm:ss`). Milliseconds are added only when non-zero.
pub(crate) fn push_datetime(out: &mut String, value: &ExcelDateTime) {
    let serial = value.as_f64();
    if value.is_duration() {
        push_duration(out, serial);
        return;
    }
    // The time of day is rounded to the millisecond here: calamine truncates it and can give
    // 59.1000 seconds for a time typed as a whole minute.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    // a day's fraction: 0..=86,400,000
    let day_ms = ((serial - serial.floor()) * MS_PER_DAY).round() as u32;
    let (mut year, mut month, mut day, ..) = value.to_ymd_hms_milli();
    let day_ms = if day_ms >= MS_PER_DAY_U32 {
        (year, month, day) = next_day(year, month, day);
        0
    } else {
        day_ms
    };
    // Excel stores a time of day alone as a fraction of day 0, which has no real date.
    let time_only = (0.0..1.0).contains(&serial);
    if !time_only {
        let _ = write!(out, "{year:04}-{month:02}-{day:02}");
        if day_ms == 0 {
            return;
        }
        out.push('T');
    }
    push_clock(out, u64::from(day_ms));
}

const MS_PER_DAY: f64 = 86_400_000.0;
const MS_PER_DAY_U32: u32 = 86_400_000;

/// The civil date after a date (Gregorian; the dates a sheet holds are all after 1582).
fn next_day(year: u16, month: u8, day: u8) -> (u16, u8, u8) {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < days_in_month {
        (year, month, day + 1)
    } else if month < 12 {
        (year, month + 1, 1)
    } else {
        (year.saturating_add(1), 1, 1)
    }
}

/// "hh:mm:ss", plus ".mmm" when the milliseconds are not zero; hours are not wrapped.
fn push_clock(out: &mut String, ms: u64) {
    let (seconds, milli) = (ms / 1000, ms % 1000);
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    if milli != 0 {
        let _ = write!(out, ".{milli:03}");
    }
}

/// A duration in days as "hh:mm:ss", hours unbounded, to the millisecond.
fn push_duration(out: &mut String, days: f64) {
    #[allow(clippy::cast_possible_truncation)] // saturating; durations are hours, not aeons
    let total_ms = (days * MS_PER_DAY).round() as i64;
    if total_ms < 0 {
        out.push('-');
    }
    push_clock(out, total_ms.unsigned_abs());
}

/// A 0-based column index as its spreadsheet letters: 0 → "A", 25 → "Z", 26 → "AA".
pub(crate) fn column_letters(column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(column) + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        // `rem` < 26, so the byte is an ASCII capital.
        letters.push(b'A' + u8::try_from(rem).unwrap_or(0));
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    fn number(value: f64) -> String {
        let mut out = String::new();
        push_number(&mut out, value);
        out
    }

    #[test]
    fn numbers_are_written_without_float_noise() {
        assert_eq!(number(3250.0), "3250");
        assert_eq!(number(0.08), "0.08");
        assert_eq!(number(-1.5), "-1.5");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(1.5e-7), "1.5e-7");
        assert_eq!(number(123_456_789_012_345_680.0), "123456789012346000");
    }

    #[test]
    fn typed_numbers_parse_back_to_the_same_f64() {
        for value in [
            126_411_437_451_912.0,
            1.0e14,
            109.78e12,
            0.0525,
            3.25,
            99_999.99,
            1e-6,
            123_456_789_012_345.0,
            0.000_123_456_789_012_345,
        ] {
            assert_eq!(number(value).parse::<f64>().ok(), Some(value), "{value}");
        }
        assert_eq!(number(126_411_437_451_912.0), "126411437451912");
    }

    #[test]
    fn every_number_of_at_most_15_digits_reads_back_exactly() {
        // A fixed pseudo-random sweep over mantissas and magnitudes (xorshift, no dependency).
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let digits = state % 1_000_000_000_000_000; // up to 15 digits
            let exponent = i32::try_from(state >> 58).unwrap() - 40; // -40..=23
            #[allow(clippy::cast_precision_loss)] // < 10^15, exact
            let text = format!("{}e{exponent}", digits as f64);
            let value: f64 = text.parse().unwrap();
            let written = number(value);
            assert_eq!(
                written.parse::<f64>().ok(),
                Some(value),
                "{text} → {written}"
            );
            assert!(written.len() <= 24, "{text} → {written}");
        }
    }

    #[test]
    fn dates_and_times_are_iso_8601() {
        let text = |serial, kind| {
            let mut out = String::new();
            push_datetime(&mut out, &ExcelDateTime::new(serial, kind, false));
            out
        };
        assert_eq!(text(45_352.0, ExcelDateTimeType::DateTime), "2024-03-01");
        assert_eq!(
            text(45_352.354_166_666_664, ExcelDateTimeType::DateTime),
            "2024-03-01T08:30:00"
        );
        assert_eq!(text(0.5, ExcelDateTimeType::DateTime), "12:00:00");
        assert_eq!(
            text(1.104_166_666_7, ExcelDateTimeType::TimeDelta),
            "26:30:00"
        );
    }

    #[test]
    fn columns_are_lettered_as_in_a_spreadsheet() {
        let letters: Vec<String> = [0, 25, 26, 51, 52, 701, 702, 16_383]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(letters, ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]);
    }
}
