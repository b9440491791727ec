//! SCAFFOLD: the grafana connector, being written in this session.

use super::{Input, Out, Source, SourceContext};
use crate::error::{Error, Result};

#[derive(Debug, Default)]
pub struct Grafana;

impl Source for Grafana {
    fn name(&self) -> &'static str {
        "grafana"
    }

    fn detect(&self, _input: &Input) -> Option<&'static str> {
        None
    }

    fn read(&mut self, input: &Input, _ctx: &SourceContext, _out: &mut Out) -> Result<()> {
        Err(Error::input(
            &input.path,
            None,
            "the grafana connector is not built yet",
        ))
    }
}
