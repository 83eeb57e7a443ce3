//! Server functions, grouped by resource. Each one is thin: context, parse, call, map errors.

pub mod catalogue;
pub mod market;
