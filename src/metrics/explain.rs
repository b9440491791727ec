//! Placeholder while this session builds the family.
