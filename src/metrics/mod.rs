//! Metrics: pure functions over the store's `LazyFrame`s. No I/O here: callers scan the store and
//! hand the frames in, so every metric can be tested on frames built in memory.
//!
//! The per-team overview that `aftermath run` prints lives here, beside the building blocks of the
//! metric catalogue (`metrics.md`): the statistics (`stats`), the business/off/sleep judgement of
//! an instant in a team's zone with the interruption merge and flapping rules (`hours`), and the
//! title templates and similarity of recurrence (`template`). The grouped metrics over the store's
//! frames and `aftermath metrics` are built on these next.

pub mod hours;
pub mod overview;
pub mod stats;
pub mod template;
