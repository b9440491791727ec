//! SCAFFOLD: tests for servicenow, being written in this session.
