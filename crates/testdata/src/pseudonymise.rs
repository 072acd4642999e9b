//! See the crate documentation. (being written)
