//! Metric tests through the binary: the data-driven cases with hand-computed numbers
//! (`cases.rs`, fixtures in `tests/fixtures/metrics/`) and the command's own behaviour
//! (`cli.rs`: formats, `--explain`, errors).

mod cases;
mod cli;
