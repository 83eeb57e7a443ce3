//! One page component per file.

pub mod batch;
pub mod calculator;
pub mod catalogue;
pub mod home;
pub mod network;
pub mod not_found;
