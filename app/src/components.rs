//! Reusable pieces of the interface.

pub mod bound;
pub mod charts;
pub mod echart;
pub mod error_view;
pub mod language;
pub mod layout;
pub mod live;
pub mod market_origin;
pub mod page_title;
pub mod quick_estimate;
pub mod session;
pub mod theme;
pub mod wallet;
pub mod with_catalogue;
