//! SCAFFOLD: tests for alertmanager, being written in this session.
