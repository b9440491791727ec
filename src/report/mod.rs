//! Reports (being built).
pub mod charts;
