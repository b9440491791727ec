//! Placeholder while this session builds the family.
use super::{Dim, Frames, MetricTable, Scope};
use crate::config::Config;
use crate::error::{Error, Result};
pub fn fatigue(
    _: &Frames,
    _: &Config,
    _: &Scope,
    _: Option<&[Dim]>,
    _: bool,
) -> Result<Vec<MetricTable>> {
    Err(Error::Internal("fatigue: not built yet".into()))
}
