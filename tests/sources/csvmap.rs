//! SCAFFOLD: tests for csvmap, being written in this session.
