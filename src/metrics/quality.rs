//! Placeholder while this session builds the family.
use super::{Frames, MetricTable, Scope};
use crate::config::Config;
use crate::error::{Error, Result};
pub fn quality(_: &Frames, _: &Config, _: &Scope) -> Result<Vec<MetricTable>> {
    Err(Error::Internal("quality: not built yet".into()))
}
