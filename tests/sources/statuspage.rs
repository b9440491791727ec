//! SCAFFOLD: tests for statuspage, being written in this session.
