//! SCAFFOLD: tests for firehydrant, being written in this session.
