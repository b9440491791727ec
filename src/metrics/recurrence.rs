//! Placeholder while this session builds the family.
use super::{Frames, MetricTable, Scope};
use crate::config::Config;
use crate::error::{Error, Result};
pub fn recurrence(_: &Frames, _: &Config, _: &Scope, _: bool) -> Result<Vec<MetricTable>> {
    Err(Error::Internal("recurrence: not built yet".into()))
}
