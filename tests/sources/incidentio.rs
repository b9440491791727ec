//! SCAFFOLD: tests for incidentio, being written in this session.
