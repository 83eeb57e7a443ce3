//! The inventory's columns and the header names that mean them, in English and Chinese.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A column of the inventory file. The codes are stable: reports and translations use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Model,
    Serial,
    Ip,
    Mac,
    Rack,
    Customer,
    Status,
}

impl Column {
    /// Every column in export order.
    pub const ALL: [Self; 7] = [
        Self::Model,
        Self::Serial,
        Self::Ip,
        Self::Mac,
        Self::Rack,
        Self::Customer,
        Self::Status,
    ];

    /// Columns a file must have: a miner cannot be polled or told apart without them.
    pub const REQUIRED: [Self; 3] = [Self::Model, Self::Serial, Self::Ip];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Serial => "serial",
            Self::Ip => "ip",
            Self::Mac => "mac",
            Self::Rack => "rack",
            Self::Customer => "customer",
            Self::Status => "status",
        }
    }

    /// The header the export writes; the import reads it back as this column.
    pub const fn header(self) -> &'static str {
        self.code()
    }

    /// Most characters a cell of this text column may hold: the database's check constraints
    /// (`miner.model_name`, `serial`, `rack`; `customer.name`). `None` for columns that are
    /// parsed instead (IP, MAC, status).
    pub const fn max_chars(self) -> Option<usize> {
        match self {
            Self::Model | Self::Customer => Some(120),
            Self::Serial => Some(64),
            Self::Rack => Some(40),
            Self::Ip | Self::Mac | Self::Status => None,
        }
    }

    /// The column a header cell names, if any. Case, spaces, `_`, `-`, `.` and a trailing
    /// unit-like bracket ("IP (v4)") are ignored, so "IP Address", "`ip_address`" and "IP地址"
    /// all read as [`Column::Ip`].
    pub fn from_header(header: &str) -> Option<Self> {
        let key = header_key(header);
        let column = match key.as_str() {
            "model" | "modelname" | "minermodel" | "型号" | "机型" | "矿机型号" => {
                Self::Model
            }
            "serial" | "serialnumber" | "serialno" | "sn" | "序列号" | "sn码" | "机器序列号" => {
                Self::Serial
            }
            "ip" | "ipaddress" | "ipaddr" | "ipv4" | "ip地址" => Self::Ip,
            "mac" | "macaddress" | "macaddr" | "mac地址" | "物理地址" => Self::Mac,
            "rack" | "rackposition" | "position" | "rackslot" | "机架" | "机架位" | "机位"
            | "位置" => Self::Rack,
            "customer" | "client" | "customername" | "clientname" | "客户" | "客户名称" => {
                Self::Customer
            }
            "status" | "state" | "状态" => Self::Status,
            _ => return None,
        };
        Some(column)
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A header reduced to what identifies it: lower case, without separators, and without a
/// bracketed suffix (half- or full-width brackets, as Chinese sheets write them).
fn header_key(header: &str) -> String {
    let trimmed = header.trim().trim_start_matches('\u{feff}');
    let base = trimmed
        .find(['(', '（', '['])
        .filter(|&at| at > 0)
        .map_or(trimmed, |at| &trimmed[..at]);
    base.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | ':' | '：'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_chinese_aliases_name_the_same_columns() {
        let cases = [
            ("Serial Number", Column::Serial),
            ("SN", Column::Serial),
            ("序列号", Column::Serial),
            ("IP Address", Column::Ip),
            ("ip_address", Column::Ip),
            ("IP地址", Column::Ip),
            ("MAC-Address", Column::Mac),
            ("MAC地址", Column::Mac),
            ("型号", Column::Model),
            ("Rack Position", Column::Rack),
            ("机架", Column::Rack),
            ("Client", Column::Customer),
            ("客户", Column::Customer),
            ("状态", Column::Status),
            (" STATUS ", Column::Status),
            ("IP (v4)", Column::Ip),
            ("型号（矿机）", Column::Model),
        ];
        for (header, column) in cases {
            assert_eq!(Column::from_header(header), Some(column), "{header}");
        }
        assert_eq!(Column::from_header("comment"), None);
        assert_eq!(
            Column::from_header("序号"),
            None,
            "a row counter is not a serial"
        );
    }

    #[test]
    fn the_export_headers_read_back_as_their_columns() {
        for column in Column::ALL {
            assert_eq!(Column::from_header(column.header()), Some(column));
        }
    }
}
