//! Background work inside `serve`: polling the sites the server reaches itself, and upkeep
//! (rollups, retention, purges). The market refresh lives with the market service
//! (`crate::market`), the alert evaluation with the alert engine (`crate::alerts`).

pub mod poll_settings;
pub mod poller;
pub mod upkeep;
