//! The one body of every refusal, from the REST API and from server functions alike:
//! `{"error":{"code","message","fields":[{"field","code","message"}]}}`. `code` is stable for
//! programs, `message` is for people (in the caller's language where the server knows it), and
//! `fields` is there only when the refusal is about the fields of the input.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorInfo {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
    /// How long to wait before trying again, for a rate limit (also sent as `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

/// What is wrong with one field of the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: ErrorInfo {
                code: code.into(),
                message: message.into(),
                fields: Vec::new(),
                retry_after_secs: None,
            },
        }
    }

    #[must_use]
    pub fn with_fields(mut self, fields: Vec<FieldProblem>) -> Self {
        self.error.fields = fields;
        self
    }

    #[must_use]
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.error.retry_after_secs = Some(secs);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_appear_only_for_validation() {
        let plain = serde_json::to_value(ErrorBody::new("forbidden", "Forbidden")).unwrap();
        assert_eq!(
            plain,
            serde_json::json!({ "error": { "code": "forbidden", "message": "Forbidden" } })
        );
        let invalid =
            ErrorBody::new("invalid_input", "Check the fields").with_fields(vec![FieldProblem {
                field: "hashrate_ths".into(),
                code: "not_positive".into(),
                message: "must be above 0".into(),
            }]);
        let json = serde_json::to_value(&invalid).unwrap();
        assert_eq!(json["error"]["fields"][0]["field"], "hashrate_ths");
        let back: ErrorBody = serde_json::from_value(json).unwrap();
        assert_eq!(back, invalid);
    }
}
