//! SCAFFOLD: tests for opsgenie, being written in this session.
