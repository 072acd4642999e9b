//! End-to-end tests of the web layer over real HTTP against real databases.

#[path = "../common/mod.rs"]
mod common;

mod smoke;
