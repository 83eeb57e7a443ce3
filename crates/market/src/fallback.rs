//! The fallback chain: try sources in order, keep each failure, return the first good value.

use crate::{
    Source, Sourced,
    error::{AllSourcesFailed, FetchError, SourceFailure},
    sourced::now_ms,
};

pub(crate) struct Chain {
    what: &'static str,
    failures: Vec<SourceFailure>,
}

impl Chain {
    pub(crate) const fn new(what: &'static str) -> Self {
        Self {
            what,
            failures: Vec::new(),
        }
    }

    /// The value if `result` is good, else `None` with the failure recorded and logged.
    pub(crate) fn attempt<T>(
        &mut self,
        source: Source,
        result: Result<T, FetchError>,
    ) -> Option<Sourced<T>> {
        match result {
            Ok(value) => {
                if !self.failures.is_empty() {
                    tracing::info!(what = self.what, %source, "fell back to a later source");
                }
                Some(Sourced::new(value, source, now_ms()))
            }
            Err(error) => {
                tracing::warn!(what = self.what, %source, %error, "source failed");
                self.failures.push(SourceFailure { source, error });
                None
            }
        }
    }

    pub(crate) fn failed(self) -> AllSourcesFailed {
        AllSourcesFailed {
            what: self.what,
            failures: self.failures,
        }
    }
}
