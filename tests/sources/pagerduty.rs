//! SCAFFOLD: tests for pagerduty, being written in this session.
