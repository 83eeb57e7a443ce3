//! Miners of the inventory: their identity on the farm network, their lifecycle status and the
//! approval workflow a new machine goes through before the collector polls it.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::status::MinerStatus;

/// Where a miner stands in the approval workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    Draft,
    Pending,
    Approved,
    Rejected,
}

impl Approval {
    pub const ALL: [Self; 4] = [Self::Draft, Self::Pending, Self::Approved, Self::Rejected];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the workflow allows this step: submit a draft, approve or reject a pending
    /// miner, take a rejected one back to draft to fix it. An approved miner leaves the
    /// workflow; retiring it is a status change, not an approval step.
    pub const fn can_move_to(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Draft, Self::Pending)
                | (Self::Pending, Self::Approved | Self::Rejected)
                | (Self::Rejected, Self::Draft)
        )
    }

    /// The states from which `next` may be reached.
    pub fn sources_of(next: Self) -> Vec<Self> {
        Self::ALL
            .into_iter()
            .filter(|from| from.can_move_to(next))
            .collect()
    }
}

/// A miner as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Miner {
    pub miner_id: i64,
    pub site_id: i64,
    pub customer_id: Option<i64>,
    pub asic_model_id: Option<i64>,
    /// The catalogue name when the miner was recorded; kept if the catalogue entry goes.
    pub model_name: String,
    pub serial: String,
    /// IPv4 dotted quad, unique within the site.
    pub ip: String,
    /// Lower-case, colon-separated.
    pub mac: Option<String>,
    pub rack: String,
    pub status: MinerStatus,
    pub approval: Approval,
    pub approval_note: Option<String>,
    pub approved_by_user_id: Option<i64>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// What an import row or the miner form gives. A new miner starts as a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMiner {
    pub customer_id: Option<i64>,
    pub asic_model_id: Option<i64>,
    pub model_name: String,
    pub serial: String,
    pub ip: String,
    pub mac: Option<String>,
    pub rack: String,
    pub status: MinerStatus,
}

pub const MAX_MODEL_NAME_CHARS: usize = 120;
pub const MAX_SERIAL_CHARS: usize = 64;
pub const MAX_RACK_CHARS: usize = 40;
pub const MAX_APPROVAL_NOTE_CHARS: usize = 500;

/// The fields of a miner that can collide with another miner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UniqueField {
    Serial,
    Ip,
    Mac,
}

/// Why a miner's fields are refused; each names the field, for the import report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MinerFieldError {
    #[error("model: 1 to {MAX_MODEL_NAME_CHARS} characters")]
    ModelName,
    #[error("serial: 1 to {MAX_SERIAL_CHARS} characters, no spaces")]
    Serial,
    #[error("ip: an IPv4 address such as 10.0.12.7")]
    Ip,
    #[error("mac: six pairs of hex digits such as aa:bb:cc:00:11:22")]
    Mac,
    #[error("rack: at most {MAX_RACK_CHARS} characters")]
    Rack,
    #[error("customer: no such customer")]
    UnknownCustomer,
    #[error("model: no such catalogue entry")]
    UnknownModel,
}

/// The canonical form of an IPv4 address (`10.0.0.7`), or `None`: what the miner table stores,
/// so that sorting, uniqueness and the collector all see one spelling.
pub fn canonical_ip(text: &str) -> Option<String> {
    text.trim()
        .parse::<Ipv4Addr>()
        .ok()
        .map(|ip| ip.to_string())
}

/// The canonical form of a MAC address (`aa:bb:cc:00:11:22`) from colon, dash or bare-hex
/// spellings in either case, or `None`.
pub fn canonical_mac(text: &str) -> Option<String> {
    let hex: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ':' | '-'))
        .collect();
    if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let lower = hex.to_ascii_lowercase();
    let pairs: Vec<&str> = (0..6).map(|i| &lower[2 * i..2 * i + 2]).collect();
    Some(pairs.join(":"))
}

fn within(text: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&text.chars().count()) && !text.chars().any(char::is_control)
}

impl NewMiner {
    /// Checks the fields as the database will store them (already canonical: see
    /// [`canonical_ip`], [`canonical_mac`]); the first refused field is reported.
    pub fn validate(&self) -> Result<(), MinerFieldError> {
        if !within(&self.model_name, 1, MAX_MODEL_NAME_CHARS) {
            return Err(MinerFieldError::ModelName);
        }
        if !within(&self.serial, 1, MAX_SERIAL_CHARS) || self.serial.contains(char::is_whitespace) {
            return Err(MinerFieldError::Serial);
        }
        if canonical_ip(&self.ip).as_deref() != Some(self.ip.as_str()) {
            return Err(MinerFieldError::Ip);
        }
        if let Some(mac) = &self.mac
            && canonical_mac(mac).as_deref() != Some(mac.as_str())
        {
            return Err(MinerFieldError::Mac);
        }
        if !within(&self.rack, 0, MAX_RACK_CHARS) {
            return Err(MinerFieldError::Rack);
        }
        Ok(())
    }
}

/// What became of one row of an import, in the order of the rows given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum InsertOutcome {
    Inserted {
        miner_id: i64,
    },
    /// Another miner (already stored, or earlier in the same import) has this value.
    Duplicate {
        field: UniqueField,
    },
    Invalid {
        error: MinerFieldError,
    },
}

/// A miner that an approval step left where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedApproval {
    pub miner_id: i64,
    /// Its state, which does not allow the step; `None` when the site has no such miner.
    pub current: Option<Approval>,
}

/// The result of one approval step over many miners.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalReport {
    pub moved: Vec<i64>,
    pub refused: Vec<RefusedApproval>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_allows_exactly_its_four_steps() {
        use Approval::{Approved, Draft, Pending, Rejected};
        let allowed: Vec<(Approval, Approval)> = Approval::ALL
            .into_iter()
            .flat_map(|from| Approval::ALL.into_iter().map(move |to| (from, to)))
            .filter(|(from, to)| from.can_move_to(*to))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Draft, Pending),
                (Pending, Approved),
                (Pending, Rejected),
                (Rejected, Draft)
            ]
        );
        assert_eq!(Approval::sources_of(Draft), vec![Rejected]);
        assert!(Approval::sources_of(Draft).iter().all(|s| *s != Approved));
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for approval in Approval::ALL {
            assert_eq!(Approval::parse(approval.as_str()), Some(approval));
            assert_eq!(
                serde_json::to_value(approval).unwrap(),
                serde_json::json!(approval.as_str())
            );
        }
        for status in MinerStatus::ALL {
            assert_eq!(MinerStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(Approval::parse("pending_approval"), None);
    }

    #[test]
    fn addresses_are_canonicalised_or_refused() {
        assert_eq!(canonical_ip(" 10.0.12.7 ").as_deref(), Some("10.0.12.7"));
        assert_eq!(canonical_ip("10.0.12.07"), None);
        assert_eq!(canonical_ip("10.0.12.256"), None);
        assert_eq!(
            canonical_mac("AA-BB-CC-00-11-22").as_deref(),
            Some("aa:bb:cc:00:11:22")
        );
        assert_eq!(
            canonical_mac("aabbcc001122").as_deref(),
            Some("aa:bb:cc:00:11:22")
        );
        assert_eq!(canonical_mac("aa:bb:cc:00:11"), None);
        assert_eq!(canonical_mac("gg:bb:cc:00:11:22"), None);
    }

    fn miner() -> NewMiner {
        NewMiner {
            customer_id: None,
            asic_model_id: None,
            model_name: "Antminer S21".into(),
            serial: "SN-1".into(),
            ip: "10.0.0.1".into(),
            mac: Some("aa:bb:cc:00:11:22".into()),
            rack: "A-01-03".into(),
            status: MinerStatus::Active,
        }
    }

    #[test]
    fn validation_names_the_refused_field() {
        assert_eq!(miner().validate(), Ok(()));
        let cases = [
            (
                NewMiner {
                    model_name: String::new(),
                    ..miner()
                },
                MinerFieldError::ModelName,
            ),
            (
                NewMiner {
                    serial: "SN 1".into(),
                    ..miner()
                },
                MinerFieldError::Serial,
            ),
            (
                NewMiner {
                    serial: "x".repeat(65),
                    ..miner()
                },
                MinerFieldError::Serial,
            ),
            (
                NewMiner {
                    ip: "10.0.0".into(),
                    ..miner()
                },
                MinerFieldError::Ip,
            ),
            (
                NewMiner {
                    mac: Some("AA:BB:CC:00:11:22".into()),
                    ..miner()
                },
                MinerFieldError::Mac,
            ),
            (
                NewMiner {
                    rack: "r".repeat(41),
                    ..miner()
                },
                MinerFieldError::Rack,
            ),
        ];
        for (row, error) in cases {
            assert_eq!(row.validate(), Err(error), "{row:?}");
        }
    }
}
