//! Placeholder while this session builds the family.
use super::{Dim, Frames, MetricTable, Scope};
use crate::config::Config;
use crate::error::{Error, Result};
pub fn actions(_: &Frames, _: &Config, _: &Scope, _: Option<&[Dim]>) -> Result<Vec<MetricTable>> {
    Err(Error::Internal("actions: not built yet".into()))
}
