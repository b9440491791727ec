//! SCAFFOLD: tests for conformance, being written in this session.
