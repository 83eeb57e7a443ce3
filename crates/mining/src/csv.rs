//! A small RFC 4180 CSV reader and writer, enough for spreadsheets exported by Excel, Numbers,
//! `LibreOffice` and WPS: quoted fields with embedded commas, quotes (`""`) and line breaks, LF or
//! CRLF line ends, and a leading UTF-8 byte-order mark. Written here rather than taken from a
//! crate so the browser bundle stays small and the crate keeps building for wasm32.
//!
//! Reading is lenient where RFC 4180 is strict but the intent is plain, because users paste
//! files from many tools: a quote inside an unquoted field is kept as text, text after a closing
//! quote is appended to the field, and a lone CR ends a record like CRLF. Only an unterminated
//! quoted field is an error, since everything after it would be misread.
//!
//! Fields are separated by commas unless a [`Delimiter`] is named: spreadsheets in locales with
//! a decimal comma (much of Europe) save with semicolons, and copies from a sheet are tab
//! separated. [`Delimiter::detect`] picks one from the header line.

use std::borrow::Cow;

use serde::Serialize;
use thiserror::Error;

/// Why a CSV text cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Error)]
pub enum CsvError {
    /// A quoted field opened on this 1-based record (spreadsheet row) never closes.
    #[error("row {row}: a quoted field is not closed")]
    UnterminatedQuote { row: u32 },
    /// More records than a `u32` row number can count.
    #[error("too many rows")]
    TooManyRows,
}

/// One record of a CSV text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRecord<'a> {
    /// 1-based position of the record in the text, as a spreadsheet numbers its rows: a field
    /// with an embedded line break is still one row, and a blank line is a row of its own.
    pub row: u32,
    /// The fields, unquoted. A blank line is one empty field. Borrowed from the text unless the
    /// field had to be unescaped.
    pub fields: Vec<Cow<'a, str>>,
}

impl CsvRecord<'_> {
    /// Whether every field is empty (a blank line or a row of bare commas).
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.is_empty())
    }
}

/// What separates the fields of a record. An enum rather than any byte, so the reader only
/// ever splits at ASCII and its slices stay on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Delimiter {
    #[default]
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    const fn byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
            Self::Tab => b'\t',
        }
    }

    /// The delimiter a file most likely uses: whichever of comma, semicolon and tab occurs
    /// most often outside quotes on its first line (a header row names every column, so it
    /// holds one fewer delimiter than there are columns). Ties and a one-column file give
    /// comma, the RFC 4180 default.
    pub fn detect(text: &str) -> Self {
        let mut counts = [0_usize; 3];
        let mut quoted = false;
        for byte in text.bytes() {
            match byte {
                b'"' => quoted = !quoted,
                b'\r' | b'\n' if !quoted => break,
                b',' if !quoted => counts[0] += 1,
                b';' if !quoted => counts[1] += 1,
                b'\t' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
        let [comma, semicolon, tab] = counts;
        if semicolon > comma && semicolon >= tab {
            Self::Semicolon
        } else if tab > comma && tab > semicolon {
            Self::Tab
        } else {
            Self::Comma
        }
    }
}

/// The records of a CSV text, read one at a time so a large file is not held twice.
///
/// The iterator yields at most one error and then stops.
pub fn records(text: &str) -> Records<'_> {
    records_with(text, Delimiter::Comma)
}

/// [`records`] with fields separated by `delimiter`.
pub fn records_with(text: &str, delimiter: Delimiter) -> Records<'_> {
    Records {
        text: text.strip_prefix('\u{feff}').unwrap_or(text),
        pos: 0,
        row: 0,
        fields_hint: 0,
        failed: false,
        delimiter: delimiter.byte(),
    }
}

/// Every record of a CSV text at once (see [`records`]).
pub fn parse(text: &str) -> Result<Vec<CsvRecord<'_>>, CsvError> {
    records(text).collect()
}

/// Iterator over the records of a CSV text; made by [`records`].
#[derive(Debug, Clone)]
pub struct Records<'a> {
    text: &'a str,
    /// Byte offset of the next record. Always on a char boundary: it only ever moves past
    /// ASCII delimiters or to the end of a field found by searching for them.
    pos: usize,
    row: u32,
    /// Fields in the previous record: records of one file are usually alike, so this sizes the
    /// next one's vector without regrowing it.
    fields_hint: usize,
    failed: bool,
    /// The field separator, always ASCII (see [`Delimiter`]).
    delimiter: u8,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<CsvRecord<'a>, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        // A final line break ends the last record; it does not start an empty one.
        if self.failed || self.pos >= self.text.len() {
            return None;
        }
        let Some(row) = self.row.checked_add(1) else {
            self.failed = true;
            return Some(Err(CsvError::TooManyRows));
        };
        self.row = row;
        let result = self.read_record(row);
        self.failed = result.is_err();
        Some(result)
    }
}

impl<'a> Records<'a> {
    fn read_record(&mut self, row: u32) -> Result<CsvRecord<'a>, CsvError> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut fields = Vec::with_capacity(self.fields_hint);
        loop {
            let field = if bytes.get(self.pos) == Some(&b'"') {
                self.read_quoted(row)?
            } else {
                let end = find_delimiter(bytes, self.pos, self.delimiter);
                let field = &text[self.pos..end];
                self.pos = end;
                Cow::Borrowed(field)
            };
            fields.push(field);
            match bytes.get(self.pos) {
                Some(&byte) if byte == self.delimiter => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    break;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    break;
                }
                // End of text (find_delimiter stops nowhere else).
                _ => break,
            }
        }
        self.fields_hint = fields.len();
        Ok(CsvRecord { row, fields })
    }

    /// Reads a quoted field starting at the opening quote, plus any stray text after the
    /// closing quote, and leaves `pos` on the delimiter that follows.
    fn read_quoted(&mut self, row: u32) -> Result<Cow<'a, str>, CsvError> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut start = self.pos + 1;
        let mut owned: Option<String> = None;
        loop {
            let Some(offset) = bytes[start..].iter().position(|b| *b == b'"') else {
                return Err(CsvError::UnterminatedQuote { row });
            };
            let quote = start + offset;
            if bytes.get(quote + 1) == Some(&b'"') {
                // An escaped quote: keep the text up to and including one of the pair.
                owned
                    .get_or_insert_with(String::new)
                    .push_str(&text[start..=quote]);
                start = quote + 2;
                continue;
            }
            let after = quote + 1;
            let stray_end = find_delimiter(bytes, after, self.delimiter);
            self.pos = stray_end;
            return Ok(match owned {
                None if stray_end == after => Cow::Borrowed(&text[start..quote]),
                None => Cow::Owned([&text[start..quote], &text[after..stray_end]].concat()),
                Some(mut value) => {
                    value.push_str(&text[start..quote]);
                    value.push_str(&text[after..stray_end]);
                    Cow::Owned(value)
                }
            });
        }
    }
}

/// Offset of the next delimiter, CR or LF at or after `from`, or the end of the text.
fn find_delimiter(bytes: &[u8], from: usize, delimiter: u8) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == delimiter || b == b'\r' || b == b'\n')
        .map_or(bytes.len(), |offset| from + offset)
}

/// Appends one field, quoted only when it must be (it holds a comma, a quote or a line break),
/// with its quotes doubled.
pub fn write_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// Characters that make a spreadsheet read a cell as a formula (CSV injection): `= + - @`, and
/// the tab and carriage return some spreadsheets skip before one.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a text cell goes out behind an apostrophe: it starts like a formula once any
/// apostrophes of its own are passed (so a text that itself begins "'=" gets one more, and
/// [`undefused`]'s removal of exactly one gives it back).
pub fn needs_defusing(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A text cell as every export writes it: behind an apostrophe when a spreadsheet would run it.
pub fn defused(text: &str) -> Cow<'_, str> {
    if needs_defusing(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// Whether a cell read back is one that [`defused`] wrote (an apostrophe before a formula).
pub fn is_defused(text: &str) -> bool {
    text.starts_with('\'') && needs_defusing(text)
}

/// A cell read back without the apostrophe [`defused`] added, so export → import round-trips.
pub fn undefused(text: &str) -> &str {
    if is_defused(text) { &text[1..] } else { text }
}

/// Appends one record and the CRLF that RFC 4180 ends every record with.
pub fn write_record<'f>(out: &mut String, fields: impl IntoIterator<Item = &'f str>) {
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_field(out, field);
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|r| r.fields.into_iter().map(Cow::into_owned).collect())
            .collect()
    }

    #[test]
    fn formulas_go_out_defused_and_come_back_as_they_were() {
        for text in [
            "=SUM(A1)",
            "'=already",
            "''=twice",
            "+1",
            "@cmd",
            "\tx",
            "plain",
            "O'Brien",
        ] {
            assert_eq!(undefused(&defused(text)), text, "{text:?}");
        }
        assert_eq!(defused("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(defused("'=already"), "''=already");
        assert_eq!(defused("plain"), "plain");
        assert!(!is_defused("'plain"));
    }

    #[test]
    fn plain_fields_split_on_commas_and_line_ends() {
        assert_eq!(
            rows("a,b,c\n1,2,3\n"),
            vec![vec!["a", "b", "c"], vec!["1", "2", "3"]]
        );
    }

    #[test]
    fn crlf_and_a_missing_final_line_break_are_accepted() {
        assert_eq!(rows("a,b\r\n1,2"), vec![vec!["a", "b"], vec!["1", "2"]]);
    }

    #[test]
    fn a_lone_cr_ends_a_record() {
        assert_eq!(rows("a\rb\r"), vec![vec!["a"], vec!["b"]]);
    }

    #[test]
    fn quoted_fields_keep_commas_quotes_and_line_breaks() {
        let text = "\"S19, \"\"Pro\"\"\",\"two\r\nlines\",\"\"\nnext";
        assert_eq!(
            rows(text),
            vec![vec!["S19, \"Pro\"", "two\r\nlines", ""], vec!["next"]]
        );
    }

    #[test]
    fn semicolons_and_tabs_separate_fields_when_named_and_commas_stay_text() {
        let text = "a;\"b;c\";1,5\nx;y;z";
        let fields: Vec<Vec<String>> = records_with(text, Delimiter::Semicolon)
            .map(|r| r.unwrap().fields.into_iter().map(Cow::into_owned).collect())
            .collect();
        assert_eq!(fields, vec![vec!["a", "b;c", "1,5"], vec!["x", "y", "z"]]);
        let tabbed: Vec<usize> = records_with("a\tb, c\n1\t2", Delimiter::Tab)
            .map(|r| r.unwrap().fields.len())
            .collect();
        assert_eq!(tabbed, vec![2, 2]);
    }

    #[test]
    fn the_delimiter_is_detected_from_the_first_line_outside_quotes() {
        assert_eq!(Delimiter::detect("a,b,c\n1;2;3;4;5"), Delimiter::Comma);
        assert_eq!(Delimiter::detect("a;b;\"c,d,e\"\n"), Delimiter::Semicolon);
        assert_eq!(Delimiter::detect("a\tb\tc, d"), Delimiter::Tab);
        assert_eq!(Delimiter::detect("model"), Delimiter::Comma);
        assert_eq!(Delimiter::detect(""), Delimiter::Comma);
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(rows("\u{feff}型号,数量\n"), vec![vec!["型号", "数量"]]);
    }

    #[test]
    fn empty_fields_and_blank_lines_are_kept_with_their_row_numbers() {
        let records = parse("a,,b,\n\n,\nc").unwrap();
        let shape: Vec<(u32, usize, bool)> = records
            .iter()
            .map(|r| (r.row, r.fields.len(), r.is_blank()))
            .collect();
        assert_eq!(
            shape,
            vec![(1, 4, false), (2, 1, true), (3, 2, true), (4, 1, false)]
        );
    }

    #[test]
    fn an_embedded_line_break_does_not_shift_row_numbers() {
        let records = parse("h\n\"x\ny\"\nz\n").unwrap();
        let numbers: Vec<u32> = records.iter().map(|r| r.row).collect();
        assert_eq!(numbers, vec![1, 2, 3]);
    }

    #[test]
    fn stray_quotes_are_read_leniently() {
        assert_eq!(rows("ab\"c,\"q\"x\n"), vec![vec!["ab\"c", "qx"]]);
    }

    #[test]
    fn an_unterminated_quote_is_an_error_on_its_row() {
        let mut iter = records("a\nb\n\"open,\nnever closed");
        assert!(iter.next().is_some_and(|r| r.is_ok()));
        assert!(iter.next().is_some_and(|r| r.is_ok()));
        assert_eq!(
            iter.next(),
            Some(Err(CsvError::UnterminatedQuote { row: 3 }))
        );
        assert_eq!(iter.next(), None);
    }

    #[test]
    fn unescaped_fields_borrow_from_the_text() {
        let records = parse("plain,\"quoted\",\"es\"\"caped\"").unwrap();
        let borrowed: Vec<bool> = records[0]
            .fields
            .iter()
            .map(|f| matches!(f, Cow::Borrowed(_)))
            .collect();
        assert_eq!(borrowed, vec![true, true, false]);
    }

    #[test]
    fn written_records_read_back_identically() {
        let fields = ["plain", "a,b", "say \"hi\"", "multi\nline", "", "中文"];
        let mut out = String::new();
        write_record(&mut out, fields);
        write_record(&mut out, ["x"]);
        assert!(out.ends_with("\r\nx\r\n"));
        assert_eq!(rows(&out), vec![fields.to_vec(), vec!["x"]]);
    }

    #[test]
    fn only_fields_that_need_it_are_quoted() {
        let mut out = String::new();
        write_record(&mut out, ["a b", "c,d", "e\"f"]);
        assert_eq!(out, "a b,\"c,d\",\"e\"\"f\"\r\n");
    }
}
