//! SCAFFOLD: tests for grafana, being written in this session.
