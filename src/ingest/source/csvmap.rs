//! SCAFFOLD: the csv connector, being written in this session.

use super::{Input, Out, Source, SourceContext};
use crate::error::{Error, Result};

#[derive(Debug, Default)]
pub struct CsvMapping;

impl Source for CsvMapping {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn detect(&self, _input: &Input) -> Option<&'static str> {
        None
    }

    fn read(&mut self, input: &Input, _ctx: &SourceContext, _out: &mut Out) -> Result<()> {
        Err(Error::input(
            &input.path,
            None,
            "the csv connector is not built yet",
        ))
    }
}
