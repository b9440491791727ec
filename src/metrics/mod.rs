//! Metrics: pure functions over the store's `LazyFrame`s. No I/O here: callers scan the store and
//! hand the frames in, so every metric can be tested on frames built in memory.
//!
//! For now this holds the per-team overview that `aftermath run` prints; the metric catalogue of
//! `metrics.md` grows here.

pub mod overview;
