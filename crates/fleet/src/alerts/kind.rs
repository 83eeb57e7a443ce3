//! What an alert is about, how bad it is, and what happened to it: the vocabulary is the
//! domain's (`domain::fleet::alert`), the one the store keeps and the pages translate; the
//! engine adds who acknowledged an alert.

use serde::{Deserialize, Serialize};

pub use domain::fleet::alert::{AlertChange, AlertKind, AlertTransition, Severity};

/// Who acknowledged an open alert, and when (unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub by_user_id: i64,
    pub at_ms: i64,
}
