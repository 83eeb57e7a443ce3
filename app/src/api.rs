//! Server functions, grouped by resource. Each one is thin: context, parse, call, map errors.

pub mod auth;
pub mod catalogue;
pub mod keys;
pub mod market;
pub mod users;
pub mod wallet;
