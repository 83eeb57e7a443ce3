//! A miner's operating status in the inventory: one type for the store, the forms, the
//! imports and the pages.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What the hosting operator says a miner is doing, as the `miner.status` column stores it.
/// Whether it answers is telemetry's business, not this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MinerStatus {
    /// In service: polled, alerted on, billed.
    Active,
    /// Taken out for repair; kept in the inventory.
    Maintenance,
    /// Gone for good; kept for history.
    Retired,
}

impl MinerStatus {
    pub const ALL: [Self; 3] = [Self::Active, Self::Maintenance, Self::Retired];

    /// The stable code the database and the CSV export use.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Maintenance => "maintenance",
            Self::Retired => "retired",
        }
    }

    /// Reads a stored or submitted code, exactly.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    /// Reads a status as people type it in English or Chinese spreadsheets, case-insensitively:
    /// the codes themselves plus the usual synonyms ("running", "运行", "维修", "报废", …).
    pub fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_lowercase();
        let status = match lower.as_str() {
            "active" | "running" | "online" | "in service" | "运行" | "运行中" | "在线"
            | "正常" | "启用" => Self::Active,
            "maintenance" | "repair" | "in repair" | "维护" | "维修" | "维修中" | "检修" => {
                Self::Maintenance
            }
            "retired" | "decommissioned" | "scrapped" | "退役" | "报废" | "停用" => {
                Self::Retired
            }
            _ => return None,
        };
        Some(status)
    }
}

impl fmt::Display for MinerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_synonyms_map_in_both_languages() {
        for status in MinerStatus::ALL {
            assert_eq!(MinerStatus::parse(status.code()), Some(status));
            assert_eq!(
                MinerStatus::parse(&status.code().to_uppercase()),
                Some(status)
            );
        }
        assert_eq!(MinerStatus::parse(" 运行 "), Some(MinerStatus::Active));
        assert_eq!(MinerStatus::parse("维修"), Some(MinerStatus::Maintenance));
        assert_eq!(MinerStatus::parse("报废"), Some(MinerStatus::Retired));
        assert_eq!(MinerStatus::parse("broken-ish"), None);
    }
}
