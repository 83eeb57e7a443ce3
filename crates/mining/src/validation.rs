//! Field-level validation errors shared by every input struct, so a form can mark each wrong
//! field at once instead of fixing them one round-trip at a time.

use serde::Serialize;
use thiserror::Error;

/// Why one field's value is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Error)]
pub enum FieldErrorCode {
    /// NaN or ±infinity.
    #[error("must be a finite number")]
    NotFinite,
    /// Zero or negative where only a positive value makes sense.
    #[error("must be greater than zero")]
    MustBePositive,
    /// Negative where zero is the smallest sensible value.
    #[error("must be zero or more")]
    MustBeNonNegative,
    /// Outside a closed range (the range is documented on the field).
    #[error("is outside the allowed range")]
    OutOfRange,
    /// Above the largest plausible value (the limit is documented on the field).
    #[error("is implausibly large")]
    TooLarge,
    /// A list that must hold at least one value is empty.
    #[error("must not be empty")]
    Empty,
}

/// One refused field: its name as in the input struct (nested fields joined by '.') and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Error)]
#[error("{field} {code}")]
pub struct FieldError {
    pub field: &'static str,
    pub code: FieldErrorCode,
}

/// Collects every field error of one input instead of stopping at the first.
#[derive(Debug, Default)]
pub(crate) struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub(crate) fn push(&mut self, field: &'static str, code: FieldErrorCode) {
        self.errors.push(FieldError { field, code });
    }

    /// 0 < value ≤ max.
    pub(crate) fn positive(&mut self, field: &'static str, value: f64, max: f64) {
        if let Some(code) = positive_code(value, max) {
            self.push(field, code);
        }
    }

    /// 0 ≤ value ≤ max.
    pub(crate) fn non_negative(&mut self, field: &'static str, value: f64, max: f64) {
        if let Some(code) = non_negative_code(value, max) {
            self.push(field, code);
        }
    }

    /// min ≤ value ≤ max.
    pub(crate) fn range(&mut self, field: &'static str, value: f64, min: f64, max: f64) {
        if let Some(code) = range_code(value, min, max) {
            self.push(field, code);
        }
    }

    pub(crate) fn extend(&mut self, errors: Vec<FieldError>) {
        self.errors.extend(errors);
    }

    pub(crate) fn finish(self) -> Vec<FieldError> {
        self.errors
    }
}

pub(crate) fn positive_code(value: f64, max: f64) -> Option<FieldErrorCode> {
    if !value.is_finite() {
        Some(FieldErrorCode::NotFinite)
    } else if value <= 0.0 {
        Some(FieldErrorCode::MustBePositive)
    } else if value > max {
        Some(FieldErrorCode::TooLarge)
    } else {
        None
    }
}

pub(crate) fn non_negative_code(value: f64, max: f64) -> Option<FieldErrorCode> {
    if !value.is_finite() {
        Some(FieldErrorCode::NotFinite)
    } else if value < 0.0 {
        Some(FieldErrorCode::MustBeNonNegative)
    } else if value > max {
        Some(FieldErrorCode::TooLarge)
    } else {
        None
    }
}

pub(crate) fn range_code(value: f64, min: f64, max: f64) -> Option<FieldErrorCode> {
    if !value.is_finite() {
        Some(FieldErrorCode::NotFinite)
    } else if value < min || value > max {
        Some(FieldErrorCode::OutOfRange)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_and_infinity_are_reported_as_not_finite_before_any_bound() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(positive_code(value, 1.0), Some(FieldErrorCode::NotFinite));
            assert_eq!(
                non_negative_code(value, 1.0),
                Some(FieldErrorCode::NotFinite)
            );
            assert_eq!(range_code(value, 0.0, 1.0), Some(FieldErrorCode::NotFinite));
        }
    }

    #[test]
    fn bounds_are_inclusive() {
        assert_eq!(positive_code(1.0, 1.0), None);
        assert_eq!(
            positive_code(0.0, 1.0),
            Some(FieldErrorCode::MustBePositive)
        );
        assert_eq!(non_negative_code(0.0, 1.0), None);
        assert_eq!(
            non_negative_code(-0.1, 1.0),
            Some(FieldErrorCode::MustBeNonNegative)
        );
        assert_eq!(non_negative_code(1.1, 1.0), Some(FieldErrorCode::TooLarge));
        assert_eq!(range_code(1.0, 1.0, 3.0), None);
        assert_eq!(range_code(3.0, 1.0, 3.0), None);
        assert_eq!(range_code(0.99, 1.0, 3.0), Some(FieldErrorCode::OutOfRange));
    }

    #[test]
    fn the_checker_keeps_every_error_in_order() {
        let mut check = Checker::default();
        check.positive("a", -1.0, 10.0);
        check.positive("b", 5.0, 10.0);
        check.range("c", 11.0, 0.0, 10.0);
        let errors = check.finish();
        assert_eq!(
            errors,
            vec![
                FieldError {
                    field: "a",
                    code: FieldErrorCode::MustBePositive
                },
                FieldError {
                    field: "c",
                    code: FieldErrorCode::OutOfRange
                },
            ]
        );
    }
}
