//! Checks on the raw bytes before calamine parses anything: what kind of file it is, how far
//! its ZIP parts really inflate, and where its sheets point. calamine inflates whatever part
//! the workbook's relationships name (the shared strings, and a sheet's inline strings, are
//! kept in memory whole), so a 20 MiB upload must not be allowed to become gigabytes.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, BufReader, Cursor, Read};

use calamine::XlsxError;
use quick_xml::events::Event;
use quick_xml::name::QName;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::SheetError;

/// First bytes of an OLE compound file: .xls, and .xlsx encrypted with a password.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// First bytes of a ZIP local file header, and of the end record of an empty archive.
const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: [u8; 4] = *b"PK\x05\x06";
/// First bytes of a central directory record.
const CENTRAL_MAGIC: [u8; 4] = *b"PK\x01\x02";
/// The part calamine takes the sheets' paths from.
const WORKBOOK_RELS: &str = "xl/_rels/workbook.xml.rels";
/// The folders calamine reads a sheet from (`xl/<folder>/…`), by the path alone.
const SHEET_FOLDERS: [&str; 3] = ["worksheets", "chartsheets", "dialogsheets"];
/// The last segment of the relationship types of sheets (transitional and strict).
const SHEET_TYPES: [&str; 3] = ["worksheet", "chartsheet", "dialogsheet"];

/// Refuses anything that is not an Office Open XML workbook whose parts really inflate to at
/// most `max_inflated` bytes in total, or whose sheets are not XML parts inside the package.
///
/// 1. The archive must name each part once (compared as calamine finds parts: ignoring ASCII
///    case, `\` as `/`), so what is checked here is what calamine opens.
/// 2. The sizes the archive declares are summed first (cheap: the central directory only).
/// 3. Every part, whatever its name, is then inflated once into nothing while counting,
///    because a crafted archive can declare small sizes and inflate without end, and calamine
///    opens whatever path the relationships give. Inflating stops one byte past the budget
///    left, so a bomb costs at most the budget; a part that inflates beyond its declared size
///    is refused as damaged.
/// 4. Every sheet the workbook's relationships point at must be an `.xml` part under `xl/`
///    (not XLSB's `.bin`, not `../` or an absolute path out of it).
///
/// Returns the bytes the parts inflate to.
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
    check_names(&archive, bytes)?;
    let inflated = check_inflated_sizes(&mut archive, max_inflated)?;
    check_sheet_targets(&mut archive)?;
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

/// Refuses two parts of one name. The zip crate keeps one of two exact duplicates (so the
/// directory is counted record by record to see them), and calamine takes the first part whose
/// name matches ignoring ASCII case and with `\` read as `/`; a package must not have either
/// (part names are compared that way in OPC too), and another reader might take the other copy.
fn check_names(archive: &ZipArchive<Cursor<&[u8]>>, bytes: &[u8]) -> Result<(), SheetError> {
    let duplicate = || damaged("two parts have the same name");
    if central_directory_records(bytes, archive.central_directory_start()) != archive.len() {
        return Err(duplicate());
    }
    let mut seen = HashSet::with_capacity(archive.len());
    for name in archive.file_names() {
        if !seen.insert(name.replace('\\', "/").to_ascii_lowercase()) {
            return Err(duplicate());
        }
    }
    Ok(())
}

/// The records of the central directory starting at `start`, counted up to the first bytes
/// that do not begin one (the end record, or anything else).
fn central_directory_records(bytes: &[u8], start: u64) -> usize {
    let field = |at: usize| -> Option<usize> {
        let two = bytes.get(at..at + 2)?;
        Some(usize::from(u16::from_le_bytes([two[0], two[1]])))
    };
    let Ok(mut at) = usize::try_from(start) else {
        return 0;
    };
    let mut records = 0;
    while bytes.get(at..at + 4) == Some(CENTRAL_MAGIC.as_slice()) {
        // Fixed 46 bytes, then the name, extra field and comment, whose lengths are at 28..34.
        let (Some(name), Some(extra), Some(comment)) =
            (field(at + 28), field(at + 30), field(at + 32))
        else {
            break;
        };
        records += 1;
        at += 46 + name + extra + comment;
    }
    records
}

/// Inflates every part into nothing, counting real bytes, and returns their total.
fn check_inflated_sizes(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    max_inflated: u64,
) -> Result<u64, SheetError> {
    let too_large = || SheetError::InflatedTooLarge {
        limit: max_inflated,
    };
    let mut declared = 0_u64;
    for index in 0..archive.len() {
        declared = declared.saturating_add(archive.by_index_raw(index)?.size());
    }
    if declared > max_inflated {
        return Err(too_large());
    }

    let mut inflated = 0_u64;
    for index in 0..archive.len() {
        let part = archive.by_index(index)?;
        let declared = part.size();
        // One byte more than the budget left tells "exactly at the limit" from "beyond it";
        // the reader stops there, however far the part would go.
        let budget = max_inflated - inflated;
        let read = io::copy(&mut part.take(budget.saturating_add(1)), &mut io::sink())
            .map_err(zip_error)?;
        if read > budget {
            return Err(too_large());
        }
        if read > declared {
            return Err(damaged("a part inflates beyond its declared size"));
        }
        inflated += read;
    }
    Ok(inflated)
}

/// Refuses a workbook whose relationships point a sheet anywhere but at an `.xml` part under
/// `xl/`. Read as calamine reads them (the same parser and settings, `Target` decoded but not
/// unescaped), every relationship, not only those a `<sheet>` names: calamine takes a sheet's
/// path from whichever relationship its id names, and calls it a sheet by its folder.
fn check_sheet_targets(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Result<(), SheetError> {
    // Found as calamine finds it; without it calamine refuses the file itself.
    let Some(name) = archive
        .file_names()
        .find(|name| name.replace('\\', "/").eq_ignore_ascii_case(WORKBOOK_RELS))
        .map(str::to_owned)
    else {
        return Ok(());
    };
    let part = archive.by_name(&name)?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::with_capacity(256);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(XlsxError::Xml)? {
            Event::Start(element) | Event::Empty(element)
                if element.local_name().as_ref() == b"Relationship" =>
            {
                let mut target = None;
                let mut kind = None;
                for attribute in element.attributes() {
                    let attribute = attribute.map_err(XlsxError::XmlAttr)?;
                    match attribute.key {
                        QName(b"Target") => {
                            let value = xml.decoder().decode(&attribute.value);
                            target = Some(value.map_err(XlsxError::Encoding)?.into_owned());
                        }
                        QName(b"Type") => kind = Some(attribute.value.into_owned()),
                        _ => (),
                    }
                }
                if let Some(target) = target
                    && !is_allowed_target(&target, kind.as_deref())
                {
                    return Err(SheetError::NotAWorkbook);
                }
            }
            Event::End(element) if element.local_name().as_ref() == b"Relationships" => break,
            Event::Eof => break,
            _ => (),
        }
    }
    Ok(())
}

/// Whether a workbook relationship's `Target` is harmless: not a sheet at all (styles, themes,
/// an .xlsm's `vbaProject.bin`, `../customXml/…`), or a sheet that is an `.xml` part under
/// `xl/` with a plain path.
fn is_allowed_target(target: &str, kind: Option<&[u8]>) -> bool {
    // calamine's own resolution of a sheet's path.
    let path: Cow<'_, str> = if let Some(rooted) = target.strip_prefix('/')
        && rooted.starts_with("xl/")
    {
        Cow::Borrowed(rooted)
    } else if target.starts_with("xl/") {
        Cow::Borrowed(target)
    } else {
        Cow::Owned(format!("xl/{target}"))
    };
    let in_sheet_folder = path
        .split('/')
        .nth(1)
        .is_some_and(|folder| SHEET_FOLDERS.contains(&folder));
    let sheet_type = kind
        .and_then(|kind| kind.rsplit(|&b| b == b'/').next())
        .is_some_and(|last| SHEET_TYPES.iter().any(|t| t.as_bytes() == last));
    if !(in_sheet_folder || sheet_type) {
        return true;
    }
    let plain = !path.contains(['\\', ':'])
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    let xml = path
        .rsplit('/')
        .next()
        .and_then(|file| file.rsplit_once('.'))
        .is_some_and(|(stem, ext)| !stem.is_empty() && ext.eq_ignore_ascii_case("xml"));
    plain && xml
}

/// A read error while inflating is a damaged (or CRC-failing, e.g. truncated) part.
fn zip_error(error: io::Error) -> SheetError {
    SheetError::Zip(ZipError::Io(error))
}

/// An archive that contradicts itself, refused as damaged.
fn damaged(why: &'static str) -> SheetError {
    SheetError::Zip(ZipError::InvalidArchive(Cow::Borrowed(why)))
}
