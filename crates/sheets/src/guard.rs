//! Checks on the raw bytes before calamine parses anything: what kind of file it is, and how
//! far its ZIP parts would inflate. calamine inflates whatever the archive holds (the shared
//! strings are kept in memory whole), so a 20 MiB upload must not be allowed to become
//! gigabytes of XML.

use std::io::{self, Cursor, Read};

use zip::ZipArchive;

use crate::SheetError;

/// First bytes of an OLE compound file: .xls, and .xlsx encrypted with a password.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// First bytes of a ZIP local file header, and of the end record of an empty archive.
const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: [u8; 4] = *b"PK\x05\x06";

/// Refuses anything that is not an Office Open XML workbook whose XML parts inflate to at
/// most `max_inflated` bytes in total.
///
/// The sizes the archive declares are checked first (cheap: the central directory only), and
/// then every XML part is inflated once into nothing while counting, because a crafted archive
/// can declare small sizes and still inflate without end. Media parts (images) are left alone:
/// calamine does not read them. Returns the bytes the XML parts inflate to.
pub(crate) fn check_workbook(bytes: &[u8], max_inflated: u64) -> Result<u64, SheetError> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(SheetError::LegacyOrEncrypted);
    }
    if !(bytes.starts_with(&ZIP_MAGIC) || bytes.starts_with(&EMPTY_ZIP_MAGIC)) {
        return Err(SheetError::NotAWorkbook);
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::NotAWorkbook)?;
    if is_open_document(&mut archive) {
        return Err(SheetError::OpenDocument);
    }
    // calamine looks for exactly this name; a .docx, a .zip of CSVs or a random archive lacks it.
    if archive.index_for_name("xl/workbook.xml").is_none() {
        return Err(SheetError::NotAWorkbook);
    }

    let too_large = SheetError::InflatedTooLarge {
        limit: max_inflated,
    };
    let mut declared = 0_u64;
    let mut xml_parts = Vec::new();
    for index in 0..archive.len() {
        let part = archive.by_index_raw(index)?;
        declared = declared.saturating_add(part.size());
        if is_xml_part(part.name()) {
            xml_parts.push(index);
        }
    }
    if declared > max_inflated {
        return Err(too_large);
    }

    let mut inflated = 0_u64;
    for index in xml_parts {
        let part = archive.by_index(index)?;
        // One byte more than the budget left tells "exactly at the limit" from "beyond it".
        let budget = max_inflated - inflated;
        let read = io::copy(&mut part.take(budget + 1), &mut io::sink()).map_err(zip_error)?;
        if read > budget {
            return Err(too_large);
        }
        inflated += read;
    }
    Ok(inflated)
}

/// `OpenDocument` files name their kind in a first, stored part called `mimetype`.
fn is_open_document(archive: &mut ZipArchive<Cursor<&[u8]>>) -> bool {
    let Ok(part) = archive.by_name("mimetype") else {
        return false;
    };
    let mut head = Vec::new();
    // 64 bytes hold every OpenDocument MIME type; a larger part is not one.
    part.take(64).read_to_end(&mut head).is_ok()
        && head.starts_with(b"application/vnd.oasis.opendocument")
}

/// The parts calamine may parse: XML and relationship parts, wherever the workbook's
/// relationships put them.
fn is_xml_part(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("xml") || ext.eq_ignore_ascii_case("rels"))
}

/// A read error while inflating is a damaged (or CRC-failing, e.g. truncated) part.
fn zip_error(error: io::Error) -> SheetError {
    SheetError::Zip(zip::result::ZipError::Io(error))
}
